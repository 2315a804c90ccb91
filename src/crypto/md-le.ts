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
 * The block being filled. Hashing is synchronous and never re-entered, so one block serves
 * every digest; it is wiped after each (it held the message's last bytes, a password's say).
 */
export const block = /* @__PURE__ */ new Uint8Array(64)
export const blockView = /* @__PURE__ */ new DataView(block.buffer)

/**
 * Hashes the concatenation of `parts` (read in place, never copied together) from `state`
 * (mutated), as if `before` bytes had already been absorbed (HMAC-MD5 resumed from a saved
 * context starts after one block); returns the digest, A B C D little-endian.
 */
export function digestLE(compress: Compress, parts: readonly Uint8Array[], state: number[] = initialState(), before = 0): Uint8Array {
  let filled = 0
  let bytes = before
  for (const part of parts) {
    bytes += part.length
    let at = 0
    if (filled > 0) {
      // Complete the pending block first.
      while (filled < 64 && at < part.length) block[filled++] = part[at++]!
      if (filled < 64) continue
      compress(state, blockView, 0)
      filled = 0
    }
    if (part.length - at >= 64) {
      // Whole blocks straight from the part.
      const view = new DataView(part.buffer, part.byteOffset, part.byteLength)
      for (; at + 64 <= part.length; at += 64) compress(state, view, at)
    }
    while (at < part.length) block[filled++] = part[at++]!
  }
  // RFC 1320/1321 §3.1–3.2: 0x80, zeros to 56 mod 64, then the bit length as 64 bits little-endian.
  block[filled++] = 0x80
  if (filled > 56) {
    block.fill(0, filled)
    compress(state, blockView, 0)
    filled = 0
  }
  block.fill(0, filled, 56)
  blockView.setUint32(56, bytes * 8, true)
  blockView.setUint32(60, bytes / 0x20000000, true)
  compress(state, blockView, 0)
  block.fill(0)
  return wordsLE(state)
}

/** Adds a block's result to the state (RFC 1320/1321 §3.4: A = A + AA, …). */
export function addState(state: number[], ...words: number[]): void {
  for (let i = 0; i < 4; i++) state[i] = (state[i]! + words[i]!) | 0
}

/** Words as little-endian bytes. */
export function wordsLE(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * words.length)
  for (let i = 0; i < out.length; i++) out[i] = words[i >> 2]! >>> (8 * (i & 3))
  return out
}
