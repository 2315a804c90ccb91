/**
 * @internal Tests only. How many times each costly primitive has run in this module instance:
 * the hostile-input suites read it to prove, by counting and never by timing, that an
 * over-limit message does no work and that an unknown user costs exactly what a wrong
 * password costs. Each crypto entry point adds one per call; nothing reads it at run time.
 */
export const _work = {
  /** Plain digests: MD4, MD5, SHA-1/256/512 (including H(ClientKey)). */
  digest: 0,
  /** Keyed digests: HMAC-MD5, HMAC-SHA-1/256/512. */
  hmac: 0,
  /** Key derivations: PBKDF2 (SCRAM Hi()). */
  pbkdf2: 0,
  /** Block and stream ciphers: DES, RC4. */
  cipher: 0,
  /** constantTimeEqual calls. */
  compare: 0,
}

/** @internal Tests only: a copy of the counters, to subtract from a later one. */
export function _workSnapshot(): typeof _work {
  return { ..._work }
}
