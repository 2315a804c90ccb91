/**
 * What the OAuth mechanisms share: RFC 7628 §3.1's key/value framing, the JSON error of
 * §3.2.2 and the error sequence of §3.2.3 (error challenge, dummy response, failure), on
 * both sides. Internal: the public entries are `oauth.ts` and `oauth1.ts`. Nothing here
 * hashes, so `saslkit/oauth` stays free of HMAC-SHA1.
 */
import { SaslError, asSaslError } from '../core/errors.js'
import { ClientBase } from '../core/guard.js'
import { utf8Encode } from '../codec/utf8.js'

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

/**
 * RFC 7628 §3.1: `value = *(VCHAR / SP / HTAB / CR / LF)`, widened to non-ASCII UTF-8 (an
 * internationalised user name in XOAUTH2's `user=`); every other control character refused.
 */
export const VALUE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/
/** What a client may put in a token: visible ASCII, nothing that could break the framing. */
const TOKEN_CHARS = /^[\x21-\x7e]*$/

export function malformed(mechanism: string, message: string): SaslError {
  return new SaslError('malformed-request', `${mechanism}: ${message}`)
}

// ---------------------------------------------------------------------------------- framing

/** Client side: refuses a value the framing cannot carry (a control character, `%x01`). */
export function checkClientValue(mechanism: string, value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw new SaslError('protocol-violation', `${mechanism}: ${field} must be a string`)
  if ((!allowEmpty && value === '') || !VALUE.test(value)) throw malformed(mechanism, `invalid ${field}`)
  return value
}

/** Client side: a TCP port, 1–65535; anything else is the caller's mistake (decision 5). */
export function checkClientPort(mechanism: string, port: unknown): number {
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) throw new SaslError('protocol-violation', `${mechanism}: invalid port`)
  return port as number
}

/** `prefix` then every `key=value%x01`, then the closing `%x01` (RFC 7628 §3.1 `client-resp`). */
export function encodeKvMessage(prefix: string, pairs: ReadonlyArray<readonly [string, string]>): Uint8Array {
  let text = prefix
  for (const [key, value] of pairs) text += `${key}=${value}${KVSEP}`
  return utf8Encode(text + KVSEP)
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
  if (!TOKEN_CHARS.test(token)) throw malformed(mechanism, 'invalid characters in the token')
  return token
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

  protected override async onNext(challenge: Uint8Array): Promise<Uint8Array> {
    // One error challenge; any after it is unexpected.
    if (this.#serverError !== undefined) return super.onNext(challenge)
    // Only a refused login gets an error challenge: its parser loads then, like a server.
    this.#serverError = (await import('./oauth-error.js')).parseServerError(challenge)
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
