/**
 * DES encryption of one block (FIPS 46-3). Broken; NTLM needs it for LMOWFv1, NTLMv1 and
 * DESL (MS-NLMP 6: DES(K, D) with a 7-byte key). Only the NTLM code imports it. Written
 * for size, not speed: NTLM runs a handful of blocks per authentication.
 */
import { _work } from '../core/work.js'

/** FIPS 46-3 tables, each entry a 1-based bit number stored as a character code offset by 48. */
const table = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0) - 48)
const PC1 = /* @__PURE__ */ table('iaYQIA91jbZRJB:2kc[SKC;3ld\\Tog_WOG?7nf^VNF>6me]UME=5LD<4')
const PC2 = /* @__PURE__ */ table('>A;H153L?6E:GC<4J8@7KD=2YdOU_gNXc]Q`\\aWhRe^ZbTMP')
const P = /* @__PURE__ */ table('@7DEM<LA1?GJ5BO:28H>PK39C=N6F;4I')
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1]
/** The eight S-boxes, 64 hexadecimal digits each (FIPS 46-3 "Primitive functions S1…S8"). */
const SBOXES =
  'e4d12fb83a6c5907' + '0f74e2d1a6cb9538' + '41e8d62bfc973a50' + 'fc8249175b3ea06d' +
  'f18e6b34972dc05a' + '3d47f28ec01a69b5' + '0e7ba4d158c6932f' + 'd8a13f42b67c05e9' +
  'a09e63f51dc7b428' + 'd709346a285ecbf1' + 'd6498f30b12c5ae7' + '1ad069874fe3b52c' +
  '7de3069a1285bc4f' + 'd8b56f03472c1ae9' + 'a690cb7df13e5284' + '3f06a1d8945bc72e' +
  '2c417ab6853fd0e9' + 'eb2c47d150fa3986' + '421bad78f9c5630e' + 'b8c71e2d6f09a453' +
  'c1af92680d34e75b' + 'af427c9561de0b38' + '9ef528c3704a1db6' + '432c95fabe17608d' +
  '4b2ef08d3c975a61' + 'd0b7491ae35c2f86' + '14bdc37eaf680592' + '6bd814a7950fe23c' +
  'd2846fb1a93e50c7' + '1fd8a374c56b0e92' + '7b419ce206adf358' + '21e74a8dfc90356b'

const bitsOf = (bytes: Uint8Array): number[] => Array.from({ length: bytes.length * 8 }, (_, i) => (bytes[i >> 3]! >> (7 - (i & 7))) & 1)
const permute = (bits: readonly number[], order: readonly number[]): number[] => order.map((n) => bits[n - 1]!)

/** FIPS 46-3: IP sends bit 58, 50, … 2, then 60, 52, … to the first places. */
const IP = /* @__PURE__ */ Array.from({ length: 64 }, (_, i) => (i < 32 ? 58 + 2 * (i >> 3) : 57 + 2 * ((i >> 3) - 4)) - 8 * (i & 7))
/** FIPS 46-3: E, the expansion of 32 bits to 48, each 4-bit group with its neighbours. */
const E = /* @__PURE__ */ Array.from({ length: 48 }, (_, i) => ((4 * ((i / 6) | 0) + (i % 6) + 31) % 32) + 1)

/**
 * Encrypts one 8-byte block with an 8-byte DES key (parity bits ignored).
 *
 * @example
 * ```ts
 * desEncryptBlock(hexDecode('0101010101010101'), hexDecode('8000000000000000')) // 95f8a5e5dd31d900
 * ```
 */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  _work.cipher++
  // FIPS 46-3 key schedule: PC-1 splits 56 bits into C and D, rotated left per round, then PC-2.
  const cd = permute(bitsOf(key), PC1)
  let c = cd.slice(0, 28)
  let d = cd.slice(28)
  const subkeys: number[][] = []
  for (const shift of SHIFTS) {
    c = [...c.slice(shift), ...c.slice(0, shift)]
    d = [...d.slice(shift), ...d.slice(0, shift)]
    subkeys.push(permute([...c, ...d], PC2))
  }
  const data = permute(bitsOf(block), IP)
  let left = data.slice(0, 32)
  let right = data.slice(32)
  for (const k of subkeys) {
    // The cipher function f(R, K): expand, add the subkey, S-boxes, permute P.
    const x = permute(right, E).map((bit, i) => bit ^ k[i]!)
    const sOut: number[] = []
    for (let s = 0; s < 8; s++) {
      const b = x.slice(6 * s, 6 * s + 6)
      const row = (b[0]! << 1) | b[5]!
      const column = (b[1]! << 3) | (b[2]! << 2) | (b[3]! << 1) | b[4]!
      const value = parseInt(SBOXES[64 * s + 16 * row + column]!, 16)
      for (let bit = 3; bit >= 0; bit--) sOut.push((value >> bit) & 1)
    }
    const f = permute(sOut, P)
    ;[left, right] = [right, left.map((bit, i) => bit ^ f[i]!)]
  }
  // The last round is not swapped: the preoutput is R16 L16, then IP⁻¹.
  const pre = [...right, ...left]
  const out = new Uint8Array(8)
  IP.forEach((n, i) => (out[(n - 1) >> 3]! |= pre[i]! << (7 - ((n - 1) & 7))))
  return out
}

/**
 * Encrypts one block with a 7-byte key, spreading its 56 bits over the 8 key bytes
 * (MS-NLMP 6: "DES(K, D)… K is a 7-byte key").
 */
export function desEncrypt7(key7: Uint8Array, block: Uint8Array): Uint8Array {
  const key = new Uint8Array(8)
  for (let i = 0; i < 8; i++) {
    // Bits 7i … 7i+6 of the 56-bit key become the top seven bits of byte i.
    let v = 0
    for (let b = 0; b < 7; b++) {
      const n = 7 * i + b
      v |= ((key7[n >> 3]! >> (7 - (n & 7))) & 1) << (7 - b)
    }
    key[i] = v
  }
  return desEncryptBlock(key, block)
}
