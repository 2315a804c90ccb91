/**
 * What the four protocol profiles share: the client driver loop (initial response, challenges,
 * local failure → cancel, the server's final data arriving as a challenge, error replies) and
 * the server profile object, whose driver (server.ts: mechanism selection by channel,
 * challenges, success data, refusals) loads on its first line. A profile only supplies its
 * wire format (a `ClientWire` / `ServerWire`).
 */
import { SaslError, asSaslError, type SaslErrorCode } from '../core/errors.js'
import type { Identity, Mechanism, SaslClient, SecurityLayer, ServerChannel, ServerOptions } from '../core/types.js'
import { base64Decode } from '../codec/base64.js'

/**
 * What to do after one server line: `send` a line (without CRLF), and/or stop because the
 * exchange succeeded (`done`). `{}` means "keep reading" (a continuation line, an untagged
 * IMAP response). A failure reply is not an action: `receive` throws a `SaslError`.
 *
 * @example
 * ```ts
 * const act: ClientAction = await ex.receive('334 ')
 * if (act.send !== undefined) socket.write(act.send + '\r\n')
 * ```
 */
export interface ClientAction {
  readonly send?: string
  readonly done?: true
}

/**
 * The client side of one authentication exchange in a protocol (API.md §5). Sans-I/O: the
 * caller writes what `begin`/`receive`/`cancel` return and feeds back each line it reads.
 *
 * @example
 * ```ts
 * const ex = smtp.client(plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }))
 * write(await ex.begin())                       // 'AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm'
 * for (;;) {
 *   const act = await ex.receive(await readLine()) // throws SaslError on a failure reply
 *   if (act.send !== undefined) write(act.send)
 *   if (act.done) break
 * }
 * ```
 */
export interface ClientExchange {
  /** The command that starts the exchange (`AUTH PLAIN …`, `A1 AUTHENTICATE …`, `<auth …>`). */
  begin(): Promise<string>
  /** One line (one element in XMPP) from the server, without CRLF. */
  receive(line: string): Promise<ClientAction>
  /**
   * Gives up: returns the cancel line (`*`, `<abort/>`) to send; the server's answer to it
   * then makes `receive` throw `SaslError('aborted')`.
   */
  cancel(): string
  /** After success with a GSSAPI security layer: the mechanism's layer. */
  readonly securityLayer: SecurityLayer | undefined
}

/**
 * What a server profile answers to one client line: the line to send back, whether the
 * exchange is over (success or failure), the identity on success, and on failure the error
 * for the server's own logs (its `reason` is never sent to the client).
 *
 * @example
 * ```ts
 * const r = await srv.receive('AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm')
 * write(r.reply)
 * if (r.error) log.warn('auth failed', r.error.code, r.error.reason)
 * ```
 */
export interface ServerResult {
  readonly reply: string
  readonly done: boolean
  readonly identity?: Identity
  readonly error?: SaslError
}

/**
 * The server side of a protocol's authentication, for one connection: it starts an exchange
 * on each AUTH command, refuses a second one after success, and never throws for what the
 * client sent.
 *
 * @example
 * ```ts
 * const srv = smtp.server({ mechanisms: [plain], channel: { secure: true }, credentials })
 * const r = await srv.receive('AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm') // { reply: '235 2.7.0 …', done: true, identity }
 * ```
 */
export interface ServerExchange {
  /** One line (one element in XMPP) from the client, without CRLF. */
  receive(line: string): Promise<ServerResult>
  /** The mechanisms this connection's channel allows, in the configured order. */
  readonly mechanisms: readonly string[]
  /** Who authenticated, once an exchange succeeded. */
  readonly identity: Identity | undefined
  /** After success with a GSSAPI security layer: the mechanism's layer. */
  readonly securityLayer: SecurityLayer | undefined
}

/**
 * Any mechanism descriptor, whatever its option types.
 *
 * @example
 * ```ts
 * const offered: AnyMechanism[] = [plain, login]
 * ```
 */
export type AnyMechanism = Mechanism<never, never>

/**
 * The server options every listed mechanism takes, merged into one object type (so that
 * EXTERNAL's `identity` or OAuth's `validateToken` are checked where those mechanisms are listed).
 *
 * @example
 * ```ts
 * type Options = MechanismServerOptions<typeof plain | typeof external> // PlainServerOptions & ExternalServerOptions
 * ```
 */
// A union turned into an intersection: each member becomes a function parameter, and
// inferring one parameter type from their union intersects them (contravariance). A list
// typed only as AnyMechanism[] says nothing about options (never becomes unknown).
export type MechanismServerOptions<M> = (M extends Mechanism<never, infer S> ? (options: [S] extends [never] ? unknown : S) => void : never) extends (
  options: infer I,
) => void
  ? I
  : never

/**
 * Options of every server profile: the mechanisms offered (in advertisement order), the
 * channel (plaintext mechanisms need `secure`, -PLUS needs `bindings`), the options shared by
 * those mechanisms, and optionally per-mechanism overrides. `L` is the list's type, so that
 * each listed mechanism's own options are checked.
 *
 * @example
 * ```ts
 * const options: ProfileServerOptions<[typeof plain, typeof login]> = {
 *   mechanisms: [plain, login],
 *   channel: { secure: true },
 *   credentials: (user) => users.get(user),
 *   mechanismOptions: { LOGIN: { prompts: { username: 'User Name\0', password: 'Password\0' } } },
 * }
 * ```
 */
export type ProfileServerOptions<L extends readonly AnyMechanism[] = readonly AnyMechanism[]> = ServerOptions & {
  readonly mechanisms: L
  /** Options for one mechanism only, by its name, merged over the shared ones. */
  readonly mechanismOptions?: Readonly<Record<string, object>>
  /** Longest client line accepted (octets); longer ones end the exchange. */
  readonly maxLineLength?: number
} & MechanismServerOptions<L[number]>

/** Longest server line a client profile reads (a 64 KiB GSSAPI token is ~87,400 base64 chars). */
export const MAX_SERVER_LINE = 262144

// RFC 4422 §3.1: sasl-mech = 1*20mech-char, mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE.
const MECHANISM_NAME = /^[A-Z0-9_-]{1,20}$/

/** A SASL mechanism name (case-insensitive), upper-cased; undefined if it is not one. */
export function mechanismName(text: string): string | undefined {
  const upper = text.toUpperCase()
  return MECHANISM_NAME.test(upper) ? upper : undefined
}

function misuse(message: string): SaslError {
  return new SaslError('protocol-violation', message)
}

/** Truncates peer text for an error message. */
export function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text
}

/** The payload of a challenge, response or initial response: `''` is empty, else strict base64. */
export function decodePayload(text: string): Uint8Array {
  return text === '' ? new Uint8Array(0) : base64Decode(text)
}

// ---------------------------------------------------------------------------------------------
// Client

/** What a client profile makes of one server line. */
export type ServerEvent =
  | { readonly type: 'continue' }
  | { readonly type: 'challenge'; readonly text: string }
  | { readonly type: 'success'; readonly data?: Uint8Array }
  | { readonly type: 'failure'; readonly error: SaslError }

/** One protocol's client-side wire format. */
export interface ClientWire {
  /** The first line; `withheld` when the initial response must wait for an empty challenge. */
  command(initial: Uint8Array | undefined): { line: string; withheld: boolean }
  /** Parses one server line; throws `malformed-request` for garbage. `cancelled`: we sent `*`. */
  parse(line: string, cancelled: boolean): ServerEvent
  /** A response line for these bytes. */
  response(data: Uint8Array): string
  readonly cancelLine: string
  /** XMPP elements may span lines; the line protocols refuse CR and LF inside a line. */
  readonly multiline: boolean
}

/** The OAuth client's parsed error challenge (API.md §3, `SaslClient.serverError`), if any. */
function oauthServerError(client: SaslClient): Readonly<Record<string, unknown>> | undefined {
  // A foreign SaslClient may put anything there: only a JSON object is carried.
  const value: unknown = client.serverError
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  return value as Readonly<Record<string, unknown>>
}

class ProfileClient implements ClientExchange {
  readonly #sasl: SaslClient
  readonly #wire: ClientWire
  #phase: 'new' | 'ready' | 'busy' | 'done' = 'new'
  /** An initial response not sent with the command (too long, or no SASL-IR). */
  #held: Uint8Array | undefined
  #challenges = 0
  /** Set once we sent the cancel line: the error `receive` throws when the server answers. */
  #failure: SaslError | undefined

  constructor(sasl: SaslClient, wire: ClientWire) {
    this.#sasl = sasl
    this.#wire = wire
  }

  get securityLayer(): SecurityLayer | undefined {
    return this.#sasl.securityLayer
  }

  async begin(): Promise<string> {
    if (this.#phase !== 'new') throw misuse('begin() must come first, once')
    this.#phase = 'busy'
    try {
      const initial = await this.#sasl.start()
      const { line, withheld } = this.#wire.command(initial)
      if (withheld) this.#held = initial
      this.#phase = 'ready'
      return line
    } catch (error) {
      this.#phase = 'done'
      throw asSaslError(error, 'temporary-auth-failure', 'the client mechanism failed to start')
    }
  }

  async receive(line: string): Promise<ClientAction> {
    if (this.#phase !== 'ready') {
      throw misuse(this.#phase === 'new' ? 'begin() must come first' : this.#phase === 'busy' ? 'a receive() is already running' : 'the exchange is over')
    }
    if (typeof line !== 'string') throw misuse('receive() takes a string')
    this.#phase = 'busy'
    try {
      const action = await this.#handle(line)
      this.#phase = action.done === true ? 'done' : 'ready'
      return action
    } catch (error) {
      this.#phase = 'done'
      throw asSaslError(error, 'malformed-request', 'unexpected server line')
    }
  }

  cancel(): string {
    if (this.#phase !== 'ready') throw misuse('cancel() needs a running exchange')
    this.#failure ??= new SaslError('aborted', 'authentication cancelled by the client')
    return this.#wire.cancelLine
  }

  async #handle(line: string): Promise<ClientAction> {
    if (line.length > MAX_SERVER_LINE) throw new SaslError('malformed-request', `server line longer than ${MAX_SERVER_LINE} characters`)
    if (!this.#wire.multiline && /[\r\n]/.test(line)) throw new SaslError('malformed-request', 'a line must not contain CR or LF')
    const event = this.#wire.parse(line, this.#failure !== undefined)
    switch (event.type) {
      case 'continue':
        return {}
      case 'challenge':
        // Awaited: an async function that returns a promise unawaited costs two more turns.
        return await this.#challenge(event.text)
      case 'success':
        if (this.#failure !== undefined) throw this.#failure
        if (this.#held !== undefined) throw new SaslError('malformed-request', 'success before the initial response was sent')
        // API.md §3: XMPP carries the final data with success; elsewhere it came as a challenge.
        await this.#sasl.finish(event.data)
        return { done: true }
      case 'failure':
        // API.md §5: after a local failure we sent '*'; the server's answer brings that error.
        if (this.#failure !== undefined) throw this.#failure
        throw this.#withServerError(event.error)
    }
  }

  async #challenge(text: string): Promise<ClientAction> {
    if (this.#failure !== undefined) throw this.#failure
    const first = this.#challenges++ === 0
    let data: Uint8Array
    try {
      data = decodePayload(text)
    } catch (error) {
      // API.md §5: text that is not base64 is an empty challenge only the first time, for
      // Exchange's `334 NTLM supported` ([MS-SMTPNTLM] 2.2.1.1); RFC 4954 §4: a client that
      // cannot decode a challenge cancels with '*'.
      if (!first) return this.#fail(new SaslError('malformed-request', 'the server challenge is not base64', { cause: error }))
      data = new Uint8Array(0)
    }
    if (this.#held !== undefined) {
      // RFC 4422 §5: without an initial response the server sends an empty challenge first.
      if (data.length !== 0) return this.#fail(new SaslError('malformed-request', 'expected an empty challenge before the initial response'))
      const held = this.#held
      this.#held = undefined
      return { send: this.#wire.response(held) }
    }
    let response: Uint8Array
    try {
      response = await this.#sasl.next(data)
    } catch (error) {
      return this.#fail(asSaslError(error, 'temporary-auth-failure', 'the client mechanism failed'))
    }
    return { send: this.#wire.response(response) }
  }

  #fail(error: SaslError): ClientAction {
    this.#failure = error
    return { send: this.#wire.cancelLine }
  }

  // API.md §4: after an OAuth error challenge the exchange ends in not-authorized, carrying
  // the server's JSON error as details (RFC 7628 §3.2.3).
  #withServerError(error: SaslError): SaslError {
    const serverError = oauthServerError(this.#sasl)
    if (serverError === undefined) return error
    const options = error.reply === undefined ? { details: serverError } : { details: serverError, reply: error.reply }
    return new SaslError('not-authorized', error.message, options)
  }
}

/** Runs a client mechanism over one protocol's wire format. */
export function clientExchange(sasl: SaslClient, makeWire: (mechanism: string) => ClientWire): ClientExchange {
  if (typeof sasl !== 'object' || sasl === null || typeof sasl.start !== 'function' || typeof sasl.next !== 'function' || typeof sasl.finish !== 'function') {
    throw misuse('client() takes a SaslClient')
  }
  const name = typeof sasl.mechanism === 'string' ? mechanismName(sasl.mechanism) : undefined
  if (name === undefined) throw misuse('the client mechanism has no valid SASL name')
  return new ProfileClient(sasl, makeWire(name))
}

// ---------------------------------------------------------------------------------------------
// Server

/** Why a server profile refuses a line: a SaslError code, or a situation outside SASL. */
export type Refusal = SaslErrorCode | 'already-authenticated' | 'line-too-long' | 'unknown-command' | 'syntax'

/** What a line that should start an exchange turned out to be. */
export type CommandLine =
  | { readonly type: 'auth'; readonly mechanism: string; readonly initial: string | undefined; readonly tag?: string }
  | { readonly type: 'refuse'; readonly refusal: Refusal; readonly tag?: string }

/** What a line inside an exchange turned out to be. */
export type ResponseLine = { readonly type: 'cancel' } | { readonly type: 'data'; readonly text: string } | { readonly type: 'refuse'; readonly refusal: Refusal }

/** One protocol's server-side wire format. */
export interface ServerWire {
  readonly multiline: boolean
  readonly defaultMaxLineLength: number
  /** XMPP's `<success>` carries additional data; the others send it as one more challenge. */
  readonly successCarriesData: boolean
  /** `initial`: undefined (none), `'='` (empty) or base64 text. */
  command(line: string): CommandLine
  /** `text`: base64, `''` for an empty response. */
  response(line: string): ResponseLine
  challenge(data: Uint8Array): string
  success(data: Uint8Array | undefined, tag: string | undefined): string
  refuse(refusal: Refusal, tag: string | undefined): string
  /** IMAP: the tag of a command line that is refused before it is parsed (too long). */
  tagOf?(line: string): string | undefined
}

/**
 * A profile's loader of its server wire format (one per profile, made once). The profile's
 * servers keep on it what their first line imports: the driver and the wire format, loaded or
 * loading (an `import()` costs microseconds even for a loaded module). A failed import is
 * forgotten, so that the next line, of this server or another, imports again.
 */
export interface WireLoader {
  (): Promise<ServerWire>
  loaded?: Promise<[typeof import('./server.js'), ServerWire]> | undefined
}

/** API.md §5: no plaintext mechanism on an unprotected channel, -PLUS only with binding data. */
export function refusalFor(m: AnyMechanism, channel: ServerChannel): Refusal | undefined {
  if (m.traits.plaintext && !channel.secure) return 'encryption-required'
  if (m.traits.channelBinding && (channel.bindings?.length ?? 0) === 0) return 'invalid-mechanism'
  return undefined
}

/** What a server profile took from its options at construction: checked and copied. */
export interface ProfileServerConfig {
  readonly mechanisms: readonly AnyMechanism[]
  readonly shared: Readonly<Record<string, unknown>>
  readonly overrides: Readonly<Record<string, object>>
  readonly channel: ServerChannel
  readonly maxLineLength: number | undefined
}

/** What the server driver exposes to the profile object that holds it. */
export interface ProfileServerEngine {
  handle(line: string): Promise<ServerResult> | ServerResult
  readonly identity: Identity | undefined
  readonly securityLayer: SecurityLayer | undefined
}

/**
 * The server profile object; each profile subclasses it to add its advertisement helper. The
 * options are checked and copied here, at construction; the driver and the profile's wire
 * format load on the first `receive()` (a dynamic import), so a bundle that only runs the
 * client side never downloads them. If they cannot load (a lost connection), that `receive()`
 * rejects with `temporary-auth-failure` and the next one imports them again.
 */
export class ProfileServer implements ServerExchange {
  readonly #config: ProfileServerConfig
  readonly #loadWire: WireLoader
  readonly mechanisms: readonly string[]
  #loaded: ProfileServerEngine | undefined
  #busy = false

  /** @internal */
  constructor(loadWire: WireLoader, options: ProfileServerOptions) {
    // Decision 5: channel.bindings that is not a list is the caller's mistake too; each
    // mechanism reads the entries it can use.
    if (typeof options !== 'object' || options === null || !Array.isArray(options.mechanisms) || !Array.isArray(options.channel?.bindings ?? [])) {
      throw misuse('server() takes { mechanisms: [...], channel?: { bindings?: [...] }, ... }')
    }
    const { mechanisms, mechanismOptions, maxLineLength, ...shared } = options as ProfileServerOptions & Record<string, unknown>
    for (const m of mechanisms) {
      if (typeof m !== 'object' || m === null || typeof m.server !== 'function' || mechanismName(String(m.name)) !== m.name) {
        throw misuse('server() mechanisms must be mechanism descriptors')
      }
    }
    const channel = { secure: options.channel?.secure === true, bindings: [...(options.channel?.bindings ?? [])] }
    this.#config = { mechanisms: [...mechanisms], shared, overrides: { ...mechanismOptions }, channel, maxLineLength }
    this.#loadWire = loadWire
    this.mechanisms = Object.freeze(mechanisms.filter((m) => refusalFor(m, channel) === undefined).map((m) => m.name))
  }

  get identity(): Identity | undefined {
    return this.#loaded?.identity
  }

  get securityLayer(): SecurityLayer | undefined {
    return this.#loaded?.securityLayer
  }

  async receive(line: string): Promise<ServerResult> {
    if (this.#busy) throw misuse('a receive() is already running')
    if (typeof line !== 'string') throw misuse('receive() takes a string')
    this.#busy = true
    try {
      // The driver loads on the first line; every later line goes straight to it. A line that
      // finds that code cannot load rejects with temporary-auth-failure; the next line imports again.
      const load = this.#loadWire
      this.#loaded ??= await (load.loaded ??= Promise.all([import('./server.js'), load()]))
        .then(([{ ServerEngine }, wire]) => new ServerEngine(wire, this.#config))
        .catch((error: unknown) => {
          load.loaded = undefined
          throw asSaslError(error, 'temporary-auth-failure', 'the server profile did not load')
        })
      return await this.#loaded.handle(line)
    } finally {
      this.#busy = false
    }
  }
}
