/** A source of random bytes; mechanisms take one as an option so vectors can replay. */
export type RandomSource = (length: number) => Uint8Array

/** `crypto.getRandomValues`, in the 65,536-byte slices Web Crypto allows per call. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}
