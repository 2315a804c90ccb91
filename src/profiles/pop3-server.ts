/**
 * The server side of the POP3 wire format, loaded on a server profile's first line by
 * `pop3.server()`.
 */
import { base64Encode } from '../codec/base64.js'
import { mechanismName, type CommandLine, type Refusal, type ResponseLine, type ServerWire } from './common.js'

/** The server profile's answer to each refusal (RFC 5034 §4, RFC 3206). */
const REFUSALS: Readonly<Record<Refusal, string>> = {
  'not-authorized': '-ERR [AUTH] Authentication failed',
  'invalid-authzid': '-ERR [AUTH] Authorization failed',
  'credentials-expired': '-ERR [AUTH] Credentials expired',
  'encryption-required': '-ERR [AUTH] Encryption required for requested authentication mechanism',
  'mechanism-too-weak': '-ERR [AUTH] Authentication mechanism is too weak',
  'account-disabled': '-ERR [SYS/PERM] Account disabled',
  'temporary-auth-failure': '-ERR [SYS/TEMP] Temporary authentication failure',
  'invalid-mechanism': '-ERR Unsupported authentication mechanism',
  aborted: '-ERR Authentication aborted',
  'malformed-request': '-ERR Malformed authentication data',
  'incorrect-encoding': '-ERR Cannot decode response',
  syntax: '-ERR Invalid arguments',
  'already-authenticated': '-ERR Already authenticated',
  'line-too-long': '-ERR Line too long',
  'unknown-command': '-ERR Command unrecognized',
  'server-not-verified': '-ERR [SYS/TEMP] Temporary authentication failure',
  'protocol-violation': '-ERR [SYS/TEMP] Temporary authentication failure',
}
export const SERVER_WIRE: ServerWire = {
  multiline: false,
  defaultMaxLineLength: 65536,
  successCarriesData: false,
  command(line): CommandLine {
    const m = /^auth(?: (.*))?$/i.exec(line)
    if (m === null) return { type: 'refuse', refusal: 'unknown-command' }
    // RFC 5034 §4: "AUTH" SP mechanism [SP initial-response].
    const args = (m[1] ?? '').split(' ')
    if (args[0] === '' || args.length > 2 || args[1] === '') return { type: 'refuse', refusal: 'syntax' }
    const mechanism = mechanismName(args[0]!)
    if (mechanism === undefined) return { type: 'refuse', refusal: 'invalid-mechanism' }
    return { type: 'auth', mechanism, initial: args[1] }
  },
  response(line): ResponseLine {
    // RFC 5034 §4: "*" cancels.
    return line === '*' ? { type: 'cancel' } : { type: 'data', text: line }
  },
  challenge: (data) => `+ ${base64Encode(data)}`,
  success: () => '+OK Authentication successful',
  refuse: (refusal) => REFUSALS[refusal],
}
