/**
 * The codec functions as the package exports them: the same functions, with the argument
 * checked first (decision 5: a value of the wrong type is the caller's mistake,
 * `protocol-violation`). saslkit's own modules call the unchecked ones, whose arguments they
 * made themselves, so no mechanism's bundle carries these checks.
 */
import { SaslError } from '../core/errors.js'
import { base64Encode as encodeBase64 } from './base64.js'
import { constantTimeEqual as equalBytes } from './equal.js'
import { utf8Encode as encodeUtf8 } from './utf8.js'

function bytesArgument(name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new SaslError('protocol-violation', `${name}: expected a Uint8Array`)
  return value
}

/**
 * Base64 (RFC 4648 §4) with padding. Anything but a `Uint8Array` is `protocol-violation`.
 *
 * @example
 * ```ts
 * base64Encode(new Uint8Array([0x66, 0x6f, 0x6f])) // 'Zm9v'
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  return encodeBase64(bytesArgument('base64Encode', bytes))
}

/**
 * UTF-8 encoding of a JS string. Anything but a string is `protocol-violation`.
 *
 * @example
 * ```ts
 * utf8Encode('tim') // Uint8Array [0x74, 0x69, 0x6d]
 * ```
 */
export function utf8Encode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new SaslError('protocol-violation', 'utf8Encode: expected a string')
  return encodeUtf8(text)
}

/**
 * Compares two byte strings in time that depends only on their lengths, never on where
 * they differ. Use it for every proof, digest, MIC and signature. Anything but two
 * `Uint8Array`s is `protocol-violation`.
 *
 * @example
 * ```ts
 * if (!constantTimeEqual(expectedProof, receivedProof)) fail()
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return equalBytes(bytesArgument('constantTimeEqual', a), bytesArgument('constantTimeEqual', b))
}
