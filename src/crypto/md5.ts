/**
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for CRAM-MD5 and DIGEST-MD5, from `@noble/hashes`,
 * plus the one thing noble does not offer: an HMAC-MD5 resumed from the saved inner and outer
 * states, the password-equivalent Dovecot stores for its `{CRAM-MD5}` scheme.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { _MD5, md5 as nobleMd5 } from '@noble/hashes/legacy.js'
import { SaslError } from '../core/errors.js'
import { _work } from '../core/work.js'
import { concatBytes } from '../codec/bytes.js'
import { fitsLatin1, latin1Encode } from '../codec/latin1.js'
import { utf8Encode } from '../codec/utf8.js'

/** Length of an HMAC-MD5 context: outer then inner MD5 state, four little-endian words each. */
export const HMAC_MD5_CONTEXT_BYTES = 32

const BLOCK_BYTES = 64

/** MD5 of `data` (16 bytes). */
export function md5(data: Uint8Array): Uint8Array {
  _work.digest++
  return nobleMd5(data)
}

/** HMAC-MD5 (RFC 2104) of `data` under `key` (16 bytes). */
export function hmacMd5(key: Uint8Array, data: Uint8Array): Uint8Array {
  _work.hmac++
  return hmac(nobleMd5, key, data)
}

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
  const k = key.length > BLOCK_BYTES ? md5(key) : key
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
  _work.digest++
  const outer = new ResumableMd5().update(paddedKeyBlock(key, 0x5c)).chainingValue()
  const inner = new ResumableMd5().update(paddedKeyBlock(key, 0x36)).chainingValue()
  const context = new Uint8Array(HMAC_MD5_CONTEXT_BYTES)
  const view = new DataView(context.buffer)
  ;[...outer, ...inner].forEach((word, i) => view.setUint32(4 * i, word, true))
  return context
}

/** HMAC-MD5 of `data`, resumed from a 32-byte context made by {@link hmacMd5Context}. */
export function hmacMd5FromContext(context: Uint8Array, data: Uint8Array): Uint8Array {
  _work.hmac++
  if (context.length !== HMAC_MD5_CONTEXT_BYTES) throw new SaslError('malformed-request', 'HMAC-MD5 context must be 32 bytes')
  const view = new DataView(context.buffer, context.byteOffset, context.byteLength)
  const word = (i: number): number => view.getUint32(4 * i, true)
  const inner = new ResumableMd5().resume([word(4), word(5), word(6), word(7)]).update(data).digest()
  return new ResumableMd5().resume([word(0), word(1), word(2), word(3)]).update(inner).digest()
}

/**
 * RFC 2831 §2.1.2.1: a username, realm or passwd whose characters all lie in ISO 8859-1 is
 * hashed as ISO 8859-1, anything else as UTF-8. Each string is judged on its own, as the
 * RFC's author clarified and Cyrus SASL does.
 */
function digestHashForm(text: string): Uint8Array {
  return fitsLatin1(text) ? latin1Encode(text) : utf8Encode(text)
}

const COLON = /* @__PURE__ */ utf8Encode(':')

/**
 * DIGEST-MD5's password-equivalent H({ username-value ":" realm-value ":" passwd }) (RFC 2831
 * §2.1.2.1): the `digestMd5` of StoredCredentials.
 */
export function digestMd5Secret(username: string, realm: string, password: string): Uint8Array {
  return md5(concatBytes(digestHashForm(username), COLON, digestHashForm(realm), COLON, digestHashForm(password)))
}
