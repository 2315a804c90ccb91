/// <reference types="node" />
/**
 * `saslkit serve`: a local AUTH sandbox. SMTP, IMAP and POP3 just far enough to authenticate
 * (then QUIT/LOGOUT), every mechanism saslkit has, STARTTLS when given a certificate, and the
 * transcript of each session.
 */
import net from 'node:net'
import tls from 'node:tls'
import type { ChannelBinding, Identity } from '../core/types.js'
import { channelBinding } from '../node/index.js'
import type { ServerResult } from '../profiles/common.js'
import * as imap from '../profiles/imap.js'
import * as pop3 from '../profiles/pop3.js'
import * as smtp from '../profiles/smtp.js'
import { LineSplitter } from './connection.js'
import { MECHANISMS, constructs, type Descriptor } from './mechanisms.js'
import { Transcript, type Protocol, type TranscriptEntry } from './transcript.js'
import { DEFAULT_USERS, UserDirectory } from './users.js'

/** Where a listener is and how it does TLS. */
export interface Listener {
  readonly protocol: Protocol
  readonly host: string
  readonly port: number
  /** `starttls` (offered when a certificate is configured), `implicit` (smtps, imaps, pop3s) or `none`. */
  readonly tls: 'starttls' | 'implicit' | 'none'
}

/** What a finished session did, for the log. */
export interface SessionSummary {
  readonly id: string
  readonly protocol: Protocol
  readonly peer: string
  readonly identity?: Identity
  /** Failed attempts: the error code and the server-side reason (never sent to the client). */
  readonly failures: readonly string[]
}

/** Everything `serve` takes; the command line fills it from flags. */
export interface ServeOptions {
  /** Listen address; default 127.0.0.1 (loopback only). */
  readonly host?: string | undefined
  /** Ports (0: any free port). Without any, SMTP 2525, IMAP 1143 and POP3 1110. */
  readonly smtp?: number | undefined
  readonly imap?: number | undefined
  readonly pop3?: number | undefined
  readonly smtps?: number | undefined
  readonly imaps?: number | undefined
  readonly pop3s?: number | undefined
  /** The users file's parsed JSON (see UserDirectory.parse); default: tim / tanstaaftanstaaf. */
  readonly users?: unknown
  /** PEM certificate and key: STARTTLS (and the implicit-TLS ports). `clientCa` asks clients for a certificate (EXTERNAL). */
  readonly tls?: { readonly cert: string; readonly key: string; readonly clientCa?: string | undefined } | undefined
  /** The name in greetings and the CRAM-MD5 challenge; default `localhost`. */
  readonly hostname?: string | undefined
  /** DIGEST-MD5 realm; default: the hostname. */
  readonly realm?: string | undefined
  /** A GSS-API acceptor per exchange: only then is GSSAPI offered. */
  readonly gssapi?: ((target: { service: string }) => unknown) | undefined
  /** Options for one mechanism only, by name, over the shared ones (in-process callers). */
  readonly mechanismOptions?: Readonly<Record<string, object>> | undefined
  /** Close a connection idle this long (default 60 s). */
  readonly idleTimeoutMs?: number | undefined
  readonly onEntry?: ((session: { id: string; protocol: Protocol }, entry: TranscriptEntry) => void) | undefined
  readonly onSession?: ((summary: SessionSummary) => void) | undefined
}

/** A running sandbox. */
export interface RunningServer {
  readonly listeners: readonly Listener[]
  /** The mechanisms offered (plaintext ones only over TLS or loopback; -PLUS only over TLS). */
  readonly mechanisms: readonly string[]
  readonly users: readonly string[]
  close(): Promise<void>
}

const SERVICES: Readonly<Record<Protocol, string>> = { smtp: 'smtp', imap: 'imap', pop3: 'pop' }
const MAX_COMMAND_LINE = 65536
const BINDING_TYPES: readonly ChannelBinding['type'][] = ['tls-exporter', 'tls-server-end-point', 'tls-unique']
const LOOPBACK = /^(?:127\.|::1$|::ffff:127\.)/

type Handled = void | 'starttls' | 'close'

/** Turns a connected socket into TLS (server side); undefined when the handshake fails. */
type TlsUpgrade = (raw: net.Socket) => Promise<tls.TLSSocket | undefined>

/**
 * STARTTLS through a `tls.Server` that never listens: handing it the socket makes Node check
 * the client certificate (`authorized`), which a bare `new TLSSocket(…, { isServer })` does
 * not. Sockets are matched by their peer address and port.
 */
function starttlsUpgrader(options: tls.TlsOptions): TlsUpgrade {
  const pending = new Map<string, (socket: tls.TLSSocket | undefined) => void>()
  const key = (socket: net.Socket) => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`
  const server = tls.createServer(options)
  server.on('secureConnection', (socket: tls.TLSSocket) => pending.get(key(socket))?.(socket))
  server.on('tlsClientError', (_error, socket: tls.TLSSocket) => {
    pending.get(key(socket))?.(undefined)
    socket.destroy()
  })
  return (raw) =>
    new Promise((resolve) => {
      const id = key(raw)
      const done = (socket: tls.TLSSocket | undefined) => {
        pending.delete(id)
        raw.off('close', closed)
        resolve(socket)
      }
      const closed = () => done(undefined)
      pending.set(id, done)
      raw.once('close', closed)
      server.emit('connection', raw)
    })
}

/** One client connection: lines in, lines out, STARTTLS in place. */
class ServerConnection {
  readonly id: string
  readonly protocol: Protocol
  readonly transcript: Transcript
  readonly peer: string
  readonly #loopback: boolean
  readonly #upgrade: TlsUpgrade | undefined
  readonly #idleTimeoutMs: number
  #socket: net.Socket
  #splitter = new LineSplitter(MAX_COMMAND_LINE)
  #queue: string[] = []
  #running = false
  #closed = false
  handler!: (line: string) => Promise<Handled>
  onClose: () => void = () => undefined
  /** After a STARTTLS handshake: the session starts over on the protected channel. */
  onTls: () => void = () => undefined

  constructor(id: string, protocol: Protocol, socket: net.Socket, transcript: Transcript, upgrade: TlsUpgrade | undefined, idleTimeoutMs: number) {
    this.id = id
    this.protocol = protocol
    this.#socket = socket
    this.transcript = transcript
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    this.#loopback = LOOPBACK.test(socket.remoteAddress ?? '')
    this.#upgrade = upgrade
    this.#idleTimeoutMs = idleTimeoutMs
    this.#attach(socket)
  }

  get tlsActive(): boolean {
    return this.#socket instanceof tls.TLSSocket
  }

  get canStartTls(): boolean {
    return this.#upgrade !== undefined && !this.tlsActive
  }

  /** Dovecot's rule: TLS, or a loopback peer nobody else can listen to. */
  get secure(): boolean {
    return this.tlsActive || this.#loopback
  }

  /** Channel-binding data of every type this connection can provide (none without TLS). */
  bindings(): ChannelBinding[] {
    const socket = this.#socket
    if (!(socket instanceof tls.TLSSocket)) return []
    const out: ChannelBinding[] = []
    for (const type of BINDING_TYPES) {
      try {
        out.push(channelBinding(socket, type, { side: 'server' }))
      } catch {
        // Not on this connection (tls-unique on TLS 1.3, tls-exporter before it).
      }
    }
    return out
  }

  /** EXTERNAL: the verified client certificate's CN, if the client presented one. */
  externalIdentity(): string | undefined {
    const socket = this.#socket
    if (!(socket instanceof tls.TLSSocket) || !socket.authorized) return undefined
    const cn = socket.getPeerCertificate()?.subject?.CN
    return typeof cn === 'string' && cn !== '' ? cn : undefined
  }

  reply(line: string): void {
    if (this.#closed) return
    this.transcript.server(line)
    this.#socket.write(`${line}\r\n`)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#socket.end()
    this.#socket.destroySoon()
  }

  destroy(): void {
    this.#closed = true
    this.#socket.destroy()
  }

  #attach(socket: net.Socket): void {
    socket.setTimeout(this.#idleTimeoutMs, () => {
      this.transcript.note('idle timeout')
      this.destroy()
    })
    socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    socket.on('error', () => this.destroy())
    socket.on('close', () => {
      if (socket === this.#socket) {
        this.#closed = true
        this.onClose()
      }
    })
  }

  #receive(chunk: Buffer): void {
    try {
      this.#queue.push(...this.#splitter.push(chunk))
    } catch {
      this.transcript.note('line too long: closing')
      this.destroy()
      return
    }
    void this.#pump()
  }

  async #pump(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      for (let line; !this.#closed && (line = this.#queue.shift()) !== undefined; ) {
        this.transcript.client(line)
        const outcome = await this.handler(line)
        if (outcome === 'close') this.close()
        if (outcome === 'starttls') await this.#startTls()
      }
    } catch {
      this.destroy()
    } finally {
      this.#running = false
    }
  }

  /** RFC 3207 §4.2 (and RFC 2595 §3.1): what the client sent after STARTTLS is discarded. */
  async #startTls(): Promise<void> {
    const raw = this.#socket
    if (this.#queue.length > 0 || this.#splitter.pending) this.transcript.note('discarding data sent after STARTTLS')
    this.#queue = []
    this.#splitter = new LineSplitter(MAX_COMMAND_LINE)
    raw.removeAllListeners('data')
    raw.removeAllListeners('close')
    raw.removeAllListeners('error')
    raw.removeAllListeners('timeout')
    const secure = await this.#upgrade!(raw)
    if (secure === undefined) {
      this.transcript.note('TLS handshake failed')
      this.destroy()
      this.onClose()
      return
    }
    this.#socket = secure
    this.#attach(secure)
    this.transcript.note(`TLS established: ${secure.getProtocol() ?? '?'}, ${secure.getCipher()?.name ?? '?'}`)
    this.onTls()
  }
}

/** The AUTH part every protocol shares: a profile per channel state, the outcome logged. */
class AuthState {
  identity: Identity | undefined
  readonly failures: string[] = []
  inExchange = false

  record(result: ServerResult): void {
    this.inExchange = !result.done
    if (result.identity !== undefined) this.identity = result.identity
    if (result.error !== undefined) this.failures.push(`${result.error.code}${result.error.reason === undefined ? '' : ` (${result.error.reason})`}`)
  }
}

/** Hands a line of an AUTH exchange (its command or a response) to the protocol profile and sends the reply. */
async function relayToProfile(connection: ServerConnection, auth: AuthState, profile: { receive(line: string): Promise<ServerResult> }, line: string): Promise<void> {
  const result = await profile.receive(line)
  auth.record(result)
  connection.reply(result.reply)
}

/**
 * Starts the sandbox. Resolves once every listener is bound; `close()` stops them and ends
 * every open session.
 */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const hostname = options.hostname ?? 'localhost'
  const users = UserDirectory.parse(options.users ?? DEFAULT_USERS)
  const requestCert = options.tls?.clientCa !== undefined
  const tlsOptions: tls.TlsOptions | undefined =
    options.tls === undefined ? undefined : { cert: options.tls.cert, key: options.tls.key, ...(options.tls.clientCa === undefined ? {} : { ca: options.tls.clientCa }), requestCert, rejectUnauthorized: false }
  const upgrade = tlsOptions === undefined ? undefined : starttlsUpgrader(tlsOptions)
  const idleTimeoutMs = options.idleTimeoutMs ?? 60000
  const overrides = options.mechanismOptions ?? {}
  const secrets = users.secrets()

  const shared = (protocol: Protocol): Record<string, unknown> => {
    const base: Record<string, unknown> = { ...users.serverOptions(), service: SERVICES[protocol], hostname, realm: options.realm ?? hostname }
    if (options.gssapi !== undefined) {
      const gssapi = options.gssapi
      base.provider = () => gssapi({ service: `${SERVICES[protocol]}@${hostname}` })
    }
    return base
  }
  // Offered: every mechanism whose server accepts these options (GSSAPI needs a provider), and
  // EXTERNAL only when clients are asked for a certificate: without one it can never succeed.
  const offered: Descriptor[] = MECHANISMS.filter(
    (m) => (m.name !== 'EXTERNAL' || requestCert) && constructs(() => m.server({ ...shared('smtp'), ...overrides[m.name], channel: { secure: true } })),
  )

  const profileOptions = (connection: ServerConnection) => {
    const identity = connection.externalIdentity()
    return {
      mechanisms: offered,
      channel: { secure: connection.secure, bindings: connection.bindings() },
      ...shared(connection.protocol),
      ...(identity === undefined ? {} : { identity }),
      mechanismOptions: overrides,
    }
  }

  const sockets = new Set<ServerConnection>()
  let counter = 0
  const session = (protocol: Protocol, socket: net.Socket, implicit: boolean) => {
    socket.setNoDelay(true)
    const id = `${protocol}#${++counter}`
    const transcript = new Transcript(protocol, { secrets, ...(options.onEntry === undefined ? {} : { onEntry: (entry: TranscriptEntry) => options.onEntry!({ id, protocol }, entry) }) })
    const connection = new ServerConnection(id, protocol, socket, transcript, implicit ? undefined : upgrade, idleTimeoutMs)
    sockets.add(connection)
    transcript.note(`connection from ${connection.peer}${implicit ? ' (TLS)' : ''}`)
    const auth = new AuthState()
    connection.onClose = () => {
      if (!sockets.delete(connection)) return
      transcript.note('closed')
      options.onSession?.({ id, protocol, peer: connection.peer, ...(auth.identity === undefined ? {} : { identity: auth.identity }), failures: auth.failures })
    }
    const start = protocol === 'smtp' ? smtpSession : protocol === 'imap' ? imapSession : pop3Session
    start(connection, auth, hostname, () => profileOptions(connection))
  }

  const servers: net.Server[] = []
  const listeners: Listener[] = []
  const listen = async (protocol: Protocol, port: number, implicit: boolean) => {
    const server = implicit
      ? tls.createServer(tlsOptions!, (socket) => session(protocol, socket, true))
      : net.createServer((socket) => session(protocol, socket, false))
    server.on('tlsClientError', () => undefined)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    servers.push(server)
    const address = server.address() as net.AddressInfo
    listeners.push({ protocol, host, port: address.port, tls: implicit ? 'implicit' : upgrade === undefined ? 'none' : 'starttls' })
  }

  const plain: Array<[Protocol, number | undefined]> = [
    ['smtp', options.smtp],
    ['imap', options.imap],
    ['pop3', options.pop3],
  ]
  const implicitPorts: Array<[Protocol, number | undefined]> = [
    ['smtp', options.smtps],
    ['imap', options.imaps],
    ['pop3', options.pop3s],
  ]
  const none = [...plain, ...implicitPorts].every(([, port]) => port === undefined)
  const defaults: Readonly<Record<Protocol, number>> = { smtp: 2525, imap: 1143, pop3: 1110 }
  try {
    for (const [protocol, port] of plain) if (port !== undefined || none) await listen(protocol, port ?? defaults[protocol], false)
    for (const [protocol, port] of implicitPorts) {
      if (port === undefined) continue
      if (tlsOptions === undefined) throw new Error(`${protocol}s needs a certificate (--tls-cert and --tls-key)`)
      await listen(protocol, port, true)
    }
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
    throw error
  }

  return {
    listeners,
    // -PLUS needs channel-binding data, which only TLS has.
    mechanisms: offered.filter((m) => tlsOptions !== undefined || !m.traits.channelBinding).map((m) => m.name),
    users: users.names,
    async close() {
      for (const connection of sockets) connection.destroy()
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
    },
  }
}

type ProfileOptions = () => Record<string, unknown> & { mechanisms: Descriptor[] }

/** RFC 5321 and RFC 4954, as far as AUTH: EHLO, STARTTLS, AUTH, MAIL/RCPT refused without AUTH, QUIT. */
function smtpSession(connection: ServerConnection, auth: AuthState, hostname: string, profileOptions: ProfileOptions): void {
  let profile = smtp.server(profileOptions())
  let mail = false
  connection.handler = async (line) => {
    if (auth.inExchange) return relayToProfile(connection, auth, profile, line)
    const verb = (/^\S*/.exec(line)?.[0] ?? '').toUpperCase()
    switch (verb) {
      case 'EHLO': {
        const keywords = [`${hostname} Hello ${line.slice(5).trim() || 'there'}`, ...(connection.canStartTls ? ['STARTTLS'] : []), ...profile.advertise(), 'ENHANCEDSTATUSCODES']
        keywords.forEach((k, i) => connection.reply(`250${i === keywords.length - 1 ? ' ' : '-'}${k}`))
        return
      }
      case 'HELO':
        return connection.reply(`250 ${hostname}`)
      case 'STARTTLS':
        if (!connection.canStartTls) return connection.reply(connection.tlsActive ? '503 5.5.1 TLS already active' : '454 4.7.0 TLS not available')
        connection.reply('220 2.0.0 Ready to start TLS')
        return 'starttls'
      case 'AUTH':
        return relayToProfile(connection, auth, profile, line)
      case 'MAIL':
        // RFC 4954 §6: 530 5.7.0 — this sandbox relays nothing for anyone unauthenticated.
        if (profile.identity === undefined) return connection.reply('530 5.7.0 Authentication required')
        mail = true
        return connection.reply('250 2.1.0 OK')
      case 'RCPT':
        return connection.reply(mail ? '250 2.1.5 OK' : '503 5.5.1 MAIL first')
      case 'DATA':
        return connection.reply(mail ? '554 5.3.3 The AUTH sandbox accepts no messages' : '503 5.5.1 MAIL first')
      case 'RSET':
        mail = false
        return connection.reply('250 2.0.0 OK')
      case 'NOOP':
        return connection.reply('250 2.0.0 OK')
      case 'QUIT':
        connection.reply('221 2.0.0 Bye')
        return 'close'
      default:
        return connection.reply('502 5.5.1 Command not implemented')
    }
  }
  // RFC 3207 §4.2: after the handshake the client starts over with EHLO, on a new profile.
  connection.onTls = () => {
    profile = smtp.server(profileOptions())
    mail = false
  }
  connection.reply(`220 ${hostname} ESMTP saslkit AUTH sandbox`)
}

/** RFC 9051: CAPABILITY, STARTTLS, AUTHENTICATE, NOOP, LOGOUT. */
function imapSession(connection: ServerConnection, auth: AuthState, _hostname: string, profileOptions: ProfileOptions): void {
  let profile = imap.server(profileOptions())
  const capabilities = () => ['IMAP4rev1', ...(connection.canStartTls ? ['STARTTLS'] : []), ...profile.advertise()].join(' ')
  connection.handler = async (line) => {
    if (auth.inExchange) return relayToProfile(connection, auth, profile, line)
    const m = /^(\S+) (\S+)/.exec(line)
    if (m === null) return connection.reply('* BAD Invalid command')
    const [, tag, command] = m as unknown as [string, string, string]
    switch (command.toUpperCase()) {
      case 'CAPABILITY':
        connection.reply(`* CAPABILITY ${capabilities()}`)
        return connection.reply(`${tag} OK CAPABILITY completed`)
      case 'STARTTLS':
        if (!connection.canStartTls) return connection.reply(`${tag} BAD STARTTLS not available`)
        connection.reply(`${tag} OK Begin TLS negotiation now`)
        return 'starttls'
      case 'AUTHENTICATE':
        return relayToProfile(connection, auth, profile, line)
      case 'LOGIN':
        return connection.reply(`${tag} NO [CANNOT] The AUTH sandbox takes AUTHENTICATE only`)
      case 'NOOP':
        return connection.reply(`${tag} OK NOOP completed`)
      case 'LOGOUT':
        connection.reply('* BYE saslkit AUTH sandbox logging out')
        connection.reply(`${tag} OK LOGOUT completed`)
        return 'close'
      default:
        return connection.reply(`${tag} BAD Command not supported by the AUTH sandbox`)
    }
  }
  connection.onTls = () => (profile = imap.server(profileOptions()))
  connection.reply(`* OK [CAPABILITY ${capabilities()}] saslkit AUTH sandbox ready`)
}

/** RFC 1939, RFC 2449 and RFC 5034: CAPA, STLS, AUTH, NOOP, QUIT. */
function pop3Session(connection: ServerConnection, auth: AuthState, _hostname: string, profileOptions: ProfileOptions): void {
  let profile = pop3.server(profileOptions())
  connection.handler = async (line) => {
    if (auth.inExchange) return relayToProfile(connection, auth, profile, line)
    const verb = (/^\S*/.exec(line)?.[0] ?? '').toUpperCase()
    switch (verb) {
      case 'CAPA':
        for (const l of ['+OK Capability list follows', ...profile.advertise(), ...(connection.canStartTls ? ['STLS'] : []), 'IMPLEMENTATION saslkit-sandbox', '.']) connection.reply(l)
        return
      case 'STLS':
        if (!connection.canStartTls) return connection.reply('-ERR STLS not available')
        connection.reply('+OK Begin TLS negotiation')
        return 'starttls'
      case 'AUTH':
        return relayToProfile(connection, auth, profile, line)
      case 'USER':
      case 'PASS':
      case 'APOP':
        return connection.reply('-ERR The AUTH sandbox takes AUTH only')
      case 'NOOP':
        return connection.reply('+OK')
      case 'QUIT':
        connection.reply('+OK Bye')
        return 'close'
      default:
        return connection.reply('-ERR Unknown command')
    }
  }
  connection.onTls = () => (profile = pop3.server(profileOptions()))
  connection.reply('+OK saslkit AUTH sandbox ready')
}
