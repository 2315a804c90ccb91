// API.md §6: "Every bad input becomes a SaslError with one of these codes, never a TypeError,
// RangeError or a hang." Every public export of saslkit is called here with wrong arguments of
// every kind — undefined, null, numbers, text where bytes go and bytes where text goes,
// symbols, arrays, objects, functions — and every option of every mechanism descriptor is set
// to each of them in turn (nested fields and what callbacks return too). Each call must return,
// resolve, or throw or reject a SaslError with an API code (decision 5 picks which), never one
// wrapping a TypeError of saslkit's own; a client or server that accepts its options is then
// run against a peer built with good ones, and a step given anything but bytes is
// `protocol-violation`. Junk a callback returns may fail inside a step, wrapped as the step
// guards wrap whatever a step throws. The walk over the exports fails when an export is not
// covered. Allowed exceptions, each with its reason: `SENT_AS_TEXT` and `textOnly` below.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as saslkit from '../../src/index.js'
import { SaslError, plain, type SaslClient, type SaslServer } from '../../src/index.js'
import { ProviderFailure, fixtures, type MechanismFixture } from '../fixtures/mechanisms.js'
import { API_CODES, bounded } from '../helpers/hostile.js'

type AnyMechanism = saslkit.Mechanism<never, never>
type Options = Record<string, unknown>

/** Every kind of wrong value, made afresh for each use (bytes may be changed in place). */
const JUNK: ReadonlyArray<readonly [string, () => unknown]> = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['0', () => 0],
  ['-1', () => -1],
  ['1.5', () => 1.5],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['2 ** 53', () => 2 ** 53],
  ['true', () => true],
  ['false', () => false],
  ['an empty string', () => ''],
  ['a string', () => 'x'],
  ['a NUL', () => '\0'],
  ['a lone surrogate', () => '\uD800'],
  ['a long string', () => 'x'.repeat(5000)],
  ['a symbol', () => Symbol('junk')],
  ['a bigint', () => 1n],
  ['an empty array', () => []],
  ['an array of junk', () => [null, 1, 'x', {}]],
  ['an empty object', () => ({})],
  ['an object of junk fields', () => ({ length: -1, type: 1, data: 'x', secure: 'yes', bindings: 1, name: 2, traits: 3 })],
  ['a null-prototype object', () => Object.create(null)],
  ['a function', () => () => undefined],
  ['a function returning junk', () => () => 42],
  ['bytes', () => new Uint8Array([1, 2, 3])],
  ['empty bytes', () => new Uint8Array(0)],
  ['an ArrayBuffer', () => new ArrayBuffer(3)],
  ['an invalid Date', () => new Date(NaN)],
  ['a Map', () => new Map([['a', 1]])],
  ['a promise', () => Promise.resolve('x')],
]
/** What a step may be given instead of bytes: the step guard checks one thing, so a few kinds cover it. */
const NOT_BYTES = JUNK.filter(([kind]) => ['null', '0', 'a string', 'an array of junk', 'an empty object', 'an ArrayBuffer'].includes(kind))

/** Junk values: the listed kinds, and random nested values. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...JUNK).map(([, make]) => make()) },
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }),
)

/** What went wrong in one call, or undefined when it returned or raised an API SaslError. */
type Finding = string | undefined

/** What went wrong, grouped: where (the argument or option), what happened, and the junk kinds that did it. */
class Findings {
  readonly #groups = new Map<string, string[]>()
  add(where: string, kind: string, what: string): void {
    const key = `${where}: ${what}`
    this.#groups.set(key, [...(this.#groups.get(key) ?? []), kind])
  }
  list(): string[] {
    return [...this.#groups].map(([key, kinds]) => `${key} [${kinds.join(', ')}]`)
  }
}

const TIMEOUT_MS = 2000

function describeError(error: unknown): string {
  if (error instanceof SaslError) return `SaslError(${error.code}): ${error.message}`
  return error instanceof Error ? `${error.name}: ${error.message}` : `a thrown ${typeof error}`
}

/** Runs `call`: it must return, resolve, or throw/reject an API SaslError, within TIMEOUT_MS. */
async function settle<T>(call: () => T | Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: SaslError } | { finding: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Hang()), TIMEOUT_MS)))
  try {
    return { ok: true, value: await Promise.race([Promise.resolve().then(call), hang]) }
  } catch (error) {
    if (error instanceof Hang) return { finding: `no answer within ${TIMEOUT_MS} ms` }
    if (error instanceof SaslError && API_CODES.includes(error.code)) {
      if (error.cause instanceof Error && !(error.cause instanceof ProviderFailure)) return { finding: `${describeError(error)} wrapping ${describeError(error.cause)}` }
      return { ok: false, error }
    }
    return { finding: describeError(error) }
  } finally {
    clearTimeout(timer)
  }
}
class Hang extends Error {}

// ----------------------------------------------------------------------------------------------
// The exports: each function with arguments it accepts, where junk then takes each place in turn.

const saslClient = () => plain.client({ username: 'tim', password: 'tanstaaftanstaaf' })
const serverOptions = () => ({ mechanisms: [plain], channel: { secure: true }, credentials: () => ({ password: 'tanstaaftanstaaf' }) })

interface Callable {
  readonly call: (...args: never[]) => unknown
  /** Arguments the call accepts; junk replaces each in turn, and whole lists of junk are tried too. */
  readonly args: () => unknown[]
  /**
   * Arguments left out of the junk, each with its reason: only asSaslError's `message`, which
   * becomes the error's message as `new Error(message)` makes it (a symbol or an object
   * without prototype has no text and throws there, as it would for any Error).
   */
  readonly textOnly?: Readonly<Record<number, string>>
  /** Drives what the call returned (a profile exchange) with junk. */
  readonly drive?: (result: never, junk: unknown) => Promise<unknown>
}

const driveClientExchange = async (exchange: saslkit.ClientExchange, value: unknown) => {
  await exchange.begin()
  await exchange.receive(value as string)
}
const driveServerExchange = async (exchange: saslkit.smtp.SmtpServer, value: unknown) => {
  await exchange.receive(value as string)
  await exchange.receive('AUTH PLAIN')
  await exchange.receive(value as string)
}

/** The functions of src/index.ts and of the profile namespaces, by export path. */
const callables: Record<string, Callable> = {
  asSaslError: {
    call: saslkit.asSaslError,
    args: () => [new Error('x'), 'temporary-auth-failure', 'm'],
    // What asSaslError wraps may be anything; code and message become the error's text.
    textOnly: { 1: 'a code is made text as the message', 2: "the message is made text as Error's constructor makes it" },
  },
  base64Encode: { call: saslkit.base64Encode, args: () => [new Uint8Array([1])] },
  base64Decode: { call: saslkit.base64Decode, args: () => ['AQ=='] },
  utf8Encode: { call: saslkit.utf8Encode, args: () => ['x'] },
  utf8Decode: { call: saslkit.utf8Decode, args: () => [new Uint8Array([0x78])] },
  constantTimeEqual: { call: saslkit.constantTimeEqual, args: () => [new Uint8Array([1]), new Uint8Array([1])] },
  negotiate: { call: saslkit.negotiate, args: () => [['PLAIN'], [plain], { secure: true }] },
  saslprep: { call: saslkit.saslprep, args: () => ['x', { storedString: true }] },
  ntHash: { call: saslkit.ntHash, args: () => ['x'] },
  deriveCredentials: { call: saslkit.deriveCredentials, args: () => ['x', { username: 'u', realm: 'r', iterations: 1, salt: new Uint8Array(4) }] },
  parsePasswordScheme: { call: saslkit.parsePasswordScheme, args: () => ['{PLAIN}x'] },
  formatPasswordScheme: { call: saslkit.formatPasswordScheme, args: () => ['PLAIN', { password: 'x' }] },
  'smtp.client': { call: saslkit.smtp.client, args: () => [saslClient(), { initialResponse: false }], drive: driveClientExchange },
  'smtp.server': { call: saslkit.smtp.server, args: () => [serverOptions()], drive: driveServerExchange },
  'smtp.parseEhlo': { call: saslkit.smtp.parseEhlo, args: () => [['mx.example.com', 'AUTH PLAIN']] },
  'smtp.encodeXtext': { call: saslkit.smtp.encodeXtext, args: () => ['x'] },
  'smtp.decodeXtext': { call: saslkit.smtp.decodeXtext, args: () => ['x'] },
  'smtp.authParameter': { call: saslkit.smtp.authParameter, args: () => ['x'] },
  'smtp.parseAuthParameter': { call: saslkit.smtp.parseAuthParameter, args: () => ['x'] },
  'imap.client': { call: saslkit.imap.client, args: () => [saslClient(), { tag: 'A1' }], drive: driveClientExchange },
  'imap.server': { call: saslkit.imap.server, args: () => [serverOptions()], drive: driveServerExchange },
  'imap.parseCapabilities': { call: saslkit.imap.parseCapabilities, args: () => ['* CAPABILITY IMAP4rev1 AUTH=PLAIN'] },
  'pop3.client': { call: saslkit.pop3.client, args: () => [saslClient(), {}], drive: driveClientExchange },
  'pop3.server': { call: saslkit.pop3.server, args: () => [serverOptions()], drive: driveServerExchange },
  'pop3.parseCapabilities': { call: saslkit.pop3.parseCapabilities, args: () => [['SASL PLAIN']] },
  'xmpp.client': { call: saslkit.xmpp.client, args: () => [saslClient()], drive: driveClientExchange },
  'xmpp.server': { call: saslkit.xmpp.server, args: () => [serverOptions()], drive: driveServerExchange },
  'xmpp.parseMechanisms': { call: saslkit.xmpp.parseMechanisms, args: () => ['<mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms>'] },
}

/** Exports that are not called: classes (for `instanceof` and `extends`) and constants. */
const notCalled: Record<string, string> = {
  SaslError: 'the error class itself: apps construct it to reject from their own callbacks',
  'smtp.SmtpServer': 'a class for instanceof; smtp.server() makes one',
  'imap.ImapServer': 'a class for instanceof; imap.server() makes one',
  'pop3.Pop3Server': 'a class for instanceof; pop3.server() makes one',
  'xmpp.XmppServer': 'a class for instanceof; xmpp.server() makes one',
  'xmpp.NS': 'a constant (the SASL XML namespace)',
}

const isDescriptor = (value: unknown): value is AnyMechanism =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AnyMechanism).name === 'string' &&
  typeof (value as AnyMechanism).client === 'function' &&
  typeof (value as AnyMechanism).server === 'function'

const descriptors = Object.values(saslkit).filter(isDescriptor)

/** Every option of each mechanism (API.md §3), client side and server side. */
const SERVER_COMMON = ['credentials', 'verifyPassword', 'authorize', 'channel', 'maxMessageBytes']
const SCRAM = {
  client: ['username', 'password', 'saltedPassword', 'clientKey', 'serverKey', 'salt', 'iterations', 'authzid', 'channelBinding', 'nonce', 'minIterations', 'maxIterations', 'random'],
  server: ['iterations', 'secret', 'nonce', 'random', ...SERVER_COMMON],
}
const OAUTH = { client: ['username', 'token', 'authzid', 'host', 'port'], server: ['validateToken', ...SERVER_COMMON] }
const OPTION_FIELDS: Record<string, { readonly client: readonly string[]; readonly server: readonly string[] }> = {
  PLAIN: { client: ['username', 'password', 'authzid', 'prepare'], server: ['prepare', ...SERVER_COMMON] },
  LOGIN: { client: ['username', 'password', 'prepare'], server: ['prompts', 'prepare', ...SERVER_COMMON] },
  ANONYMOUS: { client: ['trace'], server: ['allow', 'username', 'maxMessageBytes'] },
  EXTERNAL: { client: ['authzid'], server: ['identity', 'authorize', 'credentials', 'maxMessageBytes'] },
  'CRAM-MD5': { client: ['username', 'password'], server: ['hostname', 'random', 'now', 'challenge', ...SERVER_COMMON] },
  'DIGEST-MD5': {
    client: ['username', 'password', 'authzid', 'service', 'host', 'realm', 'cnonce', 'random'],
    server: ['service', 'host', 'realm', 'nonce', 'random', ...SERVER_COMMON],
  },
  NTLM: {
    client: ['username', 'password', 'ntHash', 'domain', 'workstation', 'targetName', 'channelBinding', 'legacy', 'clientChallenge', 'exportedSessionKey', 'now', 'random'],
    server: ['legacy', 'netbiosDomain', 'netbiosComputer', 'dnsDomain', 'dnsComputer', 'timestampWindowMs', 'serverChallenge', 'random', 'now', ...SERVER_COMMON],
  },
  OAUTHBEARER: OAUTH,
  XOAUTH2: OAUTH,
  OAUTH10A: {
    client: ['username', 'authzid', 'host', 'port', 'realm', 'consumerKey', 'consumerSecret', 'token', 'tokenSecret', 'nonce', 'timestamp', 'random', 'now'],
    server: ['secrets', 'validateToken', ...SERVER_COMMON],
  },
  XOAUTH: {
    client: ['username', 'protocol', 'consumerKey', 'consumerSecret', 'requestorId', 'token', 'tokenSecret', 'nonce', 'timestamp', 'random', 'now'],
    server: ['secrets', 'validateToken', ...SERVER_COMMON],
  },
  'SCRAM-SHA-1': SCRAM,
  'SCRAM-SHA-256': SCRAM,
  'SCRAM-SHA-512': SCRAM,
  'SCRAM-SHA-1-PLUS': SCRAM,
  'SCRAM-SHA-256-PLUS': SCRAM,
  'SCRAM-SHA-512-PLUS': SCRAM,
  GSSAPI: { client: ['provider', 'authzid', 'securityLayer', 'maxBuffer'], server: ['provider', 'securityLayers', 'maxBuffer', 'authorize', 'maxMessageBytes'] },
}

/**
 * Decision 5's one exception (docs/decisions/0005-option-errors.md, rule 3): these two clients
 * send the option as its text, so a value that has no text (a symbol, an object without
 * prototype) fails where it is turned into text. Each is a few lines inside a 1 KB budget.
 */
const SENT_AS_TEXT: ReadonlySet<string> = new Set(['EXTERNAL client authzid', 'ANONYMOUS client trace'])

/**
 * SCRAM keys of one iteration, and a client that accepts them: the same code paths as the
 * fixture's 4096, without thousands of PBKDF2 rounds per run (the suite runs on every runtime).
 */
const scramOneIteration = await saslkit.deriveCredentials('correct horse battery staple', { iterations: 1 })
const cheaper = (mechanism: AnyMechanism, side: 'client' | 'server', options: Options): Options => {
  if (!mechanism.name.startsWith('SCRAM-')) return options
  if (side === 'client') return { ...options, minIterations: 1 }
  return typeof options.credentials === 'function' ? { ...options, credentials: (user: string) => (user === 'alice' ? scramOneIteration : undefined) } : options
}
/** A descriptor's working options on one side (see `cheaper`). */
const baseOptions = (mechanism: AnyMechanism, side: 'client' | 'server'): Options => {
  const fixture = fixtureOf(mechanism)
  return cheaper(mechanism, side, side === 'client' ? fixture.clientOptions() : fixture.serverOptions())
}

/** The working options of each descriptor's two sides: its fixture's (the -PLUS rows share SCRAM-SHA-256-PLUS's). */
function fixtureOf(mechanism: AnyMechanism): MechanismFixture {
  const own = fixtures.find((f) => f.mechanism === mechanism)
  const plus = fixtures.find((f) => f.name === 'SCRAM-SHA-256-PLUS')
  const fixture = own ?? (mechanism.name.endsWith('-PLUS') ? plus : undefined)
  if (fixture === undefined) throw new Error(`no fixture for ${mechanism.name}`)
  return fixture
}

/**
 * Junk variants of an options object: each field (given or not) set to each junk kind; each
 * field of a nested object (a channel, a channel binding, a provider) set to each; each
 * callback (and provider method) made to return each kind, at once and as a promise.
 */
/** What a callback's promise resolves to: the awaited value meets the same checks as a returned one. */
const ASYNC_KINDS: ReadonlySet<string> = new Set(['undefined', 'null', '0', 'a string', 'an empty object', 'bytes'])

function variants(base: Options, fields: readonly string[]): Array<[where: string, kind: string, options: Options]> {
  const out: Array<[string, string, Options]> = []
  for (const field of new Set([...fields, ...Object.keys(base)])) {
    for (const [kind, make] of JUNK) out.push([field, kind, { ...base, [field]: make() }])
    const value = base[field]
    if (typeof value === 'function') {
      for (const [kind, make] of JUNK) {
        out.push([`${field}() returning`, kind, { ...base, [field]: () => make() }])
        if (ASYNC_KINDS.has(kind)) out.push([`${field}() resolving to`, kind, { ...base, [field]: async () => make() }])
      }
    } else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        const inner = (value as Options)[key]
        for (const [kind, make] of JUNK) {
          const replacement = typeof inner === 'function' ? () => make() : make()
          out.push([`${field}.${key}${typeof inner === 'function' ? '() returning' : ''}`, kind, { ...base, [field]: { ...value, [key]: replacement } }])
        }
      }
    }
  }
  return out
}

/**
 * Runs `client` against `server` to the end (at most 10 rounds); what either side raises must
 * be an API SaslError. Returns what went wrong, if anything.
 */
async function exchange(makeClient: () => SaslClient, makeServer: () => SaslServer): Promise<Finding> {
  const client = await settle(makeClient)
  if ('finding' in client) return `client(): ${client.finding}`
  if (!client.ok) return undefined
  const server = await settle(makeServer)
  if ('finding' in server) return `server(): ${server.finding}`
  if (!server.ok) return undefined
  let message = await settle(() => client.value.start())
  for (let round = 0; round < 10; round++) {
    if ('finding' in message) return `client step ${round}: ${message.finding}`
    if (!message.ok) return undefined
    const response = message.value
    const step = await settle(() => server.value.next(response))
    if ('finding' in step) return `server step ${round}: ${step.finding}`
    if (!step.ok) return undefined
    const result = step.value
    if (result.type === 'failure') {
      const { error } = result
      const ok = error instanceof SaslError && API_CODES.includes(error.code) && (!(error.cause instanceof Error) || error.cause instanceof ProviderFailure)
      return ok ? undefined : `server failure: ${describeError(error)}${error.cause instanceof Error ? ` wrapping ${describeError(error.cause)}` : ''}`
    }
    if (result.type === 'success') {
      const data = result.additionalData
      const end = await settle(async () => {
        if (data !== undefined) await client.value.next(data)
        await client.value.finish()
      })
      return 'finding' in end ? `client finish: ${end.finding}` : undefined
    }
    const challenge = result.challenge
    message = await settle(() => client.value.next(challenge))
  }
  return 'the exchange did not end within 10 rounds'
}

describe('every export is called with junk (API.md §6)', () => {
  it('the walk covers every export of src/index.ts', () => {
    const uncovered: string[] = []
    for (const [name, value] of Object.entries(saslkit)) {
      if (isDescriptor(value)) {
        if (OPTION_FIELDS[value.name] === undefined) uncovered.push(`${name} (no option list)`)
        continue
      }
      if (typeof value === 'function') {
        if (!(name in callables) && !(name in notCalled)) uncovered.push(name)
        continue
      }
      if (typeof value === 'object' && value !== null) {
        for (const [member, inner] of Object.entries(value)) {
          const path = `${name}.${member}`
          if (typeof inner === 'function' && !(path in callables) && !(path in notCalled)) uncovered.push(path)
          if (typeof inner !== 'function' && !(path in notCalled)) uncovered.push(path)
        }
        continue
      }
      uncovered.push(name)
    }
    expect(uncovered).toEqual([])
  })

  for (const [name, callable] of Object.entries(callables)) {
    it(`${name}: junk in each argument, and lists of junk, return or raise an API SaslError`, async () => {
      const findings = new Findings()
      const run = async (where: string, kind: string, args: unknown[]) => {
        const result = await settle(() => (callable.call as (...a: unknown[]) => unknown)(...args))
        if ('finding' in result) findings.add(where, kind, result.finding)
        else if (result.ok && callable.drive !== undefined) {
          for (const [junkKind, make] of JUNK) {
            const driven = await settle(() => callable.drive!(result.value as never, make()))
            if ('finding' in driven) findings.add(`${where} (${kind}), then a line`, junkKind, driven.finding)
          }
        }
      }
      const valid = callable.args()
      await run('the valid arguments', '-', valid)
      for (let at = 0; at < valid.length; at++) {
        if (callable.textOnly?.[at] !== undefined) continue
        for (const [kind, make] of JUNK) await run(`argument ${at + 1}`, kind, valid.map((v, i) => (i === at ? make() : v)))
        // An options object whose fields are junk.
        const value = valid[at]
        if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !isClient(value)) {
          for (const [where, kind, options] of variants(value as Options, [])) await run(`argument ${at + 1} ${where}`, kind, valid.map((v, i) => (i === at ? options : v)))
        }
      }
      expect(findings.list()).toEqual([])
      await fc.assert(
        fc.asyncProperty(fc.array(junk, { maxLength: 4 }), async (args) => {
          for (const at of Object.keys(callable.textOnly ?? {})) if (Number(at) < args.length) args[Number(at)] = 'text'
          const result = await settle(() => (callable.call as (...a: unknown[]) => unknown)(...args))
          expect('finding' in result ? result.finding : undefined).toBeUndefined()
        }),
        bounded(0.5),
      )
    })
  }
})

const isClient = (value: object): boolean => typeof (value as SaslClient).start === 'function'

describe('every mechanism descriptor, with junk options (API.md §6, decision 5)', () => {
  for (const mechanism of descriptors) {
    const fields = OPTION_FIELDS[mechanism.name] ?? { client: [], server: [] }
    for (const side of ['client', 'server'] as const) {
      it(`${mechanism.name} ${side}(): every option set to junk raises an API SaslError or works`, async () => {
        const findings = new Findings()
        const build = (options: unknown) => (side === 'client' ? mechanism.client(options as never) : mechanism.server(options as never))
        const peer = () => (side === 'client' ? mechanism.server(baseOptions(mechanism, 'server') as never) : mechanism.client(baseOptions(mechanism, 'client') as never))
        const run = async (where: string, kind: string, options: unknown) => {
          const finding =
            side === 'client' ? await exchange(() => build(options) as SaslClient, peer as () => SaslServer) : await exchange(peer as () => SaslClient, () => build(options) as SaslServer)
          if (finding === undefined || SENT_AS_TEXT.has(`${mechanism.name} ${side} ${where}`)) return
          // Junk a callback returns may fail inside a step, wrapped (ServerBase and ClientBase turn
          // what a step throws into temporary-auth-failure); junk given as an option may not.
          const returned = where.includes('()') || kind.startsWith('a function')
          if (returned && finding.includes(': SaslError(') && !/^client\(\)|^server\(\)/.test(finding)) return
          findings.add(where, kind, finding)
        }
        for (const [kind, make] of JUNK) await run('options', kind, make())
        const base = baseOptions(mechanism, side)
        for (const [where, kind, options] of variants(base, fields[side])) await run(where, kind, options)
        expect(findings.list()).toEqual([])
      })
    }
  }
})

describe('a step given anything but bytes is protocol-violation (API.md §6)', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name}: client next()/finish() and server next() with junk at any step`, async () => {
      const findings = new Findings()
      for (let target = 0; target < 6; target++) {
        for (const [kind, make] of NOT_BYTES) {
          for (const who of ['client', 'server'] as const) {
            // The fixture's own rows (a stored plaintext password, say) keep their options.
            const fast = (side: 'client' | 'server', options: Options) => (fixture.name === fixture.mechanism.name ? cheaper(fixture.mechanism, side, options) : options)
            const client = fixture.clientWith(fast('client', fixture.clientOptions()))
            const server = fixture.serverWith(fast('server', fixture.serverOptions()))
            let step = 0
            const junkAt = (side: 'client' | 'server', value: unknown) => (side === who && step === target ? make() : value)
            const outcome = await settle(async () => {
              let message = await client.start()
              for (; step < 10; step++) {
                const result = await server.next(junkAt('server', message) as Uint8Array)
                if (result.type === 'failure') return
                if (result.type === 'success') {
                  if (result.additionalData !== undefined) await client.next(junkAt('client', result.additionalData) as Uint8Array)
                  step++
                  await client.finish(junkAt('client', undefined) as undefined)
                  return
                }
                message = await client.next(junkAt('client', result.challenge) as Uint8Array)
              }
            })
            if ('finding' in outcome) findings.add(`${who} step ${target}`, kind, outcome.finding)
            else if (!outcome.ok && outcome.error.code !== 'protocol-violation') findings.add(`${who} step ${target}`, kind, describeError(outcome.error))
          }
        }
      }
      expect(findings.list()).toEqual([])
    })
  }
})
