/**
 * IMAP AUTHENTICATE (RFC 9051 §6.2.2, RFC 3501 §6.2.2) with SASL-IR (RFC 4959) without I/O:
 * tagged commands, `+` continuations, `*` cancel, tagged `OK`/`NO`/`BAD` with the RFC 5530
 * response codes; capability parsing.
 *
 * @example
 * ```ts
 * import * as imap from 'saslkit/imap'
 * const ex = imap.client(plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }), { tag: 'A1', saslIr: true })
 * await ex.begin()                       // 'A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm'
 * await ex.receive('A1 OK Logged in')    // { done: true }
 * ```
 *
 * @module saslkit/imap
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
  type ServerWire,
  type WireLoader,
} from './common.js'
import { TAG } from './imap-tag.js'

/** The server side's wire format, imported on the first line of the profile's first server. */
const loadWire: WireLoader = () => import('./imap-server.js').then((module) => module.SERVER_WIRE)

export type { AnyMechanism, ClientAction, ClientExchange, MechanismServerOptions, ProfileServerOptions, ServerExchange, ServerResult } from './common.js'

/**
 * IMAP client options.
 *
 * @example
 * ```ts
 * const options: ImapClientOptions = { tag: 'a042', saslIr: caps.saslIr }
 * ```
 */
export interface ImapClientOptions {
  /** The command tag (default `A1`). */
  readonly tag?: string
  /** The server advertised SASL-IR (or IMAP4rev2): send the initial response with the command. Default false. */
  readonly saslIr?: boolean
}

/**
 * IMAP server options: the mechanisms, the channel, the shared mechanism options.
 *
 * @example
 * ```ts
 * const options: ImapServerOptions<[typeof plain]> = { mechanisms: [plain], channel: { secure: true }, credentials }
 * ```
 */
export type ImapServerOptions<L extends readonly AnyMechanism[] = readonly AnyMechanism[]> = ProfileServerOptions<L>

/** RFC 5530 / RFC 9051 §7.1 response codes and the SaslError codes they mean (API.md §6). */
const CODES: ReadonlyArray<readonly [string, SaslErrorCode]> = [
  ['AUTHENTICATIONFAILED', 'not-authorized'],
  ['AUTHORIZATIONFAILED', 'invalid-authzid'],
  ['EXPIRED', 'credentials-expired'],
  ['PRIVACYREQUIRED', 'encryption-required'],
  ['UNAVAILABLE', 'temporary-auth-failure'],
  ['CONTACTADMIN', 'account-disabled'],
  // RFC 5530 §3: CANNOT, "can never succeed" — how saslkit says the mechanism is not offered.
  ['CANNOT', 'invalid-mechanism'],
]


// RFC 9051 §7.1: resp-text = ["[" resp-text-code "]" SP] [text].
function splitCode(text: string): { condition?: string; text: string } {
  const m = /^\[([A-Za-z0-9-]+)(?: [^\]]*)?\](?: (.*))?$/.exec(text)
  if (m === null) return { text }
  return { condition: m[1]!.toUpperCase(), text: m[2] ?? '' }
}

function imapClientWire(mechanism: string, tag: string, saslIr: boolean): ClientWire {
  const prefix = `${tag} `
  return {
    multiline: false,
    cancelLine: '*',
    command(initial) {
      const command = `${tag} AUTHENTICATE ${mechanism}`
      if (initial === undefined) return { line: command, withheld: false }
      // RFC 4959 §3: without SASL-IR the initial response waits for the first "+ ".
      if (!saslIr) return { line: command, withheld: true }
      // RFC 4959 §3: an empty initial response is "=".
      return { line: `${command} ${initial.length === 0 ? '=' : base64Encode(initial)}`, withheld: false }
    },
    response: (data) => base64Encode(data),
    parse(line, cancelled): ServerEvent {
      // RFC 9051 §7.5: continue-req = "+" [SP (resp-text / base64)].
      if (line === '+' || line.startsWith('+ ')) return { type: 'challenge', text: line.slice(2) }
      if (line.startsWith('* ')) {
        // RFC 9051 §7.1.5: BYE means the server is closing the connection.
        const bye = /^\* BYE(?: (.*))?$/i.exec(line)
        if (bye === null) return { type: 'continue' }
        const parts = splitCode(bye[1] ?? '')
        const reply: SaslReply = parts.condition === undefined ? { code: 0, status: 'BYE', text: parts.text } : { code: 0, status: 'BYE', condition: parts.condition, text: parts.text }
        return { type: 'failure', error: new SaslError('temporary-auth-failure', `IMAP BYE: ${excerpt(parts.text)}`, { reply }) }
      }
      if (!line.startsWith(prefix)) throw new SaslError('malformed-request', `not a continuation or a reply to ${tag}: ${excerpt(line)}`)
      const m = /^(OK|NO|BAD)(?: (.*))?$/i.exec(line.slice(prefix.length))
      if (m === null) throw new SaslError('malformed-request', `not a tagged status reply: ${excerpt(line)}`)
      const status = m[1]!.toUpperCase()
      if (status === 'OK') return { type: 'success' }
      const parts = splitCode(m[2] ?? '')
      const reply: SaslReply = parts.condition === undefined ? { code: 0, status, text: parts.text } : { code: 0, status, condition: parts.condition, text: parts.text }
      let code: SaslErrorCode
      if (status === 'BAD') code = cancelled ? 'aborted' : 'malformed-request'
      else code = CODES.find(([name]) => name === parts.condition)?.[1] ?? 'not-authorized'
      return { type: 'failure', error: new SaslError(code, `IMAP ${status}: ${excerpt(m[2] ?? '')}`, { reply }) }
    },
  }
}


/**
 * An IMAP server profile with its CAPABILITY advertisement.
 *
 * @example
 * ```ts
 * const srv = imap.server({ mechanisms: [scramSha256, plain], channel: { secure: false }, credentials })
 * srv.advertise() // ['AUTH=SCRAM-SHA-256', 'SASL-IR', 'LOGINDISABLED']
 * ```
 */
export class ImapServer extends ProfileServer {
  readonly #secure: boolean

  /** @internal */
  constructor(loadWire: () => Promise<ServerWire>, options: ProfileServerOptions) {
    super(loadWire, options)
    this.#secure = options.channel?.secure === true
  }

  /**
   * The capability atoms: `AUTH=<mech>` for each mechanism the channel allows, `SASL-IR`
   * (RFC 4959: this profile takes initial responses), and `LOGINDISABLED` on an unprotected
   * channel (RFC 9051 §6.2.3: no plaintext LOGIN command there either).
   */
  advertise(): string[] {
    const atoms = this.mechanisms.map((name) => `AUTH=${name}`)
    atoms.push('SASL-IR')
    if (!this.#secure) atoms.push('LOGINDISABLED')
    return atoms
  }
}

/**
 * Drives a client mechanism through IMAP AUTHENTICATE (RFC 9051 §6.2.2): `<tag> AUTHENTICATE
 * <mech> [ir]` (the initial response only with `saslIr`, RFC 4959; `=` when empty), `+`
 * continuations, `*` to cancel, tagged `OK`; `NO`/`BAD` throw a `SaslError` with the reply
 * kept: `[AUTHENTICATIONFAILED]` → `not-authorized`, `[AUTHORIZATIONFAILED]` →
 * `invalid-authzid`, `[EXPIRED]` → `credentials-expired`, `[PRIVACYREQUIRED]` →
 * `encryption-required`, `[UNAVAILABLE]` → `temporary-auth-failure`, `[CONTACTADMIN]` →
 * `account-disabled`, `BAD` → `malformed-request` (`aborted` after a cancel). Untagged lines
 * answer `{}`.
 *
 * @example
 * ```ts
 * const ex = imap.client(saslClient, { tag: 'A01', saslIr: caps.saslIr })
 * send(await ex.begin())
 * ```
 */
export function client(sasl: SaslClient, options: ImapClientOptions = {}): ClientExchange {
  const tag = options?.tag ?? 'A1'
  // Decision 5: a tag that is not a string is the caller's mistake; one with characters a tag
  // cannot hold (RFC 9051 §9 `tag`), text the wire format cannot carry.
  if (typeof tag !== 'string') throw new SaslError('protocol-violation', 'IMAP: tag must be a string')
  if (!TAG.test(tag)) throw new SaslError('malformed-request', 'IMAP: invalid tag')
  const saslIr = options?.saslIr === true
  return clientExchange(sasl, (mechanism) => imapClientWire(mechanism, tag, saslIr))
}

/**
 * The server side of IMAP AUTHENTICATE for one connection: feed it each `AUTHENTICATE`
 * command and each line of the exchange. Answers `+` challenges and `<tag> OK`; refuses with
 * `NO [CANNOT]` (unknown mechanism), `NO [PRIVACYREQUIRED]` (plaintext mechanism without
 * TLS), `NO [AUTHENTICATIONFAILED]`, `NO [AUTHORIZATIONFAILED]`, `NO [EXPIRED]`,
 * `NO [UNAVAILABLE]`, `NO [CONTACTADMIN]`, and `BAD` for a cancel, bad base64, bad syntax, an
 * over-long line or a second AUTHENTICATE. Success data goes out as one more `+`.
 *
 * @example
 * ```ts
 * const srv = imap.server({ mechanisms: [plain], channel: { secure: true }, credentials })
 * await srv.receive('A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm') // { reply: 'A1 OK Authentication successful', … }
 * ```
 */
export function server<const L extends readonly AnyMechanism[]>(options: ImapServerOptions<L>): ImapServer {
  return new ImapServer(loadWire, options as unknown as ProfileServerOptions)
}

/**
 * What an IMAP capability list says about authentication.
 *
 * @example
 * ```ts
 * const caps: ImapCapabilities = parseCapabilities('* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN')
 * ```
 */
export interface ImapCapabilities {
  /** Every capability atom, upper-case. */
  readonly capabilities: readonly string[]
  /** From the `AUTH=` atoms, upper-case. */
  readonly mechanisms: readonly string[]
  /** SASL-IR (RFC 4959), built into IMAP4rev2 (RFC 9051 §6.2.2). */
  readonly saslIr: boolean
  /** RFC 9051 §6.2.3: the LOGIN command is refused (use STARTTLS first). */
  readonly loginDisabled: boolean
  readonly startTls: boolean
}

/**
 * Parses the capability list of a `* CAPABILITY …` line, or of a `[CAPABILITY …]` response
 * code (greeting or tagged OK). Throws `SaslError('malformed-request')` for a line without one.
 *
 * @example
 * ```ts
 * parseCapabilities('* OK [CAPABILITY IMAP4rev2 AUTH=SCRAM-SHA-256 AUTH=PLAIN] ready')
 * // { mechanisms: ['SCRAM-SHA-256', 'PLAIN'], saslIr: true, loginDisabled: false, … }
 * ```
 */
export function parseCapabilities(line: string): ImapCapabilities {
  if (typeof line !== 'string' || line.length > 65536) throw new SaslError('malformed-request', 'IMAP: not a capability line')
  const m = /^\* CAPABILITY ([^\r\n]*)$/i.exec(line) ?? /^\S+ (?:OK|PREAUTH) \[CAPABILITY ([^\]\r\n]*)\]/i.exec(line)
  if (m === null) throw new SaslError('malformed-request', `IMAP: no capability list in ${excerpt(line)}`)
  const capabilities = m[1]!
    .split(' ')
    .filter((atom) => atom !== '')
    .map((atom) => atom.toUpperCase())
  const mechanisms: string[] = []
  for (const atom of capabilities) {
    const mech = atom.startsWith('AUTH=') ? mechanismName(atom.slice(5)) : undefined
    if (mech !== undefined && !mechanisms.includes(mech)) mechanisms.push(mech)
  }
  return {
    capabilities,
    mechanisms,
    saslIr: capabilities.includes('SASL-IR') || capabilities.includes('IMAP4REV2'),
    loginDisabled: capabilities.includes('LOGINDISABLED'),
    startTls: capabilities.includes('STARTTLS'),
  }
}
