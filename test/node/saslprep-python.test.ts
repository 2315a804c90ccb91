// Node-only: src/codec/saslprep.ts against a reference SASLprep on Python's stdlib stringprep
// and unicodedata.ucd_3_2_0 (scripts/saslprep-reference.py), for every code point of Unicode
// in both modes, and for random sequences built to exercise normalisation (combining marks,
// Hangul, composition exclusions, Corrigendum #4, code points unassigned in Unicode 3.2 but
// assigned, with decompositions or combining classes, in the runtime's Unicode), mapping and
// the bidi rule. Also checks that the generated tables are up to date.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SaslError } from '../../src/index.js'
import { saslprep } from '../../src/codec/saslprep.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

function ours(text: string, storedString: boolean): string {
  try {
    return Array.from(saslprep(text, { storedString }), (c) => c.codePointAt(0)!.toString(16)).join('.')
  } catch (error) {
    if (!(error instanceof SaslError) || error.code !== 'malformed-request') throw error
    return `!${String(error.details?.rule)}`
  }
}

// Deterministic PRNG (mulberry32) so a failure reproduces.
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const POOLS: number[][] = [
  range(0x41, 0x5a).concat(range(0x61, 0x7a), range(0x30, 0x39)),
  range(0x300, 0x36f), // combining diacritics
  [0x591, 0x5a2, 0x5b0, 0x5bc, 0x5c1, 0x5c2, 0x64b, 0x651, 0x93c, 0x94d, 0x0f71, 0x0f72, 0x0f80, 0x302a, 0x3099, 0x309a],
  range(0x1100, 0x1112).concat(range(0x1161, 0x1175), range(0x11a8, 0x11c2), [0xac00, 0xac01, 0xd7a3]), // Hangul
  [0xad, 0x34f, 0x1806, 0x180b, 0x200b, 0x200c, 0x200d, 0x2060, 0xfe00, 0xfe0f, 0xfeff], // B.1
  [0xa0, 0x1680, 0x2000, 0x2007, 0x200a, 0x202f, 0x205f, 0x3000], // C.1.2
  range(0x5d0, 0x5ea).concat(range(0x627, 0x64a), [0x6f0, 0x660, 0x200f, 0x200e, 0xfb1d, 0xfb4f]), // bidi R/AL, digits, marks
  [0xaa, 0xb5, 0x130, 0x149, 0x17f, 0x1e9b, 0x340, 0x341, 0x343, 0x344, 0x374, 0x37e, 0x387, 0x958, 0x9dc, 0xf43, 0xf73, 0xf75, 0xf77, 0xf79, 0xf81, 0x1f71, 0x2126, 0x212a, 0x212b, 0x2168, 0x2474, 0x3300, 0xfb01, 0xfb1f, 0xfb2a, 0xff21, 0xffe3, 0x1d15e, 0x1d165, 0x1d16e, 0x2f868, 0x2f874, 0x2f91f, 0x2f95f, 0x2f9bf, 0xf951, 0x2136a, 0x36fc],
  // Unassigned in Unicode 3.2, assigned later (with decompositions or non-zero combining classes).
  [0x221, 0x237, 0x358, 0x35d, 0x1dc0, 0x1dc4, 0x1e9e, 0x2c7c, 0x2c7d, 0x1f100, 0x1f12b, 0xa770, 0x1d7ca, 0x10a0f, 0x110ba, 0x20c0, 0x0d00, 0x1abe, 0x16ff0, 0x1e08f],
  [0x7, 0x7f, 0x85, 0x200e, 0x2028, 0x206a, 0xe000, 0xf8ff, 0xfdd0, 0xfffe, 0x1fffe, 0xe0001, 0xe0041, 0xfff9, 0xfffd, 0x2ff0], // prohibited (lone surrogates: only alone, above; two in a row would pair up in JS)
]

function randomSequences(count: number): number[][] {
  const rand = prng(4013)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!
  const out: number[][] = []
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(rand() * 8)
    const seq: number[] = []
    for (let j = 0; j < length; j++) {
      if (rand() < 0.1) {
        let cp = Math.floor(rand() * 0x110000)
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41
        seq.push(cp)
      } else {
        seq.push(pick(pick(POOLS)))
      }
    }
    out.push(seq)
  }
  return out
}

describe('SASLprep agrees with Python stringprep + unicodedata.ucd_3_2_0 (RFC 3454, Unicode 3.2)', () => {
  const sequences = randomSequences(20000)
  const reference = JSON.parse(
    execFileSync('python3', [`${root}/scripts/saslprep-reference.py`], {
      input: JSON.stringify({ sequences }),
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8'),
  ) as { single: Record<'query' | 'stored', string[]>; sequences: Record<'query' | 'stored', string[]> }

  for (const mode of ['query', 'stored'] as const) {
    it(`every code point U+0000..U+10FFFF alone, as a ${mode} string`, () => {
      const mismatches: string[] = []
      for (let cp = 0; cp < 0x110000; cp++) {
        const got = ours(String.fromCodePoint(cp), mode === 'stored')
        if (got !== reference.single[mode][cp]) mismatches.push(`U+${cp.toString(16)}: ${got} vs ${reference.single[mode][cp]}`)
      }
      expect(mismatches.slice(0, 20)).toEqual([])
    })

    it(`${sequences.length} random sequences, as ${mode} strings`, () => {
      const mismatches: string[] = []
      sequences.forEach((seq, i) => {
        const got = ours(String.fromCodePoint(...seq), mode === 'stored')
        if (got !== reference.sequences[mode][i]) mismatches.push(`${seq.map((c) => c.toString(16)).join(' ')}: ${got} vs ${reference.sequences[mode][i]}`)
      })
      expect(mismatches.slice(0, 20)).toEqual([])
    })
  }

  it('the generated tables are what scripts/gen-saslprep-tables.py produces', () => {
    expect(execFileSync('python3', [`${root}/scripts/gen-saslprep-tables.py`, '--check']).toString()).toMatch(/up to date/)
  })
})
