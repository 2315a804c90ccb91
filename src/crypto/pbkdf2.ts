/**
 * PBKDF2 (RFC 8018 §5.2), SCRAM's Hi() (RFC 5802 §2.2), on Web Crypto: `deriveBits` runs it
 * natively (about 0.85 of OpenSSL's speed, against about 0.2 for JavaScript) and off the main
 * thread. Where `crypto.subtle` is missing (an insecure browser context, a runtime without
 * Web Crypto) or refuses, the same function runs on `@noble/hashes`' SHA functions, loaded
 * then and only then (a dynamic import, noble-hashes.ts). SCRAM's small HMACs and digests stay
 * on noble's synchronous functions (scram-keys.ts): a Web Crypto call costs tens of
 * microseconds of fixed overhead, a noble HMAC a few.
 */
import { _work } from '../core/work.js'
import { padStates, type NobleBlockHash } from './hmac.js'
import { copy, onSubtle } from './subtle.js'

export { _forceNoblePbkdf2 } from './subtle.js'

/** A SCRAM hash by its Web Crypto name, the key of `StoredCredentials.scram`. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-512'

/** A SCRAM hash: noble's hash class (its objects), its block and output lengths, its Web Crypto name. */
export interface HashFunction extends NobleBlockHash {
  readonly webCryptoName: HashName
  readonly outputLen: number
}

/** Which implementation ran a derivation. */
export type Pbkdf2Path = 'webcrypto' | 'noble'

let lastPath: Pbkdf2Path | undefined

/**
 * @internal Tests only: the path the last derivation took (the runtime suites assert Web
 * Crypto on Deno and in the browser).
 */
export function _lastPbkdf2Path(): Pbkdf2Path | undefined {
  return lastPath
}

/**
 * @internal Tests only: how many derivations have run (to prove that a bad message, or a login
 * from stored keys, starts none).
 */
export function _pbkdf2Runs(): number {
  return _work.pbkdf2
}

/** PBKDF2-HMAC-H(password, salt, iterations, dkLen); SCRAM's dkLen is the hash's output length. */
export async function pbkdf2(
  fn: HashFunction,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number = fn.outputLen,
): Promise<Uint8Array> {
  _work.pbkdf2++
  const bits = await onSubtle(async (subtle) => {
    const key = await subtle.importKey('raw', copy(password), 'PBKDF2', false, ['deriveBits'])
    return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: fn.webCryptoName, salt: copy(salt), iterations }, key, dkLen * 8))
  })
  lastPath = bits === undefined ? 'noble' : 'webcrypto'
  return bits ?? (await import('./noble-hashes.js')).noblePbkdf2(padStates(fn, password), salt, iterations, dkLen)
}
