/**
 * The key schedule of SCRAM (RFC 5802 §3), for the client, the servers and registration
 * (deriveCredentials). PBKDF2 runs on Web Crypto where it can (pbkdf2.ts: one `deriveBits`
 * at about 0.85 of native speed); the rest is a handful of small HMACs and digests, kept on
 * noble's synchronous functions: a Web Crypto call costs tens of microseconds of fixed
 * overhead, a noble HMAC a few.
 */
import { _SHA1 } from '@noble/hashes/legacy.js'
import { _SHA256, _SHA512 } from '@noble/hashes/sha2.js'
import { _work } from '../core/work.js'
import { utf8Encode } from '../codec/utf8.js'
import { hmac } from './hmac.js'
import { pbkdf2, type HashFunction } from './pbkdf2.js'

export type { HashFunction } from './pbkdf2.js'

// noble's hash classes, not its `sha256`-style functions: those are made by `createHasher`, whose
// option checks (and the rest of noble's utils.js they pull in) would add 0.35 KB gzipped to
// every SCRAM client for nothing saslkit needs.
/** SHA-1 (RFC 5802). */
export const SHA1: HashFunction = { create: () => new _SHA1(), blockLen: 64, outputLen: 20, webCryptoName: 'SHA-1' }
/** SHA-256 (RFC 7677). */
export const SHA256: HashFunction = { create: () => new _SHA256(), blockLen: 64, outputLen: 32, webCryptoName: 'SHA-256' }
/** SHA-512 (draft-melnikov-scram-sha-512). */
export const SHA512: HashFunction = { create: () => new _SHA512(), blockLen: 128, outputLen: 64, webCryptoName: 'SHA-512' }

/** Salt length of generated salts, and of the fake salts a server gives unknown users. */
export const SCRAM_SALT_BYTES = 16

const CLIENT_KEY = /* @__PURE__ */ utf8Encode('Client Key')
const SERVER_KEY = /* @__PURE__ */ utf8Encode('Server Key')

/** HMAC(key, message) with the mechanism's hash. */
export function hmacOf(fn: HashFunction, key: Uint8Array, message: Uint8Array): Uint8Array {
  _work.hmac++
  return hmac(fn, key, message)
}

/** H(message). */
export function digestOf(fn: HashFunction, message: Uint8Array): Uint8Array {
  _work.digest++
  return fn.create().update(message).digest()
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
