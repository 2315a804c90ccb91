import { _work } from '../core/work.js'

/**
 * Compares two byte strings in time that depends only on their lengths, never on where
 * they differ. Use it for every proof, digest, MIC and signature.
 *
 * @example
 * ```ts
 * if (!constantTimeEqual(expectedProof, receivedProof)) fail()
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  _work.compare++
  const n = Math.max(a.length, b.length)
  let diff = a.length ^ b.length
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}
