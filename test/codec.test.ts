import { describe, expect, it } from 'vitest'
import base64Vectors from './vectors/base64.json' with { type: 'json' }
import { base64Decode, base64Encode, ByteReader, ByteWriter, concatBytes, constantTimeEqual, hexDecode, hexEncode, utf8Decode, utf8Encode } from '../src/codec/index.js'
import { fromHex, rejectsWithCode, text } from './helpers/exchange.js'

const base64Cases = base64Vectors.vectors.filter((v) => v.id.includes('BASE64('))

describe('base64 (RFC 4648 §10)', () => {
  for (const v of base64Cases) {
    it(`${v.id} — ${v.source}`, () => {
      const input = text((v.inputs as { input: string }).input)
      const encoded = (v.expected as { output: string }).output
      expect(base64Encode(input)).toBe(encoded)
      expect(base64Decode(encoded)).toEqual(input)
    })
  }

  it('round-trips every length and byte value', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255)
      expect(base64Decode(base64Encode(bytes))).toEqual(bytes)
    }
  })

  const bad = [
    ['missing padding', 'Zm9'],
    ['missing padding 2', 'Zg'],
    ['character outside the alphabet', 'Zm9v!A=='],
    ['URL-safe alphabet', 'Zm-_'],
    ['whitespace', 'Zm9v YmFy'],
    ['trailing newline', 'Zm9v\n'],
    ['padding in the middle', 'Zg==Zm9v'],
    ['three padding characters', 'Z==='],
    ['non-zero pad bits (one byte)', 'Zh=='],
    ['non-zero pad bits (two bytes)', 'Zm9='],
    ['non-ASCII', 'Zm9é'],
  ]
  for (const [name, input] of bad) {
    it(`refuses ${name}`, async () => {
      await rejectsWithCode(() => base64Decode(input!), 'incorrect-encoding')
    })
  }
})

describe('utf8', () => {
  it('encodes and decodes', () => {
    expect(utf8Decode(utf8Encode('tim ☃ 𝄞'))).toBe('tim ☃ 𝄞')
  })
  it('keeps a BOM', () => {
    expect(utf8Decode(fromHex('efbbbf61'))).toBe('\ufeffa')
  })
  for (const [name, bytes] of [
    ['overlong', 'c0af'],
    ['lone continuation', '80'],
    ['truncated sequence', 'e282'],
    ['surrogate', 'eda080'],
    ['beyond U+10FFFF', 'f4908080'],
  ]) {
    it(`refuses ${name}`, async () => {
      await rejectsWithCode(() => utf8Decode(fromHex(bytes!)), 'incorrect-encoding')
    })
  }
})

describe('bytes', () => {
  it('constantTimeEqual', () => {
    expect(constantTimeEqual(fromHex('0102'), fromHex('0102'))).toBe(true)
    expect(constantTimeEqual(fromHex('0102'), fromHex('0103'))).toBe(false)
    expect(constantTimeEqual(fromHex('0102'), fromHex('010200'))).toBe(false)
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true)
    expect(constantTimeEqual(new Uint8Array(0), fromHex('00'))).toBe(false)
  })
  it('hex', async () => {
    expect(hexEncode(fromHex('00ff7f'))).toBe('00ff7f')
    expect(hexDecode('00FF7f')).toEqual(fromHex('00ff7f'))
    await rejectsWithCode(() => hexDecode('0'), 'incorrect-encoding')
    await rejectsWithCode(() => hexDecode('zz'), 'incorrect-encoding')
  })
  it('concat', () => {
    expect(concatBytes(fromHex('01'), new Uint8Array(0), fromHex('0203'))).toEqual(fromHex('010203'))
  })
})

describe('ByteReader / ByteWriter', () => {
  it('round-trips integers of both byte orders', () => {
    const w = new ByteWriter(1)
    w.u8(1).u16le(0x0203).u32le(0x04050607).u16be(0x0809).u32be(0x0a0b0c0d).bytes(fromHex('eeff'))
    const bytes = w.finish()
    expect(bytes).toEqual(fromHex('01030207060504' + '0809' + '0a0b0c0d' + 'eeff'))
    const r = new ByteReader(bytes)
    expect([r.u8(), r.u16le(), r.u32le(), r.u16be(), r.u32be()]).toEqual([1, 0x0203, 0x04050607, 0x0809, 0x0a0b0c0d])
    expect(r.remaining).toBe(2)
    expect(r.at(0, 2)).toEqual(fromHex('0103'))
    expect(r.rest()).toEqual(fromHex('eeff'))
    r.end()
  })
  it('patches offsets', () => {
    const w = new ByteWriter()
    w.u16le(0).u32le(0).setU16le(0, 7).setU32le(2, 9)
    expect(w.finish()).toEqual(fromHex('070009000000'))
  })
  it('refuses reads past the end, bad ranges and trailing bytes', async () => {
    const r = new ByteReader(fromHex('0102'), 'test')
    await rejectsWithCode(() => r.u32le('length'), 'malformed-request')
    await rejectsWithCode(() => r.at(1, 2), 'malformed-request')
    await rejectsWithCode(() => r.at(0xffffffff, 1), 'malformed-request')
    await rejectsWithCode(() => r.bytes(-1), 'malformed-request')
    await rejectsWithCode(() => r.end(), 'malformed-request')
    r.u8()
    await rejectsWithCode(() => r.u16be(), 'malformed-request')
  })
  it('reads a view over a subarray without escaping it', async () => {
    const backing = fromHex('ffff0102ffff')
    const r = new ByteReader(backing.subarray(2, 4))
    expect(r.u16be()).toBe(0x0102)
    await rejectsWithCode(() => r.u8(), 'malformed-request')
  })
})
