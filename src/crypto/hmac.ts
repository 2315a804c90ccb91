/**
 * HMAC (RFC 2104) over any of `@noble/hashes`' hash functions. Written here, not taken from
 * noble: its `hmac` is a streaming class with its own checks (1.3 KB minified) where saslkit
 * only ever MACs a few short messages, and the construction is a few lines. RFC 2202 and
 * RFC 4231 vectors (the SCRAM and OAuth 1.0a vectors) pin it down; HMAC-MD5 is md5.ts's own.
 */
/** What HMAC feeds its pads and text through: noble's hash objects. */
export interface HashStream {
  update(data: Uint8Array): HashStream
  digest(): Uint8Array
}

/** A hash by its block length and streaming form: noble's SHA classes (scram-keys.ts). */
export interface BlockHash {
  readonly blockLen: number
  create(): HashStream
}

/**
 * A hash object of `@noble/hashes` (its `_SHA1`, `_SHA256`, `_SHA512` classes): a stream that
 * can also copy its state into another object (`_cloneInto`) and finish into a given buffer.
 */
export interface NobleHash extends HashStream {
  readonly outputLen: number
  update(data: Uint8Array): NobleHash
  digestInto(out: Uint8Array): void
  clone(): NobleHash
  _cloneInto(to?: NobleHash): NobleHash
}

/** A hash whose stream is one of noble's hash objects. */
export interface NobleBlockHash extends BlockHash {
  create(): NobleHash
}

/** The key zero-padded to the hash's block, hashed first when longer (RFC 2104 §2 (1)). */
function keyBlock(hash: BlockHash, key: Uint8Array): Uint8Array {
  const block = new Uint8Array(hash.blockLen)
  block.set(key.length > block.length ? hash.create().update(key).digest() : key)
  return block
}

/**
 * RFC 2104 §2: H(K XOR opad, H(K XOR ipad, text)), the key zero-padded to the block (hashed
 * first when longer), `text` the concatenation of `parts`. Pads and parts stream through the
 * hash: no concatenated copies (a typed array over 64 bytes is a costly allocation on V8).
 */
export function hmac(hash: BlockHash, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const block = keyBlock(hash, key)
  xorInto(block, 0x36)
  const stream = hash.create().update(block)
  for (const part of parts) stream.update(part)
  const inner = stream.digest()
  xorInto(block, 0x36 ^ 0x5c)
  return hash.create().update(block).update(inner).digest()
}

function xorInto(block: Uint8Array, byte: number): void {
  for (let i = 0; i < block.length; i++) block[i]! ^= byte
}

/**
 * RFC 2104 §4: the compressions of K XOR ipad and K XOR opad "can be precomputed only once";
 * every MAC under K then starts from copies of these two states, and costs the compressions of
 * its message and of the inner digest only. Over noble's streaming hashes.
 */
export function padStates(hash: NobleBlockHash, key: Uint8Array): { inner: NobleHash; outer: NobleHash } {
  const block = keyBlock(hash, key)
  xorInto(block, 0x36)
  const inner = hash.create().update(block)
  xorInto(block, 0x36 ^ 0x5c)
  const outer = hash.create().update(block)
  block.fill(0)
  return { inner, outer }
}

