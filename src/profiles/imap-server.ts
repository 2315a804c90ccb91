/**
 * The server side of the IMAP wire format, loaded on a server profile's first line by
 * `imap.server()`.
 */
import { base64Encode } from '../codec/base64.js'
import { mechanismName, type CommandLine, type Refusal, type ResponseLine, type ServerWire } from './common.js'
import { TAG } from './imap-tag.js'

/** The server profile's tagged answer to each refusal (after the tag). */
const REFUSALS: Readonly<Record<Refusal, string>> = {
  'not-authorized': 'NO [AUTHENTICATIONFAILED] Authentication failed',
  'invalid-authzid': 'NO [AUTHORIZATIONFAILED] Authorization failed',
  'credentials-expired': 'NO [EXPIRED] Credentials expired',
  'encryption-required': 'NO [PRIVACYREQUIRED] Encryption required for requested authentication mechanism',
  'temporary-auth-failure': 'NO [UNAVAILABLE] Temporary authentication failure',
  'account-disabled': 'NO [CONTACTADMIN] Account disabled',
  'invalid-mechanism': 'NO [CANNOT] Unsupported authentication mechanism',
  // No response code says "too weak"; RFC 9051 §6.2.2: NO is an authentication failure.
  'mechanism-too-weak': 'NO Authentication mechanism is too weak',
  // RFC 9051 §6.2.2: BAD for a cancelled exchange, invalid base64 or invalid arguments.
  aborted: 'BAD Authentication aborted',
  'malformed-request': 'BAD Malformed authentication data',
  'incorrect-encoding': 'BAD Cannot decode response',
  syntax: 'BAD Invalid arguments',
  'already-authenticated': 'BAD Already authenticated',
  'line-too-long': 'BAD Line too long',
  'unknown-command': 'BAD Command unrecognized',
  'server-not-verified': 'NO [UNAVAILABLE] Temporary authentication failure',
  'protocol-violation': 'NO [UNAVAILABLE] Temporary authentication failure',
}
export const SERVER_WIRE: ServerWire = {
  multiline: false,
  // Generous for GSSAPI tokens carrying a large PAC; RFC 7162 §4 asks for at least 8192.
  defaultMaxLineLength: 65536,
  successCarriesData: false,
  command(line): CommandLine {
    const words = line.split(' ')
    const tag = words[0]!
    if (!TAG.test(tag)) return { type: 'refuse', refusal: 'unknown-command' }
    // RFC 9051 §6.2.2: tag SP "AUTHENTICATE" SP auth-type [SP (base64 / "=")].
    if (words[1]?.toUpperCase() !== 'AUTHENTICATE') return { type: 'refuse', refusal: 'unknown-command', tag }
    const args = words.slice(2)
    if (args.length < 1 || args.length > 2 || args.includes('')) return { type: 'refuse', refusal: 'syntax', tag }
    const mechanism = mechanismName(args[0]!)
    if (mechanism === undefined) return { type: 'refuse', refusal: 'invalid-mechanism', tag }
    return { type: 'auth', mechanism, initial: args[1], tag }
  },
  response(line): ResponseLine {
    // RFC 9051 §6.2.2: a line consisting of a single "*" cancels the exchange.
    return line === '*' ? { type: 'cancel' } : { type: 'data', text: line }
  },
  // RFC 9051 §7.5: an empty challenge is "+ ".
  challenge: (data) => `+ ${base64Encode(data)}`,
  tagOf(line) {
    const space = line.indexOf(' ')
    const tag = line.slice(0, space)
    return space > 0 && space <= 64 && TAG.test(tag) ? tag : undefined
  },
  success: (_data, tag) => `${tag ?? '*'} OK Authentication successful`,
  refuse: (refusal, tag) => `${tag ?? '*'} ${REFUSALS[refusal]}`,
}
