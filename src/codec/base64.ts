import { SaslError } from '../core/errors.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
let decodeTable: Int8Array | undefined

function table(): Int8Array {
  if (decodeTable === undefined) {
    decodeTable = new Int8Array(128).fill(-1)
    for (let i = 0; i < 64; i++) decodeTable[ALPHABET.charCodeAt(i)] = i
  }
  return decodeTable
}

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
  const n = bytes.length
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!
  }
  if (i + 1 === n) {
    const v = bytes[i]! << 16
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + '=='
  } else if (i + 2 === n) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + '='
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
  if (typeof text !== 'string' || text.length % 4 !== 0) throw invalid()
  const t = table()
  let pad = 0
  if (text.endsWith('==')) pad = 2
  else if (text.endsWith('=')) pad = 1
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  let o = 0
  const full = text.length - (pad === 0 ? 0 : 4)
  for (let i = 0; i < full; i += 4) {
    const v = (sextet(t, text, i) << 18) | (sextet(t, text, i + 1) << 12) | (sextet(t, text, i + 2) << 6) | sextet(t, text, i + 3)
    out[o++] = v >> 16
    out[o++] = (v >> 8) & 255
    out[o++] = v & 255
  }
  if (pad !== 0) {
    const a = sextet(t, text, full)
    const b = sextet(t, text, full + 1)
    if (pad === 2) {
      // RFC 4648 §3.5: the unused bits must be zero in a canonical encoding.
      if ((b & 15) !== 0) throw invalid()
      out[o] = (a << 2) | (b >> 4)
    } else {
      const c = sextet(t, text, full + 2)
      if ((c & 3) !== 0) throw invalid()
      out[o++] = (a << 2) | (b >> 4)
      out[o] = ((b & 15) << 4) | (c >> 2)
    }
  }
  return out
}

function sextet(t: Int8Array, text: string, i: number): number {
  const code = text.charCodeAt(i)
  const v = code < 128 ? t[code]! : -1
  if (v < 0) throw invalid()
  return v
}

function invalid(): SaslError {
  return new SaslError('incorrect-encoding', 'invalid base64')
}
