import { describe, expect, it } from 'vitest'
import protocol from '../vectors/protocol.json' with { type: 'json' }
import { external, imap, plain } from '../../src/index.js'
import { saslRejects, scriptedClient } from '../helpers/profiles.js'
import { replayClient, replayServer } from '../helpers/replay.js'

const v = protocol.vectors.find((x) => x.id === 'IMAP AUTHENTICATE rules and examples')!
const examples = v.expected as unknown as Record<string, string[]>
const credentials = (u: string) => (u === 'test' ? { password: 'test' } : undefined)
const plainTest = () => plain.client({ username: 'test', password: 'test', authzid: 'test' })
// Servers word their OK text freely ("Success (tls protection)"): compare tag and status.
const sameStatus = (expected: string, actual: string) => {
  const head = (line: string) => (line.startsWith('+') ? line : line.split(' ').slice(0, 2).join(' '))
  return head(expected) === head(actual)
}
const server = () => imap.server({ mechanisms: [plain, external], channel: { secure: true }, credentials, identity: 'test' })

describe(`IMAP: ${v.source}, line by line`, () => {
  it('PLAIN with SASL-IR — RFC 9051 §6.2.2, RFC 4959 §3', async () => {
    await replayClient(imap.client(plainTest(), { tag: 'A03', saslIr: true }), examples.example_sasl_ir!)
    await replayServer(server(), examples.example_sasl_ir!, sameStatus)
  })
  it('PLAIN without an initial response — RFC 9051 §6.2.2', async () => {
    await replayClient(imap.client(plainTest(), { tag: 'A01', saslIr: false }), examples.example_no_ir!)
    await replayServer(server(), examples.example_no_ir!, sameStatus)
  })
  it('EXTERNAL with an empty initial response "=" — RFC 4959 §3', async () => {
    await replayClient(imap.client(external.client({}), { tag: 'A01', saslIr: true }), examples.example_external!)
    await replayServer(server(), examples.example_external!, sameStatus)
  })
  it('EXTERNAL without SASL-IR: "+ " then an empty line — RFC 4959 §3', async () => {
    await replayClient(imap.client(external.client({}), { tag: 'A01' }), examples['example_external_no_ir (RFC 4959)']!)
    await replayServer(server(), examples['example_external_no_ir (RFC 4959)']!, sameStatus)
  })
})

describe('IMAP client', () => {
  it('answers untagged lines with {} and a BYE with temporary-auth-failure', async () => {
    const ex = imap.client(plainTest(), { tag: 'a1', saslIr: true })
    await ex.begin()
    expect(await ex.receive('* OK [ALERT] still thinking')).toEqual({})
    expect(await ex.receive('* CAPABILITY IMAP4rev2 AUTH=PLAIN')).toEqual({})
    const error = await saslRejects(ex.receive('* BYE [UNAVAILABLE] shutting down'), 'temporary-auth-failure')
    expect(error.reply).toEqual({ code: 0, status: 'BYE', condition: 'UNAVAILABLE', text: 'shutting down' })
  })

  it('takes a tagged OK with a CAPABILITY response code, in any case', async () => {
    for (const line of ['a1 OK [CAPABILITY IMAP4rev2 IDLE] Logged in', 'a1 ok', 'a1 OK']) {
      const ex = imap.client(plainTest(), { tag: 'a1', saslIr: true })
      await ex.begin()
      expect(await ex.receive(line)).toEqual({ done: true })
    }
  })

  const refusals: Array<[string, string, Record<string, unknown>]> = [
    ['A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)', 'not-authorized', { status: 'NO', condition: 'AUTHENTICATIONFAILED', text: 'Invalid credentials (Failure)' }],
    ['A1 NO [AUTHORIZATIONFAILED] No such authorization-ID', 'invalid-authzid', { condition: 'AUTHORIZATIONFAILED' }],
    ['A1 NO [EXPIRED] That password is expired', 'credentials-expired', { condition: 'EXPIRED' }],
    ['A1 NO [PRIVACYREQUIRED] Connection offers no privacy', 'encryption-required', { condition: 'PRIVACYREQUIRED' }],
    ['A1 NO [UNAVAILABLE] User database offline', 'temporary-auth-failure', { condition: 'UNAVAILABLE' }],
    ['A1 NO [CONTACTADMIN] Account suspended', 'account-disabled', { condition: 'CONTACTADMIN' }],
    ['A1 NO [CANNOT] Unsupported mechanism', 'invalid-mechanism', { condition: 'CANNOT' }],
    ['A1 NO [ALERT] Login failed', 'not-authorized', { condition: 'ALERT' }],
    ['A1 NO Authentication failed.', 'not-authorized', { status: 'NO', text: 'Authentication failed.' }],
    ['A1 no [authenticationfailed] lower case', 'not-authorized', { status: 'NO', condition: 'AUTHENTICATIONFAILED' }],
    ['A1 BAD Invalid base64', 'malformed-request', { status: 'BAD' }],
  ]
  for (const [line, code, reply] of refusals) {
    it(`maps "${line}" to ${code} — RFC 9051 §6.2.2, RFC 5530`, async () => {
      const ex = imap.client(plainTest(), { tag: 'A1', saslIr: true })
      await ex.begin()
      const error = await saslRejects(ex.receive(line), code)
      expect(error.reply).toMatchObject({ code: 0, ...reply })
    })
  }

  // Decision 5: a tag the wire format cannot carry is malformed-request; one that is no string, protocol-violation.
  it('refuses an invalid tag', () => {
    for (const tag of ['', 'A 1', 'A+1', '*', 'A(1', 'A"1', 'A\\1', 'A%1', 'A{1'])
      expect(() => imap.client(plainTest(), { tag })).toThrowError(expect.objectContaining({ code: 'malformed-request' }))
    expect(() => imap.client(plainTest(), { tag: 1 as unknown as string })).toThrowError(expect.objectContaining({ code: 'protocol-violation' }))
  })

  it('defaults to tag A1 and no initial response', async () => {
    const ex = imap.client(scriptedClient('X', { initial: 'abc' }))
    expect(await ex.begin()).toBe('A1 AUTHENTICATE X')
    expect(await ex.receive('+')).toEqual({ send: 'YWJj' })
  })
})

describe('IMAP server', () => {
  it('reads the tag and command case-insensitively and answers under that tag', async () => {
    const srv = server()
    expect((await srv.receive('abc.1 authenticate plain dGVzdAB0ZXN0AHRlc3Q=')).reply).toBe('abc.1 OK Authentication successful')
  })

  it('answers lines without a valid tag untagged', async () => {
    for (const line of ['* AUTHENTICATE PLAIN', 'A+1 AUTHENTICATE PLAIN', ' AUTHENTICATE PLAIN', 'X'.repeat(70000)]) {
      expect((await server().receive(line)).reply).toMatch(/^\* BAD /)
    }
  })

  it('advertises AUTH= atoms, SASL-IR, and LOGINDISABLED without TLS — RFC 9051 §6.2.3', () => {
    expect(server().advertise()).toEqual(['AUTH=PLAIN', 'AUTH=EXTERNAL', 'SASL-IR'])
    expect(imap.server({ mechanisms: [plain, external], credentials, identity: 'test' }).advertise()).toEqual(['AUTH=EXTERNAL', 'SASL-IR', 'LOGINDISABLED'])
  })
})

describe('IMAP parseCapabilities', () => {
  it('reads a CAPABILITY response', () => {
    expect(imap.parseCapabilities('* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS AUTH=PLAIN AUTH=SCRAM-SHA-256 auth=xoauth2 LOGINDISABLED STARTTLS')).toEqual({
      capabilities: ['IMAP4REV1', 'SASL-IR', 'LOGIN-REFERRALS', 'AUTH=PLAIN', 'AUTH=SCRAM-SHA-256', 'AUTH=XOAUTH2', 'LOGINDISABLED', 'STARTTLS'],
      mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'XOAUTH2'],
      saslIr: true,
      loginDisabled: true,
      startTls: true,
    })
  })
  it('reads a CAPABILITY response code in a greeting or tagged OK; IMAP4rev2 implies SASL-IR — RFC 9051 §6.2.2', () => {
    expect(imap.parseCapabilities('* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] Dovecot ready.')).toMatchObject({ mechanisms: ['PLAIN'], saslIr: true, loginDisabled: false })
    expect(imap.parseCapabilities('A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in')).toMatchObject({ mechanisms: [], saslIr: false })
    expect(imap.parseCapabilities('* PREAUTH [CAPABILITY IMAP4rev1] hi')).toMatchObject({ capabilities: ['IMAP4REV1'] })
  })
  it('refuses lines without a capability list', () => {
    for (const line of ['* OK Dovecot ready.', 'A1 OK done', '', '* CAPABILITY\r\nX', 7 as unknown as string]) {
      expect(() => imap.parseCapabilities(line)).toThrowError(expect.objectContaining({ code: 'malformed-request' }))
    }
  })
})
