/**
 * What MD4 (RFC 1320) and MD5 (RFC 1321) share: the padding, the 64-bit little-endian length,
 * and 64-byte blocks read as sixteen little-endian words. Each hash brings its compression.
 */

/** A compression function: folds the 64-byte block at `offset` into the four-word state. */
export type Compress = (state: number[], view: DataView, offset: number) => void

/** RFC 1320/1321 §3.3: the initial state A, B, C, D. */
export const initialState = (): number[] => [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]

export const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n))

/**
 * Hashes `data` from `state` (mutated), as if `before` bytes had already been absorbed (HMAC-MD5
 * resumed from a saved context starts after one block); returns the digest, A B C D little-endian.
 */
export function digestLE(compress: Compress, data: Uint8Array, state: number[] = initialState(), before = 0): Uint8Array {
  // RFC 1320/1321 §3.1–3.2: 0x80, zeros to 56 mod 64, then the bit length as 64 bits little-endian.
  const padded = new Uint8Array((((data.length + 8) >>> 6) + 1) * 64)
  padded.set(data)
  padded[data.length] = 0x80
  const view = new DataView(padded.buffer)
  const bytes = data.length + before
  view.setUint32(padded.length - 8, bytes * 8, true)
  view.setUint32(padded.length - 4, bytes / 0x20000000, true)
  for (let offset = 0; offset < padded.length; offset += 64) compress(state, view, offset)
  return wordsLE(state)
}

/** Adds a block's result to the state (RFC 1320/1321 §3.4: A = A + AA, …). */
export function addState(state: number[], ...words: number[]): void {
  words.forEach((word, i) => (state[i] = (state[i]! + word) | 0))
}

/** Words as little-endian bytes. */
export function wordsLE(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * words.length)
  const view = new DataView(out.buffer)
  words.forEach((word, i) => view.setUint32(4 * i, word, true))
  return out
}
