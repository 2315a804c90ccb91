import { SaslError } from '../core/errors.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
/** RFC 4648 §4, canonical: whole quanta, padding only at the end (the zero pad bits are checked below). */
const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

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
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  let bits = 0
  let value = 0
  let o = 0
  for (let i = 0; i < text.length - pad; i++) {
    value = (value << 6) | ALPHABET.indexOf(text[i]!)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = value >> bits
      value &= (1 << bits) - 1
    }
  }
  // RFC 4648 §3.5: the unused bits of the last character must be zero in a canonical encoding.
  if (value !== 0) throw new SaslError('incorrect-encoding', 'invalid base64')
  return out
}
