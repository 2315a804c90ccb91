/**
 * MD4 (RFC 1320). Broken as a hash; NTLM needs it for the NT one-way function
 * (MS-NLMP 3.3.1: NTOWFv1 = MD4(UNICODE(Passwd))). Node 17+ OpenSSL no longer ships it,
 * so saslkit carries this small implementation; only the NTLM code imports it.
 */

import { _work } from '../core/work.js'

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n))

/** RFC 1320 §3.4: the order in which rounds 2 and 3 visit the sixteen words. */
const ROUND2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
const ROUND3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15]
/** RFC 1320 §3.4: the rotation amounts of each round, repeating every four steps. */
const SHIFTS = [3, 7, 11, 19, 3, 5, 9, 13, 3, 9, 11, 15]

/** MD4 digest (16 bytes) of `data`. */
export function md4(data: Uint8Array): Uint8Array {
  _work.digest++
  // RFC 1320 §3.1–3.2: pad with 0x80, zeros to 56 mod 64, then the bit length (64-bit LE).
  const blocks = ((data.length + 8) >>> 6) + 1
  const padded = new Uint8Array(blocks * 64)
  padded.set(data)
  padded[data.length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, data.length * 8, true)
  view.setUint32(padded.length - 4, Math.floor(data.length / 0x20000000), true)
  // RFC 1320 §3.3: initial state.
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]
  const x = new Array<number>(16)
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getUint32(offset + 4 * i, true)
    let [a, b, c, d] = state as [number, number, number, number]
    // RFC 1320 §3.4: three rounds of sixteen operations.
    for (let i = 0; i < 48; i++) {
      const round = i >> 4
      const f =
        round === 0 ? (b & c) | (~b & d) : round === 1 ? ((b & c) | (b & d) | (c & d)) + 0x5a827999 : (b ^ c ^ d) + 0x6ed9eba1
      const k = round === 0 ? i : round === 1 ? ROUND2[i & 15]! : ROUND3[i & 15]!
      const s = SHIFTS[4 * round + (i & 3)]!
      const t = rotl((a + f + x[k]!) | 0, s)
      a = d
      d = c
      c = b
      b = t
    }
    state[0] = (state[0]! + a) | 0
    state[1] = (state[1]! + b) | 0
    state[2] = (state[2]! + c) | 0
    state[3] = (state[3]! + d) | 0
  }
  const out = new Uint8Array(16)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) outView.setUint32(4 * i, state[i]!, true)
  return out
}
