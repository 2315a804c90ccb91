import { SaslError } from '../core/errors.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
/**
 * RFC 4648 §4, canonical: whole quanta, padding only at the end, and (§3.5) zero pad bits: before
 * "==" the last character carries 2 data bits (A, Q, g or w), before "=" it carries 4.
 */
const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/

/**
 * Base64 (RFC 4648 §4) with padding.
 *
 * @example
 * ```ts
 * base64Encode(new Uint8Array([0x66, 0x6f, 0x6f])) // 'Zm9v'
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    // RFC 4648 §4: a final quantum of one or two bytes is padded with "=".
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + (i + 1 < bytes.length ? ALPHABET[(v >> 6) & 63]! : '=') + (i + 2 < bytes.length ? ALPHABET[v & 63]! : '=')
  }
  return out
}

/**
 * Strict base64 decoding (RFC 4648 §4): only the canonical encoding is accepted. Characters
 * outside the alphabet, whitespace, missing or misplaced padding and non-zero pad bits
 * throw `SaslError('incorrect-encoding')`.
 *
 * @example
 * ```ts
 * base64Decode('Zm9v') // Uint8Array [0x66, 0x6f, 0x6f]
 * base64Decode('Zm9')  // throws SaslError('incorrect-encoding')
 * ```
 */
export function base64Decode(text: string): Uint8Array {
  if (typeof text !== 'string' || !CANONICAL.test(text)) throw new SaslError('incorrect-encoding', 'invalid base64')
  // Checked canonical above, so the platform's decoder (every runtime has atob) has nothing left to forgive.
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
