// One description per protocol profile, so that the behaviour every profile shares is tested
// once over all four: how each side's lines look, and the expected refusal replies.
import { imap, pop3, smtp, xmpp, type ClientExchange, type ProfileServerOptions, type SaslClient, type SaslErrorCode, type ServerExchange } from '../../src/index.js'

const NS = 'urn:ietf:params:xml:ns:xmpp-sasl'

export interface Adapter {
  name: 'smtp' | 'imap' | 'pop3' | 'xmpp'
  client(sasl: SaslClient): ClientExchange
  server(options: ProfileServerOptions): ServerExchange & { advertise(): unknown }
  /** The client's command line for a mechanism and an initial-response text (`=`, base64, or none). */
  command(mechanism: string, initial?: string): string
  /** A server challenge line carrying this base64 text (`''`: empty). */
  challenge(text: string): string
  /** A client response line carrying this base64 text. */
  response(text: string): string
  /** The server profile's success line; `data` only for XMPP. */
  success(data?: string): string
  /** A foreign server's minimal success line, as real servers send it. */
  foreignSuccess: string
  cancel: string
  /** The server's refusal lines, and the code our client reads back from each. */
  refusals: Record<string, { line: string; back: SaslErrorCode }>
  /** The refusal lines of situations outside SASL. */
  situations: { alreadyAuthenticated: string; lineTooLong: string; unknownCommand: string; syntax: string }
  /** A command of the protocol that is not an authentication command. */
  otherCommand: string
  /** The authentication command without its mechanism. */
  bareCommand: string
  /** A line our client must refuse as garbage. */
  garbage: string[]
  /** The service name (DIGEST-MD5 digest-uri, GSSAPI). */
  service: string
}

const smtpRefusals: Adapter['refusals'] = {
  'not-authorized': { line: '535 5.7.8 Authentication credentials invalid', back: 'not-authorized' },
  'invalid-authzid': { line: '535 5.7.8 Authentication credentials invalid', back: 'not-authorized' },
  'account-disabled': { line: '525 5.7.13 User account disabled', back: 'account-disabled' },
  'credentials-expired': { line: '432 4.7.12 A password transition is needed', back: 'credentials-expired' },
  'encryption-required': { line: '538 5.7.11 Encryption required for requested authentication mechanism', back: 'encryption-required' },
  'mechanism-too-weak': { line: '534 5.7.9 Authentication mechanism is too weak', back: 'mechanism-too-weak' },
  'temporary-auth-failure': { line: '454 4.7.0 Temporary authentication failure', back: 'temporary-auth-failure' },
  'invalid-mechanism': { line: '504 5.5.4 Unrecognized authentication type', back: 'invalid-mechanism' },
  aborted: { line: '501 5.0.0 Authentication aborted', back: 'malformed-request' },
  'malformed-request': { line: '501 5.5.2 Malformed authentication data', back: 'malformed-request' },
  'incorrect-encoding': { line: '501 5.5.2 Cannot decode response', back: 'malformed-request' },
}

const imapRefusals: Adapter['refusals'] = {
  'not-authorized': { line: 'A1 NO [AUTHENTICATIONFAILED] Authentication failed', back: 'not-authorized' },
  'invalid-authzid': { line: 'A1 NO [AUTHORIZATIONFAILED] Authorization failed', back: 'invalid-authzid' },
  'account-disabled': { line: 'A1 NO [CONTACTADMIN] Account disabled', back: 'account-disabled' },
  'credentials-expired': { line: 'A1 NO [EXPIRED] Credentials expired', back: 'credentials-expired' },
  'encryption-required': { line: 'A1 NO [PRIVACYREQUIRED] Encryption required for requested authentication mechanism', back: 'encryption-required' },
  'mechanism-too-weak': { line: 'A1 NO Authentication mechanism is too weak', back: 'not-authorized' },
  'temporary-auth-failure': { line: 'A1 NO [UNAVAILABLE] Temporary authentication failure', back: 'temporary-auth-failure' },
  'invalid-mechanism': { line: 'A1 NO [CANNOT] Unsupported authentication mechanism', back: 'invalid-mechanism' },
  aborted: { line: 'A1 BAD Authentication aborted', back: 'malformed-request' },
  'malformed-request': { line: 'A1 BAD Malformed authentication data', back: 'malformed-request' },
  'incorrect-encoding': { line: 'A1 BAD Cannot decode response', back: 'malformed-request' },
}

const pop3Refusals: Adapter['refusals'] = {
  'not-authorized': { line: '-ERR [AUTH] Authentication failed', back: 'not-authorized' },
  'invalid-authzid': { line: '-ERR [AUTH] Authorization failed', back: 'not-authorized' },
  'account-disabled': { line: '-ERR [SYS/PERM] Account disabled', back: 'account-disabled' },
  'credentials-expired': { line: '-ERR [AUTH] Credentials expired', back: 'not-authorized' },
  'encryption-required': { line: '-ERR [AUTH] Encryption required for requested authentication mechanism', back: 'not-authorized' },
  'mechanism-too-weak': { line: '-ERR [AUTH] Authentication mechanism is too weak', back: 'not-authorized' },
  'temporary-auth-failure': { line: '-ERR [SYS/TEMP] Temporary authentication failure', back: 'temporary-auth-failure' },
  'invalid-mechanism': { line: '-ERR Unsupported authentication mechanism', back: 'not-authorized' },
  aborted: { line: '-ERR Authentication aborted', back: 'not-authorized' },
  'malformed-request': { line: '-ERR Malformed authentication data', back: 'not-authorized' },
  'incorrect-encoding': { line: '-ERR Cannot decode response', back: 'not-authorized' },
}

const CONDITIONS: SaslErrorCode[] = [
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
const xmppFailure = (condition: string) => `<failure xmlns="${NS}"><${condition}/></failure>`

export const adapters: Adapter[] = [
  {
    name: 'smtp',
    otherCommand: 'NOOP',
    bareCommand: 'AUTH',
    client: (sasl) => smtp.client(sasl),
    server: (options) => smtp.server(options),
    command: (m, ir) => (ir === undefined ? `AUTH ${m}` : `AUTH ${m} ${ir}`),
    challenge: (text) => `334 ${text}`,
    response: (text) => text,
    success: () => '235 2.7.0 Authentication successful',
    foreignSuccess: '235 Authentication successful',
    cancel: '*',
    refusals: smtpRefusals,
    situations: {
      alreadyAuthenticated: '503 5.5.1 Already authenticated',
      lineTooLong: '500 5.5.6 Authentication Exchange line is too long',
      unknownCommand: '500 5.5.1 Command unrecognized',
      syntax: '501 5.5.4 Syntax error in parameters',
    },
    garbage: ['hello', '33 x', '334x', '2350 ok', '250 OK', '334\tabc', '', ' 235 ok'],
    service: 'smtp',
  },
  {
    name: 'imap',
    otherCommand: 'A1 NOOP',
    bareCommand: 'A1 AUTHENTICATE',
    client: (sasl) => imap.client(sasl, { tag: 'A1', saslIr: true }),
    server: (options) => imap.server(options),
    command: (m, ir) => (ir === undefined ? `A1 AUTHENTICATE ${m}` : `A1 AUTHENTICATE ${m} ${ir}`),
    challenge: (text) => `+ ${text}`,
    response: (text) => text,
    success: () => 'A1 OK Authentication successful',
    foreignSuccess: 'A1 OK',
    cancel: '*',
    refusals: imapRefusals,
    situations: {
      alreadyAuthenticated: 'A1 BAD Already authenticated',
      lineTooLong: 'A1 BAD Line too long',
      unknownCommand: 'A1 BAD Command unrecognized',
      syntax: 'A1 BAD Invalid arguments',
    },
    garbage: ['hello', 'A2 OK done', 'A1 MAYBE', '+OK', '', 'A1', '++ abc'],
    service: 'imap',
  },
  {
    name: 'pop3',
    otherCommand: 'STAT',
    bareCommand: 'AUTH',
    client: (sasl) => pop3.client(sasl),
    server: (options) => pop3.server(options),
    command: (m, ir) => (ir === undefined ? `AUTH ${m}` : `AUTH ${m} ${ir}`),
    challenge: (text) => `+ ${text}`,
    response: (text) => text,
    success: () => '+OK Authentication successful',
    foreignSuccess: '+OK',
    cancel: '*',
    refusals: pop3Refusals,
    situations: {
      alreadyAuthenticated: '-ERR Already authenticated',
      lineTooLong: '-ERR Line too long',
      unknownCommand: '-ERR Command unrecognized',
      syntax: '-ERR Invalid arguments',
    },
    garbage: ['hello', '+OKAY', '-ERRATIC', '', '* OK', '++ abc'],
    service: 'pop',
  },
  {
    name: 'xmpp',
    otherCommand: `<response xmlns="${NS}"/>`,
    bareCommand: `<auth xmlns="${NS}"/>`,
    client: (sasl) => xmpp.client(sasl),
    server: (options) => xmpp.server(options),
    command: (m, ir) => (ir === undefined ? `<auth xmlns="${NS}" mechanism="${m}"/>` : `<auth xmlns="${NS}" mechanism="${m}">${ir}</auth>`),
    challenge: (text) => (text === '' ? `<challenge xmlns="${NS}"/>` : `<challenge xmlns="${NS}">${text}</challenge>`),
    response: (text) => (text === '' ? `<response xmlns="${NS}"/>` : `<response xmlns="${NS}">${text}</response>`),
    success: (data) => (data === undefined ? `<success xmlns="${NS}"/>` : `<success xmlns="${NS}">${data}</success>`),
    foreignSuccess: `<success xmlns='${NS}'/>`,
    cancel: `<abort xmlns="${NS}"/>`,
    refusals: Object.fromEntries(CONDITIONS.map((c) => [c, { line: xmppFailure(c), back: c }])),
    situations: {
      alreadyAuthenticated: xmppFailure('malformed-request'),
      lineTooLong: xmppFailure('malformed-request'),
      unknownCommand: xmppFailure('malformed-request'),
      syntax: xmppFailure('malformed-request'),
    },
    garbage: ['hello', '<success xmlns="jabber:client"/>', '<iq type="get"/>', '<challenge>', '<!-- x --><success/>', '<success/><success/>'],
    service: 'xmpp',
  },
]
