/**
 * PBKDF2 (RFC 8018 §5.2), SCRAM's Hi() (RFC 5802 §2.2), and the SCRAM client's HMACs and
 * digests, on Web Crypto. `deriveBits` runs PBKDF2 natively (about 0.85 of OpenSSL's speed,
 * against about 0.2 for JavaScript), and with it the client needs no hash code of its own: a
 * browser bundle carries none. Where `crypto.subtle` is missing (an insecure browser context,
 * a runtime without Web Crypto) or refuses, `@noble/hashes` computes the same functions,
 * loaded then and only then (a dynamic import). Servers keep noble's synchronous functions
 * for their HMACs (scram-keys.ts): a Web Crypto call costs tens of microseconds each.
 */
import { _work } from '../core/work.js'

/** A SCRAM hash by its Web Crypto name, the key of `StoredCredentials.scram`. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-512'

/** A hash function: its Web Crypto name and its output length. */
export interface HashFunction {
  readonly webCryptoName: HashName
  readonly outputLen: number
}

/** Which implementation ran a derivation. */
export type Pbkdf2Path = 'webcrypto' | 'noble'

let forceNoble = false
let lastPath: Pbkdf2Path | undefined
let runs = 0

/**
 * @internal Tests only: run every derivation, HMAC and digest of this module on
 * `@noble/hashes` (true) or choose as usual.
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

/** Web Crypto's answer, or `undefined` where it has none (no subtle, or it refused). */
async function onSubtle<T>(run: (subtle: SubtleCrypto) => Promise<T>): Promise<T | undefined> {
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
const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes)

const noble = () => import('./noble-hashes.js')

/** PBKDF2-HMAC-H(password, salt, iterations, dkLen); SCRAM's dkLen is the hash's output length. */
export async function pbkdf2(
  fn: HashFunction,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number = fn.outputLen,
): Promise<Uint8Array> {
  runs++
  _work.pbkdf2++
  const bits = await onSubtle(async (subtle) => {
    const key = await subtle.importKey('raw', copy(password), 'PBKDF2', false, ['deriveBits'])
    return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: fn.webCryptoName, salt: copy(salt), iterations }, key, dkLen * 8))
  })
  lastPath = bits === undefined ? 'noble' : 'webcrypto'
  return bits ?? (await noble()).noblePbkdf2(fn.webCryptoName, password, salt, iterations, dkLen)
}

/**
 * HMAC(key, message) (RFC 2104) with the named hash, for each message: the key is imported
 * once and the messages signed together (a Web Crypto call has a fixed cost).
 */
export async function hmacAsync(name: HashName, key: Uint8Array, ...messages: Uint8Array[]): Promise<Uint8Array[]> {
  _work.hmac += messages.length
  const macs = await onSubtle(async (subtle) => {
    const imported = await subtle.importKey('raw', copy(key), { name: 'HMAC', hash: name }, false, ['sign'])
    return (await Promise.all(messages.map((message) => subtle.sign('HMAC', imported, copy(message))))).map((mac) => new Uint8Array(mac))
  })
  if (macs !== undefined) return macs
  const { nobleHmac } = await noble()
  return messages.map((message) => nobleHmac(name, key, message))
}

/** H(message) with the named hash. */
export async function digestAsync(name: HashName, message: Uint8Array): Promise<Uint8Array> {
  _work.digest++
  const digest = await onSubtle(async (subtle) => new Uint8Array(await subtle.digest(name, copy(message))))
  return digest ?? (await noble()).nobleHashes[name](message)
}
