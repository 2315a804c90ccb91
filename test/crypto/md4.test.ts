import { describe, expect, it } from 'vitest'
import vectors from '../vectors/md4.json' with { type: 'json' }
import { md4 } from '../../src/crypto/md4.js'
import { hex, text } from '../helpers/exchange.js'

describe('MD4 (RFC 1320)', () => {
  for (const v of vectors.vectors) {
    it(`${v.id} — ${v.source}`, () => {
      expect(hex(md4(text(v.inputs.input)))).toBe(v.expected.digest_hex)
    })
  }

  it('pads correctly around the 55/56/64-byte block boundaries', () => {
    // Lengths where the padding spills into a second block; the digests differ and are stable.
    const digests = [55, 56, 63, 64, 65].map((n) => hex(md4(new Uint8Array(n).fill(0x61))))
    expect(new Set(digests).size).toBe(5)
    // 56 'a's (length field in a second block), against OpenSSL's legacy-provider MD4.
    expect(digests[1]).toBe('d5f9a9e9257077a5f08b0b92f348b0ad')
  })
})
