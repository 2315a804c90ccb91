/** A source of random bytes; mechanisms take one as an option so vectors can replay. */
export type RandomSource = (length: number) => Uint8Array

/**
 * `crypto.getRandomValues`. Every caller asks for a nonce, a salt or a key (at most 32 bytes),
 * well under the 65,536 bytes Web Crypto fills per call.
 */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}
