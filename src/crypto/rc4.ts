/**
 * RC4 (the keystream generator RFC 6229 tests). Insecure; NTLM needs it for key exchange
 * (MS-NLMP 3.1.5.1.2: EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey))
 * and for its sealing handles, which keep their state across messages.
 */
import { _work } from '../core/work.js'

/** A keyed RC4 stream: each call continues where the last one stopped. */
export type Rc4Stream = (data: Uint8Array) => Uint8Array

/** Starts an RC4 stream keyed with `key` (1 to 256 bytes). */
export function rc4(key: Uint8Array): Rc4Stream {
  _work.cipher++
  const s = new Uint8Array(256)
  for (let i = 0; i < 256; i++) s[i] = i
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255
    ;[s[i], s[j]] = [s[j]!, s[i]!]
  }
  let i = 0
  let j = 0
  return (data) => {
    const out = new Uint8Array(data.length)
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 255
      j = (j + s[i]!) & 255
      ;[s[i], s[j]] = [s[j]!, s[i]!]
      out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!
    }
    return out
  }
}
