import { hmacAsync } from './pbkdf2.js'

/**
 * HMAC-SHA1 (RFC 2104 with SHA-1), for the OAuth 1.0a signatures of OAUTH10A and XOAUTH
 * (RFC 5849 §3.4.2), on Web Crypto (noble, loaded lazily, where there is none). Only
 * `saslkit/oauth1` reaches it, so bearer-token bundles stay free of it.
 */
export async function hmacSha1(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return (await hmacAsync('SHA-1', key, data))[0]!
}
