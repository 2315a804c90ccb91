import { describe, expect, it } from 'vitest'
import vectors from '../vectors/rc4.json' with { type: 'json' }
import { rc4 } from '../../src/crypto/rc4.js'
import { fromHex, hex } from '../helpers/exchange.js'

describe('RC4 (RFC 6229 keystreams)', () => {
  for (const v of vectors.vectors) {
    it(`${v.id} — RFC 6229 §2`, () => {
      const stream = rc4(fromHex(v.inputs.key_hex))
      stream(new Uint8Array(v.inputs.offset))
      expect(hex(stream(new Uint8Array(16)))).toBe(v.expected.keystream_hex)
    })
  }

  it('continues the keystream across calls, as NTLM sealing handles need', () => {
    const whole = rc4(fromHex('0102030405'))(new Uint8Array(32))
    const split = rc4(fromHex('0102030405'))
    expect(hex(split(new Uint8Array(5))) + hex(split(new Uint8Array(27)))).toBe(hex(whole))
  })
})
