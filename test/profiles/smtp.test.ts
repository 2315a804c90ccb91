import { describe, expect, it } from 'vitest'
import protocol from '../vectors/protocol.json' with { type: 'json' }
import { base64Encode, external, login, plain, smtp } from '../../src/index.js'
import { bytes, challenge, fakeMechanism, saslRejects, scriptedClient, scriptedServer, success } from '../helpers/profiles.js'
import { replayClient, replayServer } from '../helpers/replay.js'
import { lazyServer } from '../../src/core/guard.js'
import type { WireLoader } from '../../src/profiles/common.js'

const vector = (id: string) => protocol.vectors.find((v) => v.id === id)!
const examples = vector('SMTP AUTH example exchanges').expected as unknown as Record<string, string[]>
const testUser = (u: string) => (u === 'test' ? { password: '1234' } : undefined)
// The examples' PLAIN message asks to act as "test" while authenticating as "test".
const plainTest = () => plain.client({ username: 'test', password: '1234', authzid: 'test' })

describe('SMTP: RFC 4954 §4.1 example exchanges, line by line', () => {
  it('PLAIN with an initial response — RFC 4954 §4.1', async () => {
    await replayClient(smtp.client(plainTest()), examples.plain_with_ir!)
    await replayServer(smtp.server({ mechanisms: [plain], channel: { secure: true }, credentials: testUser }), examples.plain_with_ir!)
  })

  it('PLAIN without an initial response — RFC 4954 §4.1', async () => {
    await replayClient(smtp.client(plainTest(), { initialResponse: false }), examples.plain_without_ir!)
    await replayServer(smtp.server({ mechanisms: [plain], channel: { secure: true }, credentials: testUser }), examples.plain_without_ir!)
  })

  it('CRAM-MD5 framing, the exact bytes replayed — RFC 4954 §4.1', async () => {
    const lines = examples.cram_md5!
    const challengeText = atob(lines[1]!.slice('S: 334 '.length))
    const responseText = atob(lines[2]!.slice('C: '.length))
    expect(challengeText).toBe('<4192942341.12828472@sourcefour.andrew.cmu.edu>')
    const client = scriptedClient('CRAM-MD5', { responses: [responseText] })
    await replayClient(smtp.client(client), lines)
    expect(new TextDecoder().decode(client.challenges[0])).toBe(challengeText)
    const server = scriptedServer('CRAM-MD5', [challenge(challengeText), success()])
    await replayServer(smtp.server({ mechanisms: [fakeMechanism('CRAM-MD5', { server: () => server }, { clientFirst: false })] }), lines)
    expect(server.responses).toEqual([undefined, bytes(responseText)])
  })

  it('EXTERNAL with an empty initial response "=" — RFC 4954 §4.1', async () => {
    await replayClient(smtp.client(external.client({})), examples.external_empty_ir!)
    await replayServer(smtp.server({ mechanisms: [external], identity: 'test' }), examples.external_empty_ir!)
  })
})

describe('SMTP client', () => {
  // "AUTH XYZW " is 10 octets: 375 bytes of payload (500 base64 chars) make 510 + CRLF = 512.
  it('sends the initial response up to 512 octets with CRLF, and withholds it past that — RFC 4954 §4', async () => {
    const fits = new Uint8Array(375).fill(65)
    const inline = smtp.client(scriptedClient('XYZW', { initial: fits }))
    const line = await inline.begin()
    expect(line.length).toBe(510)
    expect(line).toBe(`AUTH XYZW ${base64Encode(fits)}`)

    const long = new Uint8Array(378).fill(66)
    const held = smtp.client(scriptedClient('XYZW', { initial: long }))
    expect(await held.begin()).toBe('AUTH XYZW')
    expect(await held.receive('334 ')).toEqual({ send: base64Encode(long) })
    expect(await held.receive('235 2.7.0 Authentication successful')).toEqual({ done: true })
  })

  it('sends a withheld empty initial response as an empty line, after "334" with or without the space', async () => {
    for (const reply of ['334 ', '334']) {
      const ex = smtp.client(external.client({}), { initialResponse: false })
      expect(await ex.begin()).toBe('AUTH EXTERNAL')
      expect(await ex.receive(reply)).toEqual({ send: '' })
    }
  })

  it('cancels when the challenge answering a withheld initial response is not empty', async () => {
    const ex = smtp.client(plain.client({ username: 'a', password: 'b' }), { initialResponse: false })
    await ex.begin()
    expect(await ex.receive('334 Zm9v')).toEqual({ send: '*' })
    await saslRejects(ex.receive('501 5.0.0 Authentication aborted'), 'malformed-request')
  })

  it('reads a multi-line failure line by line, keeping every line of text (Gmail)', async () => {
    const ex = smtp.client(plain.client({ username: 'a', password: 'b' }))
    await ex.begin()
    expect(await ex.receive('535-5.7.8 Username and Password not accepted. Learn more at')).toEqual({})
    const error = await saslRejects(ex.receive('535 5.7.8  https://support.google.com/mail/?p=BadCredentials'), 'not-authorized')
    expect(error.reply).toEqual({ code: 535, enhanced: '5.7.8', text: 'Username and Password not accepted. Learn more at\n https://support.google.com/mail/?p=BadCredentials' })
  })

  it('carries an OAuth error challenge, the AQ== answer and the two-line 535 — RFC 7628 §4.4 shape', async () => {
    const json = '{"status":"invalid_token","schemes":"bearer mac","scope":"https://mail.example.com/"}'
    const oauth = scriptedClient('OAUTHBEARER', { initial: 'n,a=someuser@example.com,\x01auth=Bearer x\x01\x01', responses: [new Uint8Array([1])] })
    Object.defineProperty(oauth, 'serverError', {
      get: () => (oauth.challenges.length > 0 ? (JSON.parse(new TextDecoder().decode(oauth.challenges[0])) as Record<string, unknown>) : undefined),
    })
    const ex = smtp.client(oauth)
    await ex.begin()
    expect(await ex.receive('334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NoZW1lcyI6ImJlYXJlciBtYWMiLCJzY29wZSI6Imh0dHBzOi8vbWFpbC5leGFtcGxlLmNvbS8ifQ==')).toEqual({ send: 'AQ==' })
    expect(await ex.receive('535-5.7.1 Username and Password not accepted. Learn more at')).toEqual({})
    const error = await saslRejects(ex.receive('535 5.7.1 http://support.example.com/mail/oauth'), 'not-authorized')
    expect(error.details).toEqual(JSON.parse(json))
    expect(error.reply).toMatchObject({ code: 535, enhanced: '5.7.1' })
  })

  const replies: Array<[string[], string, { code: number; enhanced?: string }]> = [
    [['535 5.7.8 Authentication credentials invalid'], 'not-authorized', { code: 535, enhanced: '5.7.8' }],
    [['535 Authentication failed'], 'not-authorized', { code: 535 }],
    [['535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.'], 'not-authorized', { code: 535, enhanced: '5.7.139' }],
    [['534 5.7.9 Authentication mechanism is too weak'], 'mechanism-too-weak', { code: 534, enhanced: '5.7.9' }],
    [['538 5.7.11 Encryption required for requested authentication mechanism'], 'encryption-required', { code: 538, enhanced: '5.7.11' }],
    [['530 5.7.0 Must issue a STARTTLS command first'], 'encryption-required', { code: 530, enhanced: '5.7.0' }],
    [['454 4.7.0 Temporary authentication failure'], 'temporary-auth-failure', { code: 454, enhanced: '4.7.0' }],
    [['421 4.3.2 Service shutting down'], 'temporary-auth-failure', { code: 421, enhanced: '4.3.2' }],
    [['504 5.5.4 Unrecognized authentication type'], 'invalid-mechanism', { code: 504, enhanced: '5.5.4' }],
    [['501 5.5.2 Cannot decode response'], 'malformed-request', { code: 501, enhanced: '5.5.2' }],
    [['501 Syntax error in parameters'], 'malformed-request', { code: 501 }],
    [['500 5.5.6 Authentication Exchange line is too long'], 'malformed-request', { code: 500, enhanced: '5.5.6' }],
    [['503 5.5.1 Already authenticated'], 'protocol-violation', { code: 503, enhanced: '5.5.1' }],
    [['432 4.7.12 A password transition is needed'], 'credentials-expired', { code: 432, enhanced: '4.7.12' }],
    [['525 5.7.13 User account disabled'], 'account-disabled', { code: 525, enhanced: '5.7.13' }],
    [['554 5.7.13 Account disabled'], 'account-disabled', { code: 554, enhanced: '5.7.13' }],
    [['550 5.7.12 Password expired'], 'credentials-expired', { code: 550, enhanced: '5.7.12' }],
    [['550 5.7.1 Relaying denied'], 'not-authorized', { code: 550, enhanced: '5.7.1' }],
    // An enhanced code whose class differs from the reply's is text, not an enhanced code.
    [['535 4.7.8 odd'], 'not-authorized', { code: 535 }],
    [['535'], 'not-authorized', { code: 535 }],
  ]
  for (const [lines, code, reply] of replies) {
    it(`maps ${JSON.stringify(lines)} to ${code} — RFC 4954 §6, RFC 3463, RFC 5248`, async () => {
      const ex = smtp.client(plain.client({ username: 'a', password: 'b' }))
      await ex.begin()
      for (const line of lines.slice(0, -1)) expect(await ex.receive(line)).toEqual({})
      const error = await saslRejects(ex.receive(lines.at(-1)!), code)
      expect(error.reply).toMatchObject(reply)
      if (reply.enhanced === undefined) expect(error.reply!.enhanced).toBeUndefined()
    })
  }

  it('answers the cancel acknowledgement "501 5.0.0" with aborted, even without an enhanced code', async () => {
    for (const line of ['501 5.0.0 Authentication aborted', '501 Authentication cancelled']) {
      const ex = smtp.client(login.client({ username: 'a', password: 'b' }))
      await ex.begin()
      expect(ex.cancel()).toBe('*')
      await saslRejects(ex.receive(line), 'aborted')
    }
  })

  it('refuses malformed multi-line replies', async () => {
    const cases: string[][] = [
      ['535-5.7.8 a', '454 4.7.0 b'], // the code changes inside one reply
      ['334-Zm9v', '334 YmFy'], // a challenge is one line
      ['235 ok\r'], // CR inside a line
    ]
    for (const lines of cases) {
      const ex = smtp.client(login.client({ username: 'a', password: 'b' }))
      await ex.begin()
      let error: unknown
      for (const line of lines) {
        try {
          await ex.receive(line)
        } catch (e) {
          error = e
          break
        }
      }
      expect(error).toMatchObject({ name: 'SaslError', code: 'malformed-request' })
    }
  })
})

describe('SMTP server', () => {
  const credentials = (u: string) => (u === 'tim' ? { password: 'tanstaaftanstaaf' } : undefined)

  it('accepts the AUTH verb and mechanism in any case', async () => {
    const srv = smtp.server({ mechanisms: [plain], channel: { secure: true }, credentials })
    expect((await srv.receive('auth plain AHRpbQB0YW5zdGFhZnRhbnN0YWFm')).reply).toBe('235 2.7.0 Authentication successful')
  })

  it('refuses bad AUTH syntax with 501 5.5.4', async () => {
    const srv = smtp.server({ mechanisms: [plain], channel: { secure: true }, credentials })
    for (const line of ['AUTH', 'AUTH ', 'AUTH  PLAIN', 'AUTH PLAIN a b', 'AUTH PLAIN ']) {
      expect((await srv.receive(line)).reply).toBe('501 5.5.4 Syntax error in parameters')
    }
    expect((await srv.receive('AUTHX PLAIN')).reply).toBe('500 5.5.1 Command unrecognized')
  })

  it('limits exchange lines to 12,288 octets by default — RFC 4954 §4', async () => {
    const mech = () => fakeMechanism('X', { server: () => scriptedServer('X', [challenge(''), success()]) })
    const ok = smtp.server({ mechanisms: [mech()] })
    await ok.receive('AUTH X')
    expect((await ok.receive('A'.repeat(12288))).reply).toBe('235 2.7.0 Authentication successful')
    const tooLong = smtp.server({ mechanisms: [mech()] })
    await tooLong.receive('AUTH X')
    expect(await tooLong.receive('A'.repeat(12289))).toMatchObject({ reply: '500 5.5.6 Authentication Exchange line is too long', done: true })
  })

  it('takes LOGIN with the username as initial response ([MS-XLOGIN])', async () => {
    const srv = smtp.server({ mechanisms: [login], channel: { secure: true }, credentials })
    expect((await srv.receive('AUTH LOGIN dGlt')).reply).toBe('334 UGFzc3dvcmQ6')
    expect(await srv.receive('dGFuc3RhYWZ0YW5zdGFhZg==')).toMatchObject({ reply: '235 2.7.0 Authentication successful', identity: { authcid: 'tim' } })
  })

  it('refuses a CR or LF inside a line', async () => {
    const srv = smtp.server({ mechanisms: [plain], channel: { secure: true }, credentials })
    expect((await srv.receive('AUTH PLAIN\r\nAHRpbQB0YW5zdGFhZnRhbnN0YWFm')).reply).toBe('501 5.5.4 Syntax error in parameters')
  })

  it('refuses a line as a temporary failure when its code did not load; the next line, and every other server, imports again', async () => {
    let loads = 0
    let failing = true
    // The profile's wire loader as smtp.server() passes it, whose chunk fails to load once.
    const loadWire: WireLoader = async () => {
      loads++
      if (failing) throw new TypeError('Failed to fetch dynamically imported module')
      return (await import('../../src/profiles/smtp-server.js')).SERVER_WIRE
    }
    const options = { mechanisms: [plain], channel: { secure: true }, credentials }
    const auth = 'AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm'
    const srv = new smtp.SmtpServer(loadWire, options)
    const error = await saslRejects(srv.receive(auth), 'temporary-auth-failure')
    expect(error.cause).toBeInstanceOf(TypeError)
    // Two servers whose first lines meet one pending import share it, and its failure.
    const both = [new smtp.SmtpServer(loadWire, options), new smtp.SmtpServer(loadWire, options)]
    const refused = both.map((server) => server.receive(auth))
    for (const line of refused) await saslRejects(line, 'temporary-auth-failure')
    expect(loads).toBe(2)
    failing = false
    expect(await srv.receive(auth)).toMatchObject({ reply: '235 2.7.0 Authentication successful', identity: { authcid: 'tim' } })
    expect(loads).toBe(3)
    for (const server of both) expect((await server.receive(auth)).reply).toBe('235 2.7.0 Authentication successful')
    expect(loads).toBe(3)
  })

  it("answers 454 when a mechanism's server did not load, and loads it for the next AUTH", async () => {
    let loads = 0
    const importModule = async () => {
      if (++loads === 1) throw new TypeError('Failed to fetch dynamically imported module')
      return { make: () => plain.server({ credentials }) }
    }
    const mechanism = fakeMechanism('PLAIN-LAZY', { server: () => lazyServer('PLAIN-LAZY', importModule, (m) => m.make()) })
    const srv = smtp.server({ mechanisms: [mechanism], channel: { secure: true } })
    expect(await srv.receive('AUTH PLAIN-LAZY AHRpbQB0YW5zdGFhZnRhbnN0YWFm')).toMatchObject({ reply: expect.stringMatching(/^454 4\.7\.0 /), done: true })
    expect(await srv.receive('AUTH PLAIN-LAZY AHRpbQB0YW5zdGFhZnRhbnN0YWFm')).toMatchObject({ reply: '235 2.7.0 Authentication successful', identity: { authcid: 'tim' } })
    expect(loads).toBe(2)
  })

  it('advertises AUTH, and the legacy AUTH= on request', () => {
    const srv = smtp.server({ mechanisms: [plain, login], channel: { secure: true }, credentials })
    expect(srv.advertise()).toEqual(['AUTH PLAIN LOGIN'])
    expect(srv.advertise({ legacy: true })).toEqual(['AUTH PLAIN LOGIN', 'AUTH=PLAIN LOGIN'])
    expect(smtp.server({ mechanisms: [plain, login], credentials }).advertise()).toEqual([])
  })
})

describe('SMTP parseEhlo', () => {
  it('reads AUTH, the legacy AUTH=, STARTTLS, SIZE, ENHANCEDSTATUSCODES and PIPELINING', () => {
    const caps = smtp.parseEhlo([
      '250-smtp.example.com at your service, [192.0.2.1]',
      '250-SIZE 35882577',
      '250-8BITMIME',
      '250-AUTH=LOGIN PLAIN',
      '250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER',
      '250-ENHANCEDSTATUSCODES',
      '250-PIPELINING',
      '250-STARTTLS',
      '250 SMTPUTF8',
    ])
    expect(caps).toMatchObject({
      domain: 'smtp.example.com',
      mechanisms: ['LOGIN', 'PLAIN', 'XOAUTH2', 'PLAIN-CLIENTTOKEN', 'OAUTHBEARER'],
      startTls: true,
      size: 35882577,
      enhancedStatusCodes: true,
      pipelining: true,
    })
    expect(caps.extensions.get('AUTH=')).toEqual(['LOGIN', 'PLAIN'])
    expect(caps.extensions.has('SMTPUTF8')).toBe(true)
  })

  it('reads a one-line reply, SIZE without a limit, and lower-case keywords', () => {
    expect(smtp.parseEhlo(['250 mx.example.org'])).toMatchObject({ domain: 'mx.example.org', mechanisms: [], startTls: false, size: undefined })
    expect(smtp.parseEhlo(['250-mx', '250-size', '250 auth cram-md5'])).toMatchObject({ size: 0, mechanisms: ['CRAM-MD5'] })
  })

  const bad: Array<[string, unknown]> = [
    ['no lines', []],
    ['not an array', '250 x'],
    ['a failure reply', ['502 5.5.1 EHLO not supported']],
    ['the last line continues', ['250-mx', '250-AUTH PLAIN']],
    ['a middle line ends', ['250 mx', '250 AUTH PLAIN']],
    ['no domain', ['250 ']],
    ['a bad SIZE', ['250-mx', '250 SIZE big']],
    ['a line with CR', ['250-mx\r', '250 AUTH PLAIN']],
  ]
  for (const [what, lines] of bad) {
    it(`refuses ${what} with malformed-request`, () => {
      expect(() => smtp.parseEhlo(lines as string[])).toThrowError(expect.objectContaining({ code: 'malformed-request' }))
    })
  }
})

describe('SMTP AUTH= parameter of MAIL FROM (xtext) — RFC 4954 §5', () => {
  const v = vector('RFC 5321/4954 MAIL FROM AUTH= xtext')
  it(`${v.id} — ${v.source}`, () => {
    const { xtext } = v.inputs as { xtext: string }
    const { decoded } = v.expected as { decoded: string }
    expect(smtp.decodeXtext(xtext)).toBe(decoded)
    expect(smtp.encodeXtext(decoded)).toBe(xtext)
    expect(smtp.authParameter(decoded)).toBe(`AUTH=${xtext}`)
    expect(smtp.parseAuthParameter(`AUTH=${xtext}`)).toBe(decoded)
  })

  it('uses AUTH=<> for an unknown identity — RFC 4954 §5', () => {
    expect(smtp.authParameter(undefined)).toBe('AUTH=<>')
    expect(smtp.authParameter('')).toBe('AUTH=<>')
    expect(smtp.parseAuthParameter('AUTH=<>')).toBeUndefined()
    expect(smtp.parseAuthParameter('auth=<>')).toBeUndefined()
  })

  it('encodes "+", "=", spaces, controls and UTF-8 octets as +XX — RFC 3461 §4', () => {
    expect(smtp.encodeXtext('a+b=c d\x01é')).toBe('a+2Bb+3Dc+20d+01+C3+A9')
    expect(smtp.decodeXtext('a+2Bb+3Dc+20d+01+C3+A9')).toBe('a+b=c d\x01é')
  })

  const bad: Array<[string, string]> = [
    ['e+3dmc2', 'malformed-request'], // lower-case hex
    ['e+3', 'malformed-request'],
    ['e=mc2', 'malformed-request'],
    ['e mc2', 'malformed-request'],
    ['+FF', 'incorrect-encoding'],
  ]
  for (const [xtext, code] of bad) {
    it(`refuses xtext ${JSON.stringify(xtext)} with ${code}`, () => {
      expect(() => smtp.decodeXtext(xtext)).toThrowError(expect.objectContaining({ code }))
    })
  }
  it('refuses a parameter that is not AUTH=', () => {
    for (const p of ['SIZE=10', 'AUTH=', 'AUTH']) expect(() => smtp.parseAuthParameter(p)).toThrowError(expect.objectContaining({ code: 'malformed-request' }))
  })
})
