/**
 * DIGEST-MD5 (RFC 2831; moved to Historic by RFC 6331): the server sends a nonce, the client
 * proves it knows H(username:realm:password) bound to both nonces and the digest-uri, and the
 * server proves the same back with `rspauth`. Legacy: MD5-based and password-equivalent on
 * the server. Prefer SCRAM.
 *
 * Only qop `auth` (authentication without a security layer) is implemented: a server that
 * offers nothing else, or a client that asks for `auth-int` / `auth-conf`, gets
 * `mechanism-too-weak`. Subsequent authentication (RFC 2831 §2.2) is not offered.
 *
 * Non-ASCII names: with `charset=utf-8`, a username, realm or password made only of ISO 8859-1
 * characters is hashed as ISO 8859-1 (RFC 2831 §2.1.2.1, as Cyrus SASL does). GNU SASL converts
 * only the password, so a user such as `jürgen` cannot authenticate between saslkit and GNU
 * SASL (ASCII usernames work with any password). Dovecot's `doveadm pw -s DIGEST-MD5` hashes
 * UTF-8 throughout, so its entries verify here only when name, realm and password are ASCII or
 * lie outside ISO 8859-1; `deriveCredentials` makes the RFC form.
 *
 * @module saslkit/digest-md5
 */
import { SaslError } from '../core/errors.js'
import { ClientBase, ServerBase, type ServerOutcome } from '../core/guard.js'
import { checkIdentityLength, concludeAuthentication, lookupCredentials, notAuthorized } from '../core/server.js'
import type { ClientRandomOptions, Mechanism, ServerOptions, StoredCredentials } from '../core/types.js'
import { concatBytes, constantTimeEqual, hexEncode } from '../codec/bytes.js'
import { fitsLatin1, latin1Decode, latin1Encode } from '../codec/latin1.js'
import { utf8Decode, utf8Encode } from '../codec/utf8.js'
import { digestMd5Secret, md5 } from '../crypto/md5.js'
import { randomBytes, type RandomSource } from '../crypto/random.js'

/**
 * DIGEST-MD5 client options. The digest-uri is `service/host` (RFC 2831 §2.1.2), e.g.
 * `imap/mail.example.org`.
 *
 * @example
 * ```ts
 * const options: DigestMd5ClientOptions = { username: 'chris', password: 'secret', service: 'imap', host: 'elwood.innosoft.com' }
 * ```
 */
export interface DigestMd5ClientOptions extends ClientRandomOptions {
  readonly username: string
  readonly password: string
  /** Act as this identity (empty or absent: as `username`). */
  readonly authzid?: string
  /** The registered service name: `imap`, `smtp`, `xmpp`, `ldap`… */
  readonly service: string
  /** The server's host name. */
  readonly host: string
  /** The realm to authenticate in; default the first one the server offers, else none. */
  readonly realm?: string
  /** The exact cnonce text, for published vectors; never reuse one in production. */
  readonly cnonce?: string
}

/**
 * DIGEST-MD5 server options. `credentials(authcid, { mechanism, realm })` gives the
 * plaintext `password` or the stored `digestMd5` = H(username:realm:password) for that
 * realm; `verifyPassword` cannot serve DIGEST-MD5, which never sees the password.
 *
 * @example
 * ```ts
 * const options: DigestMd5ServerOptions = { service: 'imap', host: 'mail.example.org', realm: 'example.org', credentials: (u, { realm }) => db.get(u, realm) }
 * ```
 */
export interface DigestMd5ServerOptions extends ServerOptions {
  /** The service the digest-uri must name (compared without regard to case). */
  readonly service: string
  /** When given, the digest-uri's host must be this one (compared without regard to case). */
  readonly host?: string
  /** The realm(s) offered; a client must pick one of them. None: the client's realm is taken as it is. */
  readonly realm?: string | readonly string[]
  /** The exact nonce text, for published vectors; never reuse one in production. */
  readonly nonce?: string
  /** Replaces `crypto.getRandomValues` for the nonce. */
  readonly random?: (length: number) => Uint8Array
}

/** RFC 2831 §2.1.1: a digest-challenge is shorter than 2048 bytes. */
const MAX_CHALLENGE_BYTES = 2047
/** RFC 2831 §2.1.2: a digest-response is shorter than 4096 bytes. */
const MAX_RESPONSE_BYTES = 4095
/** More directives than any real peer sends (a long realm list included). */
const MAX_DIRECTIVES = 64
const NONCE_RANDOM_BYTES = 16
/** RFC 2831 §2.1.2.1: the response and rspauth are 32 lower-case hex digits. */
const RESPONSE_HEX = /^[0-9a-f]{32}$/
const NONCE_COUNT_HEX = /^[0-9a-f]{8}$/
/** RFC 2831 §2.1.2: this implementation does only initial authentication, so nc is always 1. */
const FIRST_NONCE_COUNT = '00000001'

const DUMMY_PASSWORD = 'saslkit-unknown-user-dummy-password'

// ---------------------------------------------------------------------------------------------
// Directive lists (RFC 2831 §7: the #rule and quoted-string of RFC 2616 §2.1–2.2).
// Values are kept as "byte strings" (one char per octet) until the charset is known.

interface Directive {
  /** Lower case: directive names are not case-sensitive. */
  readonly name: string
  /** Unquoted value, one char per octet. */
  readonly value: string
}

const isLws = (c: number): boolean => c === 0x20 || c === 0x09
// RFC 2616 §2.2: token = 1*<any CHAR except CTLs or separators>.
const isTokenChar = (c: number): boolean => c > 0x20 && c < 0x7f && !'()<>@,;:\\"/[]?={}'.includes(String.fromCharCode(c))
const isCtl = (c: number): boolean => c < 0x20 || c === 0x7f

function malformed(message: string): SaslError {
  return new SaslError('malformed-request', `DIGEST-MD5: ${message}`)
}

/**
 * Parses `name=value, name="quoted value", …` strictly: a size limit first, then tokens,
 * quoted-strings with `\` escapes of non-control US-ASCII only, no trailing garbage, at most
 * MAX_DIRECTIVES entries. Empty list elements are allowed, as the #rule says.
 */
function parseDirectives(message: Uint8Array, maxBytes: number): Directive[] {
  if (message.length > maxBytes) throw malformed(`message exceeds ${maxBytes} bytes`)
  const directives: Directive[] = []
  let i = 0
  const skipLws = (): void => {
    while (i < message.length && isLws(message[i]!)) i++
  }
  const readToken = (): string => {
    const start = i
    while (i < message.length && isTokenChar(message[i]!)) i++
    return latin1Decode(message.subarray(start, i))
  }
  for (;;) {
    skipLws()
    if (i === message.length) break
    if (message[i] === 0x2c) {
      i++
      continue
    }
    const name = readToken().toLowerCase()
    if (name === '') throw malformed('expected a directive name')
    skipLws()
    if (message[i] !== 0x3d) throw malformed(`expected "=" after ${name}`)
    i++
    skipLws()
    let value: string
    if (message[i] === 0x22) {
      i++
      value = ''
      for (;;) {
        if (i >= message.length) throw malformed('unterminated quoted-string')
        const c = message[i++]!
        if (c === 0x22) break
        if (c === 0x5c) {
          // RFC 2616 §2.2: quoted-pair = "\" CHAR; an escaped control or non-ASCII octet is refused.
          const escaped = message[i++]
          if (escaped === undefined || escaped > 0x7f || (isCtl(escaped) && escaped !== 0x09)) throw malformed('bad escape in quoted-string')
          value += String.fromCharCode(escaped)
        } else if (isCtl(c) && c !== 0x09) {
          throw malformed('control character in quoted-string')
        } else {
          value += String.fromCharCode(c)
        }
      }
    } else {
      value = readToken()
      if (value === '') throw malformed(`empty value for ${name}`)
    }
    directives.push({ name, value })
    if (directives.length > MAX_DIRECTIVES) throw malformed(`more than ${MAX_DIRECTIVES} directives`)
    skipLws()
    if (i < message.length && message[i] !== 0x2c) throw malformed(`unexpected text after ${name}`)
  }
  if (directives.length === 0) throw malformed('empty message')
  return directives
}

/** The directives by name, refusing a second instance of any name in `single`. */
function collect(directives: readonly Directive[], single: readonly string[]): Map<string, string[]> {
  const byName = new Map<string, string[]>()
  for (const { name, value } of directives) {
    const values = byName.get(name) ?? []
    if (values.length > 0 && single.includes(name)) throw malformed(`duplicate ${name} directive`)
    values.push(value)
    byName.set(name, values)
  }
  return byName
}

function requireOne(byName: Map<string, string[]>, name: string): string {
  const value = byName.get(name)?.[0]
  if (value === undefined) throw malformed(`missing ${name} directive`)
  return value
}

/** A quoted-string holding `byteStr` (one char per octet), `"` and `\` escaped. */
function quoted(byteStr: string): string {
  return `"${byteStr.replace(/["\\]/g, '\\$&')}"`
}

/** The comma-separated tokens of a qop-options value, lower case. */
function tokenList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase())
    .filter((item) => item !== '')
}

// ---------------------------------------------------------------------------------------------
// Charsets and digests.

/** A user-typed string as it travels: UTF-8 under `charset=utf-8`, ISO-8859-1 without it. */
function wireBytes(text: string, utf8: boolean, field: string): Uint8Array {
  if (utf8) return utf8Encode(text)
  // RFC 2831 §2.1.2: without the charset directive, username, realm and passwd are ISO 8859-1.
  if (!fitsLatin1(text)) throw new SaslError('incorrect-encoding', `DIGEST-MD5: the server does not accept UTF-8 and the ${field} is not ISO-8859-1`)
  return latin1Encode(text)
}

/** A received username, realm or digest-uri as text, decoded by the charset in force. */
function wireText(byteStr: string, utf8: boolean): string {
  return utf8 ? utf8Decode(latin1Encode(byteStr)) : byteStr
}

const COLON = /* @__PURE__ */ utf8Encode(':')

interface DigestInputs {
  /** H(username:realm:passwd), 16 bytes. */
  readonly secret: Uint8Array
  readonly nonce: Uint8Array
  readonly cnonce: Uint8Array
  /** Empty: none (RFC 2831 §2.1.2.1 leaves it out of A1). */
  readonly authzid: Uint8Array
  readonly digestUri: Uint8Array
}

const hexMd5 = (...parts: Uint8Array[]): string => hexEncode(md5(concatBytes(...parts)))

/**
 * RFC 2831 §2.1.2.1 (response) and §2.1.3 (rspauth), qop `auth`:
 * HEX(KD(HEX(H(A1)), nonce ":" nc ":" cnonce ":" qop ":" HEX(H(A2)))), KD(k, s) = H(k ":" s),
 * A1 = H(user:realm:passwd) ":" nonce ":" cnonce [":" authzid], A2 = prefix ":" digest-uri,
 * where the prefix is "AUTHENTICATE" for the response and empty for rspauth.
 */
function responseValue(inputs: DigestInputs, a2Prefix: 'AUTHENTICATE' | ''): string {
  const a1 = concatBytes(
    inputs.secret,
    COLON,
    inputs.nonce,
    COLON,
    inputs.cnonce,
    ...(inputs.authzid.length > 0 ? [COLON, inputs.authzid] : []),
  )
  const a2 = concatBytes(utf8Encode(`${a2Prefix}:`), inputs.digestUri)
  const tail = utf8Encode(`:${FIRST_NONCE_COUNT}:`)
  return hexMd5(utf8Encode(hexMd5(a1)), COLON, inputs.nonce, tail, inputs.cnonce, utf8Encode(':auth:'), utf8Encode(hexMd5(a2)))
}

function randomNonce(random: RandomSource | undefined): string {
  const bytes = (random ?? randomBytes)(NONCE_RANDOM_BYTES)
  if (!(bytes instanceof Uint8Array) || bytes.length !== NONCE_RANDOM_BYTES) {
    throw new SaslError('protocol-violation', `DIGEST-MD5: random(${NONCE_RANDOM_BYTES}) must return that many bytes`)
  }
  return hexEncode(bytes)
}

function requireText(value: unknown, field: string, options: { slash?: boolean } = {}): string {
  if (typeof value !== 'string' || value === '') throw malformed(`empty ${field}`)
  if (/[\0-\x1f\x7f]/.test(value) || (options.slash === false && value.includes('/'))) throw malformed(`invalid ${field}`)
  return value
}

// ---------------------------------------------------------------------------------------------
// Client.

class DigestMd5Client extends ClientBase {
  readonly mechanism = 'DIGEST-MD5'
  readonly #username: string
  readonly #password: string
  readonly #authzid: string
  readonly #digestUri: string
  readonly #realm: string | undefined
  readonly #cnonce: string
  #phase: 'challenge' | 'rspauth' | 'verified' = 'challenge'
  #expectedRspauth = ''

  constructor(options: DigestMd5ClientOptions) {
    super()
    this.#username = requireText(options.username, 'username')
    if (typeof options.password !== 'string' || options.password === '') throw malformed('empty password')
    this.#password = options.password
    this.#authzid = options.authzid === undefined || options.authzid === '' ? '' : requireText(options.authzid, 'authzid')
    const service = requireText(options.service, 'service', { slash: false })
    const host = requireText(options.host, 'host', { slash: false })
    this.#digestUri = `${service}/${host}`
    this.#realm = options.realm === undefined ? undefined : options.realm === '' ? '' : requireText(options.realm, 'realm')
    this.#cnonce = options.cnonce === undefined ? randomNonce(options.random) : requireText(options.cnonce, 'cnonce')
  }

  // RFC 2831 §2.1: the server speaks first.
  protected onStart(): undefined {
    return undefined
  }

  protected onNext(challenge: Uint8Array): Uint8Array {
    switch (this.#phase) {
      case 'challenge':
        return this.#answer(challenge)
      case 'rspauth':
        // The server's final data came as one more challenge (SMTP, IMAP, POP3): check it,
        // answer with nothing (RFC 2831 §2.1.3).
        this.#verify(challenge)
        return new Uint8Array(0)
      default:
        throw malformed('unexpected challenge after rspauth')
    }
  }

  protected override onFinish(additionalData: Uint8Array | undefined): void {
    if (additionalData !== undefined && additionalData.length > 0) {
      if (this.#phase !== 'rspauth') throw malformed('unexpected additional data with success')
      this.#verify(additionalData)
    }
    if (this.#phase !== 'verified') throw new SaslError('server-not-verified', 'DIGEST-MD5: the server did not send rspauth')
  }

  #answer(challenge: Uint8Array): Uint8Array {
    const byName = collect(parseDirectives(challenge, MAX_CHALLENGE_BYTES), [
      'nonce',
      'qop',
      'stale',
      'maxbuf',
      'charset',
      'algorithm',
      'cipher',
    ])
    const nonce = requireOne(byName, 'nonce')
    if (nonce === '') throw malformed('empty nonce')
    // RFC 2831 §2.1.1: algorithm is required, and md5-sess is the only value.
    if (requireOne(byName, 'algorithm').toLowerCase() !== 'md5-sess') throw malformed('unsupported algorithm')
    const charset = byName.get('charset')?.[0]
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') throw malformed('unsupported charset')
    const maxbuf = byName.get('maxbuf')?.[0]
    if (maxbuf !== undefined && !/^[0-9]{1,8}$/.test(maxbuf)) throw malformed('invalid maxbuf')
    const utf8 = charset !== undefined
    // RFC 2831 §2.1.1: qop-options defaults to "auth"; unknown options are ignored.
    const qops = tokenList(byName.get('qop')?.[0] ?? 'auth')
    if (!qops.includes('auth')) {
      throw new SaslError('mechanism-too-weak', 'DIGEST-MD5: the server requires a security layer (auth-int/auth-conf), which saslkit does not implement')
    }
    const offeredRealms = (byName.get('realm') ?? []).map((realm) => wireText(realm, utf8))
    const realm = this.#realm ?? offeredRealms[0] ?? ''

    const username = wireBytes(this.#username, utf8, 'username')
    const realmBytes = wireBytes(realm, utf8, 'realm')
    wireBytes(this.#password, utf8, 'password') // only to refuse a password the charset cannot carry
    // RFC 2831 §2.1.2: authzid and digest-uri are UTF-8 whatever the charset.
    const inputs: DigestInputs = {
      secret: digestMd5Secret(this.#username, realm, this.#password),
      nonce: latin1Encode(nonce),
      cnonce: utf8Encode(this.#cnonce),
      authzid: utf8Encode(this.#authzid),
      digestUri: utf8Encode(this.#digestUri),
    }
    this.#expectedRspauth = responseValue(inputs, '')
    const fields = [
      ...(utf8 ? ['charset=utf-8'] : []),
      `username=${quoted(latin1Decode(username))}`,
      ...(realm === '' ? [] : [`realm=${quoted(latin1Decode(realmBytes))}`]),
      `nonce=${quoted(nonce)}`,
      `nc=${FIRST_NONCE_COUNT}`,
      `cnonce=${quoted(latin1Decode(inputs.cnonce))}`,
      `digest-uri=${quoted(latin1Decode(inputs.digestUri))}`,
      `response=${responseValue(inputs, 'AUTHENTICATE')}`,
      'qop=auth',
      ...(this.#authzid === '' ? [] : [`authzid=${quoted(latin1Decode(inputs.authzid))}`]),
    ]
    this.#phase = 'rspauth'
    return latin1Encode(fields.join(','))
  }

  /** RFC 2831 §2.1.3: the server proves it knew the secret too. */
  #verify(message: Uint8Array): void {
    if (this.#phase !== 'rspauth') throw malformed('rspauth before the digest-response')
    const rspauth = collect(parseDirectives(message, MAX_CHALLENGE_BYTES), ['rspauth']).get('rspauth')?.[0]
    if (rspauth === undefined) throw new SaslError('server-not-verified', 'DIGEST-MD5: the server did not send rspauth')
    if (!constantTimeEqual(utf8Encode(this.#expectedRspauth), latin1Encode(rspauth))) {
      throw new SaslError('server-not-verified', 'DIGEST-MD5: wrong rspauth')
    }
    this.#phase = 'verified'
  }
}

// ---------------------------------------------------------------------------------------------
// Server.

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

class DigestMd5Server extends ServerBase {
  readonly mechanism = 'DIGEST-MD5'
  readonly #options: DigestMd5ServerOptions
  readonly #realms: readonly string[]
  readonly #nonce: string

  constructor(options: DigestMd5ServerOptions) {
    super(options.maxMessageBytes)
    if (options.credentials === undefined) throw new SaslError('protocol-violation', 'DIGEST-MD5 server needs credentials()')
    requireText(options.service, 'service', { slash: false })
    if (options.host !== undefined) requireText(options.host, 'host', { slash: false })
    const realms = options.realm === undefined ? [] : typeof options.realm === 'string' ? [options.realm] : [...options.realm]
    for (const realm of realms) requireText(realm, 'realm')
    this.#realms = realms
    // Kept as sent (one char per octet), to compare with what the client echoes.
    this.#nonce = latin1Decode(utf8Encode(options.nonce === undefined ? randomNonce(options.random) : requireText(options.nonce, 'nonce')))
    this.#options = { ...options }
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

/**
 * The DIGEST-MD5 mechanism (RFC 2831), qop `auth` only. Strength 30, legacy, mutual: the
 * client checks the server's `rspauth`. The server sends `rspauth` as the success step's
 * `additionalData`; a protocol without additional data with success delivers it to the
 * client's `next()` as one more challenge, which the client answers with an empty response.
 *
 * @example
 * ```ts
 * const client = digestMd5.client({ username: 'chris', password: 'secret', service: 'imap', host: 'elwood.innosoft.com' })
 * const server = digestMd5.server({ service: 'imap', realm: 'elwood.innosoft.com', credentials: () => ({ password: 'secret' }) })
 * const challenge = await server.next(await client.start())       // realm="…",nonce="…",qop="auth",…
 * if (challenge.type === 'challenge') {
 *   const done = await server.next(await client.next(challenge.challenge)) // success, additionalData rspauth=…
 *   if (done.type === 'success') await client.finish(done.additionalData)  // throws server-not-verified if wrong
 * }
 * ```
 */
export const digestMd5: Mechanism<DigestMd5ClientOptions, DigestMd5ServerOptions> = {
  name: 'DIGEST-MD5',
  traits: { clientFirst: false, plaintext: false, mutual: true, channelBinding: false, strength: 30, legacy: true },
  client: (options) => new DigestMd5Client(options),
  server: (options) => new DigestMd5Server(options),
}
