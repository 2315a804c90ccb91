/// <reference types="node" />
/**
 * `saslkit probe`: connect to an SMTP, IMAP or POP3 server, upgrade to TLS, list the offered
 * mechanisms, authenticate with the best one both sides accept, and keep the annotated
 * transcript. Optionally check first whether the SMTP server relays mail without AUTH.
 */
import net from 'node:net'
import tls from 'node:tls'
import { SaslError } from '../core/errors.js'
import { negotiate } from '../core/negotiate.js'
import type { ChannelBinding, SaslClient } from '../core/types.js'
import type { GssInitiator } from '../mechanisms/gssapi.js'
import { channelBinding } from '../node/index.js'
import type { ClientExchange } from '../profiles/common.js'
import * as imap from '../profiles/imap.js'
import * as pop3 from '../profiles/pop3.js'
import * as smtp from '../profiles/smtp.js'
import { LineConnection, type ClientTlsOptions, type TlsSummary } from './connection.js'
import { CliError, EXIT, asCliError, saslFailure, usageError, type ExitCode } from './errors.js'
import { MECHANISMS, constructs, findMechanism, type Descriptor } from './mechanisms.js'
import { Transcript, type Protocol, type TranscriptEntry } from './transcript.js'

/** What a URL scheme means: the protocol, its port, and whether TLS comes first or by STARTTLS. */
export const SCHEMES: Readonly<Record<string, { readonly protocol: Protocol; readonly port: number; readonly implicitTls: boolean }>> = {
  smtp: { protocol: 'smtp', port: 25, implicitTls: false },
  submission: { protocol: 'smtp', port: 587, implicitTls: false },
  smtps: { protocol: 'smtp', port: 465, implicitTls: true },
  imap: { protocol: 'imap', port: 143, implicitTls: false },
  imaps: { protocol: 'imap', port: 993, implicitTls: true },
  pop3: { protocol: 'pop3', port: 110, implicitTls: false },
  pop3s: { protocol: 'pop3', port: 995, implicitTls: true },
}

/** GSS-API host-based service names (RFC 4752 §3.1; POP3's is "pop", RFC 5034 §4). */
const SERVICES: Readonly<Record<Protocol, string>> = { smtp: 'smtp', imap: 'imap', pop3: 'pop' }

/** OAuth 1.0a credentials for OAUTH10A and XOAUTH. */
export interface OAuth1Credentials {
  readonly consumerKey?: string | undefined
  readonly consumerSecret?: string | undefined
  readonly tokenSecret?: string | undefined
}

/** Everything `probe` takes; the command line fills it from flags and the environment. */
export interface ProbeOptions {
  /** `smtp://host[:port]`, `submission://…`, `smtps://…`, `imap://…`, `imaps://…`, `pop3://…`, `pop3s://…` */
  readonly url: string
  readonly user?: string | undefined
  readonly password?: string | undefined
  /** OAuth 2.0 bearer token (OAUTHBEARER, XOAUTH2) or OAuth 1.0a token (OAUTH10A, XOAUTH). */
  readonly token?: string | undefined
  readonly oauth1?: OAuth1Credentials | undefined
  readonly authzid?: string | undefined
  /** The mechanism to use; default: the strongest both sides accept. */
  readonly mechanism?: string | undefined
  /** Upgrade with STARTTLS and refuse a server without it (default true). */
  readonly starttls?: boolean | undefined
  readonly tls?: ClientTlsOptions | undefined
  readonly timeoutMs?: number | undefined
  /** Which channel binding -PLUS mechanisms use (default: tls-exporter on TLS 1.3, else tls-unique). */
  readonly channelBindingType?: ChannelBinding['type'] | undefined
  /** A GSS-API initiator for GSSAPI (default: `kerberos()` from saslkit/node when GSSAPI is asked for). */
  readonly gssapi?: ((target: { service: string; host: string }) => GssInitiator | Promise<GssInitiator>) | undefined
  /** Before AUTH: does the SMTP server accept a recipient in another domain without AUTH? */
  readonly checkOpenRelay?: boolean | undefined
  readonly relayFrom?: string | undefined
  readonly relayTo?: string | undefined
  /** EHLO name (default: our address literal). */
  readonly ehlo?: string | undefined
  /** Extra client options merged over the ones built from the flags (in-process callers). */
  readonly clientOptions?: Readonly<Record<string, unknown>> | undefined
  /** More strings to keep out of the transcript. */
  readonly secrets?: readonly string[] | undefined
  /** Hears each transcript entry as it happens. */
  readonly onEntry?: ((entry: TranscriptEntry) => void) | undefined
}

/** The relay check's verdict. */
export interface OpenRelayResult {
  readonly accepted: boolean
  /** The command the server refused at (`MAIL` or `RCPT`), or `RCPT` when it accepted. */
  readonly stage: 'MAIL' | 'RCPT'
  readonly reply: string
}

/** What a probe found. It never throws for what the server or the network did. */
export interface ProbeResult {
  readonly ok: boolean
  readonly protocol: Protocol
  readonly host: string
  readonly port: number
  readonly tls?: TlsSummary
  /** Mechanisms the server offered (after TLS). */
  readonly offered: readonly string[]
  readonly mechanism?: string
  /** Client messages sent in the AUTH exchange, each answered by the server. */
  readonly roundTrips: number
  readonly elapsedMs: number
  /** Who we authenticated as (the authcid we sent), on success. */
  readonly authenticated?: boolean
  readonly openRelay?: OpenRelayResult
  readonly transcript: readonly TranscriptEntry[]
  readonly error?: { readonly message: string; readonly exitCode: ExitCode }
}

interface Target {
  readonly protocol: Protocol
  readonly host: string
  readonly port: number
  readonly implicitTls: boolean
  readonly user: string | undefined
}

/** Parses a probe URL; a password in it is refused (it would sit in the shell history and ps). */
export function parseTarget(url: string): Target {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw usageError(`not a URL: ${url} (expected e.g. submission://mail.example.com)`)
  }
  const scheme = SCHEMES[parsed.protocol.replace(/:$/, '')]
  if (scheme === undefined) throw usageError(`unsupported scheme ${parsed.protocol} (use ${Object.keys(SCHEMES).join(', ')})`)
  if (parsed.password !== '') throw usageError('a password in the URL would be visible to other users: use --password-env VAR or --password-stdin')
  if (parsed.pathname !== '' && parsed.pathname !== '/') throw usageError(`unexpected path in ${url}`)
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  if (host === '') throw usageError(`no host in ${url}`)
  const port = parsed.port === '' ? scheme.port : Number(parsed.port)
  const user = parsed.username === '' ? undefined : decodeURIComponent(parsed.username)
  return { protocol: scheme.protocol, host, port, implicitTls: scheme.implicitTls, user }
}

/** Reads replies and sends commands for one protocol, logging both to the transcript. */
abstract class Session {
  readonly connection: LineConnection
  readonly transcript: Transcript
  /** The last line the server sent: the message of a failure. */
  lastServerLine: string | undefined

  constructor(connection: LineConnection, transcript: Transcript) {
    this.connection = connection
    this.transcript = transcript
  }

  send(line: string): void {
    this.transcript.client(line)
    this.connection.write(line)
  }

  async read(what: string): Promise<string> {
    const line = await this.connection.readLine(what)
    this.transcript.server(line)
    this.lastServerLine = line
    return line
  }

  abstract greeting(): Promise<void>
  abstract capabilities(): Promise<{ mechanisms: readonly string[]; startTls: boolean; saslIr?: boolean }>
  abstract startTls(): Promise<void>
  abstract exchange(client: SaslClient, saslIr: boolean): ClientExchange
  abstract quit(): Promise<void>
  /** The failure line as the user should see it (IMAP: without our tag). */
  failureLine(line: string): string {
    return line
  }
}

class SmtpSession extends Session {
  #ehlo: string | undefined

  constructor(connection: LineConnection, transcript: Transcript, ehlo: string | undefined) {
    super(connection, transcript)
    this.#ehlo = ehlo
  }

  /** A complete reply (RFC 5321 §4.2: lines with "-" continue it). */
  async reply(what: string): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = []
    for (;;) {
      const line = await this.read(what)
      const m = /^(\d{3})([ -]|$)/.exec(line)
      if (m === null) throw new CliError(EXIT.protocol, `not an SMTP reply: ${line}`)
      lines.push(line)
      if (m[2] !== '-') return { code: Number(m[1]), lines }
      if (lines.length > 1000) throw new CliError(EXIT.protocol, 'SMTP reply with more than 1000 lines')
    }
  }

  async expect(what: string, ok: (code: number) => boolean, exit: ExitCode = EXIT.protocol): Promise<string[]> {
    const { code, lines } = await this.reply(what)
    if (!ok(code)) throw new CliError(code >= 500 && exit === EXIT.protocol ? EXIT.refused : exit, lines.at(-1)!)
    return lines
  }

  async greeting(): Promise<void> {
    await this.expect('the greeting', (c) => c === 220)
  }

  async capabilities(): Promise<{ mechanisms: readonly string[]; startTls: boolean }> {
    const address = this.connection.localAddress
    const name = this.#ehlo ?? (address === undefined ? 'localhost' : net.isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`)
    this.send(`EHLO ${name}`)
    const lines = await this.expect('the EHLO reply', (c) => c === 250)
    try {
      return smtp.parseEhlo(lines)
    } catch (error) {
      throw new CliError(EXIT.protocol, `unreadable EHLO reply: ${error instanceof Error ? error.message : ''}`)
    }
  }

  async startTls(): Promise<void> {
    this.send('STARTTLS')
    await this.expect('the STARTTLS reply', (c) => c === 220, EXIT.tls)
  }

  exchange(client: SaslClient): ClientExchange {
    return smtp.client(client)
  }

  async quit(): Promise<void> {
    this.send('QUIT')
    await this.reply('the QUIT reply')
  }

  /** MAIL FROM and RCPT TO without AUTH, then RSET; never DATA. */
  async checkRelay(from: string, to: string): Promise<OpenRelayResult> {
    this.send(`MAIL FROM:<${from}>`)
    const mail = await this.reply('the MAIL FROM reply')
    let result: OpenRelayResult
    if (mail.code !== 250) result = { accepted: false, stage: 'MAIL', reply: mail.lines.at(-1)! }
    else {
      this.send(`RCPT TO:<${to}>`)
      const rcpt = await this.reply('the RCPT TO reply')
      // RFC 5321 §4.2.5: 250 and 251 accept the recipient.
      result = { accepted: rcpt.code === 250 || rcpt.code === 251, stage: 'RCPT', reply: rcpt.lines.at(-1)! }
    }
    this.send('RSET')
    await this.reply('the RSET reply')
    return result
  }
}

class ImapSession extends Session {
  #next = 1
  #greetingCapabilities: string | undefined

  tag(): string {
    return `A${this.#next++}`
  }

  /** A tagged command: its untagged lines and its status line. */
  async command(line: string, tag: string, what: string): Promise<{ untagged: string[]; status: string; ok: boolean }> {
    this.send(line)
    const untagged: string[] = []
    for (;;) {
      const reply = await this.read(what)
      if (reply.startsWith(`${tag} `)) return { untagged, status: reply, ok: /^\S+ OK\b/i.test(reply) }
      if (/^\* BYE\b/i.test(reply)) throw new CliError(EXIT.network, reply)
      untagged.push(reply)
      if (untagged.length > 10000) throw new CliError(EXIT.protocol, 'too many untagged responses')
    }
  }

  async greeting(): Promise<void> {
    const line = await this.read('the greeting')
    if (/^\* PREAUTH\b/i.test(line)) throw new CliError(EXIT.protocol, `the server says the connection is already authenticated: ${line}`)
    if (!/^\* OK\b/i.test(line)) throw new CliError(/^\* BYE\b/i.test(line) ? EXIT.refused : EXIT.protocol, line)
    if (/\[CAPABILITY /i.test(line)) this.#greetingCapabilities = line
  }

  async capabilities(): Promise<{ mechanisms: readonly string[]; startTls: boolean; saslIr: boolean }> {
    // RFC 9051 §6.2.1: capabilities from before STARTTLS must be discarded, so ask again then.
    let source = this.#greetingCapabilities
    this.#greetingCapabilities = undefined
    if (source === undefined) {
      const tag = this.tag()
      const reply = await this.command(`${tag} CAPABILITY`, tag, 'the CAPABILITY reply')
      if (!reply.ok) throw new CliError(EXIT.protocol, this.failureLine(reply.status))
      source = reply.untagged.find((l) => /^\* CAPABILITY /i.test(l)) ?? reply.status
    }
    try {
      return imap.parseCapabilities(source)
    } catch {
      throw new CliError(EXIT.protocol, 'the server did not list its capabilities')
    }
  }

  async startTls(): Promise<void> {
    const tag = this.tag()
    const reply = await this.command(`${tag} STARTTLS`, tag, 'the STARTTLS reply')
    if (!reply.ok) throw new CliError(EXIT.tls, `STARTTLS refused: ${this.failureLine(reply.status)}`)
  }

  exchange(client: SaslClient, saslIr: boolean): ClientExchange {
    return imap.client(client, { tag: this.tag(), saslIr })
  }

  async quit(): Promise<void> {
    const tag = this.tag()
    this.send(`${tag} LOGOUT`)
    for (;;) if ((await this.read('the LOGOUT reply')).startsWith(`${tag} `)) return
  }

  override failureLine(line: string): string {
    return line.replace(/^A\d+ /, '')
  }
}

class Pop3Session extends Session {
  async status(what: string, exit: ExitCode = EXIT.protocol): Promise<string> {
    const line = await this.read(what)
    if (!/^\+OK\b/i.test(line)) throw new CliError(exit, line)
    return line
  }

  async greeting(): Promise<void> {
    await this.status('the greeting')
  }

  async capabilities(): Promise<{ mechanisms: readonly string[]; startTls: boolean }> {
    this.send('CAPA')
    const first = await this.read('the CAPA reply')
    // RFC 2449 §5: a server without CAPA answers -ERR; it offers nothing we can see.
    if (!/^\+OK\b/i.test(first)) return { mechanisms: [], startTls: false }
    const lines = [first]
    for (;;) {
      const line = await this.read('the CAPA list')
      lines.push(line)
      if (line === '.') break
      if (lines.length > 1000) throw new CliError(EXIT.protocol, 'CAPA list too long')
    }
    try {
      return pop3.parseCapabilities(lines)
    } catch {
      throw new CliError(EXIT.protocol, 'unreadable CAPA reply')
    }
  }

  async startTls(): Promise<void> {
    this.send('STLS')
    await this.status('the STLS reply', EXIT.tls)
  }

  exchange(client: SaslClient): ClientExchange {
    return pop3.client(client)
  }

  async quit(): Promise<void> {
    this.send('QUIT')
    await this.read('the QUIT reply')
  }
}

/**
 * The channel bindings this connection offers, preferred first: the one asked for, else
 * tls-exporter (RFC 9266 §3, TLS 1.3) or tls-unique (RFC 5802 §6, TLS 1.2), then
 * tls-server-end-point (RFC 5929 §4, the one NTLM's Extended Protection uses).
 */
function bindingsOf(connection: LineConnection, type: ChannelBinding['type'] | undefined): ChannelBinding[] {
  const socket = connection.socket
  if (!(socket instanceof tls.TLSSocket)) return []
  if (type !== undefined) {
    try {
      return [channelBinding(socket, type, { side: 'client' })]
    } catch (error) {
      throw new CliError(EXIT.tls, `--channel-binding ${type}: ${error instanceof SaslError ? error.message : 'not available on this connection'}`)
    }
  }
  const out: ChannelBinding[] = []
  for (const t of ['tls-exporter', 'tls-unique', 'tls-server-end-point'] as const) {
    try {
      out.push(channelBinding(socket, t, { side: 'client' }))
    } catch {
      // Not on this connection.
    }
  }
  return out
}

/**
 * Adds the channel binding a mechanism takes: the first of the connection's bindings its
 * client accepts. Not for a mechanism whose -PLUS variant the server offers: RFC 5802 §6 —
 * binding data there makes the client say "y" (it thinks the server cannot bind), which a
 * server offering -PLUS must refuse as a downgrade.
 */
function bindingFor(bindings: readonly ChannelBinding[], offered: readonly string[]) {
  return (m: Descriptor, options: Record<string, unknown>): Record<string, unknown> => {
    if (bindings.length === 0 || (!m.traits.channelBinding && offered.includes(`${m.name}-PLUS`))) return options
    for (const channelBinding of bindings) {
      const bound = { ...options, channelBinding }
      if (constructs(() => m.client(bound))) return bound
    }
    return options
  }
}

/** The client options a mechanism is tried with: the target's facts, then what the user gave. */
function clientOptionsFor(options: ProbeOptions, target: Target, user: string | undefined, secrets: Record<string, unknown>): Record<string, unknown> {
  const base: Record<string, unknown> = { service: SERVICES[target.protocol], host: target.host, port: target.port, protocol: SERVICES[target.protocol] }
  if (user !== undefined) base.username = user
  if (options.authzid !== undefined) base.authzid = options.authzid
  return { ...base, ...secrets, ...options.clientOptions }
}

/**
 * Runs one probe. Failures of the server, the network or TLS come back in `error` (with the
 * exit code the command uses); only a misuse of the options (bad URL, unknown mechanism)
 * throws a usage CliError.
 */
export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now()
  const target = parseTarget(options.url)
  const user = options.user ?? target.user
  const wanted = options.mechanism === undefined ? undefined : findMechanism(options.mechanism)
  if (options.mechanism !== undefined && wanted === undefined) {
    throw usageError(`unknown mechanism ${options.mechanism} (saslkit has: ${MECHANISMS.map((m) => m.name).join(' ')})`)
  }
  if (options.checkOpenRelay === true && target.protocol !== 'smtp') throw usageError('--check-open-relay is for SMTP servers')
  const starttls = options.starttls !== false
  const secrets = [options.password, options.token, options.oauth1?.consumerSecret, options.oauth1?.tokenSecret, ...(options.secrets ?? [])].filter((s): s is string => typeof s === 'string' && s !== '')
  const transcript = new Transcript(target.protocol, { secrets, ...(options.onEntry === undefined ? {} : { onEntry: options.onEntry }) })
  const timeoutMs = options.timeoutMs ?? 30000
  const tlsOptions = options.tls ?? {}

  let tls: TlsSummary | undefined
  let offered: readonly string[] = []
  let mechanism: string | undefined
  let roundTrips = 0
  let openRelay: OpenRelayResult | undefined
  let session: Session | undefined
  const result = (error?: CliError, authenticated?: boolean): ProbeResult => ({
    ok: error === undefined,
    protocol: target.protocol,
    host: target.host,
    port: target.port,
    ...(tls === undefined ? {} : { tls }),
    offered,
    ...(mechanism === undefined ? {} : { mechanism }),
    roundTrips,
    elapsedMs: Math.round(performance.now() - started),
    ...(authenticated === undefined ? {} : { authenticated }),
    ...(openRelay === undefined ? {} : { openRelay }),
    transcript: transcript.entries,
    ...(error === undefined ? {} : { error: { message: error.message, exitCode: error.exitCode } }),
  })
  const noteTls = (summary: TlsSummary) => {
    tls = summary
    const cert = summary.subject === undefined ? 'no certificate' : `certificate ${summary.subject}`
    transcript.note(`TLS established: ${summary.protocol}, ${summary.cipher}, ${cert}, ${summary.verified ? 'verified' : `NOT verified: ${summary.verifyError ?? 'unknown reason'}`}`)
  }

  try {
    const opened = await LineConnection.open(target.host, target.port, timeoutMs, target.implicitTls ? tlsOptions : undefined)
    const connection = opened.connection
    transcript.note(`connected to ${connection.endpoint}`)
    if (opened.tls !== undefined) noteTls(opened.tls)
    session =
      target.protocol === 'smtp' ? new SmtpSession(connection, transcript, options.ehlo) : target.protocol === 'imap' ? new ImapSession(connection, transcript) : new Pop3Session(connection, transcript)
    await session.greeting()
    let caps = await session.capabilities()
    if (!connection.secure && starttls) {
      // Never a silent fallback to cleartext (RFC 3207 §4, RFC 2595 §2.2): no STARTTLS, no AUTH.
      if (!caps.startTls) throw new CliError(EXIT.tls, `the server does not offer ${target.protocol === 'pop3' ? 'STLS' : 'STARTTLS'}; refusing to continue in cleartext (--no-starttls allows it)`)
      await session.startTls()
      noteTls(await connection.upgrade(tlsOptions))
      caps = await session.capabilities()
    }
    offered = caps.mechanisms
    transcript.note(`offered: ${offered.length === 0 ? '(no SASL mechanisms)' : offered.join(' ')}`)

    if (options.checkOpenRelay === true && session instanceof SmtpSession) {
      openRelay = await session.checkRelay(options.relayFrom ?? 'saslkit-relay-check@example.com', options.relayTo ?? 'saslkit-relay-check@example.net')
      transcript.note(openRelay.accepted ? `OPEN RELAY: the server accepted a recipient without AUTH (${openRelay.reply})` : `relay refused without AUTH at ${openRelay.stage} (${openRelay.reply})`)
    }

    const credentials: Record<string, unknown> = {}
    if (options.password !== undefined) credentials.password = options.password
    if (options.token !== undefined) credentials.token = options.token
    if (options.oauth1?.consumerKey !== undefined) credentials.consumerKey = options.oauth1.consumerKey
    if (options.oauth1?.consumerSecret !== undefined) credentials.consumerSecret = options.oauth1.consumerSecret
    if (options.oauth1?.tokenSecret !== undefined) credentials.tokenSecret = options.oauth1.tokenSecret
    const authenticate = wanted !== undefined || user !== undefined || options.token !== undefined || options.gssapi !== undefined
    if (!authenticate) {
      transcript.note('no --user or --mech: not authenticating')
      await session.quit().catch(() => undefined)
      connection.close()
      return result(openRelay?.accepted === true ? openRelayError(openRelay) : undefined)
    }

    const secure = connection.secure
    const bindings = secure ? bindingsOf(connection, options.channelBindingType) : []
    const service = { service: SERVICES[target.protocol], host: target.host }
    // GSSAPI only when asked for: a Kerberos library being present says nothing about a ticket.
    if (options.gssapi !== undefined || wanted?.name === 'GSSAPI') credentials.provider = await gssInitiator(options, service)
    const withBinding = bindingFor(bindings, offered)
    const optionsFor = (m: Descriptor) => withBinding(m, clientOptionsFor(options, target, user, credentials))
    const withoutSecrets = (m: Descriptor) => withBinding(m, clientOptionsFor(options, target, user, {}))
    const chosen = choose(wanted, offered, optionsFor, withoutSecrets, {
      secure,
      allowPlaintext: !starttls,
      ...(bindings[0] === undefined ? {} : { channelBinding: bindings[0] }),
    })
    if (wanted !== undefined && !offered.includes(wanted.name)) transcript.note(`the server does not advertise ${wanted.name}; trying it anyway`)
    mechanism = chosen.name
    let sasl: SaslClient
    try {
      sasl = chosen.client(optionsFor(chosen))
    } catch (error) {
      throw usageError(`${chosen.name} needs other credentials: ${error instanceof SaslError ? error.message : 'invalid options'}`)
    }
    const exchange = session.exchange(sasl, 'saslIr' in caps && caps.saslIr === true)
    try {
      session.send(await exchange.begin())
      roundTrips++
      for (;;) {
        const line = await session.read(`the reply to AUTH ${chosen.name}`)
        const action = await exchange.receive(line)
        if (action.send !== undefined) {
          session.send(action.send)
          roundTrips++
        }
        if (action.done === true) break
      }
    } catch (error) {
      if (error instanceof SaslError) {
        const line = session.lastServerLine === undefined ? undefined : session.failureLine(session.lastServerLine)
        throw saslFailure(error, error.reply === undefined ? undefined : line)
      }
      throw error
    }
    transcript.note(`authenticated with ${chosen.name}${user === undefined ? '' : ` as ${user}`}`)
    await session.quit().catch(() => undefined)
    connection.close()
    return result(openRelay?.accepted === true ? openRelayError(openRelay) : undefined, true)
  } catch (error) {
    session?.connection.close()
    const failure = asCliError(error)
    if (failure.exitCode === EXIT.usage) throw failure
    return result(failure, false)
  }
}

function openRelayError(relay: OpenRelayResult): CliError {
  return new CliError(EXIT.openRelay, `open relay: the server accepted RCPT TO without AUTH (${relay.reply})`)
}

async function gssInitiator(options: ProbeOptions, target: { service: string; host: string }): Promise<GssInitiator> {
  if (options.gssapi !== undefined) return options.gssapi(target)
  const { kerberos } = await import('../node/index.js')
  return kerberos({ service: `${target.service}@${target.host}` })
}

/**
 * The mechanism to run: the one asked for, or the strongest offered one that these
 * credentials can drive (API.md §5 `negotiate`). A mechanism that needs no secret at all
 * (ANONYMOUS, EXTERNAL, two-legged XOAUTH) is used only when asked for by name.
 */
function choose(
  wanted: Descriptor | undefined,
  offered: readonly string[],
  options: (m: Descriptor) => Record<string, unknown>,
  withoutSecrets: (m: Descriptor) => Record<string, unknown>,
  policy: { secure: boolean; allowPlaintext: boolean; channelBinding?: ChannelBinding },
): Descriptor {
  const candidates = wanted !== undefined ? [wanted] : MECHANISMS.filter((m) => constructs(() => m.client(options(m))) && !constructs(() => m.client(withoutSecrets(m))))
  try {
    // Asked for by name: try it even if it is not advertised (the server's answer is the news).
    return negotiate(wanted === undefined ? offered : [...offered, wanted.name], candidates, { ...policy, ...(wanted === undefined ? {} : { prefer: [wanted.name] }) })
  } catch (error) {
    if (!(error instanceof SaslError)) throw error
    if (wanted !== undefined) throw new CliError(EXIT.protocol, `cannot use ${wanted.name}: ${error.message}`)
    const usable = candidates.map((m) => m.name)
    throw new CliError(EXIT.protocol, `no usable mechanism: the server offers ${offered.join(' ') || 'none'}; with these credentials saslkit could use ${usable.join(' ') || 'none'}`)
  }
}

/** The result, as the one-line summary the command prints last. */
export function summaryLine(result: ProbeResult): string {
  const where = `${result.protocol.toUpperCase()} ${result.host}:${result.port}`
  const relay = result.openRelay === undefined ? '' : `; ${result.openRelay.accepted ? 'OPEN RELAY' : 'relay refused'} without AUTH (${result.openRelay.reply})`
  if (result.authenticated === true) return `authenticated with ${result.mechanism} (${where}, ${result.roundTrips} round trip${result.roundTrips === 1 ? '' : 's'}, ${result.elapsedMs} ms)${relay}`
  return `${where}: offered ${result.offered.join(' ') || 'nothing'}${relay}`
}
