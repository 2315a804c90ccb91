/**
 * MD5 (RFC 1321, from `@noble/hashes`) and HMAC-MD5 (RFC 2104) for CRAM-MD5, DIGEST-MD5 and
 * NTLM, and DIGEST-MD5's password equivalent. The HMAC-MD5 contexts of Dovecot's `{CRAM-MD5}`
 * scheme live in md5-context.ts: only servers and registration need them.
 */
import { md5 as nobleMd5 } from '@noble/hashes/legacy.js'
import { concatBytes } from '../codec/bytes.js'
import { fitsLatin1, latin1Encode } from '../codec/latin1.js'
import { utf8Encode } from '../codec/utf8.js'
import { hmac } from './hmac.js'

/** MD5 of `data` (16 bytes). */
export function md5(data: Uint8Array): Uint8Array {
  return nobleMd5(data)
}

/** HMAC-MD5 (RFC 2104) of `data` under `key` (16 bytes). */
export function hmacMd5(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleMd5, key, data)
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
