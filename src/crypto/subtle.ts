/**
 * Web Crypto where it runs, for PBKDF2 (pbkdf2.ts) and OAuth 1.0a's HMAC-SHA1 (hmac-sha1.ts):
 * each falls back to `@noble/hashes`, loaded lazily, where `crypto.subtle` is missing or
 * refuses. A module of its own, so that a bundle that needs only HMAC-SHA1 carries no PBKDF2.
 */

let forceNoble = false

/**
 * @internal Tests only: run every derivation (and OAuth 1.0a's HMAC-SHA1, hmac-sha1.ts) on
 * `@noble/hashes` (true) or choose as usual.
 */
export function _forceNoblePbkdf2(force: boolean): void {
  forceNoble = force
}

/** Web Crypto's answer, or `undefined` where it has none (no subtle, or it refused). */
export async function onSubtle<T>(run: (subtle: SubtleCrypto) => Promise<T>): Promise<T | undefined> {
  const subtle = forceNoble ? undefined : globalThis.crypto?.subtle
  if (subtle === undefined) return undefined
  try {
    return await run(subtle)
  } catch {
    // Some engines refuse a zero-length password or an algorithm in some contexts: the
    // pure-JavaScript path computes the same function.
    return undefined
  }
}

// Fresh copies: Web Crypto wants ArrayBuffer-backed views, and must not see a caller's buffer change.
export const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes)
