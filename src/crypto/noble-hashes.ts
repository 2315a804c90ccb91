/**
 * PBKDF2 (RFC 8018 §5.2) on `@noble/hashes`' SHA functions, for where Web Crypto cannot run it
 * (pbkdf2.ts loads this module only then, with the password's HMAC pad states). The loop is
 * saslkit's, not noble's `pbkdf2`: that one and its HMAC check their arguments with noble's
 * utils.js, a module the SHA functions share, and a bundler keeps a shared module whole in the
 * chunk that loads up front, so every SCRAM client would carry those checks (0.5 KB gzipped)
 * for this rare path. Per iteration it does what noble's does: an HMAC that starts from the
 * precomputed pad states (RFC 2104 §4), copied into reused hash objects, with no allocation.
 */
import type { NobleHash } from './hmac.js'

/** PBKDF2-HMAC(P, salt, iterations, dkLen), with `pads` the HMAC pad states of P (hmac.ts `padStates`). */
export function noblePbkdf2(pads: { inner: NobleHash; outer: NobleHash }, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array {
  const inner = pads.inner.clone()
  const outer = pads.outer.clone()
  // The PRF's output: PRF(P, parts) = HMAC(P, parts) is written here.
  const u = new Uint8Array(outer.outputLen)
  const prf = (...parts: Uint8Array[]): void => {
    pads.inner._cloneInto(inner)
    for (const part of parts) inner.update(part)
    inner.digestInto(u)
    pads.outer._cloneInto(outer).update(u).digestInto(u)
  }
  const derived = new Uint8Array(dkLen)
  const index = new Uint8Array(4)
  for (let i = 1, offset = 0; offset < dkLen; i++, offset += u.length) {
    // RFC 8018 §5.2: T_i = U_1 XOR … XOR U_c, U_1 = PRF(P, S || INT(i)), U_j = PRF(P, U_{j-1}).
    new DataView(index.buffer).setUint32(0, i)
    prf(salt, index)
    const t = u.slice()
    for (let j = 1; j < iterations; j++) {
      prf(u)
      for (let k = 0; k < t.length; k++) t[k]! ^= u[k]!
    }
    derived.set(t.subarray(0, dkLen - offset), offset)
  }
  return derived
}
