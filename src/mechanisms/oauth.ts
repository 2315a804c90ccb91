/**
 * OAUTHBEARER (RFC 7628) and XOAUTH2 (the format Google and Microsoft document): an OAuth
 * 2.0 bearer token in the initial response. A bearer token is replayable, so both are
 * `plaintext` in their traits: use them only over TLS. XOAUTH2 is legacy; prefer OAUTHBEARER
 * where the server offers it.
 *
 * When the server refuses the token it sends a JSON error as a challenge (RFC 7628 §3.2.2);
 * the client answers the dummy response and keeps the parsed JSON as `serverError`, which
 * the profile puts in the `details` of the `SaslError` it throws (so the app can refresh
 * the token and retry with a new client).
 *
 * @module saslkit/oauth
 */
import { SaslError } from '../core/errors.js'
import { lazyServer } from '../core/guard.js'
import type { Mechanism, SaslServer, ServerOptions } from '../core/types.js'
import { encodeGs2Header } from '../codec/gs2.js'
import {
  KVSEP,
  OAuthClientBase,
  checkClientPort,
  checkClientValue,
  dummyResponse,
  encodeKvMessage,
  resolveToken,
  type OAuthTokenRequest,
  type OAuthTokenResult,
  type TokenSource,
} from './oauth-framing.js'

export type { OAuthError, OAuthTokenRequest, OAuthTokenResult, TokenSource } from './oauth-framing.js'

/**
 * OAUTHBEARER and XOAUTH2 client options.
 *
 * @example
 * ```ts
 * const options: OAuthClientOptions = {
 *   username: 'user@example.com',
 *   token: async () => (await refreshAccessToken()).access_token, // called once per exchange
 *   host: 'imap.example.com',
 *   port: 993,
 * }
 * ```
 */
export interface OAuthClientOptions {
  /** The account: OAUTHBEARER's GS2 `a=` (unless `authzid` is given), XOAUTH2's `user=`. */
  readonly username: string
  /**
   * The access token, or a function giving it, called once per exchange at `start()`. An
   * empty token sends an empty `auth=`, which asks the server for the scope it needs
   * (RFC 7628 §4.3).
   */
  readonly token: TokenSource
  /** Act as this identity (OAUTHBEARER `a=`, XOAUTH2 `user=`); `''` omits OAUTHBEARER's `a=`. */
  readonly authzid?: string
  /** OAUTHBEARER `host=`: the name of the server connected to. XOAUTH2 has no such field. */
  readonly host?: string
  /** OAUTHBEARER `port=`: the port connected to. XOAUTH2 has no such field. */
  readonly port?: number
}

/**
 * OAUTHBEARER and XOAUTH2 server options: `validateToken` decides who a token belongs to.
 * With `credentials`, the account of that `authcid` must also exist (else the client gets
 * the same error as for a bad token) and may be `disabled`.
 *
 * @example
 * ```ts
 * const options: OAuthServerOptions = {
 *   validateToken: async ({ token, host }) => {
 *     const info = await introspect(token)
 *     if (!info.active) return { error: { status: 'invalid_token', scope: 'mail' } }
 *     return { authcid: info.sub, claims: { scope: info.scope } }
 *   },
 * }
 * ```
 */
export interface OAuthServerOptions extends ServerOptions {
  /** Checks the token (sync or async); an `error` answer is sent to the client as the JSON challenge. */
  validateToken(request: OAuthTokenRequest): OAuthTokenResult | Promise<OAuthTokenResult>
}

/** Control characters have no place in an identity, even where saslname escaping would carry them. */

function tokenSource(mechanism: string, token: unknown): TokenSource {
  if (typeof token !== 'string' && typeof token !== 'function') {
    throw new SaslError('protocol-violation', `${mechanism}: token must be a string or a function`)
  }
  return token as TokenSource
}

/** Checks the server options at once; the server itself loads on its first step. */
function lazyOAuthServer(mechanism: string, given: OAuthServerOptions, build: (module: typeof import('./oauth-server.js'), copy: OAuthServerOptions) => SaslServer): SaslServer {
  // Copies first: a missing options object is then a missing option (decision 5).
  const copy = { ...given }
  if (typeof copy.validateToken !== 'function') throw new SaslError('protocol-violation', `${mechanism} server needs validateToken()`)
  return lazyServer(mechanism, () => import('./oauth-server.js'), (module) => build(module, copy))
}

/**
 * What OAUTHBEARER and XOAUTH2 share: one initial response, `prefix` then the key/value
 * `pairs` and `auth=Bearer <token>` (empty when the token is, RFC 7628 §4.3), the token
 * resolved at start().
 */
abstract class BearerClient extends OAuthClientBase {
  readonly #prefix: string
  readonly #pairs: ReadonlyArray<readonly [string, string]>
  readonly #token: TokenSource

  constructor(mechanism: string, dummy: Uint8Array, token: unknown, prefix: string, pairs: ReadonlyArray<readonly [string, string]>) {
    super(dummy)
    this.#prefix = prefix
    this.#pairs = pairs
    this.#token = tokenSource(mechanism, token)
  }

  protected async onStart(): Promise<Uint8Array> {
    const token = await resolveToken(this.mechanism, this.#token)
    return encodeKvMessage(this.#prefix, [...this.#pairs, ['auth', token === '' ? '' : `Bearer ${token}`]])
  }
}

class OAuthBearerClient extends BearerClient {
  readonly mechanism = 'OAUTHBEARER'

  constructor(options: OAuthClientOptions) {
    const mechanism = 'OAUTHBEARER'
    const username = checkClientValue(mechanism, options.username, 'username')
    const authzid = options.authzid === undefined ? username : checkClientValue(mechanism, options.authzid, 'authzid', true)
    const pairs: Array<readonly [string, string]> = []
    if (options.host !== undefined) pairs.push(['host', checkClientValue(mechanism, options.host, 'host')])
    if (options.port !== undefined) pairs.push(['port', String(checkClientPort(mechanism, options.port))])
    // RFC 7628 §3.1: gs2-header kvsep *kvpair kvsep; RFC 5801 §4: `n,a=<saslname>,` — Gmail
    // and Dovecot need the a=. auth= carries the HTTP Authorization value.
    super(mechanism, dummyResponse.kvsep, options.token, encodeGs2Header({ flag: 'n', authzid }) + KVSEP, pairs)
  }
}

class XOAuth2Client extends BearerClient {
  readonly mechanism = 'XOAUTH2'

  constructor(options: OAuthClientOptions) {
    const mechanism = 'XOAUTH2'
    const username = checkClientValue(mechanism, options.username, 'username')
    const user = options.authzid === undefined || options.authzid === '' ? username : checkClientValue(mechanism, options.authzid, 'authzid')
    // Google's format: base64("user=" User "^Aauth=Bearer " Token "^A^A"); after an error
    // challenge the client sends an empty response.
    super(mechanism, dummyResponse.empty, options.token, '', [['user', user]])
  }
}

/**
 * The OAUTHBEARER mechanism (RFC 7628): `n,a=<user>,^Ahost=…^Aport=…^Aauth=Bearer <token>^A^A`.
 * Strength 60; plaintext (a bearer token is replayable), so `negotiate()` and the profiles
 * use it only on a protected channel.
 *
 * @example
 * ```ts
 * const client = oauthBearer.client({ username: 'user@example.com', token: accessToken, host: 'imap.example.com', port: 993 })
 * const server = oauthBearer.server({ validateToken: ({ token }) => (token === accessToken ? { authcid: 'user@example.com' } : { error: { status: 'invalid_token' } }) })
 * const step = await server.next(await client.start()) // { type: 'success', … }
 * ```
 */
export const oauthBearer: Mechanism<OAuthClientOptions, OAuthServerOptions> = {
  name: 'OAUTHBEARER',
  traits: { clientFirst: true, plaintext: true, mutual: false, channelBinding: false, strength: 60, legacy: false },
  client: (options) => new OAuthBearerClient({ ...options }),
  server: (options) => lazyOAuthServer('OAUTHBEARER', options, (module, copy) => new module.OAuthBearerServer(copy)),
}

/**
 * The XOAUTH2 mechanism (Google's and Microsoft's format): `user=<user>^Aauth=Bearer <token>^A^A`.
 * Strength 55; legacy (OAUTHBEARER is its standard successor) and plaintext.
 *
 * @example
 * ```ts
 * const client = xoauth2.client({ username: 'someuser@gmail.com', token: () => refreshAccessToken() })
 * const initial = await client.start() // 'user=someuser@gmail.com\x01auth=Bearer ya29.…\x01\x01'
 * ```
 */
export const xoauth2: Mechanism<OAuthClientOptions, OAuthServerOptions> = {
  name: 'XOAUTH2',
  traits: { clientFirst: true, plaintext: true, mutual: false, channelBinding: false, strength: 55, legacy: true },
  client: (options) => new XOAuth2Client({ ...options }),
  server: (options) => lazyOAuthServer('XOAUTH2', options, (module, copy) => new module.XOAuth2Server(copy)),
}
