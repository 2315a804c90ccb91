/**
 * The SCRAM client's key schedule (RFC 5802 §3) on Web Crypto, with what the servers' noble
 * schedule (scram-keys.ts) shares with it. It holds no hash code: pbkdf2.ts runs Web Crypto,
 * or loads noble where there is none.
 */
import { utf8Encode } from '../codec/utf8.js'
import { hmacAsync, pbkdf2, type HashFunction, type HashName } from './pbkdf2.js'

/** Salt length of generated salts, and of the fake salts a server gives unknown users. */
export const SCRAM_SALT_BYTES = 16

export const CLIENT_KEY = /* @__PURE__ */ utf8Encode('Client Key')
export const SERVER_KEY = /* @__PURE__ */ utf8Encode('Server Key')

/** RFC 5802 §3: SaltedPassword := Hi(Normalize(password), salt, i); the password is already SASLprepped. */
export function saltPassword(fn: HashFunction, preparedPassword: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  return pbkdf2(fn, utf8Encode(preparedPassword), salt, iterations)
}

/** RFC 5802 §3: ClientKey := HMAC(SaltedPassword, "Client Key"), ServerKey := HMAC(SaltedPassword, "Server Key"). */
export async function keysOfAsync(name: HashName, saltedPassword: Uint8Array): Promise<{ clientKey: Uint8Array; serverKey: Uint8Array }> {
  const [clientKey, serverKey] = (await hmacAsync(name, saltedPassword, CLIENT_KEY, SERVER_KEY)) as [Uint8Array, Uint8Array]
  return { clientKey, serverKey }
}

/** a XOR b, for equal lengths. */
export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!
  return out
}
