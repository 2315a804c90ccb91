import { hmac } from '@noble/hashes/hmac.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { _work } from '../core/work.js'

/**
 * HMAC-SHA1 (RFC 2104 with SHA-1), for the OAuth 1.0a signatures of OAUTH10A and XOAUTH
 * (RFC 5849 §3.4.2). Only `saslkit/oauth1` reaches it, so bearer-token bundles stay free of it.
 */
export function hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array {
  _work.hmac++
  return hmac(sha1, key, data)
}
