// Decision 5 (docs/decisions/0005-option-errors.md): which code an error about the caller's own
// options gets. 1. A mistake in the program — a required option missing, a value of the wrong
// type, a value outside the set or range the option allows, contradictory options — is
// `protocol-violation`. 2. Text of the right type that the wire format cannot carry — empty, a
// NUL, a character the mechanism forbids, what SASLprep refuses — is `malformed-request`.
// 3. An optional string option given as anything else is refused (rule 1), never coerced.
//
// A client is refused by client() or, for the text SCRAM leaves to SASLprep and what a token
// source gives, by start(); a server by server() or, for the options that only its lazily loaded code reads
// (ANONYMOUS `username`/`allow`, EXTERNAL `identity`, LOGIN `prompts`, PLAIN/LOGIN `prepare`, and
// `credentials`/`verifyPassword`/`authorize`/`maxMessageBytes` of every server), by its first next().
import { describe, expect, it } from 'vitest'
import {
  anonymous,
  base64Encode,
  constantTimeEqual,
  cramMd5,
  deriveCredentials,
  digestMd5,
  external,
  formatPasswordScheme,
  gssapi,
  imap,
  login,
  ntHash,
  ntlm,
  oauth10a,
  oauthBearer,
  parsePasswordScheme,
  plain,
  saslprep,
  scramSha1,
  scramSha1Plus,
  scramSha256,
  scramSha256Plus,
  scramSha512,
  scramSha512Plus,
  smtp,
  utf8Encode,
  xoauth,
  xoauth2,
  type GssAcceptor,
  type GssInitiator,
  type Mechanism,
  type SaslErrorCode,
} from '../../src/index.js'
import { rejectsWithCode } from '../helpers/exchange.js'

type Code = Extract<SaslErrorCode, 'protocol-violation' | 'malformed-request'>
type Options = Record<string, unknown>
type AnyMechanism = Mechanism<never, never>

interface Row {
  readonly mechanism: AnyMechanism
  readonly side: 'client' | 'server'
  readonly why: string
  readonly options: Options
  readonly code: Code
}

const PV: Code = 'protocol-violation'
const MR: Code = 'malformed-request'

/** A provider whose context never completes: enough for the option checks, which run first. */
const provider: GssInitiator & GssAcceptor = {
  step: () => ({ token: new Uint8Array([0x60]), complete: false }),
  wrap: (data) => data,
  unwrap: (token) => ({ data: token, confidential: false }),
}
const credentials = (): undefined => undefined
const binding = { type: 'tls-exporter', data: new Uint8Array(32) } as const

/** Options every row starts from; each side of each mechanism is accepted with them (the controls below). */
interface Family {
  readonly mechanisms: readonly AnyMechanism[]
  readonly client: Options
  readonly server: Options
  /** Client options whose removal is a missing required option. */
  readonly required: readonly string[]
  /** Server options whose removal is a missing required option. */
  readonly serverRequired: readonly string[]
  /** Every string option of the client (each given as a number in a row). */
  readonly strings: readonly string[]
  /** Every string option of the server. */
  readonly serverStrings: readonly string[]
  /** Callback options of the client (each given as a number in a row); default none. */
  readonly callbacks?: readonly string[]
  /** Callback options of the server besides the shared ones (credentials, verifyPassword, authorize). */
  readonly serverCallbacks?: readonly string[]
  /** Rule 2 and the other rule 1 cases of this family, by side. */
  readonly more: ReadonlyArray<readonly ['client' | 'server', string, Options, Code]>
}

const families: Family[] = [
  {
    mechanisms: [plain],
    client: { username: 'tim', password: 'tanstaaftanstaaf' },
    server: { credentials },
    required: ['username', 'password'],
    serverRequired: ['credentials'],
    strings: ['username', 'password', 'authzid'],
    serverStrings: [],
    callbacks: ['prepare'],
    serverCallbacks: ['prepare'],
    more: [
      ['client', 'a null authzid', { authzid: null }, PV],
      ['client', 'an empty username', { username: '' }, MR],
      ['client', 'an empty password', { password: '' }, MR],
      ['client', 'a NUL in the username', { username: 'a\0b' }, MR],
      ['client', 'a NUL in the password', { password: 'a\0b' }, MR],
      ['client', 'a NUL in the authzid', { authzid: 'a\0b' }, MR],
      ['client', 'a prepare() that empties the username', { prepare: () => '' }, MR],
      ['client', 'a prepare() that gives a number', { prepare: () => 42 }, PV],
    ],
  },
  {
    mechanisms: [login],
    client: { username: 'tim', password: 'tanstaaftanstaaf' },
    server: { verifyPassword: () => false },
    required: ['username', 'password'],
    serverRequired: ['verifyPassword'],
    strings: ['username', 'password'],
    serverStrings: [],
    callbacks: ['prepare'],
    serverCallbacks: ['prepare'],
    more: [
      ['client', 'a prepare() that gives a number', { prepare: () => 42 }, PV],
      ['client', 'an empty username', { username: '' }, MR],
      ['client', 'an empty password', { password: '' }, MR],
      ['client', 'a NUL in the password', { password: 'a\0b' }, MR],
      ['server', 'a username prompt that is a number', { prompts: { username: 1, password: 'Password:' } }, PV],
      ['server', 'a password prompt that is a number', { prompts: { password: 1 } }, PV],
    ],
  },
  {
    mechanisms: [anonymous],
    client: { trace: 'sirhc' },
    server: {},
    required: [],
    serverRequired: [],
    strings: [], // decision 5's exception: a trace that is not a string is sent as its text (tested below)
    serverStrings: ['username'],
    more: [
      ['client', 'a trace of 256 characters', { trace: 'x'.repeat(256) }, MR],
      ['client', 'a control character in the trace', { trace: 'a\x07b' }, MR],
      ['server', 'allow given as a string', { allow: 'no' }, PV],
    ],
  },
  {
    mechanisms: [external],
    client: { authzid: 'fred@example.com' },
    server: { identity: 'fred@example.com' },
    required: [],
    serverRequired: [],
    strings: [], // decision 5's exception: an authzid that is not a string is sent as its text (tested below)
    serverStrings: ['identity'],
    more: [],
  },
  {
    mechanisms: [cramMd5],
    client: { username: 'tim', password: 'tanstaaftanstaaf' },
    server: { credentials },
    required: ['username', 'password'],
    serverRequired: ['credentials'],
    strings: ['username', 'password'],
    serverStrings: ['hostname', 'challenge'],
    serverCallbacks: ['random', 'now'],
    more: [
      ['client', 'an empty username', { username: '' }, MR],
      ['client', 'an empty password', { password: '' }, MR],
      ['server', 'a hostname with "@"', { hostname: 'a@b' }, MR],
      ['server', 'a hostname with a space', { hostname: 'a b' }, MR],
      ['server', 'an empty challenge', { challenge: '' }, MR],
      ['server', 'random() giving too few bytes', { random: () => new Uint8Array(4) }, PV],
      ['server', 'now() giving a number', { now: () => 42 }, PV],
      ['server', 'now() giving nothing', { now: () => undefined }, PV],
    ],
  },
  {
    mechanisms: [digestMd5],
    client: { username: 'chris', password: 'secret', service: 'imap', host: 'elwood.innosoft.com' },
    server: { credentials, service: 'imap' },
    required: ['username', 'password', 'service', 'host'],
    serverRequired: ['credentials', 'service'],
    strings: ['username', 'password', 'service', 'host', 'authzid', 'realm', 'cnonce'],
    serverStrings: ['service', 'host', 'realm', 'nonce'],
    callbacks: ['random'],
    serverCallbacks: ['random'],
    more: [
      ['client', 'an empty username', { username: '' }, MR],
      ['client', 'an empty password', { password: '' }, MR],
      ['client', 'a control character in the username', { username: 'a\x01b' }, MR],
      ['client', 'a "/" in the service', { service: 'im/ap' }, MR],
      ['client', 'an empty host', { host: '' }, MR],
      ['client', 'a control character in the authzid', { authzid: 'a\nb' }, MR],
      ['client', 'an empty cnonce', { cnonce: '' }, MR],
      ['server', 'a list of realms holding a number', { realm: ['a', 1] }, PV],
      ['server', 'a realm with a NUL', { realm: 'a\0b' }, MR],
      ['server', 'a "/" in the host', { host: 'a/b' }, MR],
      ['server', 'an empty nonce', { nonce: '' }, MR],
    ],
  },
  {
    mechanisms: [scramSha1, scramSha256, scramSha512],
    client: { username: 'user', password: 'pencil' },
    server: { credentials },
    required: ['username', 'password'],
    serverRequired: ['credentials'],
    strings: ['username', 'password', 'authzid', 'nonce'],
    serverStrings: ['nonce'],
    callbacks: ['random'],
    more: [
      ['client', 'iterations given as a string', { iterations: '4096' }, PV],
      ['client', 'a null password', { password: null }, PV],
      ['client', 'random() giving nothing', { random: () => undefined }, PV],
      ['client', 'a null channelBinding', { channelBinding: null }, PV],
      ['client', 'a NUL in the authzid', { authzid: 'a\0b' }, MR],
      ['server', 'channel.bindings that is not an array', { channel: { secure: true, bindings: binding } }, PV],
      ['client', 'a salt that is not bytes', { salt: 'c2FsdA==' }, PV],
      ['client', 'a clientKey without a serverKey', { password: undefined, clientKey: new Uint8Array(64).subarray(0, 20) }, PV],
      ['client', 'minIterations above maxIterations', { minIterations: 10, maxIterations: 5 }, PV],
      ['client', 'an unknown channel-binding type', { channelBinding: { type: 'tls-foo', data: new Uint8Array(1) } }, PV],
      ['client', 'an empty username', { username: '' }, MR],
      ['client', 'an empty password', { password: '' }, MR],
      ['client', 'a "," in the nonce', { nonce: 'a,b' }, MR],
      ['client', 'a username SASLprep refuses', { username: 'u\u0007' }, MR],
      ['client', 'a password SASLprep refuses (unassigned in a stored string)', { password: 'p\u0221' }, MR],
      ['server', 'iterations 0', { iterations: 0 }, PV],
      ['server', 'an empty secret', { secret: '' }, PV],
      ['server', 'a secret that is a number', { secret: 42 }, PV],
      ['server', 'a "," in the nonce', { nonce: 'a,b' }, MR],
    ],
  },
  {
    mechanisms: [scramSha1Plus, scramSha256Plus, scramSha512Plus],
    client: { username: 'user', password: 'pencil', channelBinding: binding },
    server: { credentials, channel: { secure: true, bindings: [binding] } },
    required: ['username', 'password', 'channelBinding'],
    serverRequired: ['credentials'],
    strings: ['username', 'password', 'authzid', 'nonce'],
    serverStrings: ['nonce'],
    more: [
      ['client', 'channel-binding data that is not bytes', { channelBinding: { type: 'tls-exporter', data: 'abc' } }, PV],
      ['client', 'empty channel-binding data', { channelBinding: { type: 'tls-exporter', data: new Uint8Array(0) } }, PV],
      ['client', 'a channel binding without data', { channelBinding: { type: 'tls-exporter' } }, PV],
      ['client', 'a null channelBinding', { channelBinding: null }, PV],
      ['server', 'channel.bindings that is not an array', { channel: { secure: true, bindings: binding } }, PV],
      ['client', 'an empty username', { username: '' }, MR],
    ],
  },
  {
    mechanisms: [ntlm],
    client: { username: 'tim', password: 'Password' },
    server: { credentials },
    required: ['username', 'password'],
    serverRequired: ['credentials'],
    strings: ['username', 'password', 'domain', 'workstation', 'targetName'],
    serverStrings: ['netbiosDomain', 'netbiosComputer', 'dnsDomain', 'dnsComputer'],
    callbacks: ['random', 'now'],
    serverCallbacks: ['random', 'now'],
    more: [
      ['client', 'a null channelBinding', { channelBinding: null }, PV],
      ['server', 'channel.bindings that is not an array', { channel: { secure: true, bindings: binding } }, PV],
      ['server', 'a tls-server-end-point binding without bytes', { channel: { secure: true, bindings: [{ type: 'tls-server-end-point', data: 'x' }] } }, PV],
      ['client', 'an ntHash of 15 bytes', { password: undefined, ntHash: new Uint8Array(15) }, PV],
      ['client', 'a tls-exporter channel binding', { channelBinding: binding }, PV],
      ['client', 'a clientChallenge of 4 bytes', { clientChallenge: new Uint8Array(4) }, PV],
      ['client', 'an empty username', { username: '' }, MR],
      ['client', 'a username with only a domain', { username: 'EXAMPLE\\' }, MR],
      ['client', 'an empty password', { password: '' }, MR],
      ['server', 'a serverChallenge of 4 bytes', { serverChallenge: new Uint8Array(4) }, PV],
      ['server', 'a negative timestampWindowMs', { timestampWindowMs: -1 }, PV],
    ],
  },
  {
    mechanisms: [gssapi],
    client: { provider },
    server: { provider },
    required: ['provider'],
    serverRequired: ['provider'],
    strings: ['authzid'],
    serverStrings: [],
    more: [
      ['client', 'an unknown securityLayer', { securityLayer: 'privacy' }, PV],
      ['client', 'maxBuffer 0', { maxBuffer: 0 }, PV],
      ['client', 'a NUL in the authzid', { authzid: 'a\0b' }, MR],
      ['server', 'an unknown security layer', { securityLayers: ['privacy'] }, PV],
      ['server', 'maxBuffer above 24 bits', { maxBuffer: 0x1000000 }, PV],
    ],
  },
  {
    mechanisms: [oauthBearer],
    client: { username: 'user@example.com', token: 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==' },
    server: { validateToken: () => ({ error: { status: 'invalid_token' } }) },
    required: ['username', 'token'],
    serverRequired: ['validateToken'],
    strings: ['username', 'authzid', 'host'],
    serverStrings: [],
    more: [
      ['client', 'a token that is a number', { token: 42 }, PV],
      ['client', 'a token source that gives a number', { token: () => 42 }, PV],
      ['client', 'port given as a string', { port: '993' }, PV],
      ['client', 'port 0', { port: 0 }, PV],
      ['client', 'port 65536', { port: 65536 }, PV],
      ['client', 'an empty username', { username: '' }, MR],
      ['client', '%x01 in the username', { username: 'a\x01b' }, MR],
      ['client', '%x01 in the host', { host: 'a\x01b' }, MR],
      ['client', 'a space in the token', { token: 'a b' }, MR],
    ],
  },
  {
    // XOAUTH2 sends no host or port (Google's format): it has no such options to check.
    mechanisms: [xoauth2],
    client: { username: 'user@example.com', token: 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==' },
    server: { validateToken: () => ({ error: { status: 'invalid_token' } }) },
    required: ['username', 'token'],
    serverRequired: ['validateToken'],
    strings: ['username', 'authzid'],
    serverStrings: [],
    more: [
      ['client', 'a token that is a number', { token: 42 }, PV],
      ['client', 'an empty username', { username: '' }, MR],
      ['client', '%x01 in the authzid', { authzid: 'a\x01b' }, MR],
      ['client', 'a space in the token', { token: 'a b' }, MR],
    ],
  },
  {
    mechanisms: [oauth10a],
    client: { username: 'user@example.com', host: 'server.example.com', port: 143, consumerKey: 'ck', consumerSecret: 'cs' },
    server: { secrets: () => undefined, validateToken: () => ({ error: { status: 'invalid_token' } }) },
    required: ['username', 'host', 'port', 'consumerKey', 'consumerSecret'],
    serverRequired: ['secrets', 'validateToken'],
    strings: ['username', 'authzid', 'host', 'realm', 'consumerKey', 'consumerSecret', 'token', 'tokenSecret', 'nonce'],
    serverStrings: [],
    callbacks: ['random', 'now'],
    more: [
      ['client', 'timestamp 0', { timestamp: 0 }, PV],
      ['client', 'port 70000', { port: 70000 }, PV],
      ['client', 'an empty username', { username: '' }, MR],
      ['client', 'a "/" in the host', { host: 'h/x' }, MR],
      ['client', 'a quote in the realm', { realm: 'a"b' }, MR],
      ['client', 'an empty consumerKey', { consumerKey: '' }, MR],
      ['client', 'a control character in the nonce', { nonce: 'a\x01' }, MR],
    ],
  },
  {
    mechanisms: [xoauth],
    client: { username: 'user@example.com', protocol: 'imap', token: 'tok', tokenSecret: 'ts' },
    server: { secrets: () => undefined, validateToken: () => ({ error: { status: 'invalid_token' } }) },
    required: ['username', 'protocol'],
    serverRequired: ['secrets', 'validateToken'],
    strings: ['username', 'protocol', 'consumerKey', 'consumerSecret', 'requestorId', 'token', 'tokenSecret', 'nonce'],
    serverStrings: [],
    callbacks: ['random', 'now'],
    more: [
      ['client', 'a "/" in the username', { username: 'a/b' }, MR],
      ['client', 'a protocol with a space', { protocol: 'im ap' }, MR],
    ],
  },
]

const SHARED_SERVER_CALLBACKS = ['credentials', 'verifyPassword', 'authorize']

/** Every row: missing required options, each string option as a number, then the family's own cases. */
function rowsOf(family: Family): Row[] {
  const rows: Array<Omit<Row, 'mechanism'>> = [
    ...family.required.map((name) => ({ side: 'client' as const, why: `without ${name}`, options: without(family.client, name), code: PV })),
    ...family.serverRequired.map((name) => ({ side: 'server' as const, why: `without ${name}`, options: without(family.server, name), code: PV })),
    ...family.strings.map((name) => ({ side: 'client' as const, why: `${name} given as a number`, options: { ...family.client, [name]: 42 }, code: PV })),
    ...family.serverStrings.map((name) => ({ side: 'server' as const, why: `${name} given as a number`, options: { ...family.server, [name]: 42 }, code: PV })),
    ...(family.callbacks ?? []).map((name) => ({ side: 'client' as const, why: `${name} given as a number`, options: { ...family.client, [name]: 42 }, code: PV })),
    // The callbacks every server shares are checked as its code loads (the first next()).
    ...[...SHARED_SERVER_CALLBACKS, ...(family.serverCallbacks ?? [])].map((name) => ({ side: 'server' as const, why: `${name} given as a number`, options: { ...family.server, [name]: 42 }, code: PV })),
    { side: 'server' as const, why: 'maxMessageBytes given as a string', options: { ...family.server, maxMessageBytes: '4096' }, code: PV },
    // A limit that would turn the size check off.
    ...[NaN, -1, 0, 1.5].map((limit) => ({ side: 'server' as const, why: `maxMessageBytes ${limit}`, options: { ...family.server, maxMessageBytes: limit }, code: PV })),
    // No options object at all, or null: a missing required option, never a TypeError.
    ...(family.required.length === 0 ? [] : [undefined, null].map((options) => ({ side: 'client' as const, why: `options ${options}`, options: options as never, code: PV }))),
    ...(family.serverRequired.length === 0 ? [] : [undefined, null].map((options) => ({ side: 'server' as const, why: `options ${options}`, options: options as never, code: PV }))),
    ...family.more.map(([side, why, changes, code]) => ({ side, why, options: { ...(side === 'client' ? family.client : family.server), ...changes }, code })),
  ]
  return family.mechanisms.flatMap((mechanism) => rows.map((row) => ({ mechanism, ...row })))
}

function without(options: Options, name: string): Options {
  const { [name]: _, ...rest } = options
  return rest
}

/** Constructs the side and runs its first step: the error must come before anything is exchanged. */
async function attempt(mechanism: AnyMechanism, side: 'client' | 'server', options: Options): Promise<unknown> {
  if (side === 'client') return mechanism.client(options as never).start()
  return mechanism.server(options as never).next(undefined)
}

describe('option errors: one rule for every mechanism (decision 5)', () => {
  for (const family of families) {
    for (const mechanism of family.mechanisms) {
      // Controls: the base options are accepted, so each row fails for the one option it changes.
      it(`${mechanism.name} client and server accept the base options`, async () => {
        await attempt(mechanism, 'client', family.client)
        await attempt(mechanism, 'server', family.server)
      })
    }
    for (const row of rowsOf(family)) {
      it(`${row.mechanism.name} ${row.side}: ${row.why} → ${row.code}`, async () => {
        const error = await rejectsWithCode(() => attempt(row.mechanism, row.side, row.options), row.code)
        // Messages name the option, never a secret's value.
        for (const name of ['password', 'token', 'consumerSecret', 'tokenSecret', 'secret']) {
          const value = row.options?.[name]
          if (typeof value === 'string' && value.length > 3) expect(error.message).not.toContain(value)
        }
      })
    }
  }
})

describe('option errors of the public helpers (decision 5)', () => {
  const rows: Array<[string, () => unknown, Code]> = [
    ['ntHash of a number', () => ntHash(42 as never), PV],
    ['saslprep of a number', () => saslprep(42 as never), PV],
    ['deriveCredentials of a number', () => deriveCredentials(42 as never), PV],
    ['deriveCredentials without a password', () => deriveCredentials(undefined as never), PV],
    ['deriveCredentials with a username that is a number', () => deriveCredentials('pencil', { username: 42 as never, realm: 'r' }), PV],
    ['deriveCredentials with a realm that is a number', () => deriveCredentials('pencil', { username: 'u', realm: 42 as never }), PV],
    ['deriveCredentials with iterations 0', () => deriveCredentials('pencil', { iterations: 0 }), PV],
    // More than any saslkit client accepts by default (maxIterations 10,000,000): refused before any work.
    ['deriveCredentials with iterations 10,000,001', () => deriveCredentials('pencil', { iterations: 10_000_001 }), PV],
    ['deriveCredentials with a salt that is not bytes', () => deriveCredentials('pencil', { salt: 'salt' as never }), PV],
    ['deriveCredentials of an empty password', () => deriveCredentials(''), MR],
    ['deriveCredentials of a password SASLprep refuses', () => deriveCredentials('pen\u0007cil'), MR],
    ['saslprep of a prohibited character', () => saslprep('a\u0007'), MR],
    ['parsePasswordScheme of a number', () => parsePasswordScheme(42 as never), PV],
    ['formatPasswordScheme of null credentials', () => formatPasswordScheme('PLAIN', null as never), PV],
    ['formatPasswordScheme of a password that is a number', () => formatPasswordScheme('PLAIN', { password: 42 as never }), PV],
    ['utf8Encode of a number', () => utf8Encode(42 as never), PV],
    ['base64Encode of a string', () => base64Encode('Zm9v' as never), PV],
    ['constantTimeEqual of numbers', () => constantTimeEqual(1 as never, 2 as never), PV],
    ['smtp.encodeXtext of a number', () => smtp.encodeXtext(42 as never), PV],
    ['smtp.authParameter of bytes', () => smtp.authParameter(new Uint8Array(1) as never), PV],
    ['a profile server whose channel.bindings is not an array', () => imap.server({ mechanisms: [plain], credentials, channel: { secure: true, bindings: binding as never } }), PV],
  ]
  for (const [why, run, code] of rows) {
    it(`${why} → ${code}`, async () => {
      await rejectsWithCode(run, code)
    })
  }
})

// Decision 5's one exception: the two clients whose whole code is a few lines under a 1 KB
// budget send a non-string authzid (EXTERNAL) or trace (ANONYMOUS) as its text.
describe('the exception: EXTERNAL authzid and ANONYMOUS trace (decision 5)', () => {
  it('EXTERNAL client sends authzid 42 as the text "42"', async () => {
    const sent = await external.client({ authzid: 42 as never }).start()
    expect(new TextDecoder().decode(sent)).toBe('42')
  })
  it('without an options object, EXTERNAL and ANONYMOUS clients send an empty initial response', async () => {
    for (const options of [undefined, null]) {
      expect(await external.client(options as never).start()).toEqual(new Uint8Array(0))
      expect(await anonymous.client(options as never).start()).toEqual(new Uint8Array(0))
    }
  })
  it('ANONYMOUS client sends trace 42 as the text "42"', async () => {
    const sent = await anonymous.client({ trace: 42 as never }).start()
    expect(new TextDecoder().decode(sent)).toBe('42')
  })
})
