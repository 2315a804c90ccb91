/**
 * PBKDF2 (RFC 8018 §5.2), SCRAM's Hi() (RFC 5802 §2.2). Web Crypto's `deriveBits` runs it
 * natively (about 0.85 of OpenSSL's speed, against about 0.2 for JavaScript), so it is used
 * whenever `crypto.subtle` exists; `@noble/hashes` covers the rest (insecure browser contexts,
 * runtimes without Web Crypto). The small HMACs and digests around it stay on noble's
 * synchronous functions: a Web Crypto call costs a fixed ≈30 µs, a noble HMAC ≈5 µs.
 */
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js'
import type { CHash } from '@noble/hashes/utils.js'
import { _work } from '../core/work.js'

/** A hash function in both forms: noble's, and its Web Crypto algorithm name. */
export interface HashFunction {
  readonly hash: CHash
  readonly webCryptoName: 'SHA-1' | 'SHA-256' | 'SHA-512'
}

/** Which implementation ran a derivation. */
export type Pbkdf2Path = 'webcrypto' | 'noble'

let forceNoble = false
let lastPath: Pbkdf2Path | undefined
let runs = 0

/**
 * @internal Tests only: run every derivation on `@noble/hashes` (true) or choose as usual.
 */
export function _forceNoblePbkdf2(force: boolean): void {
  forceNoble = force
}

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
  return runs
}

/** PBKDF2-HMAC-H(password, salt, iterations, dkLen); SCRAM's dkLen is the hash's output length. */
export async function pbkdf2(
  fn: HashFunction,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number = fn.hash.outputLen,
): Promise<Uint8Array> {
  runs++
  _work.pbkdf2++
  const subtle = forceNoble ? undefined : globalThis.crypto?.subtle
  if (subtle !== undefined) {
    try {
      // Fresh copies: Web Crypto wants ArrayBuffer-backed views, and must not see a caller's buffer change.
      const key = await subtle.importKey('raw', new Uint8Array(password), 'PBKDF2', false, ['deriveBits'])
      const bits = await subtle.deriveBits(
        { name: 'PBKDF2', hash: fn.webCryptoName, salt: new Uint8Array(salt), iterations },
        key,
        dkLen * 8,
      )
      lastPath = 'webcrypto'
      return new Uint8Array(bits)
    } catch {
      // Some engines refuse a zero-length password or an algorithm in some contexts: fall
      // through to the pure-JavaScript path, which computes the same function.
    }
  }
  const out = noblePbkdf2(fn.hash, password, salt, { c: iterations, dkLen })
  lastPath = 'noble'
  return out
}
