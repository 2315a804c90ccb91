/**
 * The server side of the OAuth mechanisms' framing (RFC 7628 §3): parsing the client's
 * key/value pairs, the token check, and the error sequence. Only the lazily loaded servers of
 * OAUTHBEARER, XOAUTH2, OAUTH10A and XOAUTH import it.
 */
import { SaslError, asSaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, concludeAuthentication, lookupCredentials } from '../core/server.js'
import type { ServerOptions, ServerStep } from '../core/types.js'
import { utf8Encode } from '../codec/utf8.js'
import { KVSEP, VALUE, malformed, type OAuthError, type OAuthTokenRequest, type OAuthTokenResult } from './oauth-framing.js'

/** RFC 7628 §3.1: `key = 1*(ALPHA)`. */
const KEY = /^[A-Za-z]+$/
/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i
/** RFC 7628 §3.1: port is "a decimal positive integer string without leading zeros". */
const PORT = /^[1-9][0-9]{0,4}$/

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

  constructor(options: ServerOptions, dummy: Uint8Array) {
    super(options)
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
