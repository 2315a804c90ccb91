/**
 * Reading OAuth 1.0a requests (RFC 5849 §3.5–§3.6): percent-decoding, forms, and the
 * `Authorization: OAuth` parameter list. Only the lazily loaded OAUTH10A and XOAUTH servers
 * need it.
 */
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { malformed } from './oauth-framing.js'
import type { Param } from './oauth1-signature.js'


/**
 * Percent-decoding. `strict` (a value encoded per RFC 5849 §3.6, as in the Authorization
 * header): only unreserved characters and `%XX`. Otherwise (a form-encoded query or body,
 * W3C HTML 4.01 §17.13.4): `+` is a space and other characters stand for themselves; a `%`
 * not followed by two hex digits is refused in both modes.
 */
export function percentDecode(mechanism: string, text: string, strict: boolean): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) throw malformed(mechanism, 'invalid percent-encoding')
  if (strict && !/^(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})*$/.test(text)) throw malformed(mechanism, 'a parameter value is not percent-encoded')
  // %XX is ASCII, so walking the UTF-8 bytes of the text finds every escape intact.
  const input = utf8Encode(strict ? text : text.replace(/\+/g, ' '))
  const out = new Uint8Array(input.length)
  let length = 0
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0x25) {
      out[length++] = parseInt(String.fromCharCode(input[i + 1]!, input[i + 2]!), 16)
      i += 2
    } else {
      out[length++] = input[i]!
    }
  }
  return utf8Decode(out.subarray(0, length))
}

/** An `application/x-www-form-urlencoded` string (a query or RFC 7628's `qs=`/`post=`) as decoded pairs. */
export function parseForm(mechanism: string, text: string): Param[] {
  if (text === '') return []
  return text.split('&').map((item) => {
    const eq = item.indexOf('=')
    const name = eq < 0 ? item : item.slice(0, eq)
    const value = eq < 0 ? '' : item.slice(eq + 1)
    return [percentDecode(mechanism, name, false), percentDecode(mechanism, value, false)] as const
  })
}

/** RFC 2617 auth-param with a quoted value; RFC 5849 §3.5.1 allows optional whitespace around commas. */
const AUTH_PARAM = /[ \t]*([A-Za-z0-9_.-]+)="([^"\\\x00-\x1f\x7f]*)"[ \t]*(,|$)/y

/**
 * Splits an `OAuth` parameter list (RFC 5849 §3.5.1) into raw name/value pairs, strictly:
 * every value quoted, comma-separated, nothing left over. Values are not yet decoded.
 */
export function parseAuthParams(mechanism: string, text: string): Param[] {
  const params: Param[] = []
  AUTH_PARAM.lastIndex = 0
  for (;;) {
    const match = AUTH_PARAM.exec(text)
    if (match === null) throw malformed(mechanism, 'invalid OAuth parameter list')
    params.push([match[1]!, match[2]!])
    if (match[3] === '') return params
  }
}
