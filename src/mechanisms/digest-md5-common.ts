/**
 * What the DIGEST-MD5 client and server share (RFC 2831): the directive-list parser, the
 * charset rules, and the response value.
 */
import { SaslError } from '../core/errors.js'
import { typedOption, textOption } from '../core/options.js'
import { hexEncode } from '../codec/bytes.js'
import { fitsLatin1, latin1Decode, latin1Encode } from '../codec/latin1.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { md5 } from '../crypto/md5.js'
import { randomBytes, type RandomSource } from '../crypto/random.js'

/** RFC 2831 §2.1.1: a digest-challenge is shorter than 2048 bytes. */
export const MAX_CHALLENGE_BYTES = 2047
/** More directives than any real peer sends (a long realm list included). */
const MAX_DIRECTIVES = 64
const NONCE_RANDOM_BYTES = 16
/** RFC 2831 §2.1.2: this implementation does only initial authentication, so nc is always 1. */
export const FIRST_NONCE_COUNT = '00000001'

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

export function malformed(message: string): SaslError {
  return new SaslError('malformed-request', `DIGEST-MD5: ${message}`)
}

/**
 * Parses `name=value, name="quoted value", …` strictly: a size limit first, then tokens,
 * quoted-strings with `\` escapes of non-control US-ASCII only, no trailing garbage, at most
 * MAX_DIRECTIVES entries. Empty list elements are allowed, as the #rule says.
 */
export function parseDirectives(message: Uint8Array, maxBytes: number): Directive[] {
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
        let c: number | undefined = message[i++]!
        if (c === 0x22) break
        // RFC 2616 §2.2: quoted-pair = "\" CHAR: an escaped octet must be US-ASCII; escaped or
        // not, a control other than HT is refused.
        if (c === 0x5c && ((c = message[i++]) === undefined || c > 0x7f)) throw malformed('invalid quoted-string')
        if (isCtl(c) && c !== 0x09) throw malformed('invalid quoted-string')
        value += String.fromCharCode(c)
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
export function collect(directives: readonly Directive[], single: readonly string[]): Map<string, string[]> {
  const byName = new Map<string, string[]>()
  for (const { name, value } of directives) {
    const values = byName.get(name) ?? []
    if (values.length > 0 && single.includes(name)) throw malformed(`duplicate ${name} directive`)
    values.push(value)
    byName.set(name, values)
  }
  return byName
}

export function requireOne(byName: Map<string, string[]>, name: string): string {
  const value = byName.get(name)?.[0]
  if (value === undefined) throw malformed(`missing ${name} directive`)
  return value
}

/** A quoted-string holding `byteStr` (one char per octet), `"` and `\` escaped. */
export function quoted(byteStr: string): string {
  return `"${byteStr.replace(/["\\]/g, '\\$&')}"`
}

// ---------------------------------------------------------------------------------------------
// Charsets and digests.

/** A user-typed string as it travels: UTF-8 under `charset=utf-8`, ISO-8859-1 without it. */
export function wireBytes(text: string, utf8: boolean, field: string): Uint8Array {
  if (utf8) return utf8Encode(text)
  // RFC 2831 §2.1.2: without the charset directive, username, realm and passwd are ISO 8859-1.
  if (!fitsLatin1(text)) throw new SaslError('incorrect-encoding', `DIGEST-MD5: the ${field} is not ISO-8859-1 and the server takes no UTF-8`)
  return latin1Encode(text)
}

/** A received username, realm or digest-uri as text, decoded by the charset in force. */
export function wireText(byteStr: string, utf8: boolean): string {
  return utf8 ? utf8Decode(latin1Encode(byteStr)) : byteStr
}

const COLON = /* @__PURE__ */ utf8Encode(':')

export interface DigestInputs {
  /** H(username:realm:passwd), 16 bytes. */
  readonly secret: Uint8Array
  readonly nonce: Uint8Array
  readonly cnonce: Uint8Array
  /** Empty: none (RFC 2831 §2.1.2.1 leaves it out of A1). */
  readonly authzid: Uint8Array
  readonly digestUri: Uint8Array
}

/** HEX(H(parts)) as bytes: MD5 reads the parts in place (no concatenated copy). */
const hexMd5 = (...parts: Uint8Array[]): Uint8Array => utf8Encode(hexEncode(md5(...parts)))

/**
 * RFC 2831 §2.1.2.1 (response) and §2.1.3 (rspauth), qop `auth`:
 * HEX(KD(HEX(H(A1)), nonce ":" nc ":" cnonce ":" qop ":" HEX(H(A2)))), KD(k, s) = H(k ":" s),
 * A1 = H(user:realm:passwd) ":" nonce ":" cnonce [":" authzid], A2 = prefix ":" digest-uri,
 * where the prefix is "AUTHENTICATE" for the response and empty for rspauth.
 */
export function responseValue(inputs: DigestInputs, a2Prefix: 'AUTHENTICATE' | ''): string {
  const { secret, nonce, cnonce, authzid, digestUri } = inputs
  const a1 = hexMd5(secret, COLON, nonce, COLON, cnonce, ...(authzid.length > 0 ? [COLON, authzid] : []))
  const a2 = hexMd5(utf8Encode(`${a2Prefix}:`), digestUri)
  return hexEncode(md5(a1, COLON, nonce, utf8Encode(`:${FIRST_NONCE_COUNT}:`), cnonce, utf8Encode(':auth:'), a2))
}

export function randomNonce(random: RandomSource | undefined): string {
  const bytes = (typedOption('DIGEST-MD5', 'random', random ?? randomBytes, 'function') as unknown as RandomSource)(NONCE_RANDOM_BYTES)
  if (!(bytes instanceof Uint8Array) || bytes.length !== NONCE_RANDOM_BYTES) {
    throw new SaslError('protocol-violation', `DIGEST-MD5: random(${NONCE_RANDOM_BYTES}) must return that many bytes`)
  }
  return hexEncode(bytes)
}

/** A non-empty option text without control characters (nor `/`, in a digest-uri part); decision 5 picks the codes. */
export function requireText(value: unknown, field: string, uriPart = false): string {
  return textOption('DIGEST-MD5', field, value, uriPart ? /^[^\0-\x1f\x7f/]+$/ : /^[^\0-\x1f\x7f]+$/)
}
