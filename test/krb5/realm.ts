// A throwaway MIT Kerberos realm for the Kerberos tests: everything lives in one temp dir
// (database, stash, keytabs, credential caches, replay cache, logs), the KDC listens on
// 127.0.0.1 only on a free port, and it is stopped by its PID at the end. Needs the Debian
// packages krb5-kdc (krb5kdc, kdb5_util), krb5-user (kinit, klist) and libkrb5-dev
// (krb5-config, headers, libkadm5srv for test/krb5/kdb-admin.c), and gcc.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createSocket } from 'node:dgram'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REALM = 'SASLKIT.TEST'
const here = fileURLToPath(new URL('.', import.meta.url))

/** What the tests need to reach the realm (passed to them by vitest's `provide`). */
export interface Krb5Realm {
  readonly dir: string
  readonly port: number
  /** KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME (alice's tickets), KRB5_KTNAME (imap/localhost), KRB5RCACHEDIR. */
  readonly env: Readonly<Record<string, string>>
  readonly gssHelper: string
  /** alice's keytab, to get more tickets (e.g. short-lived ones) with kinit -k. */
  readonly aliceKeytab: string
  /** The `kerberos` npm package directory (node_modules/kerberos). */
  readonly kerberosPackage: string
}

const run = (command: string, args: string[], env?: NodeJS.ProcessEnv, input?: string) =>
  execFileSync(command, args, { env, input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' })

function krb5Config(...args: string[]): string[] {
  return run('krb5-config', args).trim().split(/\s+/)
}

/** Compiles a test helper against MIT Kerberos (krb5-config gives the flags). */
function compile(source: string, output: string, library: string): void {
  run('gcc', ['-O1', '-Wall', '-o', output, join(here, source), ...krb5Config('--cflags', library), ...krb5Config('--libs', library)])
}

async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
      })
    })
    // The KDC listens on UDP and TCP: the port must be free for both.
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4')
      socket.once('error', () => resolve(false))
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)))
    })
    if (udpFree) return port
  }
  throw new Error('no free port for the KDC')
}

/** Installs the `kerberos` addon into its own directory (never into the shared node_modules). */
function kerberosPackage(root: string): string {
  const prefix = process.env['SASLKIT_KERBEROS_PREFIX'] ?? join(root, '.tmp', 'krb-addon')
  const packageDir = join(prefix, 'node_modules', 'kerberos')
  if (!existsSync(join(packageDir, 'package.json'))) {
    // node-gyp compiles it against libkrb5-dev; with Debian's nodejs the headers are under /usr.
    const env = { ...process.env }
    if (existsSync('/usr/include/node/node_api.h') && env['npm_config_nodedir'] === undefined) env['npm_config_nodedir'] = '/usr'
    console.log(`[krb5] installing the kerberos addon into ${prefix} …`)
    run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', 'kerberos@7'], env)
  }
  return packageDir
}

/** Creates the realm and starts its KDC; `stop()` kills the KDC by PID and removes the dir. */
export async function startRealm(root: string): Promise<{ realm: Krb5Realm; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'saslkit-krb5-'))
  let kdc: ChildProcess | undefined
  const stop = async () => {
    if (kdc?.pid !== undefined && kdc.exitCode === null) {
      const exited = new Promise((resolve) => kdc!.once('exit', resolve))
      process.kill(kdc.pid, 'SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const gssHelper = join(dir, 'gss-helper')
    const kdbAdmin = join(dir, 'kdb-admin')
    compile('gss-helper.c', gssHelper, 'gssapi')
    compile('kdb-admin.c', kdbAdmin, 'kadm-server')

    const port = await freePort()
    writeFileSync(
      join(dir, 'kdc.conf'),
      `[kdcdefaults]
 kdc_listen = 127.0.0.1:${port}
 kdc_tcp_listen = 127.0.0.1:${port}
[realms]
 ${REALM} = {
  database_name = ${dir}/principal
  key_stash_file = ${dir}/stash
  acl_file = ${dir}/kadm5.acl
  kdc_listen = 127.0.0.1:${port}
  kdc_tcp_listen = 127.0.0.1:${port}
  max_life = 1h
  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
 }
[logging]
 kdc = FILE:${dir}/kdc.log
`,
    )
    // No DNS, no reverse lookups, no search-domain qualification: "localhost" stays localhost.
    writeFileSync(
      join(dir, 'krb5.conf'),
      `[libdefaults]
 default_realm = ${REALM}
 dns_lookup_kdc = false
 dns_lookup_realm = false
 rdns = false
 dns_canonicalize_hostname = false
 qualify_shortname = ""
 udp_preference_limit = 1
[realms]
 ${REALM} = {
  kdc = 127.0.0.1:${port}
 }
[domain_realm]
 localhost = ${REALM}
`,
    )
    const env: Record<string, string> = {
      KRB5_CONFIG: join(dir, 'krb5.conf'),
      KRB5_KDC_PROFILE: join(dir, 'kdc.conf'),
      KRB5CCNAME: `FILE:${join(dir, 'alice.ccache')}`,
      KRB5_KTNAME: `FILE:${join(dir, 'imap.keytab')}`,
      KRB5RCACHEDIR: dir,
    }
    const withEnv = { ...process.env, ...env }
    run('kdb5_util', ['create', '-s', '-r', REALM, '-P', `master-${process.pid}-${Date.now()}`], withEnv)
    const aliceKeytab = join(dir, 'alice.keytab')
    run(kdbAdmin, [REALM, `alice@${REALM}`, `FILE:${aliceKeytab}`], withEnv)
    run(kdbAdmin, [REALM, `imap/localhost@${REALM}`, env['KRB5_KTNAME']!], withEnv)
    // A service the KDC knows but the IMAP server's keytab does not hold.
    run(kdbAdmin, [REALM, `smtp/localhost@${REALM}`, `FILE:${join(dir, 'smtp.keytab')}`], withEnv)

    kdc = spawn('krb5kdc', ['-n'], { env: withEnv, stdio: 'ignore' })
    // Wait until the KDC answers: kinit alice from her keytab into the default ccache.
    for (let attempt = 0; ; attempt++) {
      try {
        run('kinit', ['-k', '-t', aliceKeytab, `alice@${REALM}`], withEnv)
        break
      } catch (error) {
        if (attempt >= 50 || kdc.exitCode !== null) {
          const log = existsSync(join(dir, 'kdc.log')) ? readFileSync(join(dir, 'kdc.log'), 'utf8') : ''
          throw new Error(`the KDC did not start: ${String(error)}\n${log}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    return { realm: { dir, port, env, gssHelper, aliceKeytab, kerberosPackage: kerberosPackage(root) }, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
