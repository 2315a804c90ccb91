/**
 * OAuth 1.0a request signing (RFC 5849 §3.4–§3.6) for OAUTH10A and XOAUTH: percent-encoding,
 * the signature base string, HMAC-SHA1, and the `Authorization: OAuth` parameter list.
 * Internal to `saslkit/oauth1`.
 */
import { SaslError } from '../core/errors.js'
import { base64Encode } from '../codec/base64.js'
import { utf8Decode, utf8Encode } from '../codec/utf8.js'
import { hmacSha1 } from '../crypto/hmac-sha1.js'

/** One request parameter, decoded: name and value. */
export type Param = readonly [name: string, value: string]

const HEX = '0123456789ABCDEF'
/** RFC 3986 §2.3 unreserved: ALPHA, DIGIT, "-", ".", "_", "~". */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/**
 * RFC 5849 §3.6: UTF-8, then every octet outside the unreserved set as `%XX`, upper-case hex.
 */
export function percentEncode(text: string): string {
  let out = ''
  for (const byte of utf8Encode(text)) {
    const char = String.fromCharCode(byte)
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${HEX[byte >> 4]}${HEX[byte & 15]}`
  }
  return out
}

function malformed(mechanism: string, message: string): SaslError {
  return new SaslError('malformed-request', `${mechanism}: ${message}`)
}

/**
 * Percent-decoding. `strict` (a value encoded per RFC 5849 §3.6, as in the Authorization
 * header): only unreserved characters and `%XX`. Otherwise (a form-encoded query or body,
 * W3C HTML 4.01 §17.13.4): `+` is a space and other characters stand for themselves; a `%`
 * not followed by two hex digits is refused in both modes.
 */
export function percentDecode(mechanism: string, text: string, strict: boolean): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) throw malformed(mechanism, 'invalid percent-encoding')
  if (strict && !/^(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})*$/.test(text)) throw malformed(mechanism, 'a parameter value is not percent-encoded')
  // %XX is ASCII, so walking the UTF-8 bytes of the text finds every escape intact.
  const input = utf8Encode(strict ? text : text.replace(/\+/g, ' '))
  const out = new Uint8Array(input.length)
  let length = 0
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0x25) {
      out[length++] = parseInt(String.fromCharCode(input[i + 1]!, input[i + 2]!), 16)
      i += 2
    } else {
      out[length++] = input[i]!
    }
  }
  return utf8Decode(out.subarray(0, length))
}

/** An `application/x-www-form-urlencoded` string (a query or RFC 7628's `qs=`/`post=`) as decoded pairs. */
export function parseForm(mechanism: string, text: string): Param[] {
  if (text === '') return []
  return text.split('&').map((item) => {
    const eq = item.indexOf('=')
    const name = eq < 0 ? item : item.slice(0, eq)
    const value = eq < 0 ? '' : item.slice(eq + 1)
    return [percentDecode(mechanism, name, false), percentDecode(mechanism, value, false)] as const
  })
}

/**
 * RFC 5849 §3.4.1.2: scheme and host in lower case, the port only when it is not the
 * scheme's default (80 for http, 443 for https), then the path.
 */
export function baseStringUri(scheme: 'http' | 'https', host: string, port: number, path: string): string {
  const defaultPort = scheme === 'http' ? 80 : 443
  return `${scheme}://${host.toLowerCase()}${port === defaultPort ? '' : `:${port}`}${path}`
}

/**
 * RFC 5849 §3.4.1.1: `METHOD&encode(base string URI)&encode(normalized parameters)`, the
 * parameters normalized per §3.4.1.3.2 (each name and value encoded, sorted by name then
 * value in byte order, `name=value` joined with `&`).
 */
export function signatureBaseString(method: string, uri: string, params: readonly Param[]): string {
  const encoded = params.map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
  // Encoded strings are ASCII, so UTF-16 order is byte order.
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  const normalized = encoded.map(([name, value]) => `${name}=${value}`).join('&')
  return `${percentEncode(method)}&${percentEncode(uri)}&${percentEncode(normalized)}`
}

/**
 * RFC 5849 §3.4.2: base64(HMAC-SHA1(encode(consumer secret) "&" encode(token secret), base string)).
 */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = utf8Encode(`${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`)
  return base64Encode(hmacSha1(key, utf8Encode(baseString)))
}

/** RFC 5849 §3.5.1: `name="encoded value"`, comma-separated, no whitespace. */
export function formatAuthParams(params: readonly Param[]): string {
  return params.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(',')
}

/** RFC 2617 auth-param with a quoted value; RFC 5849 §3.5.1 allows optional whitespace around commas. */
const AUTH_PARAM = /[ \t]*([A-Za-z0-9_.-]+)="([^"\\\x00-\x1f\x7f]*)"[ \t]*(,|$)/y

/**
 * Splits an `OAuth` parameter list (RFC 5849 §3.5.1) into raw name/value pairs, strictly:
 * every value quoted, comma-separated, nothing left over. Values are not yet decoded.
 */
export function parseAuthParams(mechanism: string, text: string): Param[] {
  const params: Param[] = []
  AUTH_PARAM.lastIndex = 0
  for (;;) {
    const match = AUTH_PARAM.exec(text)
    if (match === null) throw malformed(mechanism, 'invalid OAuth parameter list')
    params.push([match[1]!, match[2]!])
    if (match[3] === '') return params
  }
}
