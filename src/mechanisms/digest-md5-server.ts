/**
 * The DIGEST-MD5 server (RFC 2831), loaded on its first step by `digestMd5.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, concludeAuthentication, lookupCredentials, notAuthorized } from '../core/server.js'
import type { StoredCredentials } from '../core/types.js'
import { constantTimeEqual } from '../codec/equal.js'
import { latin1Decode, latin1Encode } from '../codec/latin1.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { digestMd5Secret } from '../crypto/md5.js'
import {
  FIRST_NONCE_COUNT,
  collect,
  malformed,
  parseDirectives,
  quoted,
  requireOne,
  responseValue,
  wireText,
  type DigestInputs,
} from './digest-md5-common.js'
import type { DigestMd5ServerOptions } from './digest-md5.js'

/** RFC 2831 §2.1.2: a digest-response is shorter than 4096 bytes. */
const MAX_RESPONSE_BYTES = 4095
/** RFC 2831 §2.1.2.1: the response is 32 lower-case hex digits, nc 8. */
const RESPONSE_HEX = /^[0-9a-f]{32}$/
const NONCE_COUNT_HEX = /^[0-9a-f]{8}$/
const DUMMY_PASSWORD = 'saslkit-unknown-user-dummy-password'

/** A parsed digest-response, strings decoded per its charset (byte strings where hashed as sent). */
interface DigestResponse {
  readonly username: string
  readonly realm: string
  readonly authzid: string
  readonly nonce: string
  readonly nc: string
  readonly cnonce: string
  readonly digestUri: string
  readonly response: string
}

const RESPONSE_SINGLE = ['username', 'realm', 'nonce', 'cnonce', 'nc', 'qop', 'digest-uri', 'response', 'maxbuf', 'charset', 'cipher', 'authzid']

function parseResponse(message: Uint8Array): DigestResponse {
  const byName = collect(parseDirectives(message, MAX_RESPONSE_BYTES), RESPONSE_SINGLE)
  const charset = byName.get('charset')?.[0]
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') throw malformed('unsupported charset')
  const utf8 = charset !== undefined
  // RFC 2831 §2.1.2: qop defaults to "auth"; the layers were never offered.
  const qop = byName.get('qop')?.[0] ?? 'auth'
  if (qop === 'auth-int' || qop === 'auth-conf') {
    throw new SaslError('mechanism-too-weak', 'DIGEST-MD5: security layers (auth-int/auth-conf) are not implemented')
  }
  if (qop !== 'auth') throw malformed('unknown qop')
  const maxbuf = byName.get('maxbuf')?.[0]
  if (maxbuf !== undefined && !/^[0-9]{1,8}$/.test(maxbuf)) throw malformed('invalid maxbuf')
  const nc = requireOne(byName, 'nc')
  if (!NONCE_COUNT_HEX.test(nc)) throw malformed('nc must be 8 lower-case hex digits')
  const response = requireOne(byName, 'response')
  if (!RESPONSE_HEX.test(response)) throw malformed('response must be 32 lower-case hex digits')
  const username = wireText(requireOne(byName, 'username'), utf8)
  if (username === '') throw malformed('empty username')
  const cnonce = requireOne(byName, 'cnonce')
  if (cnonce === '') throw malformed('empty cnonce')
  // RFC 2831 §2.1.2: the authzid is UTF-8 whatever the charset.
  const authzid = utf8Decode(latin1Encode(byName.get('authzid')?.[0] ?? ''))
  checkIdentityLength(username, 'username')
  checkIdentityLength(authzid, 'authzid')
  return {
    username,
    realm: wireText(byName.get('realm')?.[0] ?? '', utf8),
    authzid,
    nonce: requireOne(byName, 'nonce'),
    nc,
    cnonce,
    digestUri: requireOne(byName, 'digest-uri'),
    response,
  }
}

export class DigestMd5Server extends ServerBase {
  readonly mechanism = 'DIGEST-MD5'
  readonly #options: DigestMd5ServerOptions
  readonly #realms: readonly string[]
  readonly #nonce: string

  /** `options` is the descriptor's checked copy; `realms` and `nonce` what it made of them. */
  constructor(options: DigestMd5ServerOptions, realms: readonly string[], nonce: string) {
    super(options)
    this.#realms = realms
    this.#nonce = nonce
    this.#options = options
  }

  protected async onNext(response: Uint8Array | undefined, first: boolean): Promise<ServerOutcome> {
    // RFC 2831 §2.2.2: a server that does not do subsequent authentication answers an initial
    // response with a fresh digest-challenge.
    if (first) return { type: 'challenge', challenge: this.#challenge() }
    const received = parseResponse(response!)
    // The nonce must be this exchange's: a response replayed from another exchange fails here.
    if (received.nonce !== this.#nonce) return { type: 'failure', error: notAuthorized('wrong-nonce') }
    if (received.nc !== FIRST_NONCE_COUNT) return { type: 'failure', error: notAuthorized('wrong-nonce-count') }
    if (!this.#digestUriMatches(received.digestUri)) return { type: 'failure', error: notAuthorized('wrong-digest-uri') }

    // A realm the server did not offer is treated as an unknown user: same work, same answer.
    const realmOffered = this.#realms.length === 0 || this.#realms.includes(received.realm)
    const stored = realmOffered ? await lookupCredentials(this.#options, received.username, this.mechanism, received.realm) : undefined
    const { secret, usable } = storedSecret(stored, received.username, received.realm)
    const inputs: DigestInputs = {
      secret,
      nonce: latin1Encode(received.nonce),
      cnonce: latin1Encode(received.cnonce),
      authzid: utf8Encode(received.authzid),
      digestUri: latin1Encode(received.digestUri),
    }
    const match = constantTimeEqual(utf8Encode(responseValue(inputs, 'AUTHENTICATE')), utf8Encode(received.response))
    if (!realmOffered) return { type: 'failure', error: notAuthorized('realm-not-offered') }
    if (stored === undefined) return { type: 'failure', error: notAuthorized('unknown-user') }
    if (!usable) return { type: 'failure', error: notAuthorized('no-usable-credentials') }
    if (!match) return { type: 'failure', error: notAuthorized('wrong-password') }
    // RFC 2831 §2.1.3: prove the server knows the secret too.
    const rspauth = utf8Encode(`rspauth=${responseValue(inputs, '')}`)
    const details = received.realm === '' ? undefined : { realm: received.realm }
    return concludeAuthentication(this.#options, this.mechanism, received.username, received.authzid, stored, details, undefined, rspauth)
  }

  /** RFC 2831 §2.1.1, in the order of its §4 example. */
  #challenge(): Uint8Array {
    const fields = [
      ...this.#realms.map((realm) => `realm=${quoted(latin1Decode(utf8Encode(realm)))}`),
      `nonce=${quoted(this.#nonce)}`,
      'qop="auth"',
      'algorithm=md5-sess',
      'charset=utf-8',
    ]
    return latin1Encode(fields.join(','))
  }

  /** RFC 2831 §2.1.2: digest-uri = serv-type "/" host [ "/" serv-name ]. */
  #digestUriMatches(byteStr: string): boolean {
    const parts = utf8Decode(latin1Encode(byteStr)).split('/')
    if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) throw malformed('digest-uri must be service/host')
    const [service, host] = parts as [string, string]
    if (service.toLowerCase() !== this.#options.service.toLowerCase()) return false
    return this.#options.host === undefined || host.toLowerCase() === this.#options.host.toLowerCase()
  }
}

/**
 * H(username:realm:passwd) from the plaintext password, else the stored digestMd5, else from a
 * dummy password. H() of a password (the stored one, or the dummy) is computed on every
 * attempt, so that every storage form and an unknown user cost the same work.
 */
function storedSecret(stored: StoredCredentials | undefined, username: string, realm: string): { secret: Uint8Array; usable: boolean } {
  const derived = digestMd5Secret(username, realm, stored?.password ?? DUMMY_PASSWORD)
  if (stored?.password !== undefined) return { secret: derived, usable: true }
  if (stored?.digestMd5 instanceof Uint8Array && stored.digestMd5.length === 16) return { secret: stored.digestMd5, usable: true }
  return { secret: derived, usable: false }
}
