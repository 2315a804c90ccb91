/**
 * The legacy OAuth 1.0a mechanisms, both signing the request with HMAC-SHA1 (RFC 5849
 * §3.4.2) instead of sending a bearer token:
 *
 * - OAUTH10A (RFC 7628 §3.3): the OAUTHBEARER framing with an `auth=OAuth …` value that
 *   signs `POST http://<host>:<port>/`.
 * - XOAUTH (Google's retired predecessor of XOAUTH2): one line,
 *   `GET https://mail.google.com/mail/b/<user>/<protocol>/ oauth_…="…",…`.
 *
 * Both are legacy: OAuth 1.0a is obsolete and Google turned XOAUTH off. They live apart from
 * `saslkit/oauth` so that bearer-token bundles carry no SHA-1.
 *
 * @module saslkit/oauth1
 */
import { SaslError, asSaslError } from '../core/errors.js'
import { checkIdentityLength } from '../core/server.js'
import type { Mechanism, ServerOptions, ServerStep } from '../core/types.js'
import { constantTimeEqual, hexEncode } from '../codec/bytes.js'
import { encodeGs2Header, parseGs2Header } from '../codec/gs2.js'
import { utf8Decode, utf8Encode } from '../codec/utf8.js'
import { randomBytes } from '../crypto/random.js'
import {
  KVSEP,
  OAuthClientBase,
  OAuthServerBase,
  checkClientPort,
  checkClientValue,
  concludeToken,
  dummyResponse,
  encodeKvMessage,
  failureFor,
  parseKvPairs,
  parsePort,
  type OAuthError,
  type OAuthTokenRequest,
  type OAuthTokenResult,
  type Refusal,
} from './oauth-framing.js'
import {
  baseStringUri,
  formatAuthParams,
  hmacSha1Signature,
  parseAuthParams,
  parseForm,
  percentDecode,
  percentEncode,
  signatureBaseString,
  type Param,
} from './oauth1-signature.js'

/**
 * What both OAuth 1.0a clients take besides their framing: the client (consumer) and token
 * credentials, and the nonce and timestamp, which tests and vectors may fix.
 *
 * @example
 * ```ts
 * const signing: OAuth1SigningOptions = { consumerKey: 'key', consumerSecret: 'secret', token: 'tok', tokenSecret: 'tsecret' }
 * ```
 */
export interface OAuth1SigningOptions {
  /** `oauth_consumer_key`: the client identifier. */
  readonly consumerKey: string
  /** The client shared secret. */
  readonly consumerSecret: string
  /** `oauth_token`; omitted when absent (two-legged OAuth, RFC 5849 §3.1). */
  readonly token?: string
  /** The token shared secret; default empty. */
  readonly tokenSecret?: string
  /** The exact `oauth_nonce` (vectors); default 16 random bytes in hex. */
  readonly nonce?: string
  /** The exact `oauth_timestamp` in seconds (vectors); default from `now()`. */
  readonly timestamp?: number
  /** Replaces `crypto.getRandomValues` for the nonce. */
  readonly random?: (length: number) => Uint8Array
  /** Replaces the clock for the timestamp. */
  readonly now?: () => Date
}

/**
 * OAUTH10A client options. RFC 7628 §3.1: host and port are required, they are signed.
 *
 * @example
 * ```ts
 * const options: OAuth10aClientOptions = {
 *   username: 'user@example.com', host: 'imap.example.com', port: 993,
 *   consumerKey: '9djdj82h48djs9d2', consumerSecret: 'j49sk3j29djd',
 *   token: 'kkk9d7dh3k39sjv7', tokenSecret: 'dh893hdasih9',
 * }
 * ```
 */
export interface OAuth10aClientOptions extends OAuth1SigningOptions {
  /** The account, sent as the GS2 `a=` unless `authzid` is given. */
  readonly username: string
  /** Act as this identity; `''` omits the `a=`. */
  readonly authzid?: string
  /** `host=`: the name of the server connected to. */
  readonly host: string
  /** `port=`: the port connected to. */
  readonly port: number
  /** The `realm` of the OAuth parameters (RFC 5849 §3.5.1), not signed. */
  readonly realm?: string
}

/**
 * XOAUTH client options. The consumer defaults to Google's `anonymous`/`anonymous`.
 *
 * @example
 * ```ts
 * const options: XOAuthClientOptions = { username: 'xxx@googlemail.com', protocol: 'imap', token: 'k99hfs9dh', tokenSecret: 'sd9fhidfskfj' }
 * ```
 */
export interface XOAuthClientOptions extends Omit<OAuth1SigningOptions, 'consumerKey' | 'consumerSecret'> {
  /** The mailbox, placed in the signed URL `…/mail/b/<username>/<protocol>/`. */
  readonly username: string
  /** The protocol named in the URL: `imap` or `smtp`. */
  readonly protocol: string
  /** Default `anonymous`, as Google's registered-less clients used. */
  readonly consumerKey?: string
  /** Default `anonymous`. */
  readonly consumerSecret?: string
  /** Two-legged OAuth: `xoauth_requestor_id`, added to the URL query and signed. */
  readonly requestorId?: string
}

/**
 * The shared secrets a server holds for a consumer key and token.
 *
 * @example
 * ```ts
 * const secrets: OAuth1Secrets = { consumerSecret: 'j49sk3j29djd', tokenSecret: 'dh893hdasih9' }
 * ```
 */
export interface OAuth1Secrets {
  readonly consumerSecret: string
  /** Empty for a request without a token. */
  readonly tokenSecret: string
}

/**
 * What an OAuth 1.0a server hands to `validateToken` once the signature checks out. Replay
 * protection is yours: RFC 5849 §3.2 asks the server to refuse a nonce/timestamp/token
 * combination it has seen before, and it may refuse stale timestamps.
 *
 * @example
 * ```ts
 * const validateToken = (r: OAuth1TokenRequest) =>
 *   seen.has(r.nonce) ? { error: { status: 'invalid_token' } } : (seen.add(r.nonce), { authcid: owners.get(r.token)! })
 * ```
 */
export interface OAuth1TokenRequest extends OAuthTokenRequest {
  readonly consumerKey: string
  readonly nonce: string
  /** Seconds since 1970, as the client signed it. */
  readonly timestamp: number
  /** OAUTH10A: the `realm` parameter, if sent (it is not signed). */
  readonly realm?: string
  /** XOAUTH: the protocol named in the URL (`imap`, `smtp`). */
  readonly protocol?: string
  /** XOAUTH: `xoauth_requestor_id` (two-legged OAuth), if sent. */
  readonly requestorId?: string
}

/**
 * OAUTH10A and XOAUTH server options: `secrets` gives the shared secrets the signature is
 * checked with (in constant time), then `validateToken` says whom the token belongs to.
 *
 * @example
 * ```ts
 * const options: OAuth1ServerOptions = {
 *   secrets: ({ consumerKey, token }) => db.oauthSecrets(consumerKey, token),   // undefined if unknown
 *   validateToken: ({ token }) => ({ authcid: db.tokenOwner(token) }),
 * }
 * ```
 */
export interface OAuth1ServerOptions extends ServerOptions {
  /** The shared secrets, or undefined for an unknown consumer or token. */
  secrets(request: { readonly consumerKey: string; readonly token: string }): OAuth1Secrets | undefined | Promise<OAuth1Secrets | undefined>
  /** Called after the signature checked out; an `error` answer fails the exchange. */
  validateToken(request: OAuth1TokenRequest): OAuthTokenResult | Promise<OAuthTokenResult>
}

const SIGNATURE_METHOD = 'HMAC-SHA1'
const REFUSED: OAuthError = { status: 'invalid_token' }
// Secrets for an unknown consumer: the signature is computed all the same, so a guesser
// cannot tell an unknown consumer from a wrong signature by timing.
const UNKNOWN_SECRETS: OAuth1Secrets = { consumerSecret: 'saslkit-unknown-consumer', tokenSecret: 'saslkit-unknown-token' }
const CONTROL = /[\x00-\x1f\x7f]/
/** RFC 2617 quoted-string content without escapes, as the realm is sent. */
const REALM = /^[^"\\\x00-\x1f\x7f]*$/
/** RFC 5849 §3.3: a positive integer (bounded so it stays exact). */
const TIMESTAMP = /^[1-9][0-9]{0,14}$/

function malformed(mechanism: string, message: string): SaslError {
  return new SaslError('malformed-request', `${mechanism}: ${message}`)
}

function requireString(mechanism: string, value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw new SaslError('protocol-violation', `${mechanism}: ${field} must be a string`)
  if ((!allowEmpty && value === '') || CONTROL.test(value)) throw malformed(mechanism, `invalid ${field}`)
  return value
}

/** The signing state both clients share: credentials copied in, nonce and timestamp drawn at start(). */
class Signer {
  readonly consumerKey: string
  readonly #consumerSecret: string
  readonly token: string | undefined
  readonly #tokenSecret: string
  readonly #nonce: string | undefined
  readonly #timestamp: number | undefined
  readonly #random: (length: number) => Uint8Array
  readonly #now: () => Date

  constructor(mechanism: string, options: OAuth1SigningOptions) {
    this.consumerKey = requireString(mechanism, options.consumerKey, 'consumerKey')
    this.#consumerSecret = requireString(mechanism, options.consumerSecret, 'consumerSecret', true)
    this.token = options.token === undefined ? undefined : requireString(mechanism, options.token, 'token')
    this.#tokenSecret = options.tokenSecret === undefined ? '' : requireString(mechanism, options.tokenSecret, 'tokenSecret', true)
    this.#nonce = options.nonce === undefined ? undefined : requireString(mechanism, options.nonce, 'nonce')
    if (options.timestamp !== undefined && !(Number.isSafeInteger(options.timestamp) && options.timestamp > 0)) {
      throw malformed(mechanism, 'invalid timestamp')
    }
    this.#timestamp = options.timestamp
    this.#random = options.random ?? randomBytes
    this.#now = options.now ?? (() => new Date())
  }

  /** RFC 5849 §3.3: a fresh nonce and the current time in seconds. */
  freshness(): { nonce: string; timestamp: string } {
    return {
      nonce: this.#nonce ?? hexEncode(this.#random(16)),
      timestamp: String(this.#timestamp ?? Math.floor(this.#now().getTime() / 1000)),
    }
  }

  sign(baseString: string): string {
    return hmacSha1Signature(baseString, this.#consumerSecret, this.#tokenSecret)
  }
}

class OAuth10aClient extends OAuthClientBase {
  readonly mechanism = 'OAUTH10A'
  readonly #gs2Header: string
  readonly #host: string
  readonly #port: number
  readonly #realm: string | undefined
  readonly #signer: Signer

  constructor(options: OAuth10aClientOptions) {
    super(dummyResponse.kvsep)
    const username = checkClientValue(this.mechanism, options.username, 'username')
    const authzid = options.authzid === undefined ? username : checkClientValue(this.mechanism, options.authzid, 'authzid', { allowEmpty: true })
    this.#gs2Header = encodeGs2Header({ flag: 'n', authzid })
    // RFC 7628 §3.1: keyed-digest token types MUST send host and port.
    this.#host = checkClientValue(this.mechanism, options.host, 'host')
    if (/[\s/?#]/.test(this.#host)) throw malformed(this.mechanism, 'invalid host')
    this.#port = checkClientPort(this.mechanism, options.port)
    if (options.realm !== undefined && !REALM.test(requireString(this.mechanism, options.realm, 'realm', true))) {
      throw malformed(this.mechanism, 'invalid realm')
    }
    this.#realm = options.realm
    this.#signer = new Signer(this.mechanism, options)
  }

  protected onStart(): Uint8Array {
    const { nonce, timestamp } = this.#signer.freshness()
    // RFC 7628 §4.2's order of the protocol parameters.
    const params: Param[] = [['oauth_consumer_key', this.#signer.consumerKey]]
    if (this.#signer.token !== undefined) params.push(['oauth_token', this.#signer.token])
    params.push(['oauth_signature_method', SIGNATURE_METHOD], ['oauth_timestamp', timestamp], ['oauth_nonce', nonce])
    // RFC 7628 §3.3: method POST, scheme http, path "/", empty query and body.
    const baseString = signatureBaseString('POST', baseStringUri('http', this.#host, this.#port, '/'), params)
    params.push(['oauth_signature', this.#signer.sign(baseString)])
    const realm = this.#realm === undefined ? '' : `realm="${this.#realm}",`
    return encodeKvMessage(this.#gs2Header + KVSEP, [
      ['host', this.#host],
      ['port', String(this.#port)],
      ['auth', `OAuth ${realm}${formatAuthParams(params)}`],
    ])
  }
}

class XOAuthClient extends OAuthClientBase {
  readonly mechanism = 'XOAUTH'
  readonly #path: string
  readonly #query: Param[] = []
  readonly #signer: Signer

  constructor(options: XOAuthClientOptions) {
    // Google documented no error challenge for XOAUTH; if one comes, answer as XOAUTH2 does.
    super(dummyResponse.empty)
    const username = requireString(this.mechanism, options.username, 'username')
    // The name goes into the URL path unescaped, as Google's xoauth.py put it.
    if (/[\s/?#%]/.test(username)) throw malformed(this.mechanism, 'the username cannot be placed in the URL')
    const protocol = requireString(this.mechanism, options.protocol, 'protocol')
    if (!/^[A-Za-z0-9]+$/.test(protocol)) throw malformed(this.mechanism, 'invalid protocol')
    this.#path = `/mail/b/${username}/${protocol}/`
    if (options.requestorId !== undefined) this.#query.push(['xoauth_requestor_id', requireString(this.mechanism, options.requestorId, 'requestorId')])
    this.#signer = new Signer(this.mechanism, { ...options, consumerKey: options.consumerKey ?? 'anonymous', consumerSecret: options.consumerSecret ?? 'anonymous' })
  }

  protected onStart(): Uint8Array {
    const { nonce, timestamp } = this.#signer.freshness()
    const params: Param[] = [
      ['oauth_consumer_key', this.#signer.consumerKey],
      ['oauth_nonce', nonce],
      ['oauth_signature_method', SIGNATURE_METHOD],
      ['oauth_timestamp', timestamp],
      ['oauth_version', '1.0'],
    ]
    if (this.#signer.token !== undefined) params.push(['oauth_token', this.#signer.token])
    const base = baseStringUri('https', 'mail.google.com', 443, this.#path)
    params.push(['oauth_signature', this.#signer.sign(signatureBaseString('GET', base, [...params, ...this.#query]))])
    // xoauth.py: the parameters sorted by name; the query as name=encoded value.
    params.sort((a, b) => (a[0] < b[0] ? -1 : 1))
    const query = this.#query.length === 0 ? '' : `?${this.#query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`
    return utf8Encode(`GET ${base}${query} ${formatAuthParams(params)}`)
  }
}

/** The OAuth parameters of a request, checked per RFC 5849 §3.1 and decoded. */
interface ProtocolParams {
  readonly realm?: string
  readonly consumerKey: string
  readonly token: string
  readonly nonce: string
  readonly timestamp: number
  readonly signature: string
  /** Every `oauth_*` parameter but the signature, decoded: they are signed (§3.4.1.3.1). */
  readonly signed: Param[]
}

function readProtocolParams(mechanism: string, raw: readonly Param[]): ProtocolParams {
  const values = new Map<string, string>()
  let realm: string | undefined
  const signed: Param[] = []
  for (const [name, value] of raw) {
    // RFC 5849 §3.1: each parameter appears once.
    if (values.has(name) || (name === 'realm' && realm !== undefined)) throw malformed(mechanism, `duplicate parameter ${name}`)
    if (name === 'realm') {
      // RFC 5849 §3.4.1.3.1: the realm is not signed.
      realm = value
      continue
    }
    if (!/^oauth_[a-z_]+$/.test(name)) throw malformed(mechanism, 'a parameter other than oauth_* in the OAuth list')
    const decoded = percentDecode(mechanism, value, true)
    values.set(name, decoded)
    if (name !== 'oauth_signature') signed.push([name, decoded])
  }
  const required = (name: string): string => {
    const value = values.get(name)
    if (value === undefined || value === '') throw malformed(mechanism, `missing ${name}`)
    return value
  }
  const method = required('oauth_signature_method')
  if (method !== SIGNATURE_METHOD) throw malformed(mechanism, 'only HMAC-SHA1 signatures are supported')
  const timestamp = required('oauth_timestamp')
  if (!TIMESTAMP.test(timestamp)) throw malformed(mechanism, 'invalid oauth_timestamp')
  // RFC 5849 §3.2: if present, oauth_version must be "1.0".
  if (values.has('oauth_version') && values.get('oauth_version') !== '1.0') throw malformed(mechanism, 'unsupported oauth_version')
  return {
    ...(realm === undefined ? {} : { realm }),
    consumerKey: required('oauth_consumer_key'),
    token: values.get('oauth_token') ?? '',
    nonce: required('oauth_nonce'),
    timestamp: Number(timestamp),
    signature: required('oauth_signature'),
    signed,
  }
}

function requireServerCallbacks(options: OAuth1ServerOptions, mechanism: string): void {
  if (typeof options.secrets !== 'function' || typeof options.validateToken !== 'function') {
    throw new SaslError('protocol-violation', `${mechanism} server needs secrets() and validateToken()`)
  }
}

/**
 * RFC 5849 §3.2: recomputes the signature with the stored secrets and compares it in
 * constant time. Unknown credentials take the same work with stand-in secrets.
 */
async function checkSignature(options: OAuth1ServerOptions, params: ProtocolParams, baseString: string): Promise<string | undefined> {
  let secrets: OAuth1Secrets | undefined
  try {
    secrets = await options.secrets({ consumerKey: params.consumerKey, token: params.token })
  } catch (error) {
    throw asSaslError(error, 'temporary-auth-failure', 'secrets lookup failed')
  }
  if (secrets !== undefined && (typeof secrets.consumerSecret !== 'string' || typeof secrets.tokenSecret !== 'string')) {
    throw new SaslError('temporary-auth-failure', 'secrets() returned no consumerSecret/tokenSecret strings')
  }
  const used = secrets ?? UNKNOWN_SECRETS
  const expected = hmacSha1Signature(baseString, used.consumerSecret, used.tokenSecret)
  const match = constantTimeEqual(utf8Encode(expected), utf8Encode(params.signature))
  if (secrets === undefined) return 'unknown-credentials'
  return match ? undefined : 'bad-signature'
}

class OAuth10aServer extends OAuthServerBase {
  readonly mechanism = 'OAUTH10A'
  readonly #options: OAuth1ServerOptions

  constructor(options: OAuth1ServerOptions) {
    super(options.maxMessageBytes, dummyResponse.kvsep)
    requireServerCallbacks(options, this.mechanism)
    this.#options = { ...options }
  }

  protected async authenticate(message: Uint8Array): Promise<ServerStep | Refusal> {
    const M = this.mechanism
    const text = utf8Decode(message)
    if (text === KVSEP) throw malformed(M, 'the dummy response came first')
    const { header, rest } = parseGs2Header(text)
    if (header.flag === 'p') throw malformed(M, 'OAUTH10A has no channel binding')
    const authzid = header.authzid ?? ''
    if (CONTROL.test(authzid)) throw malformed(M, 'invalid authzid')
    checkIdentityLength(authzid, 'authzid')
    if (!rest.startsWith(KVSEP)) throw malformed(M, 'no %x01 after the GS2 header')
    const pairs = parseKvPairs(M, rest.slice(1))
    const host = pairs.get('host')
    const port = parsePort(M, pairs.get('port'))
    // RFC 7628 §3.1: the server MUST fail a keyed-digest request without host and port.
    if (host === undefined || host === '' || /[\s/?#]/.test(host) || port === undefined) throw malformed(M, 'host= and port= are required')
    const auth = pairs.get('auth')
    if (auth === undefined) throw malformed(M, 'missing auth=')
    // RFC 5849 §3.5.1: auth-scheme "OAuth", case-insensitive.
    const scheme = /^oauth[ \t]+/i.exec(auth)
    if (scheme === null) throw malformed(M, 'auth= is not "OAuth …"')
    const params = readProtocolParams(M, parseAuthParams(M, auth.slice(scheme[0].length)))
    // RFC 7628 §3.1.1: mthd, path, qs and post default to POST, "/", "" and "".
    const method = pairs.get('mthd') ?? 'POST'
    if (!/^[A-Z]+$/.test(method)) throw malformed(M, 'invalid mthd=')
    const path = pairs.get('path') ?? '/'
    if (!/^\/[^\s?#]*$/.test(path)) throw malformed(M, 'invalid path=')
    const requestParams = [...parseForm(M, pairs.get('qs') ?? ''), ...parseForm(M, pairs.get('post') ?? '')]
    // RFC 7628 §3.3: the scheme is http, the port included unless 80.
    const baseString = signatureBaseString(method, baseStringUri('http', host, port, path), [...requestParams, ...params.signed])
    const failed = await checkSignature(this.#options, params, baseString)
    if (failed !== undefined) return { error: REFUSED, reason: failed }
    const request: OAuth1TokenRequest = {
      mechanism: M,
      token: params.token,
      authzid,
      username: authzid,
      host,
      port,
      consumerKey: params.consumerKey,
      nonce: params.nonce,
      timestamp: params.timestamp,
      ...(params.realm === undefined ? {} : { realm: params.realm }),
    }
    return concludeToken(this.#options, request, REFUSED, false)
  }
}

/** `<method> SP <absolute URL> SP <OAuth parameters>`, as Google's xoauth.py writes it. */
const XOAUTH_LINE = /^([A-Z]+) (\S+) (.+)$/s
const XOAUTH_URL = /^(https?):\/\/([^/?#@\s]+)(\/[^?#\s]*)(?:\?([^#\s]*))?$/
const XOAUTH_PATH = /^\/mail\/b\/([^/%]+)\/([A-Za-z0-9]+)\/$/

class XOAuthServer extends OAuthServerBase {
  readonly mechanism = 'XOAUTH'
  readonly #options: OAuth1ServerOptions

  constructor(options: OAuth1ServerOptions) {
    super(options.maxMessageBytes, dummyResponse.empty)
    requireServerCallbacks(options, this.mechanism)
    this.#options = { ...options }
  }

  protected async authenticate(message: Uint8Array): Promise<ServerStep | Refusal> {
    const M = this.mechanism
    const text = utf8Decode(message)
    if (CONTROL.test(text)) throw malformed(M, 'control characters in the request line')
    const line = XOAUTH_LINE.exec(text)
    if (line === null) throw malformed(M, 'expected "GET <url> <OAuth parameters>"')
    const [, method, url, paramText] = line as unknown as [string, string, string, string]
    const parts = XOAUTH_URL.exec(url)
    if (parts === null) throw malformed(M, 'invalid URL')
    const [, scheme, authority, path, query] = parts as unknown as [string, 'http' | 'https', string, string, string | undefined]
    const hostPort = /^([^:[\]]+|\[[0-9A-Fa-f:.]+\])(?::([1-9][0-9]{0,4}))?$/.exec(authority)
    if (hostPort === null) throw malformed(M, 'invalid URL authority')
    const host = hostPort[1]!
    const port = hostPort[2] === undefined ? (scheme === 'http' ? 80 : 443) : Number(hostPort[2])
    if (port > 65535) throw malformed(M, 'invalid port')
    const mailbox = XOAUTH_PATH.exec(path)
    if (mailbox === null) throw malformed(M, 'the URL is not /mail/b/<user>/<protocol>/')
    const username = mailbox[1]!
    checkIdentityLength(username, 'username')
    const queryParams = parseForm(M, query ?? '')
    const requestorId = queryParams.find(([name]) => name === 'xoauth_requestor_id')?.[1]
    const params = readProtocolParams(M, parseAuthParams(M, paramText))
    const baseString = signatureBaseString(method, baseStringUri(scheme, host, port, path), [...queryParams, ...params.signed])
    const failed = await checkSignature(this.#options, params, baseString)
    // Google's XOAUTH predates RFC 7628's error challenge: a refusal fails at once.
    if (failed !== undefined) return { type: 'failure', error: failureFor({ error: REFUSED, reason: failed }) }
    const request: OAuth1TokenRequest = {
      mechanism: M,
      token: params.token,
      authzid: username,
      username,
      host,
      port,
      consumerKey: params.consumerKey,
      nonce: params.nonce,
      timestamp: params.timestamp,
      protocol: mailbox[2]!,
      ...(requestorId === undefined ? {} : { requestorId }),
    }
    const outcome = await concludeToken(this.#options, request, REFUSED, false)
    return 'type' in outcome ? outcome : { type: 'failure', error: failureFor(outcome) }
  }
}

/**
 * The OAUTH10A mechanism (RFC 7628 §3.3): OAUTHBEARER's framing carrying an OAuth 1.0a
 * HMAC-SHA1 signed request for `POST http://<host>:<port>/`. Strength 12, legacy. The token
 * secret never travels, so it is not `plaintext`; the server still needs TLS or replay
 * checks (nonce and timestamp go to `validateToken`).
 *
 * @example
 * ```ts
 * const client = oauth10a.client({
 *   username: 'user@example.com', host: 'imap.example.com', port: 993,
 *   consumerKey: 'key', consumerSecret: 'csecret', token: 'tok', tokenSecret: 'tsecret',
 * })
 * const server = oauth10a.server({
 *   secrets: () => ({ consumerSecret: 'csecret', tokenSecret: 'tsecret' }),
 *   validateToken: () => ({ authcid: 'user@example.com' }),
 * })
 * const step = await server.next(await client.start()) // { type: 'success', … }
 * ```
 */
export const oauth10a: Mechanism<OAuth10aClientOptions, OAuth1ServerOptions> = {
  name: 'OAUTH10A',
  traits: { clientFirst: true, plaintext: false, mutual: false, channelBinding: false, strength: 12, legacy: true },
  client: (options) => new OAuth10aClient(options),
  server: (options) => new OAuth10aServer(options),
}

/**
 * The XOAUTH mechanism, Google's retired OAuth 1.0a login for Gmail IMAP/SMTP: one line
 * `GET https://mail.google.com/mail/b/<user>/<protocol>/ oauth_…="…",…` signed with
 * HMAC-SHA1. Strength 11, legacy: kept for old servers and archives of the protocol.
 *
 * @example
 * ```ts
 * const client = xoauth.client({ username: 'xxx@googlemail.com', protocol: 'imap', token: 'k99hfs9dh', tokenSecret: 'sd9fhidfskfj' })
 * const line = await client.start() // 'GET https://mail.google.com/mail/b/xxx@googlemail.com/imap/ oauth_consumer_key="anonymous",…'
 * ```
 */
export const xoauth: Mechanism<XOAuthClientOptions, OAuth1ServerOptions> = {
  name: 'XOAUTH',
  traits: { clientFirst: true, plaintext: false, mutual: false, channelBinding: false, strength: 11, legacy: true },
  client: (options) => new XOAuthClient(options),
  server: (options) => new XOAuthServer(options),
}
