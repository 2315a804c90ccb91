import { SaslError } from '../core/errors.js'

/**
 * Concatenates byte strings.
 *
 * @example
 * ```ts
 * concatBytes(new Uint8Array([1]), new Uint8Array([2, 3])) // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

const HEX = '0123456789abcdef'

/**
 * Lower-case hexadecimal.
 *
 * @example
 * ```ts
 * hexEncode(new Uint8Array([0xca, 0xfe])) // 'cafe'
 * ```
 */
export function hexEncode(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!
  return out
}

/**
 * Hexadecimal to bytes (either case); anything else throws `SaslError('incorrect-encoding')`.
 *
 * @example
 * ```ts
 * hexDecode('CAFE') // Uint8Array [0xca, 0xfe]
 * ```
 */
export function hexDecode(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new SaslError('incorrect-encoding', 'invalid hexadecimal')
  }
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16)
  return out
}
