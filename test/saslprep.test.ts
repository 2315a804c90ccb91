import { describe, expect, it } from 'vitest'
import vectors from './vectors/saslprep.json' with { type: 'json' }
import { SaslError, saslprep } from '../src/index.js'
import { fromHex, rejectsWithCode } from './helpers/exchange.js'

const decode = (hexText: string) => new TextDecoder().decode(fromHex(hexText))

describe('SASLprep vectors', () => {
  for (const v of vectors.vectors) {
    it(`${v.id} — ${v.source}: ${v.expected.comment}`, async () => {
      const input = decode(v.inputs.input_utf8_hex)
      if (v.expected.error) {
        const error = await rejectsWithCode(() => saslprep(input), 'malformed-request')
        // The message names the rule broken, never the string.
        expect(error.message).toMatch(/RFC 3454 (table [A-D]\.|§6 item)/)
        expect(error.message).not.toContain(input)
        expect(error.details?.['rule']).toMatch(/^(C\.2\.1|6\.3)$/)
      } else {
        expect(saslprep(input)).toBe(decode(v.expected.output_utf8_hex!))
        expect(saslprep(input, { storedString: true })).toBe(decode(v.expected.output_utf8_hex!))
      }
    })
  }
})

describe('SASLprep rules (RFC 4013 §2, RFC 3454)', () => {
  const cases: Array<[string, string, string | { rule: string }, boolean?]> = [
    ['§2.1 non-ASCII space maps to SPACE', 'a\u00a0b\u3000c', 'a b c'],
    ['§2.1 B.1 maps to nothing (ZWSP, variation selector)', 'x\u200by\ufe0f', 'xy'],
    ['§2.2 NFKC composes', 'e\u0301', '\u00e9'],
    ['§2.2 NFKC compatibility (ligature, fullwidth)', '\ufb01\uff21', 'fiA'],
    ['§2.2 NFKC on Unicode 3.2 for Corrigendum #4 (U+2F868 → U+2136A, not U+36FC)', '\u{2f868}', '\u{2136a}'],
    ['a query keeps a code point unassigned in 3.2 as it is (U+1F100 has an NFKC mapping only since Unicode 5.2)', 'a\u{1f100}', 'a\u{1f100}'],
    ['a query does not reorder around a code point unassigned in 3.2 (U+110BA, ccc 7 today, a starter in 3.2)', 'a\u0366\u{110ba}', 'a\u0366\u{110ba}'],
    ['§2.3 C.1.2 is mapped before it could be prohibited', '\u2003x', ' x'],
    ['§2.3 C.2.1 ASCII control', 'ab\u007f', { rule: 'C.2.1' }],
    ['§2.3 C.2.2 non-ASCII control', 'ab\u0085', { rule: 'C.2.2' }],
    ['§2.3 C.3 private use', '\ue000', { rule: 'C.3' }],
    ['§2.3 C.4 non-character', 'a\ufdd0', { rule: 'C.4' }],
    ['§2.3 C.5 lone surrogate', 'a\ud800', { rule: 'C.5' }],
    ['§2.3 C.6 inappropriate for plain text', 'a\ufffd', { rule: 'C.6' }],
    ['§2.3 C.7 inappropriate for canonical representation', '\u2ff0', { rule: 'C.7' }],
    ['§2.3 C.8 change display properties', 'a\u200e', { rule: 'C.8' }],
    ['§2.3 C.9 tagging', 'a\u{e0041}', { rule: 'C.9' }],
    ['§2.4 bidi: RandALCat with LCat (RFC 3454 §6 item 2)', '\u05d0a\u05d1', { rule: '6.2' }],
    ['§2.4 bidi: RandALCat not last (RFC 3454 §6 item 3)', '\u05d01', { rule: '6.3' }],
    ['§2.4 bidi: all RandALCat is fine', '\u05d0\u05d1', '\u05d0\u05d1'],
    ['§2.4 bidi: RandALCat ends with neutrals between', '\u05d01\u05d1', '\u05d01\u05d1'],
    ['§2.5 unassigned code point in a stored string (A.1)', 'a\u0221', { rule: 'A.1' }, true],
    ['§2.5 the same code point in a query passes', 'a\u0221', 'a\u0221'],
    ['empty input gives empty output', '', ''],
    ['output empty after mapping', '\u00ad', ''],
  ]
  for (const [name, input, expected, stored] of cases) {
    it(name, async () => {
      if (typeof expected === 'string') {
        expect(saslprep(input, { storedString: stored === true })).toBe(expected)
      } else {
        const error = await rejectsWithCode(() => saslprep(input, { storedString: stored === true }), 'malformed-request')
        expect(error).toBeInstanceOf(SaslError)
        expect(error.details).toEqual({ rule: expected.rule })
      }
    })
  }

  it('refuses a non-string with a SaslError (the caller\'s mistake, decision 5)', async () => {
    await rejectsWithCode(() => saslprep(42 as unknown as string), 'protocol-violation')
  })
})
