/**
 * SASLprep (RFC 4013): the stringprep profile (RFC 3454, Unicode 3.2) for usernames and
 * passwords. SCRAM applies it itself; PLAIN and LOGIN take it through their `prepare` option.
 *
 * @module saslkit/saslprep
 */
import { SaslError } from '../core/errors.js'
import * as tables from './saslprep-tables.js'
import { asciiSaslprep, saslprepError, type SaslprepOptions } from './saslprep-ascii.js'

export type { SaslprepOptions, SaslprepRule } from './saslprep-ascii.js'

/** A table as sorted, disjoint, inclusive ranges: [start0, end0, start1, end1, …]. */
type RangeTable = Uint32Array

function decodeTable(encoded: string): RangeTable {
  const numbers = encoded.split(',').map((n) => parseInt(n, 36))
  const out = new Uint32Array(numbers.length)
  let end = -1
  for (let i = 0; i < numbers.length; i += 2) {
    const start = end + 1 + numbers[i]!
    end = start + numbers[i + 1]!
    out[i] = start
    out[i + 1] = end
  }
  return out
}

function inTable(table: RangeTable, cp: number): boolean {
  let lo = 0
  let hi = table.length / 2 - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (cp < table[2 * mid]!) hi = mid - 1
    else if (cp > table[2 * mid + 1]!) lo = mid + 1
    else return true
  }
  return false
}

interface Tables {
  unassigned: RangeTable
  mappedToNothing: RangeTable
  nonAsciiSpace: RangeTable
  prohibited: ReadonlyArray<readonly [RangeTable, 'C.1.2' | 'C.2.1' | 'C.2.2' | 'C.3' | 'C.4' | 'C.5' | 'C.6' | 'C.7' | 'C.8' | 'C.9', string]>
  randAL: RangeTable
  l: RangeTable
  nfkcExceptions: ReadonlyMap<number, string>
}

let decoded: Tables | undefined

function load(): Tables {
  decoded ??= {
    unassigned: decodeTable(tables.A_1),
    mappedToNothing: decodeTable(tables.B_1),
    nonAsciiSpace: decodeTable(tables.C_1_2),
    prohibited: [
      [decodeTable(tables.C_1_2), 'C.1.2', 'non-ASCII space'],
      [decodeTable(tables.C_2_1), 'C.2.1', 'ASCII control'],
      [decodeTable(tables.C_2_2), 'C.2.2', 'non-ASCII control'],
      [decodeTable(tables.C_3), 'C.3', 'private use'],
      [decodeTable(tables.C_4), 'C.4', 'non-character code point'],
      [decodeTable(tables.C_5), 'C.5', 'surrogate code'],
      [decodeTable(tables.C_6), 'C.6', 'inappropriate for plain text'],
      [decodeTable(tables.C_7), 'C.7', 'inappropriate for canonical representation'],
      [decodeTable(tables.C_8), 'C.8', 'change display properties or deprecated'],
      [decodeTable(tables.C_9), 'C.9', 'tagging character'],
    ],
    randAL: decodeTable(tables.D_1),
    l: decodeTable(tables.D_2),
    nfkcExceptions: new Map(tables.NFKC_3_2_EXCEPTIONS.map(([cp, to]) => [cp, String.fromCodePoint(to)])),
  }
  return decoded
}

/**
 * NFKC as Unicode 3.2 defines it, on the runtime's own `normalize('NFKC')`; why this is exact
 * is docs/decisions/saslprep-unicode-version.md. Code points unassigned in 3.2 have no
 * decomposition and compose with nothing there, so they split the string into runs that
 * normalise independently and are kept as they are (the runtime's newer Unicode might know
 * them). Within a run, the five code points of Unicode Corrigendum #4 take their 3.2 mapping.
 */
function nfkc32(input: string, t: Tables): string {
  let out = ''
  let run = ''
  for (const ch of input) {
    const cp = ch.codePointAt(0)!
    if (inTable(t.unassigned, cp)) {
      out += run.normalize('NFKC') + ch
      run = ''
    } else {
      run += t.nfkcExceptions.get(cp) ?? ch
    }
  }
  return out + run.normalize('NFKC')
}

/**
 * SASLprep (RFC 4013 §2, on the RFC 3454 tables of Unicode 3.2): maps non-ASCII spaces to
 * SPACE and table B.1 to nothing, normalises with NFKC, refuses the prohibited characters of
 * §2.3, applies the bidi rule of RFC 3454 §6 and, for a stored string, refuses unassigned code
 * points. Any failure is `SaslError('malformed-request')` whose message and `details.rule` name
 * the rule broken, never the string; an input that is not a string is `protocol-violation`.
 *
 * @example
 * ```ts
 * import { saslprep } from 'saslkit/saslprep'
 * saslprep('I\u00ADX')   // 'IX'   (SOFT HYPHEN mapped to nothing)
 * saslprep('\u2168')    // 'IX'   (ROMAN NUMERAL NINE, NFKC)
 * saslprep('\u0007')    // throws SaslError('malformed-request'), details.rule 'C.2.1'
 * ```
 */
export function saslprep(input: string, options: SaslprepOptions = {}): string {
  // Decision 5: a non-string is the caller's mistake, not text SASLprep refuses.
  if (typeof input !== 'string') throw new SaslError('protocol-violation', 'SASLprep: not a string')
  const ascii = asciiSaslprep(input)
  if (ascii !== undefined) return ascii
  const t = load()

  // RFC 4013 §2.1: non-ASCII space (C.1.2) to SPACE, "commonly mapped to nothing" (B.1) to nothing.
  let mapped = ''
  for (const ch of input) {
    const cp = ch.codePointAt(0)!
    if (inTable(t.mappedToNothing, cp)) continue
    mapped += inTable(t.nonAsciiSpace, cp) ? ' ' : ch
  }

  // RFC 4013 §2.2: Unicode normalization form KC.
  const output = nfkc32(mapped, t)

  let hasRandAL = false
  let hasL = false
  for (const ch of output) {
    const cp = ch.codePointAt(0)!
    // RFC 4013 §2.3: prohibited output.
    for (const [table, rule, what] of t.prohibited) {
      if (inTable(table, cp)) throw saslprepError(rule, `prohibited character, ${what}`)
    }
    // RFC 4013 §2.5 and RFC 3454 §7: a stored string must not hold unassigned code points.
    if (options.storedString === true && inTable(t.unassigned, cp)) {
      throw saslprepError('A.1', 'unassigned code point in a stored string')
    }
    if (inTable(t.randAL, cp)) hasRandAL = true
    else if (inTable(t.l, cp)) hasL = true
  }

  // RFC 4013 §2.4, RFC 3454 §6: bidirectional characters.
  if (hasRandAL) {
    if (hasL) throw saslprepError('6.2', 'bidi rule, RandALCat and LCat characters mixed')
    const first = output.codePointAt(0)!
    const last = output.codePointAt(output.length - (isLowSurrogate(output.charCodeAt(output.length - 1)) ? 2 : 1))!
    if (!inTable(t.randAL, first) || !inTable(t.randAL, last)) {
      throw saslprepError('6.3', 'bidi rule, a RandALCat string must start and end with RandALCat')
    }
  }
  return output
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff
}
