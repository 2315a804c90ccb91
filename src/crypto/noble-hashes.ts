/**
 * SHA-1/256/512, HMAC and PBKDF2 from `@noble/hashes`, for where Web Crypto cannot run them
 * (pbkdf2.ts loads this module only then).
 */
import { sha1 } from '@noble/hashes/legacy.js'
import { pbkdf2 } from '@noble/hashes/pbkdf2.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { hmac } from './hmac.js'
import type { HashName } from './pbkdf2.js'

export const nobleHashes = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-512': sha512 } as const

export const nobleHmac = (name: HashName, key: Uint8Array, message: Uint8Array): Uint8Array => hmac(nobleHashes[name], key, message)

export const noblePbkdf2 = (name: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array =>
  pbkdf2(nobleHashes[name], password, salt, { c: iterations, dkLen })
