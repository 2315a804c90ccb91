import { SaslError } from '../core/errors.js'
import type { Gs2Header } from './gs2.js'

/**
 * Unescapes a saslname; any other `=` sequence, or a raw `,`, is `malformed-request`.
 *
 * @example
 * ```ts
 * unescapeSaslname('a=2Cb=3Dc') // 'a,b=c'
 * ```
 */
export function unescapeSaslname(escaped: string): string {
  if (escaped.includes(',') || /=(?!2C|3D)/.test(escaped)) {
    throw new SaslError('malformed-request', 'invalid saslname escape')
  }
  return escaped.replace(/=2C/g, ',').replace(/=3D/g, '=')
}


/**
 * Parses the GS2 header at the start of `message`; returns it with the header text (for the
 * SCRAM `c=` echo) and what follows. Anything but `n`/`y`/`p=type` and an optional `a=` is
 * `malformed-request` (RFC 7628 §4.4's `n,user=…` example is refused).
 *
 * @example
 * ```ts
 * parseGs2Header('n,a=bob,n=bob,r=abc') // { header: { flag: 'n', authzid: 'bob' }, text: 'n,a=bob,', rest: 'n=bob,r=abc' }
 * ```
 */
export function parseGs2Header(message: string): { header: Gs2Header; text: string; rest: string } {
  const first = message.indexOf(',')
  const second = first < 0 ? -1 : message.indexOf(',', first + 1)
  if (second < 0) throw new SaslError('malformed-request', 'GS2 header: missing fields')
  const flagField = message.slice(0, first)
  const authzidField = message.slice(first + 1, second)
  let header: { flag: 'n' | 'y' | 'p'; cbType?: string; authzid?: string }
  if (flagField === 'n' || flagField === 'y') header = { flag: flagField }
  else if (/^p=[A-Za-z0-9.-]+$/.test(flagField)) header = { flag: 'p', cbType: flagField.slice(2) }
  else throw new SaslError('malformed-request', 'GS2 header: invalid channel-binding flag')
  if (authzidField !== '') {
    if (!authzidField.startsWith('a=') || authzidField.length === 2) throw new SaslError('malformed-request', 'GS2 header: invalid authzid field')
    header.authzid = unescapeSaslname(authzidField.slice(2))
  }
  return { header, text: message.slice(0, second + 1), rest: message.slice(second + 1) }
}
