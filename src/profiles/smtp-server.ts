/**
 * The server side of SMTP AUTH's wire format (RFC 4954), loaded on a server profile's first
 * line by `smtp.server()`.
 */
import { base64Encode } from '../codec/base64.js'
import { mechanismName, type CommandLine, type Refusal, type ResponseLine, type ServerWire } from './common.js'

/** RFC 4954 §4: "12288 octets … is sufficient" for lines of the authentication exchange. */
const EXCHANGE_LINE_LIMIT = 12288

/** What the server profile answers for each refusal (RFC 4954 §4 and §6, RFC 5248). */
const REFUSALS: Readonly<Record<Refusal, string>> = {
  'not-authorized': '535 5.7.8 Authentication credentials invalid',
  // No SMTP code tells "not allowed to act as that identity" apart: it is a credentials failure.
  'invalid-authzid': '535 5.7.8 Authentication credentials invalid',
  'account-disabled': '525 5.7.13 User account disabled',
  'credentials-expired': '432 4.7.12 A password transition is needed',
  'encryption-required': '538 5.7.11 Encryption required for requested authentication mechanism',
  'mechanism-too-weak': '534 5.7.9 Authentication mechanism is too weak',
  'temporary-auth-failure': '454 4.7.0 Temporary authentication failure',
  'invalid-mechanism': '504 5.5.4 Unrecognized authentication type',
  aborted: '501 5.0.0 Authentication aborted',
  'malformed-request': '501 5.5.2 Malformed authentication data',
  'incorrect-encoding': '501 5.5.2 Cannot decode response',
  syntax: '501 5.5.4 Syntax error in parameters',
  'already-authenticated': '503 5.5.1 Already authenticated',
  'line-too-long': '500 5.5.6 Authentication Exchange line is too long',
  'unknown-command': '500 5.5.1 Command unrecognized',
  // Never a server step's code; kept for completeness of the table.
  'server-not-verified': '454 4.7.0 Temporary authentication failure',
  'protocol-violation': '454 4.7.0 Temporary authentication failure',
}

export const SERVER_WIRE: ServerWire = {
  multiline: false,
  defaultMaxLineLength: EXCHANGE_LINE_LIMIT,
  successCarriesData: false,
  command(line): CommandLine {
    // RFC 4954 §4: "AUTH" SP sasl-mech [SP initial-response]; the verb is case-insensitive.
    const m = /^auth(?: (.*))?$/i.exec(line)
    if (m === null) return { type: 'refuse', refusal: 'unknown-command' }
    const args = (m[1] ?? '').split(' ')
    if (args[0] === '' || args.length > 2 || args[1] === '') return { type: 'refuse', refusal: 'syntax' }
    const mechanism = mechanismName(args[0]!)
    if (mechanism === undefined) return { type: 'refuse', refusal: 'invalid-mechanism' }
    return { type: 'auth', mechanism, initial: args[1] }
  },
  response(line): ResponseLine {
    // RFC 4954 §4: a line with a single "*" cancels the exchange.
    return line === '*' ? { type: 'cancel' } : { type: 'data', text: line }
  },
  // RFC 4954 §4: an empty challenge is "334 " (with the space).
  challenge: (data) => `334 ${base64Encode(data)}`,
  success: () => '235 2.7.0 Authentication successful',
  refuse: (refusal) => REFUSALS[refusal],
}
