/**
 * The OAUTH10A (RFC 7628 §3.3) and XOAUTH servers, loaded on their first step by the
 * descriptors' `server()`.
 */
import { SaslError, asSaslError } from '../core/errors.js'
import { checkIdentityLength } from '../core/identity.js'
import type { ServerStep } from '../core/types.js'
import { constantTimeEqual } from '../codec/equal.js'
import { parseGs2Header } from '../codec/gs2-parse.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { KVSEP, dummyResponse, malformed, type OAuthError } from './oauth-framing.js'
import { OAuthServerBase, concludeToken, failureFor, parseKvPairs, parsePort, type Refusal } from './oauth-server-framing.js'
import type { OAuth1Secrets, OAuth1ServerOptions, OAuth1TokenRequest } from './oauth1.js'
import { CONTROL, SIGNATURE_METHOD, baseStringUri, hmacSha1Signature, signatureBaseString, type Param } from './oauth1-signature.js'
import { parseAuthParams, parseForm, percentDecode } from './oauth1-parse.js'

const REFUSED: OAuthError = { status: 'invalid_token' }
// Secrets for an unknown consumer: the signature is computed all the same, so a guesser
// cannot tell an unknown consumer from a wrong signature by timing.
const UNKNOWN_SECRETS: OAuth1Secrets = { consumerSecret: 'saslkit-unknown-consumer', tokenSecret: 'saslkit-unknown-token' }
/** RFC 5849 §3.3: a positive integer (bounded so it stays exact). */
const TIMESTAMP = /^[1-9][0-9]{0,14}$/

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
  const expected = await hmacSha1Signature(baseString, used.consumerSecret, used.tokenSecret)
  const match = constantTimeEqual(utf8Encode(expected), utf8Encode(params.signature))
  if (secrets === undefined) return 'unknown-credentials'
  return match ? undefined : 'bad-signature'
}

export class OAuth10aServer extends OAuthServerBase {
  readonly mechanism = 'OAUTH10A'
  readonly #options: OAuth1ServerOptions

  /** `options` is the descriptor's checked copy. */
  constructor(options: OAuth1ServerOptions) {
    super(options, dummyResponse.kvsep)
    this.#options = options
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

export class XOAuthServer extends OAuthServerBase {
  readonly mechanism = 'XOAUTH'
  readonly #options: OAuth1ServerOptions

  /** `options` is the descriptor's checked copy. */
  constructor(options: OAuth1ServerOptions) {
    super(options, dummyResponse.empty)
    this.#options = options
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
