// What every profile does alike (API.md §5), run over SMTP, IMAP, POP3 and XMPP.
import { describe, expect, it } from 'vitest'
import { base64Encode, login, plain, SaslError, type SaslClient, type SecurityLayer } from '../../src/index.js'
import { adapters } from '../helpers/adapters.js'
import { bytes, challenge, failure, fakeMechanism, saslRejects, scriptedClient, scriptedServer, success } from '../helpers/profiles.js'

const b64 = (s: string) => base64Encode(bytes(s))
const credentials = (u: string) => (u === 'tim' ? { password: 'tanstaaftanstaaf' } : undefined)
const layer: SecurityLayer = { encode: async (d) => d, decode: async (d) => [d] }

for (const a of adapters) {
  describe(`${a.name} client profile`, () => {
    it('sends "=" for an empty initial response and nothing when there is none', async () => {
      expect(await a.client(scriptedClient('X', { initial: '' })).begin()).toBe(a.command('X', '='))
      expect(await a.client(scriptedClient('X', {})).begin()).toBe(a.command('X'))
      expect(await a.client(scriptedClient('X', { initial: 'abc' })).begin()).toBe(a.command('X', 'YWJj'))
    })

    it('answers challenges, passes final server data to next(), then finishes without data', async () => {
      const sasl = scriptedClient('X', { initial: 'a', responses: ['b', ''] })
      const ex = a.client(sasl)
      await ex.begin()
      expect(await ex.receive(a.challenge(b64('c')))).toEqual({ send: a.response(b64('b')) })
      expect(await ex.receive(a.challenge(b64('v=proof')))).toEqual({ send: a.response('') })
      expect(await ex.receive(a.foreignSuccess)).toEqual({ done: true })
      expect(sasl.challenges).toEqual([bytes('c'), bytes('v=proof')])
      expect(sasl.finished).toEqual([undefined])
    })

    it('takes a non-base64 first challenge as empty (Exchange "NTLM supported"), and cancels on a later one', async () => {
      const sasl = scriptedClient('NTLM', { responses: ['negotiate', 'authenticate'] })
      const ex = a.client(sasl)
      await ex.begin()
      expect(await ex.receive(a.challenge('NTLM supported'))).toEqual({ send: a.response(b64('negotiate')) })
      expect(sasl.challenges[0]).toEqual(new Uint8Array(0))
      expect(await ex.receive(a.challenge('not base64!'))).toEqual({ send: a.cancel })
      await saslRejects(ex.receive(a.refusals.aborted!.line), 'malformed-request')
      await saslRejects(ex.receive(a.foreignSuccess), 'protocol-violation')
    })

    it('cancels on a local failure and throws that error when the server answers', async () => {
      const failing: SaslClient = {
        mechanism: 'SCRAM-SHA-256',
        start: async () => bytes('n,,n=user,r=abc'),
        next: async () => {
          throw new SaslError('server-not-verified', 'bad ServerSignature')
        },
        finish: async () => undefined,
      }
      const ex = a.client(failing)
      await ex.begin()
      expect(await ex.receive(a.challenge(b64('v=wrong')))).toEqual({ send: a.cancel })
      await saslRejects(ex.receive(a.refusals.aborted!.line), 'server-not-verified')
      // Even a server that answers the cancel with success does not make it pass.
      const again = a.client(failing)
      await again.begin()
      await again.receive(a.challenge(b64('v=wrong')))
      await saslRejects(again.receive(a.foreignSuccess), 'server-not-verified')
    })

    it('throws at once when the proof found at the very end is wrong', async () => {
      const sasl: SaslClient = {
        mechanism: 'SCRAM-SHA-1',
        start: async () => bytes('x'),
        next: async () => new Uint8Array(0),
        finish: async () => {
          throw new SaslError('server-not-verified', 'missing ServerSignature')
        },
      }
      const ex = a.client(sasl)
      await ex.begin()
      await saslRejects(ex.receive(a.foreignSuccess), 'server-not-verified')
    })

    for (const [code, { line, back }] of Object.entries(a.refusals)) {
      it(`reads the ${code} refusal "${line}" as ${back}, keeping the reply`, async () => {
        const ex = a.client(scriptedClient('X', { initial: 'a' }))
        await ex.begin()
        const error = await saslRejects(ex.receive(line), back)
        expect(error.reply).toBeDefined()
        expect(error.reply!.code).toBe(a.name === 'smtp' ? Number(line.slice(0, 3)) : 0)
      })
    }

    it('sends the cancel line on cancel() and reads the answer as aborted', async () => {
      const ex = a.client(scriptedClient('X', { initial: 'a' }))
      await ex.begin()
      expect(ex.cancel()).toBe(a.cancel)
      await saslRejects(ex.receive(a.refusals.aborted!.line), 'aborted')
    })

    it('turns a failure after an OAuth error challenge into not-authorized carrying serverError as details', async () => {
      const json = { status: 'invalid_token', schemes: 'bearer mac', scope: 'https://mail.example.com/' }
      const oauth: SaslClient & { serverError?: unknown } = {
        mechanism: 'OAUTHBEARER',
        start: async () => bytes('n,a=user@example.com,\x01auth=Bearer x\x01\x01'),
        next: async (c) => {
          oauth.serverError = JSON.parse(new TextDecoder().decode(c))
          return new Uint8Array([1])
        },
        finish: async () => undefined,
      }
      const ex = a.client(oauth)
      await ex.begin()
      expect(await ex.receive(a.challenge(b64(JSON.stringify(json))))).toEqual({ send: a.response('AQ==') })
      const error = await saslRejects(ex.receive(a.refusals['temporary-auth-failure']!.line), 'not-authorized')
      expect(error.details).toEqual(json)
      expect(error.reply).toBeDefined()
      // Without a serverError the reply's own code stands.
      const plainEx = a.client(scriptedClient('X', { initial: 'a' }))
      await plainEx.begin()
      const other = await saslRejects(plainEx.receive(a.refusals['temporary-auth-failure']!.line), 'temporary-auth-failure')
      expect(other.details).toBeUndefined()
    })

    for (const line of a.garbage) {
      it(`refuses the garbage line ${JSON.stringify(line)} with malformed-request, and ends`, async () => {
        const ex = a.client(scriptedClient('X', { initial: 'a' }))
        await ex.begin()
        await saslRejects(ex.receive(line), 'malformed-request')
        await saslRejects(ex.receive(a.foreignSuccess), 'protocol-violation')
      })
    }

    it('throws protocol-violation on misuse', async () => {
      const ex = a.client(scriptedClient('X', { initial: 'a' }))
      await saslRejects(ex.receive(a.foreignSuccess), 'protocol-violation')
      expect(() => ex.cancel()).toThrowError(SaslError)
      await ex.begin()
      await saslRejects(ex.begin(), 'protocol-violation')
      await saslRejects(ex.receive(42 as unknown as string), 'protocol-violation')
      const first = ex.receive(a.foreignSuccess)
      await saslRejects(ex.receive(a.foreignSuccess), 'protocol-violation')
      expect(await first).toEqual({ done: true })
      await saslRejects(ex.receive(a.foreignSuccess), 'protocol-violation')
      expect(() => a.client({} as SaslClient)).toThrowError(SaslError)
      expect(() => a.client(scriptedClient('bad name!', {}))).toThrowError(SaslError)
    })

    it('reports a mechanism that fails to start as a SaslError', async () => {
      const broken: SaslClient = { mechanism: 'X', start: async () => Promise.reject(new TypeError('token fetch failed')), next: async () => new Uint8Array(), finish: async () => undefined }
      await saslRejects(a.client(broken).begin(), 'temporary-auth-failure')
    })

    it('exposes the mechanism security layer', async () => {
      expect(a.client(scriptedClient('GSSAPI', { securityLayer: layer })).securityLayer).toBe(layer)
      expect(a.client(scriptedClient('X', {})).securityLayer).toBeUndefined()
    })
  })

  describe(`${a.name} server profile`, () => {
    const plaintext = fakeMechanism('PLAINISH', { server: () => scriptedServer('PLAINISH', [success()]) }, { plaintext: true })
    const plus = fakeMechanism('SCRAM-SHA-1-PLUS', { server: () => scriptedServer('SCRAM-SHA-1-PLUS', [success()]) }, { channelBinding: true })
    const strong = fakeMechanism('STRONG', { server: () => scriptedServer('STRONG', [success()]) })
    const bindings = [{ type: 'tls-exporter' as const, data: new Uint8Array(32) }]

    it('advertises only what the channel allows', () => {
      const insecure = a.server({ mechanisms: [plaintext, plus, strong], channel: { secure: false } })
      expect(insecure.mechanisms).toEqual(['STRONG'])
      expect(JSON.stringify(insecure.advertise())).not.toMatch(/PLAINISH|PLUS/)
      const tls = a.server({ mechanisms: [plaintext, plus, strong], channel: { secure: true } })
      expect(tls.mechanisms).toEqual(['PLAINISH', 'STRONG'])
      const bound = a.server({ mechanisms: [plaintext, plus, strong], channel: { secure: true, bindings } })
      expect(bound.mechanisms).toEqual(['PLAINISH', 'SCRAM-SHA-1-PLUS', 'STRONG'])
      expect(JSON.stringify(bound.advertise())).toMatch(/PLAINISH.*SCRAM-SHA-1-PLUS.*STRONG/)
    })

    it('refuses a plaintext mechanism on an unprotected channel, an unknown one, and -PLUS without binding data', async () => {
      const srv = a.server({ mechanisms: [plaintext, plus, strong], channel: { secure: false } })
      const r = await srv.receive(a.command('PLAINISH', b64('x')))
      expect(r).toMatchObject({ reply: a.refusals['encryption-required']!.line, done: true })
      expect(r.error!.code).toBe('encryption-required')
      expect((await srv.receive(a.command('UNKNOWN'))).reply).toBe(a.refusals['invalid-mechanism']!.line)
      expect((await srv.receive(a.command('SCRAM-SHA-1-PLUS', b64('p=tls-exporter,,n=u,r=x')))).reply).toBe(a.refusals['invalid-mechanism']!.line)
      expect((await srv.receive(a.command('BAD*NAME')))).toMatchObject({ done: true })
      expect(srv.identity).toBeUndefined()
    })

    for (const code of Object.keys(a.refusals)) {
      it(`answers a ${code} failure with "${a.refusals[code]!.line}", keeping the reason for the log only`, async () => {
        const step = failure(code as SaslError['code'])
        const failing = fakeMechanism('FAILING', { server: () => scriptedServer('FAILING', [step.type === 'failure' ? { ...step, additionalData: bytes('e=secret-data') } : step]) })
        const srv = a.server({ mechanisms: [failing] })
        const r = await srv.receive(a.command('FAILING', b64('x')))
        expect(r.reply).toBe(a.refusals[code]!.line)
        expect(r.done).toBe(true)
        expect(r.error).toMatchObject({ code, reason: 'secret-reason-for-logs' })
        expect(r.reply).not.toMatch(/secret/)
      })
    }

    it('sends success data as one more challenge (inside <success> in XMPP) and finishes on the empty response', async () => {
      const make = () => fakeMechanism('MUTUAL', { server: () => scriptedServer('MUTUAL', [challenge('r=nonce'), success('v=proof')]) })
      const srv = a.server({ mechanisms: [make()] })
      expect(await srv.receive(a.command('MUTUAL', b64('n,,n=u')))).toEqual({ reply: a.challenge(b64('r=nonce')), done: false })
      const r = await srv.receive(a.response(b64('c=biws')))
      if (a.name === 'xmpp') {
        expect(r).toMatchObject({ reply: a.success(b64('v=proof')), done: true, identity: { authcid: 'user' } })
        return
      }
      expect(r).toEqual({ reply: a.challenge(b64('v=proof')), done: false })
      expect(srv.identity).toBeUndefined()
      const done = await srv.receive(a.response(''))
      expect(done).toMatchObject({ reply: a.success(), done: true, identity: { authcid: 'user' } })
      expect(srv.identity).toMatchObject({ authcid: 'user' })
      // A non-empty answer to the final data, or a cancel, is not a success.
      for (const [line, code] of [[a.response(b64('junk')), 'malformed-request'], [a.cancel, 'aborted']] as const) {
        const again = a.server({ mechanisms: [make()] })
        await again.receive(a.command('MUTUAL', b64('n,,n=u')))
        await again.receive(a.response(b64('c=biws')))
        expect((await again.receive(line)).reply).toBe(a.refusals[code]!.line)
        expect(again.identity).toBeUndefined()
      }
    })

    it('accepts a cancel mid-exchange, then a new exchange', async () => {
      let round = 0
      const mech = fakeMechanism('TWO', { server: () => scriptedServer('TWO', round++ === 0 ? [challenge('more')] : [success()]) })
      const srv = a.server({ mechanisms: [mech] })
      expect((await srv.receive(a.command('TWO', b64('x')))).done).toBe(false)
      const r = await srv.receive(a.cancel)
      expect(r).toMatchObject({ reply: a.refusals.aborted!.line, done: true })
      expect(r.error!.code).toBe('aborted')
      expect(await srv.receive(a.command('TWO', b64('x')))).toMatchObject({ reply: a.success(), done: true })
    })

    it('refuses undecodable base64 in the initial response and in a response', async () => {
      const mech = () => fakeMechanism('ECHO', { server: () => scriptedServer('ECHO', [challenge('x'), success()]) })
      const srv = a.server({ mechanisms: [mech()] })
      expect((await srv.receive(a.command('ECHO', 'AB=C'))).reply).toBe(a.refusals['incorrect-encoding']!.line)
      await srv.receive(a.command('ECHO'))
      expect((await srv.receive(a.response('AB=C'))).reply).toBe(a.refusals['incorrect-encoding']!.line)
    })

    it('refuses a second exchange after success', async () => {
      const srv = a.server({ mechanisms: [plain], channel: { secure: true }, credentials })
      const ok = await srv.receive(a.command('PLAIN', b64('\0tim\0tanstaaftanstaaf')))
      expect(ok).toMatchObject({ reply: a.success(), done: true, identity: { authcid: 'tim', authzid: 'tim', mechanism: 'PLAIN' } })
      expect(await srv.receive(a.command('PLAIN', b64('\0tim\0tanstaaftanstaaf')))).toMatchObject({ reply: a.situations.alreadyAuthenticated, done: true })
      expect(srv.identity).toMatchObject({ authcid: 'tim' })
    })

    it('refuses an over-long line and ends the exchange', async () => {
      const mech = fakeMechanism('LONG', { server: () => scriptedServer('LONG', [challenge('x'), success()]) })
      const srv = a.server({ mechanisms: [mech], maxLineLength: 200 })
      await srv.receive(a.command('LONG'))
      expect(await srv.receive(a.response('A'.repeat(201)))).toMatchObject({ reply: a.situations.lineTooLong, done: true })
      // Counted in UTF-8 octets: 100 characters of 2 octets each pass 100 but not 200.
      expect((await srv.receive(a.command('LONG', 'é'.repeat(100)))).reply).toBe(a.situations.lineTooLong)
    })

    it('refuses a line that is not an authentication command, and one without a mechanism', async () => {
      const srv = a.server({ mechanisms: [strong] })
      expect(await srv.receive(a.otherCommand)).toMatchObject({ reply: a.situations.unknownCommand, done: true })
      expect(await srv.receive(a.bareCommand)).toMatchObject({ reply: a.situations.syntax, done: true })
    })

    it('answers temporary-auth-failure, with the cause for the log, when a mechanism server cannot start or throws', async () => {
      const noCredentials = a.server({ mechanisms: [plain], channel: { secure: true } })
      const r = await noCredentials.receive(a.command('PLAIN', b64('\0tim\0x')))
      expect(r.reply).toBe(a.refusals['temporary-auth-failure']!.line)
      expect(r.error!.code).toBe('protocol-violation')
      const throwing = fakeMechanism('THROWS', {
        server: () => ({
          mechanism: 'THROWS',
          next: async () => {
            throw new TypeError('bug')
          },
        }),
      })
      const t = await a.server({ mechanisms: [throwing] }).receive(a.command('THROWS', b64('x')))
      expect(t).toMatchObject({ reply: a.refusals['temporary-auth-failure']!.line, done: true })
      expect(t.error!.cause).toBeInstanceOf(TypeError)
    })

    it('gives per-mechanism options to that mechanism only', async () => {
      const srv = a.server({
        mechanisms: [login, plain],
        channel: { secure: true },
        credentials,
        mechanismOptions: { LOGIN: { prompts: { username: 'User Name\0', password: 'Password\0' } } },
      })
      expect((await srv.receive(a.command('LOGIN'))).reply).toBe(a.challenge('VXNlciBOYW1lAA=='))
    })

    it('exposes the security layer after success only', async () => {
      const sasl = Object.assign(scriptedServer('GSSAPI', [challenge('token'), success()]), { securityLayer: layer })
      const srv = a.server({ mechanisms: [fakeMechanism('GSSAPI', { server: () => sasl })] })
      await srv.receive(a.command('GSSAPI'))
      expect(srv.securityLayer).toBeUndefined()
      await srv.receive(a.response(b64('token')))
      expect(srv.securityLayer).toBe(layer)
    })

    it('throws protocol-violation only on misuse', async () => {
      const srv = a.server({ mechanisms: [strong] })
      await saslRejects(srv.receive(undefined as unknown as string), 'protocol-violation')
      const first = srv.receive(a.command('STRONG', b64('x')))
      await saslRejects(srv.receive(a.command('STRONG', b64('x'))), 'protocol-violation')
      expect((await first).done).toBe(true)
      expect(() => a.server({ mechanisms: [{ name: 'lower' }] } as never)).toThrowError(SaslError)
      expect(() => a.server(undefined as never)).toThrowError(SaslError)
    })
  })
}
