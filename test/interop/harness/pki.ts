// A throwaway PKI for the TLS peers: a CA, a server certificate for localhost/127.0.0.1 and a
// client certificate for the account (EXTERNAL), made with openssl in a temp dir.
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { account } from '../rows.js'
import { run } from './process.js'

/** PEM files of a throwaway CA, the server's certificate and the account's client certificate. */
export interface Pki {
  /** The CA certificate (PEM) and its file. */
  readonly ca: string
  readonly caFile: string
  /** The server's certificate and key: files (Dovecot reads them) and PEM (Node serves them). */
  readonly serverCert: string
  readonly serverKey: string
  readonly serverCertPem: string
  readonly serverKeyPem: string
  /** CN = the account's username: Dovecot's EXTERNAL takes the username from it. */
  readonly clientCert: string
  readonly clientKey: string
  /** The same client certificate and key as files (`saslkit probe --cert/--key`). */
  readonly clientCertFile: string
  readonly clientKeyFile: string
}

async function openssl(args: readonly string[]): Promise<void> {
  const result = await run('openssl', args, { timeoutMs: 30_000 })
  if (result.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`)
}

/** A CA and two certificates it signs (server: localhost/127.0.0.1; client: the account), under `dir`. */
export async function makePki(dir: string): Promise<Pki> {
  const path = (name: string) => join(dir, name)
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await openssl(['req', '-x509', ...ecKey, '-days', '2', '-subj', '/CN=saslkit interop CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', path('ca.key'), '-out', path('ca.crt')])
  const issue = async (name: string, subject: string, extensions: string, serial: string) => {
    await writeFile(path(`${name}.ext`), `${extensions}\n`)
    await openssl(['req', ...ecKey, '-subj', subject, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`)])
    await openssl(['x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-set_serial', serial,
      '-days', '2', '-extfile', path(`${name}.ext`), '-out', path(`${name}.crt`)])
    await chmod(path(`${name}.key`), 0o600)
  }
  await issue('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth', '2')
  await issue('client', `/CN=${account.username}`, 'extendedKeyUsage=clientAuth', '3')
  const read = (name: string) => readFile(path(name), 'utf8')
  return {
    ca: await read('ca.crt'),
    caFile: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    serverCertPem: await read('server.crt'),
    serverKeyPem: await read('server.key'),
    clientCert: await read('client.crt'),
    clientKey: await read('client.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
  }
}
