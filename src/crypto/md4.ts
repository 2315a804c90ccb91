/**
 * MD4 (RFC 1320). Broken as a hash; NTLM needs it for the NT one-way function
 * (MS-NLMP 3.3.1: NTOWFv1 = MD4(UNICODE(Passwd))). Node 17+ OpenSSL no longer ships it,
 * so saslkit carries this small implementation; only the NTLM code imports it.
 */
import { _work } from '../core/work.js'
import { addState, digestLE, rotl } from './md-le.js'

/** RFC 1320 §3.4: the order in which rounds 2 and 3 visit the sixteen words. */
const ROUND2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
const ROUND3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15]
/** RFC 1320 §3.4: the rotation amounts of each round, repeating every four steps. */
const SHIFTS = [3, 7, 11, 19, 3, 5, 9, 13, 3, 9, 11, 15]

/** RFC 1320 §3.4: three rounds of sixteen operations. */
function compress(state: number[], view: DataView, offset: number): void {
  // `| 0`: the words enter as int32, or V8 keeps a, b, c, d as the doubles the state array holds.
  let a = state[0]! | 0
  let b = state[1]! | 0
  let c = state[2]! | 0
  let d = state[3]! | 0
  for (let i = 0; i < 48; i++) {
    const round = i >> 4
    const f = round === 0 ? (b & c) | (~b & d) : round === 1 ? ((b & c) | (b & d) | (c & d)) + 0x5a827999 : (b ^ c ^ d) + 0x6ed9eba1
    const k = round === 0 ? i : round === 1 ? ROUND2[i & 15]! : ROUND3[i & 15]!
    const t = rotl((a + f + view.getUint32(offset + 4 * k, true)) | 0, SHIFTS[4 * round + (i & 3)]!)
    a = d
    d = c
    c = b
    b = t
  }
  addState(state, a, b, c, d)
}

/** MD4 digest (16 bytes) of `data`. */
export function md4(data: Uint8Array): Uint8Array {
  _work.digest++
  return digestLE(compress, [data])
}
