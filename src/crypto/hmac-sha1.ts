/**
 * HMAC-SHA1 (RFC 2104 with SHA-1), for the OAuth 1.0a signatures of OAUTH10A and XOAUTH
 * (RFC 5849 §3.4.2), on Web Crypto: one HMAC per exchange, where Web Crypto's fixed cost per
 * call does not matter and the bundle then carries no SHA-1 code. Where Web Crypto cannot run
 * it, noble's SHA-1 loads lazily. Only `saslkit/oauth1` reaches this module, so bearer-token
 * bundles stay free of it.
 */
import { _work } from '../core/work.js'
import { copy, onSubtle } from './subtle.js'

/** HMAC-SHA1(key, data). */
export async function hmacSha1(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  _work.hmac++
  const mac = await onSubtle(async (subtle) => {
    const imported = await subtle.importKey('raw', copy(key), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
    return new Uint8Array(await subtle.sign('HMAC', imported, copy(data)))
  })
  return mac ?? (await import('./noble-sha1.js')).nobleHmacSha1(key, data)
}
