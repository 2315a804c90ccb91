import { describe, expect, it } from 'vitest'
import vectors from '../vectors/digest-md5.json' with { type: 'json' }
import {
  base64Decode,
  base64Encode,
  cramMd5,
  deriveCredentials,
  digestMd5,
  negotiate,
  plain,
  formatPasswordScheme,
  parsePasswordScheme,
  utf8Decode,
  type DigestMd5ServerOptions,
  type StoredCredentials,
} from '../../src/index.js'
import { failureCode, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

interface ImapExample {
  id: string
  source: string
  inputs: { username: string; realm: string; password: string; nonce: string; cnonce: string; 'digest-uri': string; server_challenge: string; server_challenge_base64: string }
  expected: { client_response: string; client_response_base64: string; response: string; rspauth: string; server_final_base64: string }
}
interface DoveadmVector {
  id: string
  source: string
  inputs: { dovecot_user: string; username: string; realm: string; password: string }
  expected: { scheme: string; rfc2831_hex?: string }
}
const imap = vectors.vectors.find((v) => v.source === 'RFC 2831 section 4 (IMAP example)') as unknown as ImapExample
const doveadm = vectors.vectors.filter((v) => v.source === 'doveadm pw (Dovecot 2.3)') as unknown as DoveadmVector[]

const REALM = imap.inputs.realm
const HOST = imap.inputs['digest-uri'].split('/')[1]!
const users: Record<string, StoredCredentials> = {
  chris: { password: 'secret' },
  jürgen: { password: 'pässwörd' },
  Ωmega: { password: 'пароль' },
  'we"ird\\user': { password: 'p"w\\' },
  off: { password: 'pw', disabled: true },
  ntonly: { ntHash: new Uint8Array(16) },
}
const credentials = (user: string) => users[user]
const client = (options: Partial<Parameters<typeof digestMd5.client>[0]> = {}) =>
  digestMd5.client({ username: 'chris', password: 'secret', service: 'imap', host: HOST, ...options })
const server = (options: Partial<DigestMd5ServerOptions> = {}) => digestMd5.server({ service: 'imap', realm: REALM, credentials, ...options })

/** The RFC 2831 §4 server: its exact nonce, so the published response verifies. */
const rfcServer = (options: Partial<DigestMd5ServerOptions> = {}) => server({ nonce: imap.inputs.nonce, host: HOST, ...options })

/** Runs a server through its challenge, then answers with `response`. */
async function answer(srv: ReturnType<typeof digestMd5.server>, response: Uint8Array) {
  const first = await srv.next(undefined)
  if (first.type !== 'challenge') throw new Error('expected a challenge')
  return srv.next(response)
}

/** A client that has answered `challenge`; returns it and its response. */
async function answered(challenge: string | Uint8Array, options: Partial<Parameters<typeof digestMd5.client>[0]> = {}) {
  const c = client(options)
  await c.start()
  const response = await c.next(typeof challenge === 'string' ? text(challenge) : challenge)
  return { c, response }
}

describe('DIGEST-MD5 vectors', () => {
  it(`${imap.id} — ${imap.source}: challenge, response and rspauth byte-exact`, async () => {
    const srv = rfcServer({ credentials: () => ({ password: imap.inputs.password }) })
    const first = await srv.next(undefined)
    if (first.type !== 'challenge') throw new Error('expected a challenge')
    expect(utf8Decode(first.challenge)).toBe(imap.inputs.server_challenge)
    expect(base64Encode(first.challenge)).toBe(imap.inputs.server_challenge_base64)

    const c = client({ username: imap.inputs.username, password: imap.inputs.password, cnonce: imap.inputs.cnonce })
    expect(await c.start()).toBeUndefined()
    const response = await c.next(base64Decode(imap.inputs.server_challenge_base64))
    expect(utf8Decode(response)).toBe(imap.expected.client_response)
    expect(base64Encode(response)).toBe(imap.expected.client_response_base64)

    const step = await srv.next(response)
    if (step.type !== 'success') throw new Error(`expected success, got ${step.type}`)
    expect(step.identity).toMatchObject({ mechanism: 'DIGEST-MD5', authcid: 'chris', authzid: 'chris', details: { realm: REALM } })
    expect(base64Encode(step.additionalData!)).toBe(imap.expected.server_final_base64)
    expect(utf8Decode(step.additionalData!)).toBe(`rspauth=${imap.expected.rspauth}`)
    // IMAP carries rspauth as one more challenge: the client checks it and answers empty.
    expect(await c.next(step.additionalData!)).toEqual(new Uint8Array(0))
    await c.finish()
  })

  it(`${imap.id} — ${imap.source}: rspauth as success data (XMPP), and from the stored secret`, async () => {
    const stored = parsePasswordScheme(doveadm.find((v) => v.inputs.dovecot_user === `chris@${REALM}`)!.expected.scheme)
    const srv = rfcServer({ credentials: () => stored })
    const { c, response } = await answered(imap.inputs.server_challenge, { cnonce: imap.inputs.cnonce })
    const step = await answer(srv, response)
    expect(step.type === 'success' && base64Encode(step.additionalData!)).toBe(imap.expected.server_final_base64)
    if (step.type === 'success') await c.finish(step.additionalData)
  })

  for (const v of doveadm) {
    it(`${v.id} — ${v.source}: parse and format the {DIGEST-MD5} scheme; deriveCredentials follows RFC 2831 §2.1.2.1`, async () => {
      const parsed = parsePasswordScheme(v.expected.scheme)
      expect(formatPasswordScheme('DIGEST-MD5', parsed)).toBe(v.expected.scheme)
      const derived = await deriveCredentials(v.inputs.password, { username: v.inputs.username, realm: v.inputs.realm })
      const srv = (stored: StoredCredentials) =>
        digestMd5.server({ service: 'imap', ...(v.inputs.realm === '' ? {} : { realm: v.inputs.realm }), credentials: (u) => (u === v.inputs.username ? stored : undefined) })
      const rfcClient = () => digestMd5.client({ username: v.inputs.username, password: v.inputs.password, service: 'imap', host: 'h' })
      // What RFC-conforming clients send always verifies against deriveCredentials' form.
      expect((await runExchange(rfcClient(), srv(derived))).step.type).toBe('success')
      if (v.expected.rfc2831_hex === undefined) {
        // ASCII: Dovecot's value is the RFC's value, so the doveadm entry works unchanged.
        expect(hex(derived.digestMd5!)).toBe(hex(parsed.digestMd5!))
        expect((await runExchange(rfcClient(), srv(parsed))).step.type).toBe('success')
      } else {
        // ISO 8859-1 but not ASCII: Dovecot hashed UTF-8, RFC 2831 hashes ISO 8859-1.
        expect(hex(derived.digestMd5!)).toBe(v.expected.rfc2831_hex)
        expect(hex(parsed.digestMd5!)).not.toBe(v.expected.rfc2831_hex)
        expect(failureCode((await runExchange(rfcClient(), srv(parsed))).step)).toBe('not-authorized')
      }
    })
  }
})

describe('DIGEST-MD5 loopback', () => {
  it('succeeds, the client taking the offered realm; the realm reaches credentials()', async () => {
    const seen: Array<{ user: string; mechanism: string; realm: string | undefined }> = []
    const srv = server({
      credentials: (user, ctx) => {
        seen.push({ user, mechanism: ctx.mechanism, realm: ctx.realm })
        return users[user]
      },
    })
    const r = await runExchange(client(), srv)
    expect(r.step.type === 'success' && r.step.identity).toMatchObject({ authcid: 'chris', authzid: 'chris', details: { realm: REALM } })
    expect(r.clientError).toBeUndefined()
    expect(seen).toEqual([{ user: 'chris', mechanism: 'DIGEST-MD5', realm: REALM }])
  })

  it('delivers rspauth through finish(additionalData) too', async () => {
    const r = await runExchange(client(), server(), { successData: true })
    expect(r.step.type).toBe('success')
    expect(r.clientError).toBeUndefined()
  })

  it('lets the client pick one of several realms', async () => {
    const realms: Array<string | undefined> = []
    const srv = server({
      realm: ['one.example', 'two.example'],
      credentials: (user, ctx) => {
        realms.push(ctx.realm)
        return users[user]
      },
    })
    const r = await runExchange(client({ realm: 'two.example' }), srv)
    expect(r.step.type === 'success' && r.step.identity.details).toEqual({ realm: 'two.example' })
    expect(realms).toEqual(['two.example'])
  })

  it('works without realms: an empty realm, or the one the client names', async () => {
    const none = await runExchange(client(), server({ realm: [] }))
    expect(none.step.type === 'success' && none.step.identity.details).toBeUndefined()
    expect(utf8Decode(none.messages[2]!.data!)).not.toContain('realm=')
    const own = await runExchange(client({ realm: 'mine.example' }), server({ realm: [] }))
    expect(own.step.type === 'success' && own.step.identity.details).toEqual({ realm: 'mine.example' })
  })

  it('refuses a realm the server did not offer, like an unknown user', async () => {
    const r = await runExchange(client({ realm: 'elsewhere.example' }), server())
    expect(failureCode(r.step)).toBe('not-authorized')
    expect(r.step.type === 'failure' && r.step.error.reason).toBe('realm-not-offered')
  })

  it('binds the authzid into A1 and asks authorize()', async () => {
    const allowed = await runExchange(client({ authzid: 'admin' }), server({ authorize: (id) => id.authcid === 'chris' && id.authzid === 'admin' }))
    expect(allowed.step.type === 'success' && allowed.step.identity).toMatchObject({ authcid: 'chris', authzid: 'admin' })
    expect(utf8Decode(allowed.messages[2]!.data!)).toContain(',authzid="admin"')
    const refused = await runExchange(client({ authzid: 'admin' }), server())
    expect(failureCode(refused.step)).toBe('invalid-authzid')
    // An authzid swapped in transit breaks the digest.
    const { response } = await answered(`nonce="n1",qop="auth",algorithm=md5-sess,charset=utf-8`, { authzid: 'admin', realm: REALM })
    const swapped = text(utf8Decode(response).replace('authzid="admin"', 'authzid="root"'))
    const step = await answer(server({ nonce: 'n1', authorize: () => true }), swapped)
    expect(failureCode(step)).toBe('not-authorized')
  })

  it('hashes ISO 8859-1 names and passwords as ISO 8859-1, others as UTF-8 (§2.1.2.1)', async () => {
    expect((await runExchange(client({ username: 'jürgen', password: 'pässwörd' }), server())).step.type).toBe('success')
    expect((await runExchange(client({ username: 'Ωmega', password: 'пароль' }), server())).step.type).toBe('success')
    const stored = await deriveCredentials('pässwörd', { username: 'jürgen', realm: REALM })
    const r = await runExchange(client({ username: 'jürgen', password: 'pässwörd' }), server({ credentials: () => ({ digestMd5: stored.digestMd5! }) }))
    expect(r.step.type).toBe('success')
  })

  it('speaks ISO 8859-1 to a server that does not offer charset=utf-8', async () => {
    const srv = server({ nonce: 'n2' })
    const first = await srv.next(undefined)
    if (first.type !== 'challenge') throw new Error('expected a challenge')
    const latin1Challenge = text(utf8Decode(first.challenge).replace(',charset=utf-8', ''))
    const { c, response } = await answered(latin1Challenge, { username: 'jürgen', password: 'pässwörd' })
    expect(utf8Decode(response.subarray(0, 8))).not.toBe('charset=')
    expect(Array.from(response)).toContain(0xfc) // 'ü' as one ISO 8859-1 octet
    const step = await srv.next(response)
    expect(step.type === 'success' && step.identity.authcid).toBe('jürgen')
    if (step.type === 'success') await c.finish(step.additionalData)
    const { c: omega } = { c: client({ username: 'Ωmega', password: 'пароль' }) }
    await omega.start()
    await rejectsWithCode(omega.next(latin1Challenge), 'incorrect-encoding')
  })

  it('escapes quotes and backslashes in quoted-strings', async () => {
    const r = await runExchange(client({ username: 'we"ird\\user', password: 'p"w\\' }), server())
    expect(utf8Decode(r.messages[2]!.data!)).toContain('username="we\\"ird\\\\user"')
    expect(r.step.type === 'success' && r.step.identity.authcid).toBe('we"ird\\user')
  })

  it('treats unknown user and wrong password alike for the client, distinctly for the log', async () => {
    const wrong = await runExchange(client({ password: 'nope' }), server())
    const unknown = await runExchange(client({ username: 'nobody' }), server())
    const unusable = await runExchange(client({ username: 'ntonly' }), server())
    for (const r of [wrong, unknown, unusable]) {
      expect(failureCode(r.step)).toBe('not-authorized')
      expect(r.step.type === 'failure' && r.step.additionalData).toBeUndefined()
    }
    if (wrong.step.type === 'failure' && unknown.step.type === 'failure' && unusable.step.type === 'failure') {
      expect(unknown.step.error.message).toBe(wrong.step.error.message)
      expect(unusable.step.error.message).toBe(wrong.step.error.message)
      expect([wrong.step.error.reason, unknown.step.error.reason, unusable.step.error.reason]).toEqual(['wrong-password', 'unknown-user', 'no-usable-credentials'])
    }
  })

  it('reports a disabled account only after the response checks out', async () => {
    expect(failureCode((await runExchange(client({ username: 'off', password: 'guess' }), server())).step)).toBe('not-authorized')
    expect(failureCode((await runExchange(client({ username: 'off', password: 'pw' }), server())).step)).toBe('account-disabled')
  })

  it('refuses a response replayed against a fresh nonce', async () => {
    const first = await runExchange(client(), server())
    expect(first.step.type).toBe('success')
    const replay = await answer(server(), first.messages[2]!.data!)
    expect(failureCode(replay)).toBe('not-authorized')
    expect(replay.type === 'failure' && replay.error.reason).toBe('wrong-nonce')
  })

  it('checks the digest-uri service always, and its host only when configured', async () => {
    const wrongService = await runExchange(client({ service: 'smtp' }), server())
    expect(failureCode(wrongService.step)).toBe('not-authorized')
    expect(wrongService.step.type === 'failure' && wrongService.step.error.reason).toBe('wrong-digest-uri')
    expect((await runExchange(client({ service: 'IMAP' }), server())).step.type).toBe('success')
    expect((await runExchange(client({ host: 'other.example' }), server())).step.type).toBe('success')
    expect(failureCode((await runExchange(client({ host: 'other.example' }), server({ host: HOST }))).step)).toBe('not-authorized')
    expect((await runExchange(client({ host: HOST.toUpperCase() }), server({ host: HOST }))).step.type).toBe('success')
  })

  it('answers an initial response with a fresh challenge (RFC 2831 §2.2.2: no subsequent authentication)', async () => {
    const step = await server().next(text('charset=utf-8,username="chris"'))
    expect(step.type).toBe('challenge')
  })

  it('turns a failing credentials callback into temporary-auth-failure', async () => {
    const srv = server({
      credentials: () => {
        throw new Error('database down')
      },
    })
    expect(failureCode((await runExchange(client(), srv)).step)).toBe('temporary-auth-failure')
  })
})

describe('DIGEST-MD5 mutual authentication (rspauth)', () => {
  const rspauth = `rspauth=${imap.expected.rspauth}`
  const wrong = `rspauth=${imap.expected.rspauth.replace(/^./, (c) => (c === '0' ? '1' : '0'))}`
  const rfcAnswered = () => answered(imap.inputs.server_challenge, { cnonce: imap.inputs.cnonce })

  it('accepts the right rspauth through next() or finish(data)', async () => {
    const a = await rfcAnswered()
    expect(await a.c.next(text(rspauth))).toEqual(new Uint8Array(0))
    await a.c.finish()
    const b = await rfcAnswered()
    await b.c.finish(text(rspauth))
  })

  const cases: Array<[string, (c: Awaited<ReturnType<typeof rfcAnswered>>['c']) => Promise<unknown>, string]> = [
    ['wrong rspauth via next()', (c) => c.next(text(wrong)), 'server-not-verified'],
    ['wrong rspauth via finish(data)', (c) => c.finish(text(wrong)), 'server-not-verified'],
    ['upper-case rspauth', (c) => c.finish(text(rspauth.toUpperCase().replace('RSPAUTH', 'rspauth'))), 'server-not-verified'],
    ['no rspauth at all: finish()', (c) => c.finish(), 'server-not-verified'],
    ['a message without rspauth', (c) => c.next(text('nonce="x",algorithm=md5-sess')), 'server-not-verified'],
    ['an unparsable final message', (c) => c.next(text('rspauth="unterminated')), 'malformed-request'],
    ['two rspauth directives', (c) => c.next(text(`${rspauth},${rspauth}`)), 'malformed-request'],
  ]
  for (const [name, act, code] of cases) {
    it(`client: ${name} → ${code}`, async () => {
      const { c } = await rfcAnswered()
      await rejectsWithCode(act(c), code)
    })
  }

  it('client: a server that skips rspauth in a loopback is not verified', async () => {
    const c = client()
    await c.start()
    await rejectsWithCode(c.finish(), 'server-not-verified')
  })
})

describe('DIGEST-MD5 negative cases', () => {
  const good = imap.expected.client_response
  const serverCases: Array<[string, string | Uint8Array, string]> = [
    ['duplicate username', `${good},username="chris"`, 'malformed-request'],
    ['duplicate response', `${good},response=${imap.expected.response}`, 'malformed-request'],
    ['missing response', good.replace(`,response=${imap.expected.response}`, ''), 'malformed-request'],
    ['missing username', good.replace('username="chris",', ''), 'malformed-request'],
    ['missing nonce', good.replace('nonce="OA6MG9tEQGm2hh",', ''), 'malformed-request'],
    ['missing cnonce', good.replace('cnonce="OA6MHXh6VqTrRk",', ''), 'malformed-request'],
    ['missing nc', good.replace('nc=00000001,', ''), 'malformed-request'],
    ['missing digest-uri', good.replace('digest-uri="imap/elwood.innosoft.com",', ''), 'malformed-request'],
    ['escape of a non-ASCII octet', new Uint8Array([...text(good.replace('username="chris"', 'username="chris')), 0x5c, 0xe9, 0x22]), 'malformed-request'],
    ['escape of a control character', good.replace('username="chris"', 'username="ch\\\nris"'), 'malformed-request'],
    ['control character in a quoted-string', good.replace('username="chris"', 'username="ch\u0001ris"'), 'malformed-request'],
    ['unterminated quoted-string', `${good},authzid="chris`, 'malformed-request'],
    ['backslash at the very end', `${good},authzid="chris\\`, 'malformed-request'],
    ['trailing garbage', `${good} x`, 'malformed-request'],
    ['directive without "="', `${good},stale`, 'malformed-request'],
    ['empty token value', `${good},maxbuf=`, 'malformed-request'],
    ['non-numeric maxbuf', `${good},maxbuf=lots`, 'malformed-request'],
    ['charset other than utf-8', good.replace('charset=utf-8', 'charset=iso-8859-1'), 'malformed-request'],
    ['qop auth-int', good.replace('qop=auth', 'qop=auth-int'), 'mechanism-too-weak'],
    ['qop auth-conf', good.replace('qop=auth', 'qop=auth-conf'), 'mechanism-too-weak'],
    ['unknown qop', good.replace('qop=auth', 'qop=auth-x'), 'malformed-request'],
    ['nc not 8 hex digits', good.replace('nc=00000001', 'nc=1'), 'malformed-request'],
    ['nc of a subsequent authentication', good.replace('nc=00000001', 'nc=00000002'), 'not-authorized'],
    ['upper-case response', good.replace(imap.expected.response, imap.expected.response.toUpperCase()), 'malformed-request'],
    ['31-digit response', good.replace(imap.expected.response, imap.expected.response.slice(1)), 'malformed-request'],
    ['wrong response', good.replace(imap.expected.response, '0'.repeat(32)), 'not-authorized'],
    ['digest-uri without a host', good.replace('"imap/elwood.innosoft.com"', '"imap"'), 'malformed-request'],
    ['digest-uri with an empty part', good.replace('"imap/elwood.innosoft.com"', '"imap//x"'), 'malformed-request'],
    ['empty username', good.replace('username="chris"', 'username=""'), 'malformed-request'],
    ['invalid UTF-8 username under charset=utf-8', new Uint8Array([...text('charset=utf-8,username="'), 0xc0, 0xaf, ...text(good.slice(good.indexOf('",realm')))]), 'incorrect-encoding'],
    ['invalid UTF-8 authzid', new Uint8Array([...text(`${good},authzid="`), 0xff, 0x22]), 'incorrect-encoding'],
    ['empty message', '', 'malformed-request'],
    ['only commas', ',,, ,', 'malformed-request'],
    ['4096 bytes (RFC 2831 §2.1.2: under 4096)', `${good},x="${'a'.repeat(4096 - good.length - 5)}"`, 'malformed-request'],
    ['65 directives', `${good}${',x=1'.repeat(56)}`, 'malformed-request'],
    ['username over 1 KiB', good.replace('username="chris"', `username="${'a'.repeat(1025)}"`), 'malformed-request'],
  ]
  for (const [name, message, code] of serverCases) {
    it(`server: ${name} → ${code}`, async () => {
      const bytes = typeof message === 'string' ? text(message) : message
      expect(failureCode(await answer(rfcServer(), bytes))).toBe(code)
    })
  }

  it('server: the unmodified response, with LWS and empty list elements added, still verifies', async () => {
    const spaced = `, ${good.split(',').join(' ,\t')} ,`
    expect((await answer(rfcServer(), text(spaced))).type).toBe('success')
    expect((await answer(rfcServer(), text(`${good},future-directive="ignored",future-directive=again`))).type).toBe('success')
  })

  const challenge = imap.inputs.server_challenge
  const clientCases: Array<[string, string, string]> = [
    ['missing nonce', challenge.replace('nonce="OA6MG9tEQGm2hh",', ''), 'malformed-request'],
    ['empty nonce', challenge.replace('nonce="OA6MG9tEQGm2hh"', 'nonce=""'), 'malformed-request'],
    ['duplicate nonce', `${challenge},nonce="again"`, 'malformed-request'],
    ['missing algorithm', challenge.replace('algorithm=md5-sess,', ''), 'malformed-request'],
    ['unknown algorithm', challenge.replace('algorithm=md5-sess', 'algorithm=md5'), 'malformed-request'],
    ['duplicate algorithm', `${challenge},algorithm=md5-sess`, 'malformed-request'],
    ['duplicate qop', `${challenge},qop="auth"`, 'malformed-request'],
    ['charset other than utf-8', challenge.replace('charset=utf-8', 'charset=iso-8859-1'), 'malformed-request'],
    ['only auth-int and auth-conf offered', challenge.replace('qop="auth"', 'qop="auth-int,auth-conf"'), 'mechanism-too-weak'],
    ['non-numeric maxbuf', `${challenge},maxbuf=big`, 'malformed-request'],
    ['unterminated quoted-string', `${challenge},realm="x`, 'malformed-request'],
    ['bad escape', `${challenge},realm="x\\`, 'malformed-request'],
    ['2048 bytes (RFC 2831 §2.1.1: under 2048)', `${challenge},x="${'a'.repeat(2048 - challenge.length - 5)}"`, 'malformed-request'],
    ['empty challenge', '', 'malformed-request'],
  ]
  for (const [name, message, code] of clientCases) {
    it(`client: ${name} → ${code}`, async () => {
      const c = client()
      await c.start()
      await rejectsWithCode(c.next(text(message)), code)
    })
  }

  it('client: accepts quoted algorithm/charset, realm lists, unknown directives and an auth-int,auth offer', async () => {
    const lenient = `realm="a",realm="b",nonce="n",qop="auth-int, auth",algorithm="md5-sess",charset="utf-8",stale=false,maxbuf=65536,cipher="rc4",x-new="y"`
    const { response } = await answered(lenient)
    expect(utf8Decode(response)).toContain('realm="a",nonce="n",')
    expect(utf8Decode(response)).toContain(',qop=auth')
  })

  it('client: refuses empty or invalid options', async () => {
    await rejectsWithCode(() => client({ username: '' }), 'malformed-request')
    await rejectsWithCode(() => client({ password: '' }), 'malformed-request')
    await rejectsWithCode(() => client({ service: '' }), 'malformed-request')
    await rejectsWithCode(() => client({ service: 'im/ap' }), 'malformed-request')
    await rejectsWithCode(() => client({ host: '' }), 'malformed-request')
    await rejectsWithCode(() => client({ username: 'a\nb' }), 'malformed-request')
    await rejectsWithCode(() => client({ cnonce: '' }), 'malformed-request')
  })

  it('client: a challenge after rspauth is malformed', async () => {
    const { c } = await answered(imap.inputs.server_challenge, { cnonce: imap.inputs.cnonce })
    await c.next(text(`rspauth=${imap.expected.rspauth}`))
    await rejectsWithCode(c.next(text(`rspauth=${imap.expected.rspauth}`)), 'malformed-request')
  })

  it('server: refuses a configuration without credentials() or service', async () => {
    await rejectsWithCode(() => digestMd5.server({ service: 'imap', verifyPassword: () => true }), 'protocol-violation')
    await rejectsWithCode(() => digestMd5.server({ service: '', credentials }), 'malformed-request')
    await rejectsWithCode(() => digestMd5.server({ service: 'imap', realm: [''], credentials }), 'malformed-request')
    await rejectsWithCode(() => digestMd5.server({ service: 'imap', credentials, random: () => new Uint8Array(1) }), 'protocol-violation')
  })

  it('server: a step after the end throws protocol-violation', async () => {
    const srv = rfcServer()
    await answer(srv, text(good))
    await rejectsWithCode(srv.next(text(good)), 'protocol-violation')
  })

  it('negotiate() ranks DIGEST-MD5 over CRAM-MD5 over PLAIN, and both below SCRAM (API.md §5)', () => {
    const scramSha256 = { ...digestMd5, name: 'SCRAM-SHA-256', traits: { ...digestMd5.traits, strength: 70, legacy: false } }
    expect(negotiate(['PLAIN', 'CRAM-MD5', 'DIGEST-MD5'], [plain, cramMd5, digestMd5]).name).toBe('DIGEST-MD5')
    expect(negotiate(['PLAIN', 'CRAM-MD5'], [plain, cramMd5, digestMd5], { secure: true }).name).toBe('CRAM-MD5')
    expect(negotiate(['CRAM-MD5', 'DIGEST-MD5', 'SCRAM-SHA-256'], [cramMd5, digestMd5, scramSha256]).name).toBe('SCRAM-SHA-256')
  })

  it('descriptor traits: legacy, mutual, server-first, strength 30', () => {
    expect(digestMd5.name).toBe('DIGEST-MD5')
    expect(digestMd5.traits).toEqual({ clientFirst: false, plaintext: false, mutual: true, channelBinding: false, strength: 30, legacy: true })
  })
})
