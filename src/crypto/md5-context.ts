/**
 * The one thing noble's MD5 does not offer: an HMAC-MD5 resumed from the saved inner and outer
 * states, the password equivalent Dovecot stores for its `{CRAM-MD5}` scheme. Only the CRAM-MD5
 * server and registration (deriveCredentials, password schemes) need it.
 */
import { _MD5 } from '@noble/hashes/legacy.js'
import { SaslError } from '../core/errors.js'

/** Length of an HMAC-MD5 context: outer then inner MD5 state, four little-endian words each. */
export const HMAC_MD5_CONTEXT_BYTES = 32

const BLOCK_BYTES = 64

// noble's MD5 keeps its chaining value behind protected get()/set(); a subclass may reach
// them, which is all that resuming from a saved state needs.
class ResumableMd5 extends _MD5 {
  /** The chaining value after the blocks absorbed so far. */
  chainingValue(): [number, number, number, number] {
    return this.get()
  }

  /** Continue as if one 64-byte block that produced `words` had already been absorbed. */
  resume(words: readonly [number, number, number, number]): this {
    this.set(...words)
    this.length = BLOCK_BYTES
    return this
  }
}

function paddedKeyBlock(key: Uint8Array, pad: number): Uint8Array {
  // RFC 2104 §2: a key longer than the block is hashed first, then zero-padded to 64 bytes.
  const k = key.length > BLOCK_BYTES ? new _MD5().update(key).digest() : key
  const block = new Uint8Array(BLOCK_BYTES).fill(pad)
  for (let i = 0; i < k.length; i++) block[i]! ^= k[i]!
  return block
}

/**
 * The HMAC-MD5 context of `key`, in the byte layout of Dovecot's `{CRAM-MD5}` password scheme
 * (`hmac_md5_get_cram_context`): the outer state (after key XOR opad) A, B, C, D, then the
 * inner state (after key XOR ipad) A, B, C, D, each word little-endian.
 */
export function hmacMd5Context(key: Uint8Array): Uint8Array {
  const outer = new ResumableMd5().update(paddedKeyBlock(key, 0x5c)).chainingValue()
  const inner = new ResumableMd5().update(paddedKeyBlock(key, 0x36)).chainingValue()
  const context = new Uint8Array(HMAC_MD5_CONTEXT_BYTES)
  const view = new DataView(context.buffer)
  ;[...outer, ...inner].forEach((word, i) => view.setUint32(4 * i, word, true))
  return context
}

/** HMAC-MD5 of `data`, resumed from a 32-byte context made by {@link hmacMd5Context}. */
export function hmacMd5FromContext(context: Uint8Array, data: Uint8Array): Uint8Array {
  if (context.length !== HMAC_MD5_CONTEXT_BYTES) throw new SaslError('malformed-request', 'HMAC-MD5 context must be 32 bytes')
  const view = new DataView(context.buffer, context.byteOffset, context.byteLength)
  const word = (i: number): number => view.getUint32(4 * i, true)
  const inner = new ResumableMd5().resume([word(4), word(5), word(6), word(7)]).update(data).digest()
  return new ResumableMd5().resume([word(0), word(1), word(2), word(3)]).update(inner).digest()
}

