/**
 * What the SCRAM client and server share (RFC 5802 §7): limits, the attribute syntax, nonces.
 */
import { SaslError } from '../core/errors.js'
import type { ChannelBinding } from '../core/types.js'
import { base64Encode } from '../codec/base64.js'
import type { HashFunction } from '../crypto/scram-keys.js'
import type { ScramServerOptions } from './scram.js'

/** RFC 5802 §5.1: "a reasonable minimum" is 4096 iterations; fewer is refused. */
export const DEFAULT_MIN_ITERATIONS = 4096
/** More than this is refused before any work: a hostile server could ask for days of PBKDF2. */
export const DEFAULT_MAX_ITERATIONS = 10_000_000
/** Random bytes in a nonce (base64: 24 printable characters). */
const NONCE_BYTES = 18
/** Longest nonce part accepted from the peer. */
export const MAX_NONCE_LENGTH = 1024
/**
 * What a SCRAM variant is: its hash (noble's function and Web Crypto's name, which also keys
 * `StoredCredentials.scram`), whether it binds to the channel, and its negotiation strength.
 * Nothing below the descriptor looks at the mechanism name.
 */
export interface ScramVariant extends HashFunction {
  readonly plus: boolean
  readonly strength: number
}

// ---------------------------------------------------------------------------------------------
// Message syntax (RFC 5802 §7)

export function malformed(message: string): SaslError {
  return new SaslError('malformed-request', `SCRAM: ${message}`)
}

/** Decision 5: an option that is missing, of the wrong type or out of range is the caller's mistake. */
export function badOption(message: string): SaslError {
  return new SaslError('protocol-violation', `SCRAM: ${message}`)
}

/**
 * Reads `attr=value,…`: the `required` attributes first, in order (their values are returned in
 * that order), then optional extensions, which are ignored (RFC 5802 §5.1: "unrecognized
 * attributes … MUST be ignored"). A mandatory extension (`m=` first), a missing attribute, an
 * attribute given twice (or one of `reserved`, which the caller already read), an empty value
 * or a malformed item is `malformed-request`.
 */
export function readAttributes(text: string, required: readonly string[], reserved: readonly string[] = []): string[] {
  const items = text.split(',')
  if (items[0]?.startsWith('m=') === true) throw malformed('mandatory extension (m=) not supported')
  const seen = new Set(reserved)
  items.forEach((item, index) => {
    if (!/^[A-Za-z]=./s.test(item)) throw malformed('malformed attribute')
    const name = item[0]!
    if (seen.has(name)) throw malformed(`attribute ${name}= given twice`)
    seen.add(name)
    if (index < required.length && name !== required[index]) throw malformed(`expected ${required[index]}= in position ${index + 1}`)
  })
  if (items.length < required.length) throw malformed(`missing ${required[items.length]}=`)
  return items.slice(0, required.length).map((item) => item.slice(2))
}

/** RFC 5802 §7: nonce = printable characters but `,` (already split off). */
export function checkNonce(nonce: string, what: string, maxLength = MAX_NONCE_LENGTH): void {
  if (nonce.length > maxLength || !/^[\x21-\x2b\x2d-\x7e]+$/.test(nonce)) throw malformed(`invalid ${what} nonce`)
}

/** A nonce part: the `nonce` option (for vectors; decision 5: a string, of nonce characters), or random bytes in base64. */
export function makeNonce(given: string | undefined, random: (length: number) => Uint8Array): string {
  if (given === undefined) {
    // Decision 5: a random that is not a function, or gives anything but the bytes asked for, is the caller's mistake.
    const bytes: unknown = typeof random === 'function' && random(NONCE_BYTES)
    if (!(bytes instanceof Uint8Array)) throw badOption('random must be a function giving bytes')
    return base64Encode(bytes)
  }
  if (typeof given !== 'string') throw badOption('nonce must be a string')
  checkNonce(given, 'configured')
  return given
}

export function iterationOption<F extends number | undefined>(value: unknown, fallback: F, what: string): number | F {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw badOption(`${what} must be a positive integer`)
  return value as number
}

/**
 * A SCRAM server's options, checked and copied at construction (one object per server: an
 * in-flight exchange holds little), with what the server derives from them in place of the
 * optional fields: the fake-salt key as bytes (shared by every server given the same secret),
 * the default iteration count, the random source, and the channel's bindings that carry data.
 */
export interface ScramServerConfig extends ScramServerOptions {
  readonly bindings: readonly ChannelBinding[]
  readonly secret: Uint8Array
  readonly iterations: number
  readonly random: (length: number) => Uint8Array
}
