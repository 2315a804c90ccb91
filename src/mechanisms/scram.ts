/**
 * SCRAM (RFC 5802): SCRAM-SHA-1, SCRAM-SHA-256 (RFC 7677) and SCRAM-SHA-512
 * (draft-melnikov-scram-sha-512), and their -PLUS variants bound to the TLS channel (RFC 5802
 * §6 with RFC 5929 / RFC 9266 binding types). Client and server, one implementation
 * parameterised by the hash and by whether the variant binds to the channel.
 *
 * Neither side ever sends the password: the client proves it knows the salted password, the
 * server proves it knows the stored key, and a server stores only `{ salt, iterations,
 * storedKey, serverKey }` (see `deriveCredentials`). Usernames and passwords go through
 * SASLprep; its Unicode tables load (a dynamic import) only for a string that is not plain ASCII.
 *
 * @module saslkit/scram
 */
import { SaslError, type SaslErrorCode } from '../core/errors.js'
import { ClientBase, lazyServer } from '../core/guard.js'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../core/limits.js'
import type { ChannelBinding, ClientRandomOptions, Mechanism, SaslClient, ServerOptions } from '../core/types.js'
import { base64Decode, base64Encode } from '../codec/base64.js'
import { concatBytes } from '../codec/bytes.js'
import { constantTimeEqual } from '../codec/equal.js'
import { encodeGs2Header, escapeSaslname } from '../codec/gs2.js'
import { saslprepLazily } from '../codec/saslprep-ascii.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { randomBytes } from '../crypto/random.js'
import { SHA1, SHA256, SHA512, digestOf, hmacOf, keysOf, saltPassword, xorBytes, type HashFunction } from '../crypto/scram-keys.js'
import {
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MIN_ITERATIONS,
  MAX_NONCE_LENGTH,
  badOption,
  checkNonce,
  iterationOption,
  makeNonce,
  malformed,
  readAttributes,
  type ScramServerConfig,
  type ScramVariant,
} from './scram-common.js'

const CHANNEL_BINDING_TYPES: ReadonlySet<string> = new Set(['tls-server-end-point', 'tls-exporter', 'tls-unique'])

/**
 * The keys of a completed SCRAM exchange, for an app to cache and pass back as client options
 * next time (`{ username, ...client.keys }`), which skips PBKDF2.
 *
 * @example
 * ```ts
 * await client.finish()
 * cache.set(user, client.keys) // { salt, iterations, saltedPassword, clientKey, serverKey }
 * ```
 */
export interface ScramKeys {
  readonly salt: Uint8Array
  readonly iterations: number
  /** Absent when the client itself was given only `clientKey` and `serverKey`. */
  readonly saltedPassword?: Uint8Array
  readonly clientKey: Uint8Array
  readonly serverKey: Uint8Array
}

/**
 * SCRAM client options: the username and one of `password`, a cached `saltedPassword`, or
 * cached `clientKey` + `serverKey`. Cached keys given with the `salt` and `iterations` they
 * were made with are used only when the server sends the same ones; otherwise the `password`
 * is used, or the exchange fails with `credentials-expired`.
 *
 * @example
 * ```ts
 * const options: ScramClientOptions = { username: 'user', password: 'pencil' }
 * const next: ScramClientOptions = { username: 'user', ...client.keys! }   // after a success
 * const plus: ScramClientOptions = { username: 'user', password: 'pencil', channelBinding: channelBinding(socket, 'tls-exporter') }
 * ```
 */
export interface ScramClientOptions extends ClientRandomOptions {
  readonly username: string
  readonly password?: string
  readonly saltedPassword?: Uint8Array
  readonly clientKey?: Uint8Array
  readonly serverKey?: Uint8Array
  /** The salt the cached keys were derived with. */
  readonly salt?: Uint8Array
  /** The iteration count the cached keys were derived with. */
  readonly iterations?: number
  /** Act as this identity (empty or absent: as `username`). */
  readonly authzid?: string
  /**
   * The TLS channel's binding data. Required by the -PLUS variants; given to a plain variant it
   * makes the client send `y` (RFC 5802 §6: "I support channel binding but think you do
   * not"), so a server that does support it detects a downgrade.
   */
  readonly channelBinding?: ChannelBinding
  /** The exact client nonce (printable ASCII but `,`), for replaying vectors. Default: 18 random bytes, base64. */
  readonly nonce?: string
  /** Fewer iterations are refused with `mechanism-too-weak`. Default 4096 (RFC 5802 §5.1). */
  readonly minIterations?: number
  /** More iterations are refused with `malformed-request`, before any work. Default 10,000,000. */
  readonly maxIterations?: number
}

/**
 * SCRAM server options. Credentials come from `credentials()`: a `scram` record for the
 * variant's hash (the login path then never runs PBKDF2), or a plaintext `password` (derived at
 * each login with the `iterations` option and a salt from `secret`).
 *
 * Unknown users get a fake salt, HMAC(secret, username), and the default iteration count, and
 * fail exactly like a wrong password (RFC 5802 §9). Without `secret` a random one is drawn per
 * process, so fake salts change on restart and differ between the nodes of a cluster, which
 * tells a prober which users do not exist: give every node the same `secret`, kept as safe as
 * the password database.
 *
 * @example
 * ```ts
 * const options: ScramServerOptions = {
 *   credentials: (user) => db.get(user),     // { scram: { 'SHA-256': { salt, iterations, storedKey, serverKey } } }
 *   secret: config.scramSecret,             // the same on every node, kept like the password database
 *   channel: { secure: true, bindings: [channelBinding(socket, 'tls-exporter')] },
 * }
 * ```
 */
export interface ScramServerOptions extends ServerOptions {
  /** Iteration count for unknown users and for users stored with a plaintext password. Default 4096. */
  readonly iterations?: number
  /** Key of the fake salts (and of the salts of plaintext-password users). Default: random per process. */
  readonly secret?: Uint8Array | string
  /** The exact server part of the nonce, for replaying vectors. Default: 18 random bytes, base64. */
  readonly nonce?: string
  /** Replaces `crypto.getRandomValues` for the server nonce. */
  readonly random?: (length: number) => Uint8Array
}

/**
 * A SCRAM client: a {@link SaslClient} that, after success, exposes the keys it used.
 *
 * @example
 * ```ts
 * const client: ScramClient = scramSha256.client({ username: 'user', password: 'pencil' })
 * ```
 */
export interface ScramClient extends SaslClient {
  /** After a verified success: the keys to cache; `undefined` before. Copies, safe to keep. */
  readonly keys: ScramKeys | undefined
}

/**
 * A SCRAM mechanism descriptor; its clients expose {@link ScramClient.keys}.
 *
 * @example
 * ```ts
 * const mech: ScramMechanism = scramSha256
 * ```
 */
export interface ScramMechanism extends Mechanism<ScramClientOptions, ScramServerOptions> {
  client(options: ScramClientOptions): ScramClient
}

// ---------------------------------------------------------------------------------------------
// Client

// RFC 5802 §7 server-error-value → the SaslError code a client reports. The others (invalid-proof,
// the channel-binding refusals, unknown-user, other-error, and any extension value) are
// `not-authorized`.
// A Map, not an object: a value such as `constructor` must not find Object.prototype's.
const SERVER_ERROR_CODES: ReadonlyMap<string, SaslErrorCode> = /* @__PURE__ */ new Map([
  ['invalid-encoding', 'incorrect-encoding'],
  ['extensions-not-supported', 'malformed-request'],
  ['invalid-username-encoding', 'malformed-request'],
  ['no-resources', 'temporary-auth-failure'],
])

/** Keys the client was given, for the salt and iteration count given with them (when given). */
interface CachedKeys {
  readonly salt: Uint8Array | undefined
  readonly iterations: number | undefined
  readonly saltedPassword: Uint8Array | undefined
  readonly clientKey: Uint8Array | undefined
  readonly serverKey: Uint8Array | undefined
}

function optionalBytes(value: unknown, length: number | undefined, what: string): Uint8Array | undefined {
  if (value === undefined) return undefined
  if (!(value instanceof Uint8Array) || value.length === 0 || (length !== undefined && value.length !== length)) {
    throw badOption(`${what} must be ${length === undefined ? 'non-empty bytes' : `${length} bytes`}`)
  }
  return new Uint8Array(value) // a copy: the caller's array may be a view into memory it reuses
}

class ScramClientImpl extends ClientBase implements ScramClient {
  readonly mechanism: string
  readonly #variant: ScramVariant
  readonly #username: string
  readonly #password: string | undefined
  #preparedPassword: string | undefined
  readonly #cached: CachedKeys
  readonly #binding: ChannelBinding | undefined
  readonly #gs2Header: string
  readonly #clientNonce: string
  readonly #minIterations: number
  readonly #maxIterations: number
  #phase: 'new' | 'first-sent' | 'final-sent' | 'verified' = 'new'
  #clientFirstBare = ''
  #expectedServerSignature: Uint8Array | undefined
  #keys: (CachedKeys & { readonly salt: Uint8Array; readonly iterations: number; readonly clientKey: Uint8Array; readonly serverKey: Uint8Array }) | undefined

  constructor(variant: ScramVariant, name: string, options: ScramClientOptions) {
    super()
    this.mechanism = name
    this.#variant = variant
    const { username, password, channelBinding, authzid = '' } = options
    // Decision 5: a non-string is the caller's mistake. What the text holds (empty, characters
    // SASLprep refuses) is checked with SASLprep, by start(): malformed-request.
    if (typeof username !== 'string' || (password !== undefined && typeof password !== 'string') || typeof authzid !== 'string') {
      throw badOption('username, password or authzid must be a string')
    }
    // RFC 5801 §4: a saslname holds no NUL (UTF8-char-safe); text the wire cannot carry.
    if (authzid.includes('\0')) throw malformed('NUL in authzid')
    this.#username = username
    this.#password = password
    const key = (value: unknown, what: string): Uint8Array | undefined => optionalBytes(value, variant.outputLen, what)
    const cached: CachedKeys = {
      salt: optionalBytes(options.salt, undefined, 'salt'),
      iterations: iterationOption(options.iterations, undefined, 'iterations'),
      saltedPassword: key(options.saltedPassword, 'saltedPassword'),
      clientKey: key(options.clientKey, 'clientKey'),
      serverKey: key(options.serverKey, 'serverKey'),
    }
    if ((cached.clientKey === undefined) !== (cached.serverKey === undefined)) {
      throw badOption('clientKey and serverKey come together')
    }
    if (password === undefined && cached.saltedPassword === undefined && cached.clientKey === undefined) {
      throw badOption('the client needs a password, a saltedPassword, or clientKey and serverKey')
    }
    this.#cached = cached
    if (channelBinding !== undefined) {
      // Spread: null (or any value but a binding) is then an unknown type, never a TypeError.
      const { type, data } = { ...channelBinding }
      if (!CHANNEL_BINDING_TYPES.has(type)) throw badOption('unknown channel-binding type')
      this.#binding = { type, data: optionalBytes(data ?? 0, undefined, 'channel-binding data')! }
    }
    // RFC 5802 §6: a -PLUS variant must bind; refuse before anything is sent.
    if (variant.plus && this.#binding === undefined) {
      throw new SaslError('protocol-violation', `${name} needs channelBinding: { type, data } from the TLS connection`)
    }
    // RFC 5802 §6: `p=` when binding, `y` when able to bind but the server seems unable, else `n`.
    this.#gs2Header = encodeGs2Header({ flag: channelBinding === undefined ? 'n' : variant.plus ? 'p' : 'y', cbType: channelBinding?.type ?? '', authzid })
    this.#clientNonce = makeNonce(options.nonce, options.random ?? randomBytes)
    this.#minIterations = iterationOption(options.minIterations, DEFAULT_MIN_ITERATIONS, 'minIterations')
    this.#maxIterations = iterationOption(options.maxIterations, DEFAULT_MAX_ITERATIONS, 'maxIterations')
    if (this.#minIterations > this.#maxIterations) throw badOption('minIterations exceeds maxIterations')
  }

  get keys(): ScramKeys | undefined {
    if (this.#phase !== 'verified' || this.#keys === undefined) return undefined
    const { salt, iterations, saltedPassword, clientKey, serverKey } = this.#keys
    const copy = { salt: salt.slice(), iterations, clientKey: clientKey.slice(), serverKey: serverKey.slice() }
    return saltedPassword === undefined ? copy : { ...copy, saltedPassword: saltedPassword.slice() }
  }

  protected async onStart(): Promise<Uint8Array> {
    // RFC 5802 §5.1: the username is prepared with SASLprep as a query string.
    const username = await saslprepLazily(this.#username)
    if (username === '') throw malformed('empty username (after SASLprep)')
    if (this.#password !== undefined) {
      // RFC 5802 §2.2: Normalize(password) is SASLprep with the password as a stored string.
      // Prepared now, so that a password SASLprep refuses fails before anything is sent.
      this.#preparedPassword = await saslprepLazily(this.#password, { storedString: true })
      if (this.#preparedPassword === '') throw malformed('empty password (after SASLprep)')
    }
    // RFC 5802 §5.1: saslname escaping of "," and "=".
    this.#clientFirstBare = `n=${escapeSaslname(username)},r=${this.#clientNonce}`
    this.#phase = 'first-sent'
    return utf8Encode(this.#gs2Header + this.#clientFirstBare)
  }

  protected override async onNext(challenge: Uint8Array): Promise<Uint8Array> {
    if (this.#phase === 'first-sent') return this.#answerServerFirst(challenge)
    if (this.#phase === 'final-sent') {
      // A protocol without additional data with success sends server-final as a challenge.
      this.#verifyServerFinal(challenge)
      return new Uint8Array(0)
    }
    throw malformed('unexpected challenge after the server-final message')
  }

  protected override onFinish(additionalData: Uint8Array | undefined): void {
    if (additionalData !== undefined && additionalData.length > 0) {
      if (this.#phase === 'first-sent') throw new SaslError('server-not-verified', `${this.mechanism}: success before the proof`)
      this.#verifyServerFinal(additionalData)
    }
    // RFC 5802 §5: the client MUST verify ServerSignature before believing the server.
    if (this.#phase !== 'verified') throw new SaslError('server-not-verified', `${this.mechanism}: the server did not prove it knows the password`)
  }

  async #answerServerFirst(challenge: Uint8Array): Promise<Uint8Array> {
    if (challenge.length > DEFAULT_MAX_MESSAGE_BYTES) throw malformed('server-first-message too long')
    const serverFirst = utf8Decode(challenge)
    if (serverFirst.startsWith('e=')) throw this.#serverError(serverFirst)
    const [nonce, saltText, iterationText] = readAttributes(serverFirst, ['r', 's', 'i']) as [string, string, string]
    // RFC 5802 §5.1: the nonce must start with the client's and add the server's part.
    checkNonce(nonce, 'server', this.#clientNonce.length + MAX_NONCE_LENGTH)
    if (!nonce.startsWith(this.#clientNonce) || nonce.length === this.#clientNonce.length) {
      throw malformed('the server nonce does not extend the client nonce')
    }
    const salt = base64Decode(saltText)
    if (salt.length === 0) throw malformed('empty salt')
    const iterations = this.#checkIterations(iterationText)
    // All checks passed: only now may the (possibly slow) key derivation start.
    const { clientKey, serverKey } = await this.#deriveKeys(salt, iterations)

    const cbindInput = concatBytes(utf8Encode(this.#gs2Header), this.#variant.plus ? this.#binding!.data : new Uint8Array(0))
    const withoutProof = `c=${base64Encode(cbindInput)},r=${nonce}`
    // RFC 5802 §3: AuthMessage := client-first-message-bare + "," + server-first-message + "," + client-final-message-without-proof
    const authMessage = utf8Encode(`${this.#clientFirstBare},${serverFirst},${withoutProof}`)
    // RFC 5802 §3: ClientSignature := HMAC(StoredKey, AuthMessage) with StoredKey := H(ClientKey);
    // ServerSignature := HMAC(ServerKey, AuthMessage). Small and synchronous (noble), unlike PBKDF2.
    const v = this.#variant
    const clientSignature = hmacOf(v, digestOf(v, clientKey), authMessage)
    const serverSignature = hmacOf(v, serverKey, authMessage)
    const proof = xorBytes(clientKey, clientSignature)
    this.#expectedServerSignature = serverSignature
    this.#phase = 'final-sent'
    return utf8Encode(`${withoutProof},p=${base64Encode(proof)}`)
  }

  #checkIterations(text: string): number {
    // RFC 5802 §7: posit-number = %x31-39 *DIGIT. Ten digits bound the parse.
    if (!/^[1-9][0-9]{0,9}$/.test(text)) throw malformed('invalid iteration count')
    const iterations = Number(text)
    if (iterations > this.#maxIterations) throw malformed(`iteration count above ${this.#maxIterations}`)
    if (iterations < this.#minIterations) {
      throw new SaslError('mechanism-too-weak', `SCRAM: iteration count below ${this.#minIterations}`)
    }
    return iterations
  }

  async #deriveKeys(salt: Uint8Array, iterations: number): Promise<{ clientKey: Uint8Array; serverKey: Uint8Array }> {
    const cached = this.#cached
    const cacheFits = (cached.salt === undefined || constantTimeEqual(cached.salt, salt)) && (cached.iterations ?? iterations) === iterations
    // Cached keys for this salt and count skip PBKDF2, a cached SaltedPassword skips it too.
    let { saltedPassword, clientKey, serverKey }: Partial<CachedKeys> = cacheFits ? cached : {}
    if (clientKey === undefined || serverKey === undefined) {
      if (saltedPassword === undefined) {
        if (this.#preparedPassword === undefined) {
          throw new SaslError('credentials-expired', `${this.mechanism}: the cached keys are for another salt or iteration count; the password is needed`)
        }
        saltedPassword = await saltPassword(this.#variant, this.#preparedPassword, salt, iterations)
      }
      ;({ clientKey, serverKey } = keysOf(this.#variant, saltedPassword))
    }
    this.#keys = { salt, iterations, saltedPassword, clientKey, serverKey }
    return { clientKey, serverKey }
  }

  #verifyServerFinal(message: Uint8Array): void {
    let text = ''
    let signature: Uint8Array | undefined
    try {
      text = utf8Decode(message)
      // RFC 5802 §7: server-final-message = (server-error / verifier) ["," extensions]
      if (!text.startsWith('e=')) signature = base64Decode(readAttributes(text, ['v'])[0]!)
    } catch {
      // Unreadable, or no well-formed v=: the server has not proved anything.
    }
    if (text.startsWith('e=')) throw this.#serverError(text)
    const expected = this.#expectedServerSignature
    if (signature === undefined || expected === undefined || !constantTimeEqual(signature, expected)) {
      throw new SaslError('server-not-verified', `${this.mechanism}: no valid ServerSignature`)
    }
    this.#phase = 'verified'
  }

  /** RFC 5802 §7: server-error = "e=" server-error-value; the value is kept in `details.serverError`. */
  #serverError(text: string): SaslError {
    const value = text.slice(2).split(',')[0]!
    if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) return new SaslError('not-authorized', `${this.mechanism}: the server refused`)
    return new SaslError(SERVER_ERROR_CODES.get(value) ?? 'not-authorized', `${this.mechanism}: the server refused: ${value}`, {
      details: { serverError: value },
    })
  }
}

// ---------------------------------------------------------------------------------------------
// Server options, checked and copied when the server is made (its code loads on the first step)

let processSecret: Uint8Array | undefined
/**
 * The bytes of the last secret configured: every server of a deployment is given the same
 * secret, and shares this one copy instead of holding its own (the memory of in-flight
 * exchanges, issue 13). Like the random per-process secret, it lives as long as the process.
 */
let configuredSecret: Uint8Array | undefined

/** The fake-salt key: the configured secret, else one random secret for this process. */
function secretBytes(secret: Uint8Array | string | undefined): Uint8Array {
  if (secret === undefined) return (processSecret ??= randomBytes(32))
  const bytes = typeof secret === 'string' && secret !== '' ? utf8Encode(secret) : secret instanceof Uint8Array && secret.length > 0 ? secret : undefined
  if (bytes === undefined) throw badOption('the server secret must be a non-empty string or Uint8Array')
  // A copy, also of a string's fresh bytes: the caller may change its array later.
  if (configuredSecret === undefined || !constantTimeEqual(configuredSecret, bytes)) configuredSecret = new Uint8Array(bytes)
  return configuredSecret
}

const NO_BINDINGS: readonly ChannelBinding[] = []

function scramServerConfig(name: string, options: ScramServerOptions): ScramServerConfig {
  if (options.credentials === undefined) throw new SaslError('protocol-violation', `${name} server needs credentials()`)
  // Only bindings with data count: "-PLUS only when channel.bindings has data" (API.md §5).
  const given: unknown = options.channel?.bindings ?? []
  // Decision 5: a list that is not an array is the caller's mistake.
  if (!Array.isArray(given)) throw badOption('channel.bindings must be an array')
  const bindings = (given as ChannelBinding[])
    .filter((binding) => binding?.data instanceof Uint8Array && binding.data.length > 0)
    .map(({ type, data }) => ({ type, data: new Uint8Array(data) }))
  const iterations = iterationOption(options.iterations, DEFAULT_MIN_ITERATIONS, 'iterations')
  // The configured nonce is checked now; the server makes its nonces on its first step.
  if (options.nonce !== undefined) makeNonce(options.nonce, randomBytes)
  // Object.assign, not `{ ...options, bindings, … }`: on V8 a spread followed by new keys gives
  // every copy a map (hidden class) of its own, a few hundred bytes per server.
  return Object.assign({}, options, {
    bindings: bindings.length === 0 ? NO_BINDINGS : bindings,
    secret: secretBytes(options.secret),
    iterations,
    random: options.random ?? randomBytes,
  })
}

// ---------------------------------------------------------------------------------------------
// Descriptors

function scramMechanism(fn: HashFunction, plus: boolean, strength: number): ScramMechanism {
  const variant: ScramVariant = { ...fn, plus, strength }
  const name = `SCRAM-${variant.webCryptoName}${plus ? '-PLUS' : ''}`
  return {
    name,
    traits: { clientFirst: true, plaintext: false, mutual: true, channelBinding: plus, strength, legacy: false },
    // Copies first: a missing options object is then a missing option (decision 5).
    client: (options) => new ScramClientImpl(variant, name, { ...options }),
    server: (options) => {
      const config = scramServerConfig(name, { ...options })
      return lazyServer(name, () => import('./scram-server.js'), (module) => new module.ScramServerImpl(variant, name, config))
    },
  }
}

/**
 * SCRAM-SHA-1 (RFC 5802). Strength 65. Prefer SCRAM-SHA-256 where the server offers it.
 *
 * @example
 * ```ts
 * const client = scramSha1.client({ username: 'user', password: 'pencil' })
 * const first = await client.start() // 'n,,n=user,r=…'
 * ```
 */
export const scramSha1: ScramMechanism = /* @__PURE__ */ scramMechanism(SHA1, false, 65)

/**
 * SCRAM-SHA-256 (RFC 7677). Strength 70.
 *
 * @example
 * ```ts
 * const client = scramSha256.client({ username: 'user', password: 'pencil' })
 * const server = scramSha256.server({ credentials: (u) => db.get(u) })
 * let step = await server.next(await client.start())
 * while (step.type === 'challenge') step = await server.next(await client.next(step.challenge))
 * if (step.type === 'success') await client.finish(step.additionalData) // checks the server's v=
 * ```
 */
export const scramSha256: ScramMechanism = /* @__PURE__ */ scramMechanism(SHA256, false, 70)

/**
 * SCRAM-SHA-512 (draft-melnikov-scram-sha-512). Strength 75.
 *
 * @example
 * ```ts
 * const client = scramSha512.client({ username: 'user', password: 'pencil' })
 * ```
 */
export const scramSha512: ScramMechanism = /* @__PURE__ */ scramMechanism(SHA512, false, 75)

/**
 * SCRAM-SHA-1-PLUS (RFC 5802 §6): SCRAM-SHA-1 bound to the TLS channel. Strength 90.
 *
 * @example
 * ```ts
 * import { channelBinding } from 'saslkit/node'
 * const client = scramSha1Plus.client({ username: 'user', password: 'pencil', channelBinding: channelBinding(socket, 'tls-exporter') })
 * ```
 */
export const scramSha1Plus: ScramMechanism = /* @__PURE__ */ scramMechanism(SHA1, true, 90)

/**
 * SCRAM-SHA-256-PLUS (RFC 7677, RFC 5802 §6): SCRAM-SHA-256 bound to the TLS channel. Strength 95.
 *
 * @example
 * ```ts
 * const client = scramSha256Plus.client({ username: 'user', password: 'pencil', channelBinding: channelBinding(socket, 'tls-exporter') })
 * const server = scramSha256Plus.server({ credentials, channel: { secure: true, bindings: [channelBinding(serverSocket, 'tls-exporter')] } })
 * ```
 */
export const scramSha256Plus: ScramMechanism = /* @__PURE__ */ scramMechanism(SHA256, true, 95)

/**
 * SCRAM-SHA-512-PLUS: SCRAM-SHA-512 bound to the TLS channel. Strength 100, the strongest.
 *
 * @example
 * ```ts
 * const client = scramSha512Plus.client({ username: 'user', password: 'pencil', channelBinding: channelBinding(socket, 'tls-server-end-point') })
 * ```
 */
export const scramSha512Plus: ScramMechanism = /* @__PURE__ */ scramMechanism(SHA512, true, 100)
