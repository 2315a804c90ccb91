/**
 * The key schedule of SCRAM (RFC 5802 §3) for the servers and registration (deriveCredentials):
 * PBKDF2 may run on Web Crypto; the rest is a handful of small HMACs and digests, kept on
 * noble's synchronous functions. The client runs the same schedule on Web Crypto (pbkdf2.ts),
 * so that a browser bundle holds no hash code.
 */
import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import type { CHash } from '@noble/hashes/utils.js'
import type { HashFunction, HashName } from './pbkdf2.js'
import { _work } from '../core/work.js'
import { CLIENT_KEY, SERVER_KEY } from './scram-client-keys.js'
import { hmac } from './hmac.js'

/** A hash with noble's synchronous function, for the servers' and registration's HMACs. */
export interface NobleHashFunction extends HashFunction {
  readonly hash: CHash
}

/** SHA-1 (RFC 5802). */
export const SHA1: NobleHashFunction = { hash: sha1, webCryptoName: 'SHA-1', outputLen: 20 }
/** SHA-256 (RFC 7677). */
export const SHA256: NobleHashFunction = { hash: sha256, webCryptoName: 'SHA-256', outputLen: 32 }
/** SHA-512 (draft-melnikov-scram-sha-512). */
export const SHA512: NobleHashFunction = { hash: sha512, webCryptoName: 'SHA-512', outputLen: 64 }

/** Each of them by its Web Crypto name. */
export const NOBLE_HASHES: Readonly<Record<HashName, NobleHashFunction>> = { 'SHA-1': SHA1, 'SHA-256': SHA256, 'SHA-512': SHA512 }



/** HMAC(key, message) with the mechanism's hash. */
export function hmacOf(fn: NobleHashFunction, key: Uint8Array, message: Uint8Array): Uint8Array {
  _work.hmac++
  return hmac(fn.hash, key, message)
}

/** H(message). */
export function digestOf(fn: NobleHashFunction, message: Uint8Array): Uint8Array {
  _work.digest++
  return fn.hash(message)
}

/** RFC 5802 §3: ClientKey := HMAC(SaltedPassword, "Client Key"), ServerKey := HMAC(SaltedPassword, "Server Key"). */
export function keysOf(fn: NobleHashFunction, saltedPassword: Uint8Array): { clientKey: Uint8Array; serverKey: Uint8Array } {
  return { clientKey: hmacOf(fn, saltedPassword, CLIENT_KEY), serverKey: hmacOf(fn, saltedPassword, SERVER_KEY) }
}

export { SCRAM_SALT_BYTES, saltPassword, xorBytes } from './scram-client-keys.js'
