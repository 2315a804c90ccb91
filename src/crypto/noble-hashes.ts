/**
 * PBKDF2 from `@noble/hashes`, for where Web Crypto cannot run it (pbkdf2.ts loads this
 * module only then).
 */
import { pbkdf2 } from '@noble/hashes/pbkdf2.js'
import type { CHash } from '@noble/hashes/utils.js'

export const noblePbkdf2 = (hash: CHash, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array =>
  pbkdf2(hash, password, salt, { c: iterations, dkLen })
