/**
 * OAuth 1.0a request signing (RFC 5849 §3.4–§3.6) for OAUTH10A and XOAUTH: percent-encoding,
 * the signature base string, HMAC-SHA1, and the `Authorization: OAuth` parameter list.
 * Internal to `saslkit/oauth1`.
 */
import { SaslError } from '../core/errors.js'
import { base64Encode } from '../codec/base64.js'
import { utf8Encode } from '../codec/utf8.js'
import { hmacSha1 } from '../crypto/hmac-sha1.js'
import { malformed } from './oauth-framing.js'

/** The one signature method saslkit signs and checks (RFC 5849 §3.4.2). */
export const SIGNATURE_METHOD = 'HMAC-SHA1'
export const CONTROL = /[\x00-\x1f\x7f]/

export function requireString(mechanism: string, value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw new SaslError('protocol-violation', `${mechanism}: ${field} must be a string`)
  if ((!allowEmpty && value === '') || CONTROL.test(value)) throw malformed(mechanism, `invalid ${field}`)
  return value
}

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
export async function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): Promise<string> {
  const key = utf8Encode(`${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`)
  return base64Encode(await hmacSha1(key, utf8Encode(baseString)))
}

/** RFC 5849 §3.5.1: `name="encoded value"`, comma-separated, no whitespace. */
export function formatAuthParams(params: readonly Param[]): string {
  return params.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(',')
}
