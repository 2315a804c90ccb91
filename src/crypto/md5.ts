/**
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for CRAM-MD5, DIGEST-MD5 and NTLM, and DIGEST-MD5's
 * password equivalent. MD5 is written here, beside the MD4 it shares its frame with, rather
 * than taken from `@noble/hashes`: noble's class-based MD5 costs 2 KB gzipped in every legacy
 * bundle, this one a fifth of it (docs/decisions/0004-bundle-size.md); tests pin it to the
 * RFC 1321 vectors and to noble's MD5 on random inputs. The HMAC-MD5 contexts of Dovecot's
 * `{CRAM-MD5}` scheme live in md5-context.ts: only servers and registration need them.
 */
import { _work } from '../core/work.js'
import { fitsLatin1, latin1Encode } from '../codec/latin1.js'
import { utf8Encode } from '../codec/utf8.js'
import { addState, block, blockView, digestLE, initialState, rotl } from './md-le.js'

/** RFC 1321 §3.4: T[i] = floor(4294967296 * abs(sin(i))); every value is at least 0.015 from an integer, so any IEEE sin() gets it right. */
const T = /* @__PURE__ */ Array.from({ length: 64 }, (_, i) => (Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0)
/** RFC 1321 §3.4: the rotation amounts of each round, repeating every four steps. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

/** RFC 1321 §3.4: four rounds of sixteen operations. */
export function md5Compress(state: number[], view: DataView, offset: number): void {
  // `| 0`: the words enter as int32, or V8 keeps a, b, c, d as the doubles the state array holds.
  let a = state[0]! | 0
  let b = state[1]! | 0
  let c = state[2]! | 0
  let d = state[3]! | 0
  for (let i = 0; i < 64; i++) {
    const round = i >> 4
    const f = round === 0 ? (b & c) | (~b & d) : round === 1 ? (b & d) | (c & ~d) : round === 2 ? b ^ c ^ d : c ^ (b | ~d)
    const k = round === 0 ? i : round === 1 ? (5 * i + 1) & 15 : round === 2 ? (3 * i + 5) & 15 : (7 * i) & 15
    const t = b + rotl((a + f + T[i]! + view.getUint32(offset + 4 * k, true)) | 0, SHIFTS[4 * round + (i & 3)]!)
    a = d
    d = c
    c = b
    b = t | 0
  }
  addState(state, a, b, c, d)
}

/** MD5 of the concatenation of `parts` (16 bytes). */
export function md5(...parts: Uint8Array[]): Uint8Array {
  _work.digest++
  return digestLE(md5Compress, parts)
}

/**
 * RFC 2104 §2: the MD5 states after the one block K XOR ipad, and after K XOR opad (the key
 * hashed first when longer than a block): every HMAC-MD5 under K resumes from them.
 */
export function hmacMd5States(key: Uint8Array): [inner: number[], outer: number[]] {
  const hashedKey = key.length > 64 ? digestLE(md5Compress, [key]) : key
  const after = (pad: number): number[] => {
    for (let i = 0; i < 64; i++) block[i] = (hashedKey[i] ?? 0) ^ pad
    const state = initialState()
    md5Compress(state, blockView, 0)
    return state
  }
  const states: [number[], number[]] = [after(0x36), after(0x5c)]
  block.fill(0)
  return states
}

/**
 * HMAC-MD5 (RFC 2104) under `key`, for one or more messages: RFC 2104 §4, the pads' states
 * are computed once, and each MAC (of the concatenation of its `parts`, 16 bytes) starts from
 * them. NTLMv2's NTProofStr and SessionBaseKey share their key (MS-NLMP §3.3.2).
 */
export function hmacMd5Keyed(key: Uint8Array): (...parts: Uint8Array[]) => Uint8Array {
  const [inner, outer] = hmacMd5States(key)
  return (...parts) => {
    _work.hmac++
    // The pads are one block each: both hashes resume after 64 bytes.
    return digestLE(md5Compress, [digestLE(md5Compress, parts, inner.slice(), 64)], outer.slice(), 64)
  }
}

/** HMAC-MD5 (RFC 2104) of the concatenation of `parts` under `key` (16 bytes). */
export const hmacMd5 = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => hmacMd5Keyed(key)(...parts)

/**
 * RFC 2831 §2.1.2.1: a username, realm or passwd whose characters all lie in ISO 8859-1 is
 * hashed as ISO 8859-1, anything else as UTF-8. Each string is judged on its own, as the
 * RFC's author clarified and Cyrus SASL does.
 */
function digestHashForm(text: string): Uint8Array {
  return fitsLatin1(text) ? latin1Encode(text) : utf8Encode(text)
}

const COLON = /* @__PURE__ */ utf8Encode(':')

/**
 * DIGEST-MD5's password-equivalent H({ username-value ":" realm-value ":" passwd }) (RFC 2831
 * §2.1.2.1): the `digestMd5` of StoredCredentials.
 */
export function digestMd5Secret(username: string, realm: string, password: string): Uint8Array {
  return md5(digestHashForm(username), COLON, digestHashForm(realm), COLON, digestHashForm(password))
}

