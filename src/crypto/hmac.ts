/**
 * HMAC (RFC 2104) over any of `@noble/hashes`' hash functions. Written here, not taken from
 * noble: its `hmac` is a streaming class with its own checks (1.3 KB minified) where saslkit
 * only ever MACs a few short messages, and the construction is a few lines. RFC 2202 and
 * RFC 4231 vectors (test/md5.test.ts, the SCRAM and OAuth 1.0a vectors) pin it down.
 */
import { concatBytes } from '../codec/bytes.js'

/** A hash function with its block length: noble's, or saslkit's MD5. */
export interface BlockHash {
  (data: Uint8Array): Uint8Array
  readonly blockLen: number
}

/** RFC 2104 §2: H(K XOR opad, H(K XOR ipad, text)), the key zero-padded to the block (hashed first when longer). */
export function hmac(hash: BlockHash, key: Uint8Array, message: Uint8Array): Uint8Array {
  const block = new Uint8Array(hash.blockLen)
  block.set(key.length > block.length ? hash(key) : key)
  const pad = (byte: number): Uint8Array => block.map((b) => b ^ byte)
  return hash(concatBytes(pad(0x5c), hash(concatBytes(pad(0x36), message))))
}
