/**
 * POP3 AUTH (RFC 5034) without I/O: `AUTH <mech> [initial-response]`, `+` continuations,
 * `*` cancel, `+OK` / `-ERR` with the RFC 2449/3206 extended response codes; CAPA parsing.
 *
 * @example
 * ```ts
 * import * as pop3 from 'saslkit/pop3'
 * const ex = pop3.client(plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }))
 * await ex.begin()                       // 'AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm'
 * await ex.receive('+OK Maildrop locked') // { done: true }
 * ```
 *
 * @module saslkit/pop3
 */
import { SaslError, type SaslErrorCode, type SaslReply } from '../core/errors.js'
import type { SaslClient } from '../core/types.js'
import { base64Encode } from '../codec/base64.js'
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
const loadWire: WireLoader = () => import('./pop3-server.js').then((module) => module.SERVER_WIRE)

export type { AnyMechanism, ClientAction, ClientExchange, MechanismServerOptions, ProfileServerOptions, ServerExchange, ServerResult } from './common.js'

/**
 * POP3 client options.
 *
 * @example
 * ```ts
 * const ex = pop3.client(saslClient, { initialResponse: false })
 * ```
 */
export interface Pop3ClientOptions {
  /** Send the initial response with `AUTH` (default true; withheld anyway past 255 octets). */
  readonly initialResponse?: boolean
}

/**
 * POP3 server options: the mechanisms, the channel, the shared mechanism options.
 *
 * @example
 * ```ts
 * const options: Pop3ServerOptions<[typeof plain]> = { mechanisms: [plain], channel: { secure: true }, credentials }
 * ```
 */
export type Pop3ServerOptions<L extends readonly AnyMechanism[] = readonly AnyMechanism[]> = ProfileServerOptions<L>

/** RFC 2449 §4: commands are at most 255 octets including CRLF (RFC 5034 §4 applies it to AUTH). */
const COMMAND_LINE_LIMIT = 255

/** RFC 3206 / RFC 2449 §8 extended response codes and their SaslError codes (API.md §6). */
const CODES: ReadonlyArray<readonly [string, SaslErrorCode]> = [
  ['AUTH', 'not-authorized'],
  ['SYS/TEMP', 'temporary-auth-failure'],
  // RFC 3206 §4: SYS/PERM needs the administrator, as a disabled account does.
  ['SYS/PERM', 'account-disabled'],
  ['IN-USE', 'temporary-auth-failure'],
  ['LOGIN-DELAY', 'temporary-auth-failure'],
]


function pop3ClientWire(mechanism: string, options: Pop3ClientOptions): ClientWire {
  return {
    multiline: false,
    cancelLine: '*',
    command(initial) {
      const command = `AUTH ${mechanism}`
      if (initial === undefined) return { line: command, withheld: false }
      // RFC 5034 §4: an empty initial response is "="; one past the 255-octet limit waits for "+ ".
      const line = `${command} ${initial.length === 0 ? '=' : base64Encode(initial)}`
      if (options.initialResponse === false || line.length + 2 > COMMAND_LINE_LIMIT) return { line: command, withheld: true }
      return { line, withheld: false }
    },
    response: (data) => base64Encode(data),
    parse(line, cancelled): ServerEvent {
      // RFC 5034 §4: continuation = "+" [SP base64]; success "+OK", failure "-ERR".
      if (line === '+' || line.startsWith('+ ')) return { type: 'challenge', text: line.slice(2) }
      const m = /^(\+OK|-ERR)(?: (.*))?$/i.exec(line)
      if (m === null) throw new SaslError('malformed-request', `not a POP3 reply: ${excerpt(line)}`)
      if (m[1]!.toUpperCase() === '+OK') return { type: 'success' }
      // RFC 2449 §8: "-ERR" SP "[" resp-code "]" SP text.
      const coded = /^\[([A-Za-z0-9/-]+)\](?: (.*))?$/.exec(m[2] ?? '')
      const condition = coded?.[1]?.toUpperCase()
      const text = coded === null ? (m[2] ?? '') : (coded[2] ?? '')
      const reply: SaslReply = condition === undefined ? { code: 0, status: '-ERR', text } : { code: 0, status: '-ERR', condition, text }
      const code: SaslErrorCode = cancelled ? 'aborted' : (CODES.find(([name]) => name === condition)?.[1] ?? 'not-authorized')
      return { type: 'failure', error: new SaslError(code, `POP3 -ERR: ${excerpt(m[2] ?? '')}`, { reply }) }
    },
  }
}


/**
 * A POP3 server profile with its CAPA advertisement.
 *
 * @example
 * ```ts
 * const srv = pop3.server({ mechanisms: [plain], channel: { secure: true }, credentials })
 * srv.advertise() // ['SASL PLAIN']
 * ```
 */
export class Pop3Server extends ProfileServer {
  /** The CAPA lines (RFC 5034 §3): `SASL <mechanisms>`, or none when the channel allows none. */
  advertise(): string[] {
    return this.mechanisms.length === 0 ? [] : [`SASL ${this.mechanisms.join(' ')}`]
  }
}

/**
 * Drives a client mechanism through POP3 AUTH (RFC 5034): `AUTH <mech> [ir]` (`=` when
 * empty, withheld past 255 octets), `+` continuations, `*` to cancel, `+OK` success;
 * `-ERR` throws a `SaslError` with the reply kept: `[AUTH]` → `not-authorized`,
 * `[SYS/TEMP]` → `temporary-auth-failure`, `[SYS/PERM]` → `account-disabled`, no code →
 * `not-authorized` (`aborted` after a cancel).
 *
 * @example
 * ```ts
 * const ex = pop3.client(saslClient)
 * send(await ex.begin())
 * ```
 */
export function client(sasl: SaslClient, options: Pop3ClientOptions = {}): ClientExchange {
  const copied: Pop3ClientOptions = options?.initialResponse === false ? { initialResponse: false } : {}
  return clientExchange(sasl, (mechanism) => pop3ClientWire(mechanism, copied))
}

/**
 * The server side of POP3 AUTH for one connection. Answers `+` challenges and `+OK`;
 * refuses with `-ERR [AUTH]` (credentials, authorization, encryption required),
 * `-ERR [SYS/TEMP]`, `-ERR [SYS/PERM]` (account disabled) and a plain `-ERR` for an unknown
 * mechanism, a cancel, bad base64, bad syntax, an over-long line or a second AUTH.
 *
 * @example
 * ```ts
 * const srv = pop3.server({ mechanisms: [plain], channel: { secure: true }, credentials })
 * await srv.receive('AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm') // { reply: '+OK Authentication successful', … }
 * ```
 */
export function server<const L extends readonly AnyMechanism[]>(options: Pop3ServerOptions<L>): Pop3Server {
  return new Pop3Server(loadWire, options as unknown as ProfileServerOptions)
}

/**
 * What a CAPA response says about authentication.
 *
 * @example
 * ```ts
 * const caps: Pop3Capabilities = parseCapabilities(['+OK', 'SASL PLAIN', 'STLS', '.'])
 * ```
 */
export interface Pop3Capabilities {
  /** From the `SASL` line, upper-case. */
  readonly mechanisms: readonly string[]
  /** RFC 2595 §4: STLS. */
  readonly startTls: boolean
  /** RFC 2449 §6.8: USER/PASS is allowed. */
  readonly user: boolean
  /** Every capability (upper-case) with its arguments. */
  readonly extensions: ReadonlyMap<string, readonly string[]>
}

/**
 * Parses a CAPA response (RFC 2449 §5), given as its lines without CRLF; the leading `+OK`
 * line and the terminating `.` are optional, dot-stuffing is undone. Throws
 * `SaslError('malformed-request')` for a `-ERR` or anything after the `.`.
 *
 * @example
 * ```ts
 * parseCapabilities(['+OK Capability list follows', 'USER', 'SASL SCRAM-SHA-256 PLAIN', 'STLS', '.'])
 * // { mechanisms: ['SCRAM-SHA-256', 'PLAIN'], startTls: true, user: true, … }
 * ```
 */
export function parseCapabilities(lines: readonly string[]): Pop3Capabilities {
  if (!Array.isArray(lines) || lines.length > 1000) throw new SaslError('malformed-request', 'CAPA: expected the response lines')
  const extensions = new Map<string, string[]>()
  let ended = false
  lines.forEach((raw, i) => {
    if (typeof raw !== 'string' || raw.length > 4096) throw new SaslError('malformed-request', 'CAPA: line is not a string or too long')
    if (ended) throw new SaslError('malformed-request', 'CAPA: lines after the terminating "."')
    if (i === 0 && /^\+OK(?: |$)/i.test(raw)) return
    if (i === 0 && /^-ERR(?: |$)/i.test(raw)) throw new SaslError('malformed-request', 'CAPA: the server refused CAPA')
    if (raw === '.') {
      ended = true
      return
    }
    // RFC 1939 §3: a line starting with "." is byte-stuffed.
    const line = raw.startsWith('.') ? raw.slice(1) : raw
    const words = line.split(' ').filter((w) => w !== '')
    const name = words[0]?.toUpperCase()
    if (name === undefined) return
    extensions.set(name, [...(extensions.get(name) ?? []), ...words.slice(1)])
  })
  const mechanisms: string[] = []
  for (const word of extensions.get('SASL') ?? []) {
    const mech = mechanismName(word)
    if (mech !== undefined && !mechanisms.includes(mech)) mechanisms.push(mech)
  }
  return { mechanisms, startTls: extensions.has('STLS'), user: extensions.has('USER'), extensions }
}
