// Node-only: saslkit/node channelBinding() on real node:tls connections, with throwaway
// certificates made by the openssl command at test time, and SCRAM-SHA-256-PLUS run over them.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelBinding } from '../../src/node/index.js'
import { base64Decode, base64Encode, deriveCredentials, scramSha256Plus, type ChannelBinding, type StoredCredentials } from '../../src/index.js'
import { rejectsWithCode } from '../helpers/exchange.js'

type BindingType = ChannelBinding['type']
interface Cert {
  key: Buffer
  cert: Buffer
  der: Buffer
}

let dir: string
const certs: Record<string, Cert> = {}
let users: Record<string, StoredCredentials>

function makeCert(name: string, args: string[]): Cert {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.pem`)
  execFileSync('openssl', ['req', '-x509', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert, ...args], { stdio: 'pipe' })
  const der = execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER'])
  return { key: readFileSync(key), cert: readFileSync(cert), der }
}

/** The expected tls-server-end-point, computed by the openssl command, not by the code under test. */
function opensslDigest(der: Buffer, hash: string): Uint8Array {
  const out = execFileSync('openssl', ['dgst', `-${hash}`, '-binary'], { input: der })
  return new Uint8Array(out)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saslkit-cb-'))
  certs['ecdsaSha384'] = makeCert('ecdsa-sha384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha384'])
  certs['rsaSha256'] = makeCert('rsa-sha256', ['-newkey', 'rsa:2048', '-sha256'])
  certs['rsaSha1'] = makeCert('rsa-sha1', ['-newkey', 'rsa:2048', '-sha1'])
  certs['rsaPssSha512'] = makeCert('rsa-pss-sha512', ['-newkey', 'rsa:2048', '-sigopt', 'rsa_padding_mode:pss', '-sha512'])
  certs['ed25519'] = makeCert('ed25519', ['-newkey', 'ed25519'])
  users = { user: await deriveCredentials('pencil') }
})

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

interface Pair {
  client: tls.TLSSocket
  server: tls.TLSSocket
  close(): Promise<void>
}

/** A TLS server with one certificate and TLS version; connections to it share its session cache. */
async function listen(cert: Cert, version: 'TLSv1.2' | 'TLSv1.3'): Promise<{ server: tls.Server; port: number }> {
  const server = tls.createServer({ key: cert.key, cert: cert.cert, minVersion: version, maxVersion: version })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as { port: number }).port }
}

/** A connected client/server pair over loopback; closing it closes the listener unless `keep`. */
async function connect(cert: Cert | { server: tls.Server; port: number }, version: 'TLSv1.2' | 'TLSv1.3', session?: Buffer): Promise<Pair & { session?: Buffer }> {
  const own = 'key' in cert
  const { server: srv, port } = own ? await listen(cert, version) : cert
  const serverSide = once(srv, 'secureConnection') as Promise<[tls.TLSSocket]>
  let saved: Buffer | undefined
  const client = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: version, maxVersion: version, ...(session ? { session } : {}) })
  client.on('session', (s: Buffer) => {
    saved = s
  })
  await once(client, 'secureConnect')
  const [server] = await serverSide
  return {
    client,
    server,
    get session() {
      return saved
    },
    async close() {
      client.destroy()
      server.destroy()
      if (own) {
        srv.close()
        await once(srv, 'close')
      }
    },
  }
}

/** Lines over a socket: one SCRAM message per line, `<kind> <base64>`. */
function lines(socket: tls.TLSSocket): () => Promise<[string, Uint8Array]> {
  const queue: string[] = []
  const waiting: Array<(line: string) => void> = []
  createInterface({ input: socket }).on('line', (line) => {
    const w = waiting.shift()
    if (w) w(line)
    else queue.push(line)
  })
  return async () => {
    const line = queue.shift() ?? (await new Promise<string>((resolve) => waiting.push(resolve)))
    const [kind, data = ''] = line.split(' ')
    return [kind!, base64Decode(data)]
  }
}

/**
 * SCRAM-SHA-256-PLUS between the two ends of `pair`, every message over the TLS connection.
 * The server's binding comes from `serverBindingSocket` (the same connection, or, for a
 * man in the middle, another one).
 */
async function scramOver(pair: Pair, type: BindingType, serverBinding: ChannelBinding): Promise<{ serverOutcome: string; clientError?: string }> {
  const clientRead = lines(pair.client)
  const serverRead = lines(pair.server)
  const server = scramSha256Plus.server({ credentials: (u) => users[u], channel: { secure: true, bindings: [serverBinding] } })
  const serverLoop = (async () => {
    for (;;) {
      const [, data] = await serverRead()
      const step = await server.next(data)
      if (step.type === 'challenge') pair.server.write(`C ${base64Encode(step.challenge)}\n`)
      else if (step.type === 'success') {
        pair.server.write(`S ${base64Encode(step.additionalData!)}\n`)
        return `success ${step.identity.authcid} ${String(step.identity.details?.['channelBinding'])}`
      } else {
        pair.server.write(`F ${base64Encode(step.additionalData ?? new Uint8Array(0))}\n`)
        return `${step.error.code} ${step.error.reason ?? ''}`
      }
    }
  })()
  const client = scramSha256Plus.client({ username: 'user', password: 'pencil', channelBinding: channelBinding(pair.client, type) })
  let clientError: string | undefined
  try {
    pair.client.write(`R ${base64Encode((await client.start())!)}\n`)
    for (;;) {
      const [kind, data] = await clientRead()
      if (kind === 'C') pair.client.write(`R ${base64Encode(await client.next(data))}\n`)
      else if (kind === 'S') {
        await client.finish(data)
        break
      } else {
        await client.next(data) // e=…: throws
        break
      }
    }
  } catch (error) {
    clientError = (error as { code?: string }).code ?? String(error)
  }
  const serverOutcome = await serverLoop
  return clientError === undefined ? { serverOutcome } : { serverOutcome, clientError }
}

const TYPES: Record<'TLSv1.2' | 'TLSv1.3', BindingType[]> = {
  'TLSv1.3': ['tls-server-end-point', 'tls-exporter'],
  'TLSv1.2': ['tls-server-end-point', 'tls-unique'],
}

describe('channelBinding on a real node:tls connection', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    for (const type of TYPES[version]) {
      it(`${version} ${type}: both ends compute the same data, and SCRAM-SHA-256-PLUS succeeds over the connection`, async () => {
        const pair = await connect(certs['ecdsaSha384']!, version)
        try {
          const onServer = channelBinding(pair.server, type)
          const onClient = channelBinding(pair.client, type)
          expect(onClient).toEqual(onServer)
          expect(onClient.data.length).toBe(type === 'tls-unique' ? 12 : type === 'tls-exporter' ? 32 : 48)
          if (type === 'tls-server-end-point') expect(onClient.data).toEqual(opensslDigest(certs['ecdsaSha384']!.der, 'sha384'))
          const result = await scramOver(pair, type, onServer)
          expect(result).toEqual({ serverOutcome: `success user ${type}` })
        } finally {
          await pair.close()
        }
      })

      it(`${version} ${type}: a server that sees another certificate's connection (man in the middle) refuses with not-authorized`, async () => {
        // The client talks TLS to the attacker (certificate rsaSha256); the attacker relays the
        // SCRAM messages to the real server over its own TLS connection (certificate ecdsaSha384).
        const toAttacker = await connect(certs['rsaSha256']!, version)
        const attackerToServer = await connect(certs['ecdsaSha384']!, version)
        try {
          const result = await scramOver(toAttacker, type, channelBinding(attackerToServer.server, type))
          expect(result.serverOutcome).toBe('not-authorized channel-binding-mismatch')
          expect(result.clientError).toBe('not-authorized')
        } finally {
          await toAttacker.close()
          await attackerToServer.close()
        }
      })
    }
  }

  it('TLS 1.2 tls-unique after session resumption (the server’s Finished comes first, RFC 5929 §3.1)', async () => {
    const listener = await listen(certs['rsaSha256']!, 'TLSv1.2')
    try {
      const first = await connect(listener, 'TLSv1.2')
      const fresh = { client: channelBinding(first.client, 'tls-unique'), server: channelBinding(first.server, 'tls-unique') }
      expect(fresh.client).toEqual(fresh.server)
      expect(fresh.client.data).toEqual(new Uint8Array(first.client.getFinished()!)) // full handshake: the client's Finished
      const session = first.session
      await first.close()
      expect(session).toBeDefined()
      const resumed = await connect(listener, 'TLSv1.2', session)
      try {
        expect(resumed.client.isSessionReused()).toBe(true)
        expect(channelBinding(resumed.client, 'tls-unique')).toEqual(channelBinding(resumed.server, 'tls-unique'))
        expect(channelBinding(resumed.client, 'tls-unique').data).toEqual(new Uint8Array(resumed.client.getPeerFinished()!))
        expect(await scramOver(resumed, 'tls-unique', channelBinding(resumed.server, 'tls-unique'))).toEqual({ serverOutcome: 'success user tls-unique' })
      } finally {
        await resumed.close()
      }
    } finally {
      listener.server.close()
    }
  })

  it('refuses what a connection cannot provide', async () => {
    const v13 = await connect(certs['rsaSha256']!, 'TLSv1.3')
    const v12 = await connect(certs['rsaSha256']!, 'TLSv1.2')
    try {
      await rejectsWithCode(() => channelBinding(v13.client, 'tls-unique'), 'invalid-mechanism')
      await rejectsWithCode(() => channelBinding(v12.server, 'tls-exporter'), 'invalid-mechanism')
      await rejectsWithCode(() => channelBinding(v13.client, 'tls-bogus' as BindingType), 'protocol-violation') // decision 5
      // The side can be forced: the server's own end as "client" has no peer certificate.
      await rejectsWithCode(() => channelBinding(v13.server, 'tls-server-end-point', { side: 'client' }), 'invalid-mechanism')
    } finally {
      await v13.close()
      await v12.close()
    }
  })

  it('refuses a socket that is not TLS or whose handshake has not finished', async () => {
    await rejectsWithCode(() => channelBinding({} as tls.TLSSocket, 'tls-exporter'), 'protocol-violation')
    const socket = new tls.TLSSocket(null as unknown as import('node:net').Socket)
    try {
      await rejectsWithCode(() => channelBinding(socket, 'tls-exporter'), 'protocol-violation')
    } finally {
      socket.destroy()
    }
  })
})

describe('tls-server-end-point hash choice (RFC 5929 §4.1), against openssl dgst', () => {
  // A stand-in socket: the certificate is all that tls-server-end-point reads.
  const peerWith = (der: Buffer) =>
    ({ getProtocol: () => 'TLSv1.3', getFinished: () => Buffer.alloc(32), getPeerCertificate: () => ({ raw: der }) }) as unknown as tls.TLSSocket
  const cases: Array<[string, string]> = [
    ['ecdsaSha384', 'sha384'],
    ['rsaSha256', 'sha256'],
    ['rsaSha1', 'sha256'], // SHA-1 signatures: SHA-256
    ['rsaPssSha512', 'sha512'], // RSASSA-PSS: the hash in its parameters
  ]
  for (const [name, hash] of cases) {
    it(`${name} → ${hash}`, () => {
      const binding = channelBinding(peerWith(certs[name]!.der), 'tls-server-end-point', { side: 'client' })
      expect(binding.data).toEqual(opensslDigest(certs[name]!.der, hash))
    })
  }

  it('Ed25519 has no signature hash: refused', async () => {
    await rejectsWithCode(() => channelBinding(peerWith(certs['ed25519']!.der), 'tls-server-end-point', { side: 'client' }), 'invalid-mechanism')
  })

  it('an unreadable certificate is refused', async () => {
    await rejectsWithCode(() => channelBinding(peerWith(Buffer.from([0x30, 0x82, 0xff])), 'tls-server-end-point', { side: 'client' }), 'invalid-mechanism')
  })
})
