import type { SaslError } from './errors.js'

/**
 * Channel-binding data of a TLS connection (RFC 5056, RFC 5929, RFC 9266).
 *
 * @example
 * ```ts
 * const cb: ChannelBinding = { type: 'tls-exporter', data: exporterBytes }
 * ```
 */
export interface ChannelBinding {
  readonly type: 'tls-server-end-point' | 'tls-exporter' | 'tls-unique'
  readonly data: Uint8Array
}

/**
 * Static facts about a mechanism, used by {@link negotiate} and the profiles.
 *
 * @example
 * ```ts
 * if (plain.traits.plaintext && !tls) throw new Error('PLAIN needs TLS')
 * ```
 */
export interface MechanismTraits {
  /** The client speaks first (has an initial response). */
  readonly clientFirst: boolean
  /** Reveals a password or replayable token: needs TLS. */
  readonly plaintext: boolean
  /** The server proves itself (SCRAM, GSSAPI, DIGEST-MD5). */
  readonly mutual: boolean
  /** Binds to the TLS channel (-PLUS). */
  readonly channelBinding: boolean
  /** Negotiation preference, higher wins (API.md §5 table). */
  readonly strength: number
  /** Obsolete or weak; for docs and a caller's own policy, never used to exclude. */
  readonly legacy: boolean
  /** Chosen by {@link negotiate} only when the caller's `prefer` names it (EXTERNAL, ANONYMOUS). */
  readonly explicitOnly?: boolean
}

/**
 * A mechanism descriptor: its IANA name, traits and the factories of both sides.
 *
 * @example
 * ```ts
 * const client = plain.client({ username: 'tim', password: 'tanstaaftanstaaf' })
 * ```
 */
export interface Mechanism<C = unknown, S = unknown> {
  /** IANA name, upper case: `'SCRAM-SHA-256'`. */
  readonly name: string
  readonly traits: MechanismTraits
  client(options: C): SaslClient
  server(options: S): SaslServer
}

/**
 * A security layer negotiated by GSSAPI: frames out, frames in.
 *
 * @example
 * ```ts
 * socket.write(await client.securityLayer!.encode(utf8Encode('a001 NOOP\r\n')))
 * ```
 */
export interface SecurityLayer {
  /** Wraps data into one or more length-prefixed frames. */
  encode(data: Uint8Array): Promise<Uint8Array>
  /** Takes any chunk of received bytes; returns the complete messages it finished. */
  decode(chunk: Uint8Array): Promise<Uint8Array[]>
}

/**
 * The client side of one authentication exchange.
 *
 * `undefined` and an empty `Uint8Array` differ: no initial response versus an empty one
 * (SMTP sends the latter as `=`).
 *
 * @example
 * ```ts
 * const c = plain.client({ username: 'tim', password: 'secret' })
 * const initial = await c.start()           // Uint8Array, or undefined if the server speaks first
 * // …answer each challenge with await c.next(challenge), then:
 * await c.finish()
 * ```
 */
export interface SaslClient {
  readonly mechanism: string
  /** The initial response; `undefined` when the server must speak first. */
  start(): Promise<Uint8Array | undefined>
  /** Answers one server challenge. */
  next(challenge: Uint8Array): Promise<Uint8Array>
  /**
   * The server said success. Pass its additional data if the protocol carried it with the
   * success (XMPP `<success>`); otherwise call it with no argument. Throws
   * `SaslError('server-not-verified')` where the mechanism authenticates the server and
   * that proof is missing or wrong.
   */
  finish(additionalData?: Uint8Array): Promise<void>
  /** After success with a GSSAPI integrity/confidentiality layer. */
  readonly securityLayer?: SecurityLayer
  /**
   * The error a server reported in a challenge before failing (the OAuth mechanisms' JSON,
   * RFC 7628 §3.2.2), parsed. A profile that receives the failure reply copies it into the
   * `details` of the `SaslError` it throws.
   */
  readonly serverError?: Readonly<Record<string, unknown>> | undefined
}

/**
 * Who authenticated, as a server reports it on success.
 *
 * @example
 * ```ts
 * if (step.type === 'success') log(step.identity.authcid, step.identity.authzid)
 * ```
 */
export interface Identity {
  readonly mechanism: string
  /** Whose credentials were checked. */
  readonly authcid: string
  /** Who the client acts as (= authcid when none was asked for). */
  readonly authzid: string
  /** Mechanism facts (NTLM domain, OAuth claims, principal…); secrets are non-enumerable. */
  readonly details?: Readonly<Record<string, unknown>>
}

/**
 * What a server answers to one client message.
 *
 * @example
 * ```ts
 * const step = await server.next(initialResponse)
 * if (step.type === 'challenge') send(step.challenge)
 * ```
 */
export type ServerStep =
  | { readonly type: 'challenge'; readonly challenge: Uint8Array }
  | { readonly type: 'success'; readonly identity: Identity; readonly additionalData?: Uint8Array }
  | { readonly type: 'failure'; readonly error: SaslError; readonly additionalData?: Uint8Array }

/**
 * The server side of one authentication exchange. Bad input from the client is a
 * `failure` step, never a throw; it throws `protocol-violation` only on caller misuse.
 *
 * @example
 * ```ts
 * const s = plain.server({ credentials: (user) => db.get(user) })
 * const step = await s.next(initialResponse)
 * ```
 */
export interface SaslServer {
  readonly mechanism: string
  /** Feeds the initial response (or undefined if none was sent), then each response. */
  next(response: Uint8Array | undefined): Promise<ServerStep>
  /** After success with a GSSAPI integrity/confidentiality layer. */
  readonly securityLayer?: SecurityLayer
}

/**
 * SCRAM keys stored for one hash (RFC 5802 §3), so the login path never runs PBKDF2.
 *
 * @example
 * ```ts
 * const rec: ScramStoredKeys = { salt, iterations: 4096, storedKey, serverKey }
 * ```
 */
export interface ScramStoredKeys {
  readonly salt: Uint8Array
  readonly iterations: number
  readonly storedKey: Uint8Array
  readonly serverKey: Uint8Array
}

/**
 * What a server stores for one user. Every mechanism can use `password`; the other forms
 * are password-equivalents of the mechanisms that name them.
 *
 * @example
 * ```ts
 * const stored: StoredCredentials = { password: 'pencil' }
 * ```
 */
export interface StoredCredentials {
  readonly password?: string
  readonly scram?: Partial<Record<'SHA-1' | 'SHA-256' | 'SHA-512', ScramStoredKeys>>
  /** MD4(UTF-16LE(password)). */
  readonly ntHash?: Uint8Array
  /** HMAC-MD5 inner/outer states (Dovecot's CRAM-MD5 scheme). */
  readonly cramMd5?: Uint8Array
  /** H({ username-value ":" realm-value ":" passwd }). */
  readonly digestMd5?: Uint8Array
  /** Refused with `account-disabled`, told only after the credentials check out. */
  readonly disabled?: boolean
}

/**
 * The transport a server runs on: protected or not, and its channel-binding data.
 *
 * @example
 * ```ts
 * const channel: ServerChannel = { secure: true, bindings: [{ type: 'tls-exporter', data }] }
 * ```
 */
export interface ServerChannel {
  readonly secure: boolean
  readonly bindings?: readonly ChannelBinding[]
}

/**
 * Server options shared by all mechanisms where they apply.
 *
 * @example
 * ```ts
 * const options: ServerOptions = {
 *   credentials: async (authcid) => users.get(authcid),
 *   authorize: (id) => id.authzid === id.authcid,
 * }
 * ```
 */
export interface ServerOptions {
  /** What is stored for a user; `undefined` for an unknown user. */
  credentials?(
    authcid: string,
    ctx: { mechanism: string; realm?: string },
  ): StoredCredentials | undefined | Promise<StoredCredentials | undefined>
  /** Plaintext mechanisms only: check a password yourself (bcrypt, LDAP bind…). */
  verifyPassword?(authcid: string, password: string): boolean | Promise<boolean>
  /** May authcid act as authzid? Default: authzid empty or equal to authcid. */
  authorize?(identity: Identity): boolean | Promise<boolean>
  /** The transport: protected or not, and the binding data of every type it can offer. */
  channel?: ServerChannel
  /** Largest client message accepted; default 65536 (Dovecot's limit). */
  maxMessageBytes?: number
}

/**
 * Options every client accepts: the randomness source, replaceable for vectors.
 *
 * @example
 * ```ts
 * const fixed: ClientRandomOptions = { random: (n) => new Uint8Array(n) } // tests only!
 * ```
 */
export interface ClientRandomOptions {
  /** Replaces `crypto.getRandomValues`. */
  random?: (length: number) => Uint8Array
}
