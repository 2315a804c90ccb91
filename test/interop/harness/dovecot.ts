// Dovecot 2.3 (IMAP, POP3, submission) started by the suite: configuration, passwd-file and a
// self-signed certificate generated in a temp dir, listeners on 127.0.0.1 only (each service
// twice: STARTTLS, and implicit TLS on imaps/pop3s/submissions), `dovecot -F` in the
// foreground so its PID is the master's, stopped by that PID.
//
// Which mechanisms the build has is Dovecot's own word: the auth process refuses to start with
// `auth: Fatal: Unknown authentication mechanism 'X'`. The launcher starts with every mechanism
// of the table, and for each such line records X as lacking (that line is the evidence) and
// starts again without it.
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { account } from '../rows.js'
import { LineSocket } from './lines.js'
import { makePki, type Pki } from './pki.js'
import { PeerProcess, freePort, run } from './process.js'

export interface DovecotPorts {
  readonly imap: number
  readonly pop3: number
  readonly submission: number
  /** Implicit TLS (RFC 8314): the same services with TLS from the first byte. */
  readonly imaps: number
  readonly pop3s: number
  readonly submissions: number
}

export interface Dovecot {
  readonly version: string
  readonly pid: number
  readonly ports: DovecotPorts
  /** The mechanisms in `auth_mechanisms` of the running instance. */
  readonly mechanisms: readonly string[]
  /** Mechanisms the build refused, with the log line that says so. */
  readonly lacking: ReadonlyMap<string, string>
  /** The CA to trust on STARTTLS, and the account's client certificate for EXTERNAL. */
  readonly pki: Pki
  readonly dir: string
  /** Accounts and processes: who the login and internal services run as. */
  readonly users: { readonly login: string; readonly internal: string }
  log(): Promise<string>
  stop(): Promise<void>
}

interface Ids {
  login: string
  internal: string
  /** Non-root only: the group the service sockets get (Dovecot's default is `dovecot`). */
  group?: string
  mailUid: number
  mailGid: number
}

async function uidOf(name: string): Promise<{ uid: number; gid: number }> {
  const result = await run('id', ['-u', name])
  const group = await run('id', ['-g', name])
  if (result.code !== 0 || group.code !== 0) {
    throw new Error(`Dovecot must not run its login processes as root, and there is no '${name}' user (the dovecot-core package creates it)`)
  }
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) }
}

/** The current user; as root, the users dovecot-core creates (login processes refuse root). */
async function serviceIds(): Promise<Ids> {
  const me = userInfo()
  if (me.uid !== 0) {
    const group = await run('id', ['-gn'])
    if (group.code !== 0) throw new Error(`id -gn failed: ${group.stderr}`)
    return { login: me.username, internal: me.username, group: group.stdout.trim(), mailUid: me.uid, mailGid: me.gid }
  }
  const internal = await uidOf('dovecot')
  await uidOf('dovenull')
  return { login: 'dovenull', internal: 'dovecot', mailUid: internal.uid, mailGid: internal.gid }
}

/** Optional parts of the configuration. */
export interface DovecotOptions {
  /** OAUTHBEARER/XOAUTH2: Dovecot's oauth2 passdb asks this RFC 7662 endpoint (POST). */
  readonly introspectionUrl?: string
  /** GSSAPI: keytabs (of the test/krb5 realm) to merge into the one Dovecot reads. */
  readonly keytabs?: readonly string[]
}

/** One keytab from several, with MIT's ktutil (krb5-user). */
async function mergeKeytabs(output: string, inputs: readonly string[]): Promise<void> {
  const script = [...inputs.map((file) => `rkt ${file}`), `wkt ${output}`, 'q', ''].join('\n')
  const result = await run('ktutil', [], { input: script })
  if (result.code !== 0 || /error|not found/i.test(result.stderr)) throw new Error(`ktutil failed: ${result.stderr}`)
}

function config(dir: string, ids: Ids, ports: DovecotPorts, mechanisms: readonly string[], pki: Pki, root: boolean, options: DovecotOptions): string {
  // Non-root Dovecot cannot chroot its login processes.
  const chroot = root ? '' : '  chroot =\n'
  const login = (service: string, port: number, tlsPort: number) =>
    [
      `service ${service}-login {`,
      chroot.trimEnd(),
      `  inet_listener ${service} {`,
      `    address = 127.0.0.1`,
      `    port = ${port}`,
      '  }',
      `  inet_listener ${service}s {`,
      `    address = 127.0.0.1`,
      `    port = ${tlsPort}`,
      '    ssl = yes',
      '  }',
      '}',
    ].filter((line) => line !== '')
  return [
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    `log_path = ${join(dir, 'dovecot.log')}`,
    `info_log_path = ${join(dir, 'dovecot.log')}`,
    'instance_name = saslkit-interop',
    'protocols = imap pop3 submission',
    'listen = 127.0.0.1',
    'hostname = localhost',
    `default_login_user = ${ids.login}`,
    `default_internal_user = ${ids.internal}`,
    ...(ids.group === undefined ? [] : [`default_internal_group = ${ids.group}`]),
    `first_valid_uid = ${ids.mailUid}`,
    `last_valid_uid = ${ids.mailUid}`,
    `first_valid_gid = ${ids.mailGid}`,
    'ssl = yes',
    `ssl_cert = <${pki.serverCert}`,
    `ssl_key = <${pki.serverKey}`,
    // EXTERNAL: a client certificate from our CA names the user (no CRL for a throwaway CA).
    `ssl_ca = <${join(dir, 'ca.crt')}`,
    'ssl_verify_client_cert = yes',
    'ssl_require_crl = no',
    'auth_ssl_username_from_cert = yes',
    'ssl_cert_username_field = commonName',
    'disable_plaintext_auth = no',
    'auth_verbose = yes',
    // GSSAPI: accept any principal of the keytab (imap/, pop/ and smtp/localhost).
    ...(options.keytabs === undefined ? [] : ['auth_gssapi_hostname = "$ALL"', `auth_krb5_keytab = ${join(dir, 'dovecot.keytab')}`]),
    `auth_mechanisms = ${mechanisms.join(' ').toLowerCase()}`,
    // Refusal cases come one after another from 127.0.0.1: no failure delay, and no anvil
    // auth penalty (it would grow each delay to 15 s): with its socket unreachable (mode 0)
    // the auth process runs without it.
    'auth_failure_delay = 0',
    'service anvil {',
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    '}',
    // One passwd-file per mechanism (Dovecot 2.3 has no per-mechanism passdb filter): the
    // OAuth ones are empty, so a token goes on to the oauth2 passdb; EXTERNAL's says
    // nopassword (an empty password falling through to oauth2 makes 2.3.19's auth panic).
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN ${join(dir, 'passwd')}.%{mech}`,
    '}',
    ...(options.introspectionUrl === undefined ? [] : ['passdb {', '  driver = oauth2', `  args = ${join(dir, 'oauth2.conf.ext')}`, '}']),
    'userdb {',
    '  driver = static',
    `  args = uid=${ids.mailUid} gid=${ids.mailGid} home=${join(dir, 'home')}/%u`,
    '}',
    'mail_location = maildir:~/Maildir',
    'submission_relay_host = 127.0.0.1',
    'submission_relay_port = 9',
    ...(root ? [] : ['service anvil {', '  chroot =', '}']),
    ...login('imap', ports.imap, ports.imaps),
    ...login('pop3', ports.pop3, ports.pop3s),
    ...login('submission', ports.submission, ports.submissions),
    '',
  ].join('\n')
}

/** Mechanisms whose credentials are a token checked by the oauth2 passdb. */
const OAUTH = new Set(['OAUTHBEARER', 'XOAUTH2'])
/** Mechanisms that prove the user outside the passdb (certificate, Kerberos ticket). */
const NO_PASSWORD = new Set(['EXTERNAL', 'GSSAPI'])

const UNKNOWN_MECHANISM = /auth: Fatal: Unknown authentication mechanism '([^']+)'/

/**
 * Starts Dovecot with the table's mechanisms (minus those the build refuses). Fails when it
 * does not come up for any other reason, with its log attached.
 */
export async function startDovecot(dir: string, wanted: readonly string[], options: DovecotOptions = {}): Promise<Dovecot> {
  const versionRun = await run('dovecot', ['--version'])
  if (versionRun.code !== 0) throw new Error(`dovecot --version failed: ${versionRun.stderr}`)
  const version = `Dovecot ${versionRun.stdout.trim()}`
  const root = userInfo().uid === 0
  const ids = await serviceIds()
  // The login and internal users must reach the sockets under the temp dir.
  await chmod(dir, 0o755)
  for (const sub of ['run', 'state', 'home']) await mkdir(join(dir, sub), { recursive: true })
  if (root) await chown(join(dir, 'home'), ids.mailUid, ids.mailGid)
  for (const mechanism of wanted) {
    const line = OAUTH.has(mechanism)
      ? ''
      : NO_PASSWORD.has(mechanism)
        ? `${account.username}::::::nopassword=y\n`
        : `${account.username}:{PLAIN}${account.password}::::::\n`
    await writeFile(`${join(dir, 'passwd')}.${mechanism}`, line, { mode: 0o644 })
  }
  const pki = await makePki(dir)
  if (options.keytabs !== undefined) {
    await mergeKeytabs(join(dir, 'dovecot.keytab'), options.keytabs)
    // The auth process runs as the internal user.
    await chmod(join(dir, 'dovecot.keytab'), 0o644)
  }
  if (options.introspectionUrl !== undefined) {
    await writeFile(
      join(dir, 'oauth2.conf.ext'),
      ['introspection_mode = post', `introspection_url = ${options.introspectionUrl}`, 'username_attribute = username', 'active_attribute = active', 'active_value = true', ''].join('\n'),
      { mode: 0o644 },
    )
  }
  const logPath = join(dir, 'dovecot.log')
  const log = () => readFile(logPath, 'utf8').catch(() => '')

  const lacking = new Map<string, string>()
  for (let attempt = 0; attempt < wanted.length + 3; attempt++) {
    const mechanisms = wanted.filter((m) => !lacking.has(m))
    const ports: DovecotPorts = {
      imap: await freePort(),
      pop3: await freePort(),
      submission: await freePort(),
      imaps: await freePort(),
      pop3s: await freePort(),
      submissions: await freePort(),
    }
    const confPath = join(dir, 'dovecot.conf')
    await writeFile(confPath, config(dir, ids, ports, mechanisms, pki, root, options))
    await writeFile(logPath, '')
    const master = new PeerProcess('dovecot', ['-F', '-c', confPath])
    const stop = async () => {
      // SIGTERM to the master's PID: it stops its children and exits.
      try {
        process.kill(master.pid, 'SIGTERM')
      } catch {
        // already gone
      }
      await master.waitExit(15_000)
    }
    const greeting = await firstGreeting(ports.imap, master)
    let text = await log()
    // The log process may write the auth process's last words a moment after the greeting.
    for (let waited = 0; !greeting?.startsWith('* OK') && !UNKNOWN_MECHANISM.test(text) && waited < 3000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      text = await log()
    }
    const unknown = UNKNOWN_MECHANISM.exec(text)
    if (unknown !== null && wanted.includes(unknown[1]!)) {
      lacking.set(unknown[1]!, unknown[0])
      await stop()
      continue
    }
    if (greeting === 'address in use') {
      await stop()
      continue
    }
    if (greeting === undefined || !greeting.startsWith('* OK')) {
      await stop().catch(() => undefined)
      throw new Error(`Dovecot did not come up (greeting ${JSON.stringify(greeting)})\n--- log ---\n${text}\n--- stderr ---\n${master.stderr}`)
    }
    return { version, pid: master.pid, ports, mechanisms, lacking, pki, dir, users: { login: ids.login, internal: ids.internal }, log, stop }
  }
  throw new Error(`Dovecot did not come up after ${wanted.length + 3} attempts\n${await log()}`)
}

/** The IMAP greeting once Dovecot listens (it waits for its auth process before greeting). */
async function firstGreeting(port: number, master: PeerProcess): Promise<string | 'address in use' | undefined> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (master.stderr.includes('Address already in use')) return 'address in use'
    const exited = await Promise.race([master.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))])
    if (exited !== undefined) return master.stderr.includes('Address already in use') ? 'address in use' : undefined
    let socket: LineSocket
    try {
      socket = await LineSocket.connect(port)
    } catch {
      continue
    }
    try {
      return await socket.readLine()
    } finally {
      socket.close()
    }
  }
  return undefined
}

/** The mechanisms a server advertises, read the way a client reads them. */
export async function advertised(port: number, protocol: 'imap' | 'pop3' | 'submission', options: { ca?: string } = {}): Promise<{ mechanisms: string[]; starttls: boolean; tlsMechanisms?: string[] }> {
  const socket = await LineSocket.connect(port)
  try {
    if (protocol === 'imap') {
      await socket.readLine()
      const read = async (tag: string) => {
        socket.write(`${tag} CAPABILITY`)
        const line = await socket.readUntil((l) => l.startsWith('* CAPABILITY'))
        await socket.readUntil((l) => l.startsWith(`${tag} `))
        return line.split(' ')
      }
      const caps = await read('a1')
      const result = { mechanisms: caps.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5)), starttls: caps.includes('STARTTLS') }
      if (options.ca === undefined || !result.starttls) return result
      socket.write('a2 STARTTLS')
      await socket.readUntil((l) => l.startsWith('a2 OK'))
      await socket.startTls({ ca: options.ca, servername: 'localhost' })
      const secure = await read('a3')
      return { ...result, tlsMechanisms: secure.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5)) }
    }
    if (protocol === 'pop3') {
      await socket.readLine()
      const read = async () => {
        socket.write('CAPA')
        const lines: string[] = []
        for (let line = await socket.readUntil(() => true); line !== '.'; line = await socket.readUntil(() => true)) lines.push(line)
        return lines
      }
      const caps = await read()
      const sasl = caps.find((l) => l.startsWith('SASL'))
      const result = { mechanisms: sasl === undefined ? [] : sasl.split(' ').slice(1), starttls: caps.includes('STLS') }
      if (options.ca === undefined || !result.starttls) return result
      socket.write('STLS')
      await socket.readUntil((l) => l.startsWith('+OK'))
      await socket.startTls({ ca: options.ca, servername: 'localhost' })
      const secure = (await read()).find((l) => l.startsWith('SASL'))
      return { ...result, tlsMechanisms: secure === undefined ? [] : secure.split(' ').slice(1) }
    }
    await socket.readUntil((l) => l.startsWith('220 '))
    const ehlo = async () => {
      socket.write('EHLO client.example')
      const lines: string[] = []
      for (;;) {
        const line = await socket.readUntil(() => true)
        lines.push(line.slice(4))
        if (line.startsWith('250 ')) return lines
      }
    }
    const caps = await ehlo()
    const auth = caps.find((l) => l.startsWith('AUTH '))
    const result = { mechanisms: auth === undefined ? [] : auth.split(' ').slice(1), starttls: caps.includes('STARTTLS') }
    if (options.ca === undefined || !result.starttls) return result
    socket.write('STARTTLS')
    await socket.readUntil((l) => l.startsWith('220 '))
    await socket.startTls({ ca: options.ca, servername: 'localhost' })
    const secure = (await ehlo()).find((l) => l.startsWith('AUTH '))
    return { ...result, tlsMechanisms: secure === undefined ? [] : secure.split(' ').slice(1) }
  } finally {
    socket.close()
  }
}
