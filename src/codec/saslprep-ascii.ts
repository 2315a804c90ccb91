/**
 * The part of SASLprep every SCRAM exchange needs: plain ASCII takes a fast path, and only a
 * string with other characters loads the RFC 3454 tables (a dynamic import, so a bundle that
 * never meets one never downloads them).
 */
import { SaslError } from '../core/errors.js'

/**
 * Options of {@link saslprep}.
 *
 * @example
 * ```ts
 * saslprep(password, { storedString: true }) // unassigned code points refused
 * ```
 */
export interface SaslprepOptions {
  /**
   * Treat the string as a "stored string" (RFC 3454 §7): unassigned code points are refused.
   * Default false, a "query": they pass through unchanged. SCRAM (RFC 5802 §2.2) prepares
   * passwords as stored strings and usernames as queries.
   */
  readonly storedString?: boolean
}

/**
 * The rule a string broke: an RFC 3454 table (A.1 unassigned, C.x prohibited) or an item of
 * RFC 3454 §6 (bidi: `6.2` RandALCat mixed with LCat, `6.3` RandALCat not at both ends).
 *
 * @example
 * ```ts
 * const rule: SaslprepRule = 'C.2.1'
 * ```
 */
export type SaslprepRule =
  | 'A.1'
  | 'C.1.2'
  | 'C.2.1'
  | 'C.2.2'
  | 'C.3'
  | 'C.4'
  | 'C.5'
  | 'C.6'
  | 'C.7'
  | 'C.8'
  | 'C.9'
  | '6.2'
  | '6.3'

/** The error for a broken rule: it names the rule, never the string (it may be a password). */
export function saslprepError(rule: SaslprepRule, what: string): SaslError {
  const where = rule.startsWith('6.') ? `RFC 3454 §6 item ${rule.slice(2)}` : `RFC 3454 table ${rule}`
  return new SaslError('malformed-request', `SASLprep: ${what} (${where})`, { details: { rule } })
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/
const ASCII = /^[\x00-\x7f]*$/

/**
 * SASLprep of a plain ASCII string: the identity, except that ASCII control characters are
 * prohibited (RFC 4013 §2.3, table C.2.1); no other table holds an ASCII code point, and NFKC
 * leaves ASCII unchanged. Returns `undefined` when the string is not plain ASCII.
 */
export function asciiSaslprep(input: string): string | undefined {
  if (PRINTABLE_ASCII.test(input)) return input
  if (ASCII.test(input)) throw saslprepError('C.2.1', 'prohibited character, ASCII control')
  return undefined
}

/** SASLprep that loads the tables only for a string that is not plain ASCII. */
export async function saslprepLazily(input: string, options: SaslprepOptions = {}): Promise<string> {
  const ascii = asciiSaslprep(input)
  if (ascii !== undefined) return ascii
  const { saslprep } = await import('./saslprep.js')
  return saslprep(input, options)
}
