/**
 * SMTP AUTH (RFC 4954) without I/O: the lines of the `AUTH` exchange for any saslkit
 * mechanism, client and server, with RFC 3463/5248 enhanced status codes; EHLO parsing and
 * the `MAIL FROM … AUTH=` parameter (RFC 4954 §5).
 *
 * @example
 * ```ts
 * import * as smtp from 'saslkit/smtp'
 * const ex = smtp.client(plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }))
 * await ex.begin()                                      // 'AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm'
 * await ex.receive('235 2.7.0 Authentication successful') // { done: true }
 * ```
 *
 * @module saslkit/smtp
 */
import { SaslError, type SaslErrorCode, type SaslReply } from '../core/errors.js'
import type { SaslClient } from '../core/types.js'
import { base64Encode } from '../codec/base64.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import {
  ProfileServer,
  clientExchange,
  excerpt,
  mechanismName,
  type AnyMechanism,
  type ClientExchange,
  type ClientWire,
  type ProfileServerOptions,
  type ServerEvent,
  type WireLoader,
} from './common.js'

/** The server side's wire format, imported on the first line of the profile's first server. */
const loadWire: WireLoader = () => import('./smtp-server.js').then((module) => module.SERVER_WIRE)

export type { AnyMechanism, ClientAction, ClientExchange, MechanismServerOptions, ProfileServerOptions, ServerExchange, ServerResult } from './common.js'

/**
 * SMTP client options.
 *
 * @example
 * ```ts
 * const ex = smtp.client(saslClient, { initialResponse: false }) // AUTH PLAIN, then the response after "334 "
 * ```
 */
export interface SmtpClientOptions {
  /** Send the initial response with `AUTH` (default true; it is withheld anyway past 512 octets). */
  readonly initialResponse?: boolean
}

/**
 * SMTP server options: the mechanisms, the channel, the shared mechanism options.
 *
 * @example
 * ```ts
 * const options: SmtpServerOptions<[typeof plain]> = { mechanisms: [plain], channel: { secure: true }, credentials }
 * ```
 */
export type SmtpServerOptions<L extends readonly AnyMechanism[] = readonly AnyMechanism[]> = ProfileServerOptions<L>

/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF. */
const COMMAND_LINE_LIMIT = 512

// RFC 3463 §2: class.subject.detail, the class matching the reply code's first digit.
const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?: |$)/

function splitEnhanced(code: number, text: string): { enhanced?: string; text: string } {
  const m = ENHANCED.exec(text)
  if (m === null || Number(m[1]) !== Math.floor(code / 100)) return { text }
  return { enhanced: `${m[1]}.${m[2]}.${m[3]}`, text: text.slice(m[0].length) }
}

/** The SaslError code of each SMTP failure reply code (API.md §6). */
const REPLY_ERRORS: Readonly<Record<number, SaslErrorCode>> = {
  432: 'credentials-expired', // RFC 4954 §6: 4.7.12 A password transition is needed
  454: 'temporary-auth-failure', // RFC 4954 §6: 4.7.0 Temporary authentication failure
  500: 'malformed-request', // RFC 4954 §6: 5.5.6 Authentication Exchange line is too long
  501: 'malformed-request', // RFC 4954 §4: undecodable data (or the answer to '*': aborted)
  503: 'protocol-violation', // RFC 4954 §4: AUTH after AUTH, or during a mail transaction
  504: 'invalid-mechanism', // RFC 4954 §4: 5.5.4 unknown mechanism
  525: 'account-disabled', // RFC 5248: 5.7.13 User Account Disabled
  530: 'encryption-required', // RFC 3207 §4: 5.7.0 Must issue a STARTTLS command first
  534: 'mechanism-too-weak', // RFC 4954 §6: 5.7.9 Authentication mechanism is too weak
  535: 'not-authorized', // RFC 4954 §6: 5.7.8 Authentication credentials invalid
  538: 'encryption-required', // RFC 4954 §6: 5.7.11 Encryption required for requested authentication mechanism
}

/** For another reply code: its enhanced status code's subject.detail (RFC 3463, RFC 5248). */
const ENHANCED_ERRORS: Readonly<Record<string, SaslErrorCode>> = {
  '7.8': 'not-authorized',
  '7.9': 'mechanism-too-weak',
  '7.11': 'encryption-required',
  '7.12': 'credentials-expired',
  '7.13': 'account-disabled',
}

function errorCode(code: number, enhanced: string | undefined, cancelled: boolean): SaslErrorCode {
  if (code === 501 && cancelled) return 'aborted'
  return REPLY_ERRORS[code] ?? ENHANCED_ERRORS[enhanced?.slice(2) ?? ''] ?? (code < 500 ? 'temporary-auth-failure' : 'not-authorized')
}

function smtpClientWire(mechanism: string, options: SmtpClientOptions): ClientWire {
  let continued: number | undefined
  let texts: string[] = []
  return {
    multiline: false,
    cancelLine: '*',
    command(initial) {
      const command = `AUTH ${mechanism}`
      if (initial === undefined) return { line: command, withheld: false }
      // RFC 4954 §4: an empty initial response is sent as "=".
      const line = `${command} ${initial.length === 0 ? '=' : base64Encode(initial)}`
      // RFC 4954 §4: an initial response that would pass the line limit waits for "334 ".
      if (options.initialResponse === false || line.length + 2 > COMMAND_LINE_LIMIT) return { line: command, withheld: true }
      return { line, withheld: false }
    },
    response: base64Encode,
    parse(line, cancelled): ServerEvent {
      // RFC 5321 §4.2: Reply-code [ ( "-" / SP ) textstring ]; "-" continues a multi-line reply.
      const m = /^([2-5][0-9][0-9])(?:([ -])(.*))?$/.exec(line)
      if (m === null) throw new SaslError('malformed-request', `not an SMTP reply: ${excerpt(line)}`)
      const code = Number(m[1])
      if (continued !== undefined && code !== continued) throw new SaslError('malformed-request', 'reply code changed inside a multi-line reply')
      texts.push(m[3] ?? '')
      if (m[2] === '-') {
        if (texts.length > 100) throw new SaslError('malformed-request', 'multi-line reply too long')
        continued = code
        return { type: 'continue' }
      }
      const lines = texts
      continued = undefined
      texts = []
      if (code === 334) {
        // RFC 4954 §4: "334" SP [base64]; a challenge is a single line.
        if (lines.length !== 1) throw new SaslError('malformed-request', 'multi-line 334 reply')
        return { type: 'challenge', text: lines[0]! }
      }
      if (code === 235) return { type: 'success' }
      if (code < 400) throw new SaslError('malformed-request', `unexpected reply ${code} to AUTH`)
      const parts = lines.map((text) => splitEnhanced(code, text))
      const enhanced = parts[0]!.enhanced
      const text = parts.map((p) => p.text).join('\n')
      const reply: SaslReply = enhanced === undefined ? { code, text } : { code, enhanced, text }
      const saslCode = errorCode(code, enhanced, cancelled)
      return { type: 'failure', error: new SaslError(saslCode, `SMTP ${code}${enhanced === undefined ? '' : ` ${enhanced}`}: ${excerpt(text)}`, { reply }) }
    },
  }
}

/**
 * An SMTP server profile with its EHLO advertisement.
 *
 * @example
 * ```ts
 * const srv = smtp.server({ mechanisms: [plain, login], channel: { secure: true }, credentials })
 * srv.advertise() // ['AUTH PLAIN LOGIN']
 * ```
 */
export class SmtpServer extends ProfileServer {
  /**
   * The EHLO keyword lines (without `250-`) for the mechanisms the channel allows: `AUTH …`,
   * and with `legacy` also `AUTH=…` for pre-RFC 2554 clients. Empty when nothing is allowed.
   */
  advertise(options: { readonly legacy?: boolean } = {}): string[] {
    if (this.mechanisms.length === 0) return []
    const list = this.mechanisms.join(' ')
    return options.legacy === true ? [`AUTH ${list}`, `AUTH=${list}`] : [`AUTH ${list}`]
  }
}

/**
 * Drives a client mechanism through SMTP AUTH (RFC 4954): `AUTH <mech> [initial-response]`
 * (`=` when empty, withheld past 512 octets), `334` challenges (a non-base64 first one, like
 * Exchange's `334 NTLM supported`, is empty), `*` to cancel, `235` success. A 4xx/5xx reply
 * throws a `SaslError` with the reply kept: `535 5.7.8` → `not-authorized`, `534 5.7.9` →
 * `mechanism-too-weak`, `538 5.7.11` and `530 5.7.0` → `encryption-required`, `454 4.7.0` →
 * `temporary-auth-failure`, `504 5.5.4` → `invalid-mechanism`, `501` → `malformed-request`
 * (`aborted` after a cancel).
 *
 * @example
 * ```ts
 * const ex = smtp.client(plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }))
 * let line = await ex.begin()
 * // write line + '\r\n', then for every reply line: const act = await ex.receive(reply)
 * ```
 */
export function client(sasl: SaslClient, options: SmtpClientOptions = {}): ClientExchange {
  const copied: SmtpClientOptions = options?.initialResponse === false ? { initialResponse: false } : {}
  return clientExchange(sasl, (mechanism) => smtpClientWire(mechanism, copied))
}

/**
 * The server side of SMTP AUTH for one connection: feed it each `AUTH` command and each line
 * of the exchange. Answers `334` challenges and `235 2.7.0 Authentication successful`;
 * refuses with `504 5.5.4` (unknown mechanism), `538 5.7.11` (plaintext mechanism without
 * TLS), `535 5.7.8` (credentials), `534 5.7.9`, `454 4.7.0`, `501 5.0.0` (cancel),
 * `501 5.5.2` (bad base64), `500 5.5.6` (line over 12,288 octets) and `503 5.5.1` (already
 * authenticated). Success data (SCRAM `v=`) goes out as one more `334`; `235` follows the
 * client's empty line.
 *
 * @example
 * ```ts
 * const srv = smtp.server({ mechanisms: [scramSha256, plain], channel: { secure: tlsActive }, credentials })
 * const r = await srv.receive('AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm')
 * // r: { reply: '235 2.7.0 Authentication successful', done: true, identity }
 * ```
 */
export function server<const L extends readonly AnyMechanism[]>(options: SmtpServerOptions<L>): SmtpServer {
  return new SmtpServer(loadWire, options as unknown as ProfileServerOptions)
}

/**
 * What an EHLO reply says about authentication and the extensions around it.
 *
 * @example
 * ```ts
 * const caps: EhloCapabilities = parseEhlo(['250-mail.example.com', '250 AUTH PLAIN LOGIN'])
 * caps.mechanisms // ['PLAIN', 'LOGIN']
 * ```
 */
export interface EhloCapabilities {
  /** The server's name, first word of the first line. */
  readonly domain: string
  /** Mechanisms from `AUTH` and the legacy `AUTH=` lines, upper-case, without duplicates. */
  readonly mechanisms: readonly string[]
  readonly startTls: boolean
  /** RFC 1870 SIZE: the limit in octets, 0 when none is declared, undefined without SIZE. */
  readonly size: number | undefined
  readonly enhancedStatusCodes: boolean
  readonly pipelining: boolean
  /** Every EHLO keyword (upper-case) with its parameters. */
  readonly extensions: ReadonlyMap<string, readonly string[]>
}

/**
 * Parses an EHLO reply, given as its lines without CRLF (`250-…` lines, then `250 …`).
 * Throws `SaslError('malformed-request')` for anything else.
 *
 * @example
 * ```ts
 * parseEhlo(['250-smtp.example.com Hello', '250-AUTH=LOGIN PLAIN', '250-AUTH PLAIN LOGIN XOAUTH2', '250-SIZE 35882577', '250 STARTTLS'])
 * // { domain: 'smtp.example.com', mechanisms: ['LOGIN', 'PLAIN', 'XOAUTH2'], startTls: true, size: 35882577, … }
 * ```
 */
export function parseEhlo(lines: readonly string[]): EhloCapabilities {
  const malformed = (why: string) => new SaslError('malformed-request', `EHLO: ${why}`)
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > 1000) throw malformed('expected the reply lines')
  const extensions = new Map<string, string[]>()
  // A Set keeps the order of first appearance and drops duplicates.
  const mechanisms = new Set<string>()
  let domain = ''
  lines.forEach((line, i) => {
    if (typeof line !== 'string' || line.length > 4096) throw malformed('line is not a string or too long')
    // RFC 5321 §4.1.1.1: "250-" lines, then a final "250 " (or bare "250") line.
    const m = /^250(?:([ -])(.*))?$/.exec(line)
    if (m === null || (m[1] === '-') === (i === lines.length - 1)) throw malformed(`unexpected line ${excerpt(line)}`)
    const text = m[2] ?? ''
    if (i === 0) {
      domain = text.split(' ')[0]!
      if (domain === '') throw malformed('no domain')
      return
    }
    const params = text.split(' ').filter((w) => w !== '')
    let name = params.shift()?.toUpperCase()
    if (name === undefined) throw malformed('empty extension line')
    // RFC 4954 §3 and its "AUTH=" predecessor (sent by old Microsoft servers): both list
    // mechanisms; the legacy keyword carries the first one ("AUTH=LOGIN PLAIN").
    if (name.startsWith('AUTH=')) {
      if (name.length > 5) params.unshift(name.slice(5))
      name = 'AUTH='
    }
    // RFC 5321 §4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); skip what is not one.
    if (!/^[A-Z0-9][A-Z0-9-]*=?$/.test(name)) return
    extensions.set(name, [...(extensions.get(name) ?? []), ...params])
    if (name === 'AUTH' || name === 'AUTH=') {
      for (const param of params) {
        const mechanism = mechanismName(param)
        if (mechanism !== undefined) mechanisms.add(mechanism)
      }
    }
  })
  const size = extensions.get('SIZE')
  // RFC 1870 §4: SIZE [number]; no number (or 0) means no fixed limit.
  if (size !== undefined && (size.length > 1 || (size[0] !== undefined && !/^[0-9]{1,20}$/.test(size[0])))) throw malformed('invalid SIZE')
  return {
    domain,
    mechanisms: [...mechanisms],
    startTls: extensions.has('STARTTLS'),
    size: size === undefined ? undefined : Number(size[0] ?? 0),
    enhancedStatusCodes: extensions.has('ENHANCEDSTATUSCODES'),
    pipelining: extensions.has('PIPELINING'),
    extensions,
  }
}

/**
 * xtext encoding (RFC 3461 §4, used by RFC 4954 §5): printable ASCII but `+` and `=` as is,
 * every other octet of the UTF-8 form as `+XX`.
 *
 * @example
 * ```ts
 * encodeXtext('e=mc2@example.com') // 'e+3Dmc2@example.com'
 * ```
 */
export function encodeXtext(text: string): string {
  // Decision 5: a value that is not text is the caller's mistake.
  if (typeof text !== 'string') throw new SaslError('protocol-violation', 'xtext: not a string')
  let out = ''
  for (const byte of utf8Encode(text)) {
    out += byte >= 0x21 && byte <= 0x7e && byte !== 0x2b && byte !== 0x3d ? String.fromCharCode(byte) : `+${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/**
 * xtext decoding (RFC 3461 §4), strict: `+` must be followed by two upper-case hex digits,
 * only `!`..`~` but `+`/`=` may appear bare. Throws `SaslError('malformed-request')`, or
 * `incorrect-encoding` when the octets are not UTF-8.
 *
 * @example
 * ```ts
 * decodeXtext('e+3Dmc2@example.com') // 'e=mc2@example.com'
 * ```
 */
export function decodeXtext(xtext: string): string {
  if (typeof xtext !== 'string' || xtext.length > 4096) throw new SaslError('malformed-request', 'xtext: not a string or too long')
  const bytes: number[] = []
  for (let i = 0; i < xtext.length; i++) {
    const c = xtext.charCodeAt(i)
    if (c === 0x2b) {
      const hex = xtext.slice(i + 1, i + 3)
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new SaslError('malformed-request', 'xtext: "+" must be followed by two upper-case hex digits')
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else if (c >= 0x21 && c <= 0x7e && c !== 0x3d) bytes.push(c)
    else throw new SaslError('malformed-request', 'xtext: character outside xchar')
  }
  return utf8Decode(new Uint8Array(bytes))
}

/**
 * The `AUTH=` parameter of `MAIL FROM` (RFC 4954 §5): the authenticated identity the message
 * is submitted for, or `<>` when it is unknown or must not be trusted.
 *
 * @example
 * ```ts
 * `MAIL FROM:<e=mc2@example.com> ${authParameter('e=mc2@example.com')}` // '… AUTH=e+3Dmc2@example.com'
 * authParameter(undefined) // 'AUTH=<>'
 * ```
 */
export function authParameter(identity: string | undefined): string {
  return identity === undefined || identity === '' ? 'AUTH=<>' : `AUTH=${encodeXtext(identity)}`
}

/**
 * Reads an `AUTH=` parameter of `MAIL FROM` (RFC 4954 §5): the identity, or undefined for
 * `AUTH=<>`. Throws `SaslError('malformed-request')` for anything else.
 *
 * @example
 * ```ts
 * parseAuthParameter('AUTH=e+3Dmc2@example.com') // 'e=mc2@example.com'
 * parseAuthParameter('AUTH=<>')                  // undefined
 * ```
 */
export function parseAuthParameter(parameter: string): string | undefined {
  if (typeof parameter !== 'string' || !/^auth=/i.test(parameter)) throw new SaslError('malformed-request', 'expected an AUTH= parameter')
  const value = parameter.slice(5)
  if (value === '<>') return undefined
  if (value === '') throw new SaslError('malformed-request', 'empty AUTH= parameter')
  return decodeXtext(value)
}

