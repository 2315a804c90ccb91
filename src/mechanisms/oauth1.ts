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
import { SaslError } from '../core/errors.js'
import { lazyServer } from '../core/guard.js'
import { optionalTyped } from '../core/options.js'
import type { Mechanism, SaslServer, ServerOptions } from '../core/types.js'
import { hexEncode } from '../codec/bytes.js'
import { encodeGs2Header } from '../codec/gs2.js'
import { utf8Encode } from '../codec/utf8.js'
import { randomBytes } from '../crypto/random.js'
import {
  KVSEP,
  OAuthClientBase,
  checkClientPort,
  checkClientValue,
  dummyResponse,
  encodeKvMessage,
  malformed,
  type OAuthTokenRequest,
  type OAuthTokenResult,
} from './oauth-framing.js'
import {
  SIGNATURE_METHOD,
  baseStringUri,
  formatAuthParams,
  hmacSha1Signature,
  percentEncode,
  requireString,
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

/** RFC 2617 quoted-string content without escapes, as the realm is sent. */
const REALM = /^[^"\\\x00-\x1f\x7f]*$/

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
      throw new SaslError('protocol-violation', `${mechanism}: invalid timestamp`)
    }
    this.#timestamp = options.timestamp
    optionalTyped(mechanism, options, ['random', 'now'], 'function')
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

  sign(baseString: string): Promise<string> {
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
    const authzid = options.authzid === undefined ? username : checkClientValue(this.mechanism, options.authzid, 'authzid', true)
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

  protected async onStart(): Promise<Uint8Array> {
    const { nonce, timestamp } = this.#signer.freshness()
    // RFC 7628 §4.2's order of the protocol parameters.
    const params: Param[] = [['oauth_consumer_key', this.#signer.consumerKey]]
    if (this.#signer.token !== undefined) params.push(['oauth_token', this.#signer.token])
    params.push(['oauth_signature_method', SIGNATURE_METHOD], ['oauth_timestamp', timestamp], ['oauth_nonce', nonce])
    // RFC 7628 §3.3: method POST, scheme http, path "/", empty query and body.
    const baseString = signatureBaseString('POST', baseStringUri('http', this.#host, this.#port, '/'), params)
    params.push(['oauth_signature', await this.#signer.sign(baseString)])
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
    if (/[\s/?#%]/.test(username)) throw malformed(this.mechanism, 'invalid username')
    const protocol = requireString(this.mechanism, options.protocol, 'protocol')
    if (!/^[A-Za-z0-9]+$/.test(protocol)) throw malformed(this.mechanism, 'invalid protocol')
    this.#path = `/mail/b/${username}/${protocol}/`
    if (options.requestorId !== undefined) this.#query.push(['xoauth_requestor_id', requireString(this.mechanism, options.requestorId, 'requestorId')])
    this.#signer = new Signer(this.mechanism, { ...options, consumerKey: options.consumerKey ?? 'anonymous', consumerSecret: options.consumerSecret ?? 'anonymous' })
  }

  protected async onStart(): Promise<Uint8Array> {
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
    params.push(['oauth_signature', await this.#signer.sign(signatureBaseString('GET', base, [...params, ...this.#query]))])
    // xoauth.py: the parameters sorted by name; the query as name=encoded value.
    params.sort((a, b) => (a[0] < b[0] ? -1 : 1))
    const query = this.#query.length === 0 ? '' : `?${this.#query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`
    return utf8Encode(`GET ${base}${query} ${formatAuthParams(params)}`)
  }
}

/** Checks the server options at once; the server itself loads on its first step. */
function lazyOAuth1Server(mechanism: string, given: OAuth1ServerOptions, build: (module: typeof import('./oauth1-server.js'), copy: OAuth1ServerOptions) => SaslServer): SaslServer {
  // Copies first: a missing options object is then a missing option (decision 5).
  const copy = { ...given }
  if (typeof copy.secrets !== 'function' || typeof copy.validateToken !== 'function') {
    throw new SaslError('protocol-violation', `${mechanism} server needs secrets() and validateToken()`)
  }
  return lazyServer(mechanism, () => import('./oauth1-server.js'), (module) => build(module, copy))
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
  client: (options) => new OAuth10aClient({ ...options }),
  server: (options) => lazyOAuth1Server('OAUTH10A', options, (module, copy) => new module.OAuth10aServer(copy)),
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
  client: (options) => new XOAuthClient({ ...options }),
  server: (options) => lazyOAuth1Server('XOAUTH', options, (module, copy) => new module.XOAuthServer(copy)),
}
