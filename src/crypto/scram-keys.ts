/**
 * The key schedule of SCRAM (RFC 5802 §3), shared by the mechanism and by registration
 * (deriveCredentials). PBKDF2 may run on Web Crypto; the rest is a handful of small HMACs and
 * digests, kept on noble's synchronous functions.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { pbkdf2, type HashFunction } from './pbkdf2.js'
import { utf8Encode } from '../codec/utf8.js'
import { _work } from '../core/work.js'

/** SHA-1 (RFC 5802). */
export const SHA1: HashFunction = { hash: sha1, webCryptoName: 'SHA-1' }
/** SHA-256 (RFC 7677). */
export const SHA256: HashFunction = { hash: sha256, webCryptoName: 'SHA-256' }
/** SHA-512 (draft-melnikov-scram-sha-512). */
export const SHA512: HashFunction = { hash: sha512, webCryptoName: 'SHA-512' }

/** Salt length of generated salts, and of the fake salts a server gives unknown users. */
export const SCRAM_SALT_BYTES = 16

const CLIENT_KEY = /* @__PURE__ */ utf8Encode('Client Key')
const SERVER_KEY = /* @__PURE__ */ utf8Encode('Server Key')

/** HMAC(key, message) with the mechanism's hash. */
export function hmacOf(fn: HashFunction, key: Uint8Array, message: Uint8Array): Uint8Array {
  _work.hmac++
  return hmac(fn.hash, key, message)
}

/** H(message). */
export function digestOf(fn: HashFunction, message: Uint8Array): Uint8Array {
  _work.digest++
  return fn.hash(message)
}

/** RFC 5802 §3: SaltedPassword := Hi(Normalize(password), salt, i); the password is already SASLprepped. */
export function saltPassword(fn: HashFunction, preparedPassword: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  return pbkdf2(fn, utf8Encode(preparedPassword), salt, iterations)
}

/** RFC 5802 §3: ClientKey := HMAC(SaltedPassword, "Client Key"), ServerKey := HMAC(SaltedPassword, "Server Key"). */
export function keysOf(fn: HashFunction, saltedPassword: Uint8Array): { clientKey: Uint8Array; serverKey: Uint8Array } {
  return { clientKey: hmacOf(fn, saltedPassword, CLIENT_KEY), serverKey: hmacOf(fn, saltedPassword, SERVER_KEY) }
}

/** a XOR b, for equal lengths. */
export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!
  return out
}
