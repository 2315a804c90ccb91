import { describe, expect, it } from 'vitest'
import { md5 as nobleMd5 } from '@noble/hashes/legacy.js'
import md5Vectors from './vectors/md5.json' with { type: 'json' }
import hmacVectors from './vectors/hmac-md5.json' with { type: 'json' }
import { digestMd5Secret, hmacMd5, md5 } from '../src/crypto/md5.js'
import { hmacMd5Context, hmacMd5FromContext } from '../src/crypto/md5-context.js'
import { fromHex, hex, rejectsWithCode, text } from './helpers/exchange.js'

describe('MD5 (RFC 1321 A.5)', () => {
  for (const v of md5Vectors.vectors) {
    it(`${v.id} — ${v.source}`, () => {
      expect(hex(md5(text(v.inputs.input)))).toBe(v.expected.digest_hex)
    })
  }
})

describe('MD5 against @noble/hashes', () => {
  it('agrees on every length from 0 to 300 bytes and on a 100 KB message', () => {
    for (let length = 0; length <= 300; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length * 7) & 255)
      expect(hex(md5(data))).toBe(hex(nobleMd5(data)))
    }
    const large = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24)
    expect(hex(md5(large))).toBe(hex(nobleMd5(large)))
  })
})

describe('HMAC-MD5 (RFC 2202 §2)', () => {
  for (const v of hmacVectors.vectors) {
    it(`${v.id} — ${v.source}: direct and resumed from the Dovecot context`, () => {
      const key = fromHex(v.inputs.key_hex)
      const data = fromHex(v.inputs.data_hex)
      expect(hex(hmacMd5(key, data))).toBe(v.expected.digest_hex)
      // The resumed path must agree on every vector, including keys longer than a block.
      expect(hex(hmacMd5FromContext(hmacMd5Context(key), data))).toBe(v.expected.digest_hex)
    })
  }

  it('resumes correctly for messages around the block boundary', () => {
    const key = text('tanstaaftanstaaf')
    const context = hmacMd5Context(key)
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 7 + length) & 255)
      expect(hex(hmacMd5FromContext(context, data))).toBe(hex(hmacMd5(key, data)))
    }
  })

  it('refuses a context that is not 32 bytes', async () => {
    await rejectsWithCode(() => hmacMd5FromContext(new Uint8Array(31), text('x')), 'malformed-request')
  })
})

describe('DIGEST-MD5 secret (RFC 2831 §2.1.2.1)', () => {
  it('hashes strings within ISO 8859-1 as ISO 8859-1, others as UTF-8, each on its own', () => {
    // 'jürgen' and 'pässwörd' fit ISO 8859-1; 'Ωmega' does not, so it stays UTF-8.
    expect(hex(digestMd5Secret('jürgen', 'example.org', 'pässwörd'))).toBe(hex(md5(Uint8Array.from('jürgen:example.org:pässwörd', (c) => c.charCodeAt(0)))))
    const mixed = new Uint8Array([...text('Ωmega'), 0x3a, ...text('r'), 0x3a, 0x70, 0xe4, 0x73, 0x73])
    expect(hex(digestMd5Secret('Ωmega', 'r', 'päss'))).toBe(hex(md5(mixed)))
  })
})
