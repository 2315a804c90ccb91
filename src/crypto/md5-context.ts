/**
 * HMAC-MD5 resumed from saved inner and outer states: the password equivalent Dovecot stores
 * for its `{CRAM-MD5}` scheme. Only the CRAM-MD5 server and registration (deriveCredentials,
 * password schemes) need it.
 */
import { SaslError } from '../core/errors.js'
import { _work } from '../core/work.js'
import { digestLE, wordsLE } from './md-le.js'
import { hmacMd5States, md5Compress } from './md5.js'

/** Length of an HMAC-MD5 context: outer then inner MD5 state, four little-endian words each. */
export const HMAC_MD5_CONTEXT_BYTES = 32

/**
 * The HMAC-MD5 context of `key`, in the byte layout of Dovecot's `{CRAM-MD5}` password scheme
 * (`hmac_md5_get_cram_context`): the outer state (after key XOR opad) A, B, C, D, then the
 * inner state (after key XOR ipad) A, B, C, D, each word little-endian.
 */
export function hmacMd5Context(key: Uint8Array): Uint8Array {
  _work.digest++
  const [inner, outer] = hmacMd5States(key)
  return wordsLE([...outer, ...inner])
}

/** HMAC-MD5 of `data`, resumed from a 32-byte context made by {@link hmacMd5Context}. */
export function hmacMd5FromContext(context: Uint8Array, data: Uint8Array): Uint8Array {
  _work.hmac++
  if (context.length !== HMAC_MD5_CONTEXT_BYTES) throw new SaslError('malformed-request', 'HMAC-MD5 context must be 32 bytes')
  const view = new DataView(context.buffer, context.byteOffset, context.byteLength)
  const state = (first: number): number[] => [0, 1, 2, 3].map((i) => view.getUint32(4 * (first + i), true))
  const inner = digestLE(md5Compress, [data], state(4), 64)
  return digestLE(md5Compress, [inner], state(0), 64)
}
