/**
 * What the OAuth mechanisms share: RFC 7628 §3.1's key/value framing, the JSON error of
 * §3.2.2 and the error sequence of §3.2.3 (error challenge, dummy response, failure), on
 * both sides. Internal: the public entries are `oauth.ts` and `oauth1.ts`. Nothing here
 * hashes, so `saslkit/oauth` stays free of HMAC-SHA1.
 */
import { SaslError, asSaslError } from '../core/errors.js'
import { ClientBase, ServerBase, type ServerOutcome } from '../core/guard.js'
import { checkIdentityLength, concludeAuthentication, lookupCredentials } from '../core/server.js'
import type { ServerOptions, ServerStep } from '../core/types.js'
import { utf8Decode, utf8Encode } from '../codec/utf8.js'

/**
 * The error a server reports before it fails the exchange (RFC 7628 §3.2.2). It goes out as
 * the JSON challenge `{"status", "schemes", "scope", "openid-configuration"}`.
 *
 * @example
 * ```ts
 * const expired: OAuthError = { status: 'invalid_token', scope: 'https://mail.google.com/' }
 * ```
 */
export interface OAuthError {
  /** An OAuth error code (`invalid_token`) or, as Google and Microsoft send, an HTTP status (`"401"`). A numeric 5xx status fails with `temporary-auth-failure`. */
  readonly status: string
  /** The scope a token needs for this service. */
  readonly scope?: string
  /** The OpenID Connect discovery URL for the user (`openid-configuration`). */
  readonly openidConfiguration?: string
  /** The token schemes the server accepts (Google's and RFC 7628 §4.4's `"bearer mac"`). */
  readonly schemes?: string
}

/**
 * What `validateToken` answers: who the token belongs to (with claims for
 * `identity.details`), or the error to report to the client.
 *
 * @example
 * ```ts
 * const ok: OAuthTokenResult = { authcid: 'user@example.com', claims: { scope: 'mail' } }
 * const expired: OAuthTokenResult = { error: { status: 'invalid_token' } }
 * ```
 */
export type OAuthTokenResult =
  | { readonly authcid: string; readonly claims?: Readonly<Record<string, unknown>> }
  | { readonly error: OAuthError }

/**
 * What an OAuth server hands to `validateToken` after parsing (and, for OAuth 1.0a,
 * after checking the signature).
 *
 * @example
 * ```ts
 * const validateToken = async (r: OAuthTokenRequest) => {
 *   const info = await introspect(r.token)            // your authorization server
 *   return info.active ? { authcid: info.sub, claims: info } : { error: { status: 'invalid_token' } }
 * }
 * ```
 */
export interface OAuthTokenRequest {
  /** `OAUTHBEARER`, `XOAUTH2`, `OAUTH10A` or `XOAUTH`. */
  readonly mechanism: string
  /** The bearer token, or OAuth 1.0a's `oauth_token`. Empty when the client sent none (RFC 7628 §4.3, asking for the scope). */
  readonly token: string
  /** The identity the client asks to act as ('' when none); after you answer, `authorize` checks it against your `authcid`. */
  readonly authzid: string
  /** The user the client named: XOAUTH2's `user=`, XOAUTH's URL, OAUTHBEARER's and OAUTH10A's GS2 `a=` ('' when absent). */
  readonly username: string
  /** The `host=` the client says it connected to; RFC 7628 §3.2: check it against your own name. */
  readonly host?: string
  /** The `port=` the client says it connected to. */
  readonly port?: number
}

/** RFC 7628 §3.1: `kvsep = %x01`. */
export const KVSEP = '\x01'
const KVSEP_BYTES = /* @__PURE__ */ new Uint8Array([1])
const EMPTY = /* @__PURE__ */ new Uint8Array(0)

/** The dummy response that ends an error sequence: `%x01` (RFC 7628 §3.2.3), or empty (XOAUTH2). */
export const dummyResponse = { kvsep: KVSEP_BYTES, empty: EMPTY } as const

/** RFC 7628 §3.1: `key = 1*(ALPHA)`. */
const KEY = /^[A-Za-z]+$/
/**
 * RFC 7628 §3.1: `value = *(VCHAR / SP / HTAB / CR / LF)`, widened to non-ASCII UTF-8 (an
 * internationalised user name in XOAUTH2's `user=`); every other control character refused.
 */
const VALUE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/
/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i
/** RFC 7628 §3.1: port is "a decimal positive integer string without leading zeros". */
const PORT = /^[1-9][0-9]{0,4}$/
/** What a client may put in a token: visible ASCII, nothing that could break the framing. */
const TOKEN_CHARS = /^[\x21-\x7e]*$/
/** Largest error challenge the client parses as JSON. */
const MAX_ERROR_BYTES = 65536

function malformed(mechanism: string, message: string): SaslError {
  return new SaslError('malformed-request', `${mechanism}: ${message}`)
}

// ---------------------------------------------------------------------------------- framing

/** Client side: refuses a value the framing cannot carry (a control character, `%x01`). */
export function checkClientValue(mechanism: string, value: unknown, field: string, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string') throw new SaslError('protocol-violation', `${mechanism}: ${field} must be a string`)
  if ((!allowEmpty && value === '') || !VALUE.test(value)) throw malformed(mechanism, `invalid ${field}`)
  return value
}

/** Client side: a TCP port, 1–65535. */
export function checkClientPort(mechanism: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw malformed(mechanism, 'invalid port')
  return port
}

/** `prefix` then every `key=value%x01`, then the closing `%x01` (RFC 7628 §3.1 `client-resp`). */
export function encodeKvMessage(prefix: string, pairs: ReadonlyArray<readonly [string, string]>): Uint8Array {
  let text = prefix
  for (const [key, value] of pairs) text += `${key}=${value}${KVSEP}`
  return utf8Encode(text + KVSEP)
}

/**
 * Parses `*kvpair kvsep` (RFC 7628 §3.1) strictly: keys are letters, values carry no control
 * characters, a key appears once, and nothing follows the closing `%x01`.
 */
export function parseKvPairs(mechanism: string, text: string): Map<string, string> {
  if (!text.endsWith(KVSEP)) throw malformed(mechanism, 'missing the closing %x01')
  const body = text.slice(0, -1)
  const pairs = new Map<string, string>()
  if (body === '') return pairs
  if (!body.endsWith(KVSEP)) throw malformed(mechanism, 'a key/value pair is not ended by %x01')
  for (const item of body.slice(0, -1).split(KVSEP)) {
    const eq = item.indexOf('=')
    if (eq < 0) throw malformed(mechanism, 'a key/value pair without "="')
    const key = item.slice(0, eq)
    const value = item.slice(eq + 1)
    if (!KEY.test(key)) throw malformed(mechanism, 'invalid key')
    if (!VALUE.test(value)) throw malformed(mechanism, `invalid value for ${key}`)
    if (pairs.has(key)) throw malformed(mechanism, `duplicate key ${key}`)
    pairs.set(key, value)
  }
  return pairs
}

/** RFC 7628 §3.1 `port=`: a decimal positive integer without leading zeros. */
export function parsePort(mechanism: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const port = PORT.test(value) ? Number(value) : 0
  if (port < 1 || port > 65535) throw malformed(mechanism, 'invalid port')
  return port
}

/**
 * `auth=` of a bearer mechanism: `Bearer <b64token>` (RFC 6750 §2.1; the scheme is
 * case-insensitive, RFC 7628 §4). An empty value (RFC 7628 §4.3: a client asking for the
 * scope) gives an empty token; any other scheme is `malformed-request`.
 */
export function parseBearer(mechanism: string, auth: string | undefined): string {
  if (auth === undefined) throw malformed(mechanism, 'missing auth=')
  if (auth === '') return ''
  const match = BEARER.exec(auth)
  if (match === null) throw malformed(mechanism, 'auth= is not "Bearer <token>"')
  return match[1]!
}

// ------------------------------------------------------------------------------ client side

/**
 * Where a client gets its token: the token itself, or a function called once per exchange
 * (at `start()`), so an app can refresh an expired token and retry with a new client.
 *
 * @example
 * ```ts
 * const token: TokenSource = async () => (await refreshAccessToken()).access_token
 * ```
 */
export type TokenSource = string | (() => string | Promise<string>)

/** Calls the token source once; what it throws becomes `temporary-auth-failure`. */
export async function resolveToken(mechanism: string, source: TokenSource): Promise<string> {
  let token: unknown
  try {
    token = typeof source === 'function' ? await source() : source
  } catch (error) {
    throw asSaslError(error, 'temporary-auth-failure', `${mechanism}: the token source failed`)
  }
  if (typeof token !== 'string') throw new SaslError('protocol-violation', `${mechanism}: the token source must give a string`)
  // Never echo the token: it is the credential.
  if (!TOKEN_CHARS.test(token)) throw malformed(mechanism, 'the token holds characters a bearer token cannot have')
  return token
}

/** Fatal UTF-8 first; a server that sends invalid UTF-8 still gets its bytes shown, lossily. */
function lenientText(bytes: Uint8Array): string {
  try {
    return utf8Decode(bytes)
  } catch {
    return new TextDecoder('utf-8').decode(bytes)
  }
}

/** Freezes parsed JSON all the way down, iteratively: a deeply nested reply cannot overflow the stack. */
function deepFreeze<T extends object>(root: T): T {
  const pending: object[] = [root]
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    Object.freeze(value)
    for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) pending.push(inner)
  }
  return root
}

/**
 * The client's reading of an error challenge (RFC 7628 §3.2.2): the parsed JSON object, or,
 * when the server sent something else, `{ raw }` with its first 1024 characters. Never throws.
 */
export function parseServerError(challenge: Uint8Array): Readonly<Record<string, unknown>> {
  const text = lenientText(challenge.subarray(0, MAX_ERROR_BYTES))
  if (challenge.length <= MAX_ERROR_BYTES) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return deepFreeze(parsed as Record<string, unknown>)
    } catch {
      // not JSON: reported as raw text below
    }
  }
  return Object.freeze({ raw: text.slice(0, 1024) })
}

/**
 * The client side of every OAuth mechanism: the initial response comes from the subclass;
 * a challenge can only be the server's error, which is remembered as `serverError` and
 * answered with the dummy response (RFC 7628 §3.2.3). The exchange can then only fail: a
 * profile copies `serverError` into the `details` of the error it throws, and `finish()`
 * throws `not-authorized` with it.
 */
export abstract class OAuthClientBase extends ClientBase {
  readonly #dummy: Uint8Array
  #serverError: Readonly<Record<string, unknown>> | undefined

  constructor(dummy: Uint8Array) {
    super()
    this.#dummy = dummy
  }

  /** The parsed error challenge (RFC 7628 §3.2.2), once the server has sent one. */
  get serverError(): Readonly<Record<string, unknown>> | undefined {
    return this.#serverError
  }

  protected onNext(challenge: Uint8Array): Uint8Array {
    if (this.#serverError !== undefined) throw malformed(this.mechanism, 'a second challenge after the error')
    this.#serverError = parseServerError(challenge)
    return this.#dummy.slice()
  }

  protected override onFinish(additionalData: Uint8Array | undefined): void {
    // RFC 7628 §3.2.2: after an error the server must fail; a success now is not believable.
    if (this.#serverError !== undefined) {
      throw new SaslError('not-authorized', `${this.mechanism}: the server reported an error`, { details: this.#serverError })
    }
    super.onFinish(additionalData)
  }
}

// ------------------------------------------------------------------------------ server side

/** A token or signature that did not check out: reported as an error challenge, then a failure. */
export interface Refusal {
  readonly error: OAuthError
  /** For the server's log only. */
  readonly reason: string
}

/** The JSON of RFC 7628 §3.2.2, keys in the order RFC 7628 §4.3/§4.4 and Google send them. */
export function encodeServerError(error: OAuthError): Uint8Array {
  const json: Record<string, string> = { status: error.status }
  if (error.schemes !== undefined) json['schemes'] = error.schemes
  if (error.scope !== undefined) json['scope'] = error.scope
  if (error.openidConfiguration !== undefined) json['openid-configuration'] = error.openidConfiguration
  return utf8Encode(JSON.stringify(json))
}

/** The failure that follows the dummy response: `temporary-auth-failure` for an HTTP 5xx status. */
export function failureFor(refusal: Refusal): SaslError {
  const code = /^5[0-9][0-9]$/.test(refusal.error.status) ? 'temporary-auth-failure' : 'not-authorized'
  return new SaslError(code, 'authentication failed', { reason: refusal.reason, details: { ...refusal.error } })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks what the app's `validateToken` returned; a wrong shape is the app's fault. */
function checkTokenResult(result: unknown): OAuthTokenResult {
  const bad = (what: string) => new SaslError('temporary-auth-failure', `validateToken returned ${what}`)
  if (!isRecord(result)) throw bad('no object')
  if ('error' in result) {
    const error = result['error']
    if (!isRecord(error) || typeof error['status'] !== 'string' || error['status'] === '') throw bad('an error without a status')
    for (const key of ['scope', 'openidConfiguration', 'schemes']) {
      if (error[key] !== undefined && typeof error[key] !== 'string') throw bad(`a non-string ${key}`)
    }
    const out: { -readonly [K in keyof OAuthError]: OAuthError[K] } = { status: error['status'] }
    if (typeof error['scope'] === 'string') out.scope = error['scope']
    if (typeof error['openidConfiguration'] === 'string') out.openidConfiguration = error['openidConfiguration']
    if (typeof error['schemes'] === 'string') out.schemes = error['schemes']
    return { error: out }
  }
  if (typeof result['authcid'] !== 'string' || result['authcid'] === '') throw bad('neither an authcid nor an error')
  if (result['claims'] !== undefined && !isRecord(result['claims'])) throw bad('claims that are not an object')
  return result as OAuthTokenResult
}

/**
 * The end of every OAuth server: ask `validateToken`, then (with `credentials`) look the
 * account up, then the shared disabled/authorize checks. For a bearer mechanism an empty
 * token is no credential at all and never succeeds; OAuth 1.0a may sign without a token
 * (two-legged, RFC 5849 §3.1), the signature being the credential.
 */
export async function concludeToken<R extends OAuthTokenRequest>(
  options: ServerOptions & { validateToken(request: R): OAuthTokenResult | Promise<OAuthTokenResult> },
  request: R,
  defaultError: OAuthError,
  bearer: boolean,
): Promise<ServerStep | Refusal> {
  let raw: unknown
  try {
    raw = await options.validateToken(request)
  } catch (error) {
    throw asSaslError(error, 'temporary-auth-failure', 'token validation failed')
  }
  const result = checkTokenResult(raw)
  const noToken = bearer && request.token === ''
  if ('error' in result) return { error: result.error, reason: noToken ? 'no-token' : 'invalid-token' }
  if (noToken) return { error: defaultError, reason: 'no-token' }
  checkIdentityLength(result.authcid, 'authcid')
  let stored
  if (options.credentials !== undefined) {
    stored = await lookupCredentials(options, result.authcid, request.mechanism)
    if (stored === undefined) return { error: defaultError, reason: 'unknown-user' }
  }
  const claims = result.claims === undefined ? undefined : { ...result.claims }
  return concludeAuthentication(options, request.mechanism, result.authcid, request.authzid, stored, claims)
}

/**
 * The server side of every OAuth mechanism: a missing initial response gets an empty
 * challenge (RFC 4422 §5); the subclass checks the message; a refusal goes out as the JSON
 * error challenge, and only the dummy response may follow it, answered by the failure.
 */
export abstract class OAuthServerBase extends ServerBase {
  readonly #dummy: Uint8Array
  #pending: SaslError | undefined

  constructor(maxMessageBytes: number | undefined, dummy: Uint8Array) {
    super(maxMessageBytes)
    this.#dummy = dummy
  }

  /** Checks the client's message: success, failure, or a refusal to report first. */
  protected abstract authenticate(message: Uint8Array): Promise<ServerStep | Refusal>

  protected async onNext(response: Uint8Array | undefined): Promise<ServerOutcome> {
    if (this.#pending !== undefined) {
      // RFC 7628 §3.2.3: the client answers the error with the dummy response, nothing else.
      const dummy = this.#dummy
      if (response!.length !== dummy.length || response!.some((b, i) => b !== dummy[i])) {
        throw malformed(this.mechanism, 'expected the dummy response after the error')
      }
      return { type: 'failure', error: this.#pending }
    }
    if (response === undefined) return { type: 'challenge', challenge: new Uint8Array(0) }
    const outcome = await this.authenticate(response)
    if ('type' in outcome) return outcome
    this.#pending = failureFor(outcome)
    return { type: 'challenge', challenge: encodeServerError(outcome.error) }
  }
}
