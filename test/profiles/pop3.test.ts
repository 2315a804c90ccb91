import { describe, expect, it } from 'vitest'
import protocol from '../vectors/protocol.json' with { type: 'json' }
import { base64Encode, plain, pop3 } from '../../src/index.js'
import { saslRejects, scriptedClient } from '../helpers/profiles.js'
import { replayClient, replayServer } from '../helpers/replay.js'

const v = protocol.vectors.find((x) => x.id === 'POP3 AUTH rules and examples')!
const examples = v.expected as unknown as Record<string, string[]>
const credentials = (u: string) => (u === 'test' ? { password: 'test' } : undefined)
const plainTest = () => plain.client({ username: 'test', password: 'test', authzid: 'test' })
// "+OK Maildrop locked and ready" is the RFC's wording; compare the status indicator.
const sameStatus = (expected: string, actual: string) => (expected.startsWith('+OK') ? actual.startsWith('+OK') : expected === actual)
const server = () => pop3.server({ mechanisms: [plain], channel: { secure: true }, credentials })

describe(`POP3: ${v.source}, line by line`, () => {
  it('PLAIN with an initial response — RFC 5034 §6', async () => {
    await replayClient(pop3.client(plainTest()), examples.example_ir!)
    await replayServer(server(), examples.example_ir!, sameStatus)
  })
  it('PLAIN without an initial response — RFC 5034 §6', async () => {
    await replayClient(pop3.client(plainTest(), { initialResponse: false }), examples.example_no_ir!)
    await replayServer(server(), examples.example_no_ir!, sameStatus)
  })
})

describe('POP3 client', () => {
  // "AUTH XYZW " is 10 octets: 183 bytes (244 base64 chars) make 254 + CRLF = 256 > 255.
  it('withholds an initial response past the 255-octet command limit — RFC 5034 §4, RFC 2449 §4', async () => {
    const fits = new Uint8Array(180).fill(1)
    expect(await pop3.client(scriptedClient('XYZW', { initial: fits })).begin()).toBe(`AUTH XYZW ${base64Encode(fits)}`)
    const long = new Uint8Array(183).fill(2)
    const ex = pop3.client(scriptedClient('XYZW', { initial: long }))
    expect(await ex.begin()).toBe('AUTH XYZW')
    expect(await ex.receive('+ ')).toEqual({ send: base64Encode(long) })
    expect(await ex.receive('+OK')).toEqual({ done: true })
  })

  const replies: Array<[string, string, Record<string, unknown>]> = [
    ['-ERR [AUTH] Authentication failed', 'not-authorized', { status: '-ERR', condition: 'AUTH', text: 'Authentication failed' }],
    ['-ERR [SYS/TEMP] Try again later', 'temporary-auth-failure', { condition: 'SYS/TEMP' }],
    ['-ERR [SYS/PERM] Account locked', 'account-disabled', { condition: 'SYS/PERM' }],
    ['-ERR [IN-USE] Mailbox busy', 'temporary-auth-failure', { condition: 'IN-USE' }],
    ['-ERR [LOGIN-DELAY] Wait', 'temporary-auth-failure', { condition: 'LOGIN-DELAY' }],
    ['-ERR [FOO] what', 'not-authorized', { condition: 'FOO' }],
    ['-ERR authentication failed', 'not-authorized', { text: 'authentication failed' }],
    ['-err', 'not-authorized', { text: '' }],
  ]
  for (const [line, code, reply] of replies) {
    it(`maps "${line}" to ${code} — RFC 5034 §4, RFC 3206`, async () => {
      const ex = pop3.client(plainTest())
      await ex.begin()
      const error = await saslRejects(ex.receive(line), code)
      expect(error.reply).toMatchObject({ code: 0, ...reply })
    })
  }

  it('takes "+OK" in any case, and "+" as an empty challenge', async () => {
    const ex = pop3.client(scriptedClient('X', { responses: ['r'] }))
    expect(await ex.begin()).toBe('AUTH X')
    expect(await ex.receive('+')).toEqual({ send: 'cg==' })
    expect(await ex.receive('+ok logged in')).toEqual({ done: true })
  })
})

describe('POP3 server', () => {
  it('advertises the SASL capability line — RFC 5034 §3', () => {
    expect(server().advertise()).toEqual(['SASL PLAIN'])
    expect(pop3.server({ mechanisms: [plain], credentials }).advertise()).toEqual([])
  })
})

describe('POP3 parseCapabilities', () => {
  it('reads a CAPA response with the SASL line — RFC 5034 §3, RFC 2449 §5', () => {
    const caps = pop3.parseCapabilities(['+OK Capability list follows', 'TOP', 'USER', 'SASL SCRAM-SHA-256 PLAIN login', 'STLS', 'IMPLEMENTATION Dovecot', '..odd', '.'])
    expect(caps).toMatchObject({ mechanisms: ['SCRAM-SHA-256', 'PLAIN', 'LOGIN'], startTls: true, user: true })
    expect(caps.extensions.get('IMPLEMENTATION')).toEqual(['Dovecot'])
    expect(caps.extensions.has('.ODD')).toBe(true)
  })
  it('reads the capability lines alone', () => {
    expect(pop3.parseCapabilities(['SASL PLAIN'])).toMatchObject({ mechanisms: ['PLAIN'], startTls: false, user: false })
  })
  it('refuses a -ERR, lines after the ".", and non-strings', () => {
    for (const lines of [['-ERR no CAPA'], ['SASL PLAIN', '.', 'STLS'], [3], 'SASL PLAIN']) {
      expect(() => pop3.parseCapabilities(lines as string[])).toThrowError(expect.objectContaining({ code: 'malformed-request' }))
    }
  })
})
