/**
 * The OAUTHBEARER (RFC 7628) and XOAUTH2 servers, loaded on their first step by the
 * descriptors' `server()`.
 */
import { checkIdentityLength } from '../core/identity.js'
import type { ServerStep } from '../core/types.js'
import { parseGs2Header } from '../codec/gs2-parse.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { KVSEP, dummyResponse, malformed, type OAuthError, type OAuthTokenRequest } from './oauth-framing.js'
import { OAuthServerBase, concludeToken, parseBearer, parseKvPairs, parsePort, type Refusal } from './oauth-server-framing.js'
import type { OAuthServerOptions } from './oauth.js'

const BEARER_ERROR: OAuthError = { status: 'invalid_token' }
// What Gmail answers an XOAUTH2 client whose token it refuses.
const XOAUTH2_ERROR: OAuthError = { status: '401', schemes: 'bearer' }
const CONTROL = /[\x00-\x1f\x7f]/

export class OAuthBearerServer extends OAuthServerBase {
  readonly mechanism = 'OAUTHBEARER'
  readonly #options: OAuthServerOptions

  /** `options` is the descriptor's checked copy. */
  constructor(options: OAuthServerOptions) {
    super(options, dummyResponse.kvsep)
    this.#options = options
  }

  protected async authenticate(message: Uint8Array): Promise<ServerStep | Refusal> {
    const text = utf8Decode(message)
    // RFC 7628 §3.1: the lone kvsep "is only valid" after an error.
    if (text === KVSEP) throw malformed(this.mechanism, 'the dummy response came first')
    // RFC 5801 §4 via RFC 7628 §3.1: `n,` or `y,` and an optional `a=`; §4.4's `n,user=` is refused here.
    const { header, rest } = parseGs2Header(text)
    if (header.flag === 'p') throw malformed(this.mechanism, 'OAUTHBEARER has no channel binding')
    const authzid = header.authzid ?? ''
    if (CONTROL.test(authzid)) throw malformed(this.mechanism, 'invalid authzid')
    checkIdentityLength(authzid, 'authzid')
    if (!rest.startsWith(KVSEP)) throw malformed(this.mechanism, 'no %x01 after the GS2 header')
    const pairs = parseKvPairs(this.mechanism, rest.slice(1))
    const token = parseBearer(this.mechanism, pairs.get('auth'))
    const host = pairs.get('host')
    const port = parsePort(this.mechanism, pairs.get('port'))
    const request: OAuthTokenRequest = {
      mechanism: this.mechanism,
      token,
      authzid,
      username: authzid,
      ...(host === undefined ? {} : { host }),
      ...(port === undefined ? {} : { port }),
    }
    return concludeToken(this.#options, request, BEARER_ERROR, true)
  }
}

export class XOAuth2Server extends OAuthServerBase {
  readonly mechanism = 'XOAUTH2'
  readonly #options: OAuthServerOptions

  /** `options` is the descriptor's checked copy. */
  constructor(options: OAuthServerOptions) {
    super(options, dummyResponse.empty)
    this.#options = options
  }

  protected async authenticate(message: Uint8Array): Promise<ServerStep | Refusal> {
    const pairs = parseKvPairs(this.mechanism, utf8Decode(message))
    const user = pairs.get('user')
    if (user === undefined || user === '') throw malformed(this.mechanism, 'missing user=')
    if (CONTROL.test(user)) throw malformed(this.mechanism, 'invalid user=')
    checkIdentityLength(user, 'user')
    const token = parseBearer(this.mechanism, pairs.get('auth'))
    // user= names the mailbox: it is the requested identity, checked against the token's owner.
    return concludeToken(this.#options, { mechanism: this.mechanism, token, authzid: user, username: user }, XOAUTH2_ERROR, true)
  }
}
