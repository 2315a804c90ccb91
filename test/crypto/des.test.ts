import { describe, expect, it } from 'vitest'
import vectors from '../vectors/des.json' with { type: 'json' }
import { desEncrypt7, desEncryptBlock } from '../../src/crypto/des.js'
import { fromHex, hex } from '../helpers/exchange.js'

describe('DES (FIPS 46-3)', () => {
  for (const v of vectors.vectors) {
    it(`${v.id} — ${v.source.split(',')[0]}`, () => {
      expect(hex(desEncryptBlock(fromHex(v.inputs.key_hex), fromHex(v.inputs.plaintext_hex)))).toBe(v.expected.ciphertext_hex)
    })
  }

  it('ignores parity bits, and spreads a 7-byte key over eight bytes (MS-NLMP 6)', () => {
    const block = fromHex('0123456789abcdef')
    // 0x0101… and 0x0000… differ only in parity bits.
    expect(hex(desEncryptBlock(fromHex('0000000000000000'), block))).toBe(hex(desEncryptBlock(fromHex('0101010101010101'), block)))
    // The 7-byte key ff…ff spreads to fe…fe (0x6dce0dc9006556a3 under OpenSSL), and one bit matters.
    expect(hex(desEncrypt7(fromHex('ffffffffffffff'), block))).toBe('6dce0dc9006556a3')
    expect(hex(desEncrypt7(fromHex('7ca110454a1a6e'), block))).not.toBe(hex(desEncrypt7(fromHex('7ca110454a1a6f'), block)))
  })
})
