// `saslkit probe` — the package's bin, `node dist/cli.js` as a subprocess — against the suite's
// Dovecot: IMAP, POP3 and submission after STARTTLS and with implicit TLS (imaps, pop3s,
// submissions, which the CLI reaches as smtps://). Secrets go in through the environment
// (`--password-env`, `--token-env`), never argv; the server is verified against the
// launcher's CA (`--ca`). The driver turns a row of the table into flags, so the CLI gets
// the same matrix cells as the profiles; `defineProbeChecks` adds what only a command has:
// exit codes, its one-line error, negotiation, the JSON output and `--check-open-relay`.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { ProbeResult } from '../../../src/cli/main.js'
import type { Krb5Realm } from '../../krb5/realm.js'
import { KERBEROS_ADDON_ROW, WRONG_PASSWORD, account, type Case, type Row } from '../rows.js'
import type { Lack, PeerDriver, ToPeerOutcome } from './cells.js'
import { advertised, type Dovecot } from './dovecot.js'
import { SUBMISSION_LACKS_ANONYMOUS, buildLacks, type Protocol } from './dovecot-driver.js'
import type { Direction } from './matrix.js'
import type { Pki } from './pki.js'

export const BIN = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url))
const GSSAPI_PROVIDER = fileURLToPath(new URL('./kerberos-provider.mjs', import.meta.url))

/** The matrix's name for these columns' client. */
export const CLI_CLIENT = 'saslkit probe (CLI)'

/** One Dovecot service as the CLI reaches it: after STARTTLS, or TLS from the first byte. */
export interface Endpoint {
  readonly protocol: Protocol
  readonly tls: 'starttls' | 'implicit'
}

/** The probe URL scheme of each endpoint (Dovecot's `submissions` listener is SMTP over TLS: smtps). */
const SCHEMES: Readonly<Record<Protocol, Readonly<Record<Endpoint['tls'], string>>>> = {
  imap: { starttls: 'imap', implicit: 'imaps' },
  pop3: { starttls: 'pop3', implicit: 'pop3s' },
  submission: { starttls: 'submission', implicit: 'smtps' },
}

export const ENDPOINTS: readonly Endpoint[] = (['imap', 'pop3', 'submission'] as const).flatMap((protocol) => [
  { protocol, tls: 'starttls' as const },
  { protocol, tls: 'implicit' as const },
])

/** The matrix column: one per protocol, its STARTTLS and implicit-TLS endpoints together. */
export const cliColumn = (protocol: Protocol): string => `dovecot ${protocol}+STARTTLS, ${protocol}s`

export const endpointName = (e: Endpoint): string => (e.tls === 'starttls' ? `${e.protocol}+STARTTLS` : `${e.protocol}s`)

/** The URL of an endpoint: `localhost`, the name the launcher's server certificate has. */
export function urlOf(dovecot: Dovecot, e: Endpoint): string {
  const port = e.tls === 'starttls' ? dovecot.ports[e.protocol] : dovecot.ports[`${e.protocol}s`]
  return `${SCHEMES[e.protocol][e.tls]}://localhost:${port}`
}

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** stdout parsed, with `--json`. */
  readonly json?: ProbeResult
}

/** What a hung probe may take before the case fails (the probe's own `--timeout` is 10 s per reply). */
const RUN_TIMEOUT_MS = 30_000

/**
 * `node dist/cli.js probe <url> <args>` with only PATH and `env` in its environment (so a
 * secret reaches it only where a flag names the variable).
 */
export function probeCli(url: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: npm run build (npm run test:interop builds first)`)
  const argv = [BIN, 'probe', url, '--timeout', '10', ...args]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const shown = `saslkit ${argv.slice(1).join(' ')}`
      if (signal !== null) return reject(new Error(`${shown}: killed by ${signal}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`))
      if (!args.includes('--json')) return resolve({ code, stdout, stderr })
      try {
        resolve({ code, stdout, stderr, json: JSON.parse(stdout) as ProbeResult })
      } catch {
        reject(new Error(`${shown}: --json printed no JSON (exit ${code})\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`))
      }
    })
  })
}

/** The failure line: stderr must be exactly one line, `saslkit: …`, never a stack trace. */
export function errorLine(run: CliRun): string {
  const lines = run.stderr.split('\n').filter((l) => l !== '')
  if (lines.length !== 1 || !lines[0]!.startsWith('saslkit: ') || /\n\s+at /.test(run.stderr)) {
    throw new Error(`expected one error line on stderr, got ${JSON.stringify(run.stderr)} (exit ${run.code})`)
  }
  return lines[0]!.slice('saslkit: '.length)
}

/** Dovecot's last reply in the transcript, as a person reads it (IMAP: without the probe's tag). */
export function lastServerLine(result: ProbeResult): string | undefined {
  return result.transcript
    .filter((entry) => entry.from === 'S')
    .at(-1)
    ?.line.replace(/^A\d+ /, '')
}

/** The flags (and environment) that make the CLI present a case's credentials. */
interface Invocation {
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string>>
  /** What must never show on stdout (the transcript redacts it). */
  readonly secrets: readonly string[]
}

const OAUTH1 = new Set(['OAUTH10A', 'XOAUTH'])

function invocation(row: Row, c: Case, pki: Pki, krb5: Krb5Realm | undefined): Invocation {
  const args: string[] = ['--ca', pki.caFile, '--mech', row.name]
  const env: Record<string, string> = {}
  const secrets: string[] = []
  const { username, password, token, authzid, service } = c.client
  if (username !== undefined) args.push('--user', username)
  if (password !== undefined) {
    args.push('--password-env', 'SASLKIT_PASSWORD')
    env['SASLKIT_PASSWORD'] = password
    secrets.push(password)
  }
  if (token !== undefined) {
    args.push('--token-env', 'SASLKIT_TOKEN')
    env['SASLKIT_TOKEN'] = token
    secrets.push(token)
  }
  if (OAUTH1.has(row.name)) {
    args.push('--consumer-key', account.oauth.consumerKey, '--consumer-secret-env', 'SASLKIT_CONSUMER_SECRET', '--token-secret-env', 'SASLKIT_TOKEN_SECRET')
    env['SASLKIT_CONSUMER_SECRET'] = account.oauth.consumerSecret
    env['SASLKIT_TOKEN_SECRET'] = account.oauth.tokenSecret
    secrets.push(account.oauth.consumerSecret, account.oauth.tokenSecret)
  }
  if (authzid !== undefined && authzid !== '') args.push('--authzid', authzid)
  // EXTERNAL: the identity is the TLS client certificate (CN = the account).
  if (row.name === 'EXTERNAL') args.push('--cert', pki.clientCertFile, '--key', pki.clientKeyFile)
  if (row.name === 'GSSAPI') {
    if (krb5 === undefined) throw new Error('GSSAPI needs the realm')
    args.push('--gssapi-provider', GSSAPI_PROVIDER)
    Object.assign(env, krb5.env, { SASLKIT_INTEROP_KERBEROS: krb5.kerberosPackage })
    // The wrong case asks for a ticket to another service (one no server holds keys for).
    if (service !== undefined) env['SASLKIT_INTEROP_GSS_SERVICE'] = service
  }
  // (ANONYMOUS: `probe` has no trace flag; the row's trace is not sent.)
  return { args: [...args, '--json'], env, secrets }
}

/** Fails when a secret of the case shows anywhere in the output. */
function expectRedacted(run: CliRun, secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (run.stdout.includes(secret) || run.stderr.includes(secret)) throw new Error('a secret of the case shows in the output')
  }
}

/** Exit 0 with the mechanism asked for, or exit 1 with Dovecot's own last reply; anything else fails. */
function outcomeOf(run: CliRun, mechanism: string): ToPeerOutcome {
  const result = run.json!
  if (run.code === 0) {
    if (!(result.ok && result.authenticated === true && result.mechanism === mechanism && result.tls?.verified === true)) {
      throw new Error(`exit 0 but not authenticated with ${mechanism} over verified TLS: ${run.stdout}`)
    }
    if (run.stderr !== '') throw new Error(`exit 0 with stderr: ${run.stderr}`)
    return { status: 'success' }
  }
  if (run.code === 1) {
    const line = errorLine(run)
    if (line !== lastServerLine(result)) throw new Error(`exit 1 with "${line}", which is not Dovecot's last reply (${lastServerLine(result)})`)
    if (result.error?.exitCode !== 1 || result.authenticated !== false) throw new Error(`exit 1 but the JSON says ${JSON.stringify(result.error)}`)
    return { status: 'refused', detail: line }
  }
  throw new Error(`saslkit probe exited ${run.code}: ${run.stderr}`)
}

const UNSUPPORTED = /^(?:NO \[ALERT\]|-ERR \[AUTH\]|504 5\.5\.4) Unsupported authentication mechanism\.$/

/** A lack, re-proved through the CLI: `--mech` it, and Dovecot answers that it has no such mechanism (exit 1). */
function unsupported(run: (row: Row) => Promise<CliRun>, evidence: string): (row: Row) => Lack {
  return (row) => ({
    evidence,
    verify: async () => {
      const probe = await run(row)
      if (probe.json?.offered.includes(row.name) !== false) throw new Error(`Dovecot now offers ${row.name}: ${probe.json?.offered.join(' ')}`)
      if (probe.code !== 1 || !UNSUPPORTED.test(errorLine(probe))) throw new Error(`--mech ${row.name} now gets exit ${probe.code}: ${probe.stderr}`)
    },
  })
}

/**
 * The driver of one endpoint. `withoutAnonymous` is the suite's second Dovecot (no ANONYMOUS
 * in auth_mechanisms), the refusal case of ANONYMOUS, as for the profiles.
 */
export function cliDriver(dovecot: Dovecot, endpoint: Endpoint, withoutAnonymous: () => Promise<Dovecot>, krb5: Krb5Realm | undefined): PeerDriver {
  const run = async (row: Row, c: Case): Promise<{ run: CliRun; secrets: readonly string[] }> => {
    const target = c.policy.anonymous ? dovecot : await withoutAnonymous()
    const { args, env, secrets } = invocation(row, c, target.pki, krb5)
    const probe = await probeCli(urlOf(target, endpoint), args, env)
    expectRedacted(probe, secrets)
    return { run: probe, secrets }
  }
  const lack = (row: Row, direction: Direction): Lack | undefined => {
    if (direction !== 'saslkit→peer') return undefined
    const byGood = async (r: Row) => (await run(r, r.good)).run
    const line = dovecot.lacking.get(row.name)
    if (line !== undefined) return unsupported(byGood, buildLacks(line))(row)
    if (endpoint.protocol === 'submission' && row.name === 'ANONYMOUS') return unsupported(byGood, SUBMISSION_LACKS_ANONYMOUS)(row)
    return undefined
  }
  return {
    peer: cliColumn(endpoint.protocol),
    client: CLI_CLIENT,
    toPeer: async (row, c) => outcomeOf((await run(row, c)).run, row.name),
    lack,
    // GSSAPI through `--gssapi-provider` is the kerberos addon; the CLI has no MIT-helper
    // initiator and no security-layer flag (Dovecot offers none anyway).
    applies: (row) => row.name !== 'GSSAPI' || row.label === KERBEROS_ADDON_ROW,
  }
}

/** A TLS front for a cleartext port that records the bytes both ways: what Dovecot really received. */
async function recordingTlsFront(pki: Pki, upstreamPort: number): Promise<{ port: number; fromClient: () => string; fromServer: () => string; close: () => Promise<void> }> {
  let fromClient = ''
  let fromServer = ''
  const sockets = new Set<net.Socket>()
  const server = tls.createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (data: Buffer) => {
      fromClient += data.toString('latin1')
      upstream.write(data)
    })
    upstream.on('data', (data: Buffer) => {
      fromServer += data.toString('latin1')
      client.write(data)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    fromClient: () => fromClient,
    fromServer: () => fromServer,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy())
        server.close(() => resolve())
      }),
  }
}

/** Dovecot's refusals, word for word (Dovecot 2.3: the same on each endpoint of a protocol). */
const AUTH_FAILED: Readonly<Record<Protocol, string>> = {
  imap: 'NO [AUTHENTICATIONFAILED] Authentication failed.',
  pop3: '-ERR [AUTH] Authentication failed.',
  submission: '535 5.7.8 Authentication failed.',
}
const NO_SUCH_MECHANISM: Readonly<Record<Protocol, string>> = {
  imap: 'NO [ALERT] Unsupported authentication mechanism.',
  pop3: '-ERR [AUTH] Unsupported authentication mechanism.',
  submission: '504 5.5.4 Unsupported authentication mechanism.',
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** What a command adds to the cells: exit codes and the error line, negotiation, `--json`, `--check-open-relay`. */
export function defineProbeChecks(dovecot: Dovecot): void {
  const password = { SASLKIT_PASSWORD: account.password }
  const login = ['--user', account.username, '--password-env', 'SASLKIT_PASSWORD']

  for (const endpoint of ENDPOINTS) {
    const { protocol } = endpoint
    describe(endpointName(endpoint), () => {
      it(`a wrong password: exit 1, and Dovecot's own reply as the one line on stderr`, async () => {
        const run = await probeCli(urlOf(dovecot, endpoint), ['--ca', dovecot.pki.caFile, ...login], { SASLKIT_PASSWORD: WRONG_PASSWORD })
        expect(run.code).toBe(1)
        expect(errorLine(run)).toBe(AUTH_FAILED[protocol])
        // The printed transcript ends the exchange with that same reply.
        const replies = run.stdout.split('\n').filter((l) => l.startsWith('S: '))
        expect(replies.at(-1)).toMatch(new RegExp(`^S: (?:A\\d+ )?${escape(AUTH_FAILED[protocol])}$`))
        expect(run.stdout).not.toContain(WRONG_PASSWORD)
      })

      it('without --mech it negotiates SCRAM-SHA-256, the strongest of what Dovecot offers that a password drives', async () => {
        const run = await probeCli(urlOf(dovecot, endpoint), ['--ca', dovecot.pki.caFile, ...login, '--json'], password)
        expect(run.code).toBe(0)
        expect(run.json).toMatchObject({ ok: true, authenticated: true, mechanism: 'SCRAM-SHA-256' })
        // What the probe saw offered is what Dovecot advertises after STARTTLS (read here independently).
        const seen = await advertised(dovecot.ports[protocol], protocol, { ca: dovecot.pki.ca })
        expect([...run.json!.offered].sort()).toEqual([...(seen.tlsMechanisms ?? [])].sort())
        expect(run.json!.offered).not.toContain('SCRAM-SHA-256-PLUS')
        expect(run.json!.offered).not.toContain('SCRAM-SHA-512')
      })
    })
  }

  for (const protocol of ['imap', 'pop3', 'submission'] as const) {
    it(`${protocol}: --mech SCRAM-SHA-512, which Dovecot lacks: exit 1 (the server refused) and its own reply`, async () => {
      expect(dovecot.lacking.has('SCRAM-SHA-512')).toBe(true)
      const run = await probeCli(urlOf(dovecot, { protocol, tls: 'starttls' }), ['--ca', dovecot.pki.caFile, ...login, '--mech', 'SCRAM-SHA-512'], password)
      expect(run.code).toBe(1)
      expect(errorLine(run)).toBe(NO_SUCH_MECHANISM[protocol])
      expect(run.stdout).toContain('(the server does not advertise SCRAM-SHA-512; trying it anyway)')
    })
  }

  it('--json: the result object, on success and on refusal', async () => {
    const url = urlOf(dovecot, { protocol: 'imap', tls: 'implicit' })
    const ok = await probeCli(url, ['--ca', dovecot.pki.caFile, ...login, '--mech', 'PLAIN', '--json'], password)
    expect(ok.code).toBe(0)
    const result = ok.json!
    expect(Object.keys(result).sort()).toEqual(['authenticated', 'elapsedMs', 'host', 'mechanism', 'offered', 'ok', 'port', 'protocol', 'roundTrips', 'tls', 'transcript'])
    expect(result).toMatchObject({ ok: true, protocol: 'imap', host: 'localhost', port: dovecot.ports.imaps, mechanism: 'PLAIN', authenticated: true })
    // SASL-IR (RFC 4959): PLAIN's one message goes with AUTHENTICATE, answered by the tagged OK.
    expect(result.roundTrips).toBe(1)
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0)
    expect(Object.keys(result.tls!).sort()).toEqual(['cipher', 'protocol', 'subject', 'verified'])
    expect(result.tls).toMatchObject({ protocol: expect.stringMatching(/^TLSv1\.[23]$/), subject: 'CN=localhost', verified: true })
    expect(result.offered).toEqual(expect.arrayContaining(['PLAIN', 'SCRAM-SHA-256']))
    for (const entry of result.transcript) {
      expect(['C', 'S', '*']).toContain(entry.from)
      expect(typeof entry.line).toBe('string')
    }
    // The AUTHENTICATE line: its base64 shortened, its decoded form with the password redacted.
    const auth = result.transcript.find((e) => e.from === 'C' && / AUTHENTICATE PLAIN /.test(e.line))
    expect(auth?.decoded).toBeDefined()
    const plainMessage = Buffer.from(`\0${account.username}\0${account.password}`).toString('base64')
    expect(ok.stdout).not.toContain(plainMessage)
    expect(ok.stdout).not.toContain(account.password)
    expect(result.transcript.some((e) => e.from === 'S' && /^A\d+ OK /.test(e.line))).toBe(true)

    const refused = await probeCli(url, ['--ca', dovecot.pki.caFile, ...login, '--mech', 'PLAIN', '--json'], { SASLKIT_PASSWORD: WRONG_PASSWORD })
    expect(refused.code).toBe(1)
    expect(Object.keys(refused.json!).sort()).toEqual(['authenticated', 'elapsedMs', 'error', 'host', 'mechanism', 'offered', 'ok', 'port', 'protocol', 'roundTrips', 'tls', 'transcript'])
    expect(refused.json).toMatchObject({ ok: false, authenticated: false, error: { message: AUTH_FAILED.imap, exitCode: 1 } })
    expect(errorLine(refused)).toBe(AUTH_FAILED.imap)
  })

  describe('--check-open-relay against Dovecot submission', () => {
    const refusal = { accepted: false, stage: 'MAIL', reply: '530 5.7.0 Authentication required.' }
    const clientLines = (result: ProbeResult) => result.transcript.filter((e) => e.from === 'C').map((e) => e.line)

    it('after STARTTLS: refused at MAIL FROM without AUTH, then RSET, never DATA; then it authenticates', async () => {
      const run = await probeCli(urlOf(dovecot, { protocol: 'submission', tls: 'starttls' }), ['--ca', dovecot.pki.caFile, '--check-open-relay', ...login, '--json'], password)
      expect(run.code).toBe(0)
      expect(run.json).toMatchObject({ ok: true, openRelay: refusal, authenticated: true, mechanism: 'SCRAM-SHA-256' })
      const sent = clientLines(run.json!)
      const mail = sent.indexOf('MAIL FROM:<saslkit-relay-check@example.com>')
      expect(mail).toBeGreaterThan(sent.indexOf('STARTTLS'))
      expect(sent[mail + 1]).toBe('RSET')
      expect(sent.findIndex((l) => l.startsWith('AUTH '))).toBeGreaterThan(mail)
      expect(sent.filter((l) => /^(?:DATA|BDAT|RCPT)\b/i.test(l))).toEqual([])
    })

    it('over implicit TLS: the bytes Dovecot received hold MAIL FROM and RSET, and no DATA', async () => {
      // A TLS front (the launcher's certificate) to the submission port records the session in clear.
      const front = await recordingTlsFront(dovecot.pki, dovecot.ports.submission)
      try {
        const run = await probeCli(`smtps://localhost:${front.port}`, ['--ca', dovecot.pki.caFile, '--check-open-relay'])
        expect(run.code).toBe(0)
        expect(run.stderr).toBe('')
        expect(run.stdout.trim().split('\n').at(-1)).toMatch(/; relay refused without AUTH \(530 5\.7\.0 Authentication required\.\)$/)
        const received = front.fromClient().split('\r\n')
        expect(received.map((l) => l.split(' ')[0])).toEqual(['EHLO', 'MAIL', 'RSET', 'QUIT', ''])
        expect(received[1]).toBe('MAIL FROM:<saslkit-relay-check@example.com>')
        expect(front.fromServer()).toContain('\r\n530 5.7.0 Authentication required.\r\n')
      } finally {
        await front.close()
      }
    })
  })
}
