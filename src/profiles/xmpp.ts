/**
 * XMPP SASL negotiation (RFC 6120 §6) without I/O: `<mechanisms>`, `<auth>`, `<challenge>`,
 * `<response>`, `<success>`, `<failure>`, `<abort>` — one complete element per call, read by
 * a small strict parser that accepts any attribute order, namespace prefix and whitespace.
 *
 * @example
 * ```ts
 * import * as xmpp from 'saslkit/xmpp'
 * const ex = xmpp.client(plain.client({ username: 'juliet', password: 'r0m30myr0m30' }))
 * await ex.begin() // '<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGp1bGlldAByMG0zMG15cjBtMzA=</auth>'
 * await ex.receive("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>") // { done: true }
 * ```
 *
 * @module saslkit/xmpp
 */
import { SaslError, type SaslErrorCode, type SaslReply } from '../core/errors.js'
import type { SaslClient } from '../core/types.js'
import { base64Encode } from '../codec/base64.js'
import {
  ProfileServer,
  clientExchange,
  decodePayload,
  mechanismName,
  type AnyMechanism,
  type ClientExchange,
  type ClientWire,
  type ProfileServerOptions,
  type ServerEvent,
  type WireLoader,
} from './common.js'
import { parseXmlElement, type XmlElement } from './xml.js'
import { MAX_ELEMENT, NS, isSasl, open, parseSasl, payloadText, withPayload } from './xmpp-syntax.js'

/** The server side's wire format, imported on the first line of the profile's first server. */
const loadWire: WireLoader = () => import('./xmpp-server.js').then((module) => module.serverWire())

export { NS } from './xmpp-syntax.js'

export type { AnyMechanism, ClientAction, ClientExchange, MechanismServerOptions, ProfileServerOptions, ServerExchange, ServerResult } from './common.js'

/**
 * XMPP server options: the mechanisms, the channel, the shared mechanism options
 * (`maxLineLength` bounds one element).
 *
 * @example
 * ```ts
 * const options: XmppServerOptions<[typeof plain]> = { mechanisms: [plain], channel: { secure: true }, credentials }
 * ```
 */
export type XmppServerOptions<L extends readonly AnyMechanism[] = readonly AnyMechanism[]> = ProfileServerOptions<L>

/** RFC 6120 §6.5: the defined failure conditions, each the SaslError code of the same name. */
const CONDITIONS: readonly SaslErrorCode[] = [
  'aborted',
  'account-disabled',
  'credentials-expired',
  'encryption-required',
  'incorrect-encoding',
  'invalid-authzid',
  'invalid-mechanism',
  'malformed-request',
  'mechanism-too-weak',
  'not-authorized',
  'temporary-auth-failure',
]

function xmppClientWire(mechanism: string): ClientWire {
  return {
    multiline: true,
    cancelLine: `${open('abort')}/>`,
    command(initial) {
      // RFC 6120 §6.4.2: a zero-length initial response is a single "=", none is an empty element.
      const payload = initial === undefined ? '' : initial.length === 0 ? '=' : base64Encode(initial)
      return { line: withPayload('auth', payload, ` mechanism="${mechanism}"`), withheld: false }
    },
    response: (data) => withPayload('response', base64Encode(data)),
    parse(line): ServerEvent {
      // Whitespace between elements is a keepalive (RFC 6120 §4.6.1).
      if (/^[ \t\r\n]*$/.test(line)) return { type: 'continue' }
      const element = parseSasl(line, MAX_ELEMENT)
      switch (element.name) {
        case 'challenge': {
          const text = payloadText(element)
          return { type: 'challenge', text: text === '=' ? '' : text }
        }
        case 'success': {
          // RFC 6120 §6.4.6: additional data with success; "=" is present but empty.
          const text = payloadText(element)
          if (text === '') return { type: 'success' }
          if (text === '=') return { type: 'success', data: new Uint8Array(0) }
          return { type: 'success', data: decodePayload(text) }
        }
        case 'failure':
          return { type: 'failure', error: failureError(element) }
        default:
          throw new SaslError('malformed-request', `XMPP: unexpected <${element.name}> during authentication`)
      }
    },
  }
}

// RFC 6120 §6.5: <failure> holds one defined condition and an optional <text>.
function failureError(element: XmlElement): SaslError {
  let condition: string | undefined
  let text = ''
  for (const child of element.children) {
    if (!isSasl(child)) continue
    if (child.name === 'text') text = child.text
    else condition ??= child.name
  }
  // RFC 6120 §6.5: an unknown condition is treated as not-authorized.
  const code = CONDITIONS.find((c) => c === condition) ?? 'not-authorized'
  const reply: SaslReply = condition === undefined ? { code: 0, status: 'failure', text } : { code: 0, status: 'failure', condition, text }
  return new SaslError(code, `XMPP failure: ${condition ?? 'no condition'}`, { reply })
}

/** The condition element the server profile sends for each refusal. */
/**
 * An XMPP server profile with its `<mechanisms>` stream feature.
 *
 * @example
 * ```ts
 * const srv = xmpp.server({ mechanisms: [scramSha1, plain], channel: { secure: true }, credentials })
 * srv.advertise() // '<mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms>'
 * ```
 */
export class XmppServer extends ProfileServer {
  /** The `<mechanisms/>` feature (RFC 6120 §6.4.1) listing what the channel allows. */
  advertise(): string {
    return `${open('mechanisms')}>${this.mechanisms.map((m) => `<mechanism>${m}</mechanism>`).join('')}</mechanisms>`
  }
}

/**
 * Drives a client mechanism through XMPP SASL (RFC 6120 §6.4): `<auth mechanism="…">`
 * (`=` for an empty initial response), `<challenge>` → `<response>`, `<success>` whose
 * additional data goes to `finish(data)`, `<abort/>` to cancel. `<failure>` throws a
 * `SaslError` whose code is its RFC 6120 §6.5 condition (unknown ones: `not-authorized`),
 * with the condition and `<text>` kept in `reply`.
 *
 * @example
 * ```ts
 * const ex = xmpp.client(scramSha1.client({ username: 'juliet', password: 'r0m30myr0m30' }))
 * send(await ex.begin())
 * // for each element from the server: const act = await ex.receive(element)
 * ```
 */
export function client(sasl: SaslClient): ClientExchange {
  return clientExchange(sasl, xmppClientWire)
}

/**
 * The server side of XMPP SASL for one stream: feed it each `<auth>`, `<response>` and
 * `<abort>` element. Answers `<challenge>`, `<success>` (with the mechanism's additional
 * data) and `<failure>` with the RFC 6120 §6.5 condition of the error's code.
 *
 * @example
 * ```ts
 * const srv = xmpp.server({ mechanisms: [plain], channel: { secure: true }, credentials })
 * await srv.receive('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AHRpbQB0YW5zdGFhZnRhbnN0YWFm</auth>')
 * ```
 */
export function server<const L extends readonly AnyMechanism[]>(options: XmppServerOptions<L>): XmppServer {
  return new XmppServer(loadWire, options as unknown as ProfileServerOptions)
}

/**
 * The mechanisms of a `<mechanisms>` feature, given as that element or as the whole
 * `<stream:features>` element (no `<mechanisms>` in it: an empty list). Throws
 * `SaslError('malformed-request')` for anything else.
 *
 * @example
 * ```ts
 * parseMechanisms("<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms>")
 * // ['SCRAM-SHA-1', 'PLAIN']
 * ```
 */
export function parseMechanisms(element: string): string[] {
  const root = parseXmlElement(element, MAX_ELEMENT)
  const feature = root.name === 'mechanisms' && isSasl(root) ? root : root.children.find((c) => c.name === 'mechanisms' && c.namespace === NS)
  if (feature === undefined) {
    if (root.name === 'features') return []
    throw new SaslError('malformed-request', 'XMPP: expected <mechanisms> or <stream:features>')
  }
  const names: string[] = []
  for (const child of feature.children) {
    if (child.name !== 'mechanism' || !isSasl(child)) continue
    const name = child.text.trim()
    if (mechanismName(name) !== name) throw new SaslError('malformed-request', 'XMPP: invalid mechanism name')
    if (!names.includes(name)) names.push(name)
  }
  return names
}
