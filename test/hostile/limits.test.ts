// The limits of test/hostile/limits.json (and of docs/security.md's table), one test each: an
// input just over the limit fails with the row's outcome BEFORE the expensive part — proved by
// counting spies injected through options and by the work counters, never by timing — and an
// input at the limit gets past it.
import { describe, expect, it } from 'vitest'
import limits from './limits.json' with { type: 'json' }
import {
  anonymous,
  base64Encode,
  gssapi,
  imap,
  ntlm,
  plain,
  pop3,
  smtp,
  xmpp,
  oauth10a,
  oauthBearer,
  xoauth,
  xoauth2,
  type SaslClient,
  type SaslServer,
  type ServerStep,
} from '../../src/index.js'
import { encodeFrame, utf8Encode } from '../../src/codec/index.js'
import { ntlmv2Blob } from '../../src/mechanisms/ntlm/crypto.js'
import { encodeChallenge } from '../../src/mechanisms/ntlm/challenge.js'
import { decodeNtlmMessage, encodeAuthenticate, encodeAvPairs, type AvPair, type NtlmAuthenticate, type NtlmChallenge } from '../../src/mechanisms/ntlm/messages.js'
import { parseXmlElement } from '../../src/profiles/xml.js'
import { fixtures } from '../fixtures/mechanisms.js'
import { runExchange } from '../helpers/exchange.js'
import { NO_WORK, measured, spyOn, workDuring } from '../helpers/spy.js'

const row = (id: string) => {
  const found = limits.limits.find((l) => l.id === id)
  if (found === undefined) throw new Error(`no limits.json row ${id}`)
  return found
}
const fixture = (name: string) => {
  const found = fixtures.find((f) => f.name === name)
  if (found === undefined) throw new Error(`no fixture ${name}`)
  return found
}

/** Feeds the client's messages to the server until it stops asking; the last step. */
async function drive(client: SaslClient, server: SaslServer): Promise<ServerStep> {
  let step = await server.next(await client.start())
  for (let i = 0; step.type === 'challenge' && i < 10; i++) {
    let answer: Uint8Array
    try {
      answer = await client.next(step.challenge)
    } catch {
      return step
    }
    step = await server.next(answer)
  }
  return step
}
async function feed(server: SaslServer, messages: ReadonlyArray<Uint8Array | undefined>): Promise<ServerStep> {
  let step: ServerStep | undefined
  for (const message of messages) {
    step = await server.next(message)
    if (step.type !== 'challenge') return step
  }
  return step!
}
const code = (step: ServerStep) => (step.type === 'failure' ? step.error.code : step.type)

describe('limits on by default (test/hostile/limits.json)', () => {
  it(row('sasl-message').test, async () => {
    for (const f of fixtures) {
      const spy = spyOn(f.serverOptions())
      const { result, work } = await workDuring(() => f.serverWith(spy.options).next(new Uint8Array(65537).fill(0x41)))
      expect(code(result), f.name).toBe('malformed-request')
      expect(spy.calls, f.name).toEqual({})
      expect(work, f.name).toEqual(NO_WORK)
    }
    // The counters would see the work: a SCRAM server whose user has a plaintext password runs
    // PBKDF2 on a genuine client-first, and an oversized one costs it nothing.
    const scram = fixture('SCRAM-SHA-256 (plaintext password stored)')
    const first = (await scram.client().start())!
    expect((await workDuring(() => scram.server().next(first))).work['pbkdf2']).toBe(1)
    const padded = new Uint8Array(65537).fill(0x78)
    padded.set(first)
    const oversized = await workDuring(() => scram.server().next(padded))
    expect(code(oversized.result)).toBe('malformed-request')
    expect(oversized.work).toEqual(NO_WORK)
    // The boundary, on PLAIN: 65,536 bytes reach the credentials lookup, and maxMessageBytes moves the limit.
    const plain = fixture('PLAIN')
    const atLimit = utf8Encode(`\0alice\0${'p'.repeat(65536 - 7)}`)
    expect(atLimit.length).toBe(65536)
    const spy = spyOn(plain.serverOptions())
    expect(code(await plain.serverWith(spy.options).next(atLimit))).toBe('not-authorized')
    expect(spy.calls['credentials']).toBe(1)
    const genuine = (await plain.client().start())!
    expect(code(await plain.serverWith({ ...plain.serverOptions(), maxMessageBytes: genuine.length }).next(genuine))).toBe('success')
    const tight = spyOn({ ...plain.serverOptions(), maxMessageBytes: genuine.length - 1 })
    expect(code(await plain.serverWith(tight.options).next(genuine))).toBe('malformed-request')
    expect(tight.calls).toEqual({})
  })

  it(row('identity').test, async () => {
    const password = 'correct horse battery staple'
    const oauth1 = { consumerKey: 'fixture-consumer', consumerSecret: 'fixture-consumer-secret-9d2', token: 'fixture-token', tokenSecret: 'fixture-token-secret-7f3' }
    // Per mechanism: how an identity reaches the server, and which callback is the "lookup" it must not reach.
    const cases: Array<{ name: string; field: string; lookup: string; run(server: SaslServer, id: string): Promise<ServerStep> }> = [
      { name: 'PLAIN', field: 'authcid', lookup: 'credentials', run: (s, id) => feed(s, [utf8Encode(`\0${id}\0${password}`)]) },
      { name: 'PLAIN', field: 'authzid', lookup: 'credentials', run: (s, id) => feed(s, [utf8Encode(`${id}\0alice\0${password}`)]) },
      { name: 'LOGIN', field: 'username', lookup: 'credentials', run: (s, id) => feed(s, [undefined, utf8Encode(id), utf8Encode(password)]) },
      { name: 'EXTERNAL', field: 'authzid', lookup: 'credentials', run: (s, id) => feed(s, [utf8Encode(id)]) },
      { name: 'OAUTHBEARER', field: 'a=', lookup: 'validateToken', run: (s, id) => drive(oauthBearer.client({ username: id, token: 'ya29.a0AfH6SMBx-fixture-access-token' }), s) },
      { name: 'XOAUTH2', field: 'user=', lookup: 'validateToken', run: (s, id) => drive(xoauth2.client({ username: id, token: 'ya29.a0AfH6SMBx-fixture-access-token' }), s) },
      { name: 'OAUTH10A', field: 'a=', lookup: 'secrets', run: (s, id) => drive(oauth10a.client({ username: id, host: 'mail.example.com', port: 143, ...oauth1 }), s) },
      { name: 'XOAUTH', field: 'URL user', lookup: 'secrets', run: (s, id) => drive(xoauth.client({ username: id, protocol: 'imap', ...oauth1 }), s) },
      { name: 'GSSAPI', field: 'authzid', lookup: 'authorize', run: (s, id) => drive(gssapi.client({ ...fixture('GSSAPI').clientOptions(), authzid: id } as never), s) },
      { name: 'SCRAM-SHA-256', field: 'n=', lookup: 'credentials', run: (s, id) => feed(s, [utf8Encode(`n,,n=${id},r=abcdef`)]) },
      { name: 'SCRAM-SHA-256', field: 'a=', lookup: 'credentials', run: (s, id) => feed(s, [utf8Encode(`n,a=${id},n=alice,r=abcdef`)]) },
      { name: 'CRAM-MD5', field: 'username', lookup: 'credentials', run: (s, id) => feed(s, [undefined, utf8Encode(`${id} 0123456789abcdef0123456789abcdef`)]) },
      {
        name: 'DIGEST-MD5',
        field: 'username',
        lookup: 'credentials',
        async run(s, id) {
          const challenge = await s.next(undefined)
          if (challenge.type !== 'challenge') return challenge
          const nonce = /nonce="([^"]+)"/.exec(new TextDecoder().decode(challenge.challenge))![1]!
          return s.next(
            utf8Encode(`username="${id}",realm="example.org",nonce="${nonce}",cnonce="abc",nc=00000001,qop=auth,digest-uri="imap/mail.example.org",response=0123456789abcdef0123456789abcdef`),
          )
        },
      },
      { name: 'NTLM', field: 'user name', lookup: 'credentials', run: (s, id) => drive(ntlm.client({ username: `EXAMPLE\\${id}`, password }), s) },
    ]
    for (const c of cases) {
      const f = fixture(c.name)
      const spied = (lookup: string) => {
        const options = f.serverOptions()
        // A lookup the row does not configure is added, to be counted.
        if (options[lookup] === undefined) options[lookup] = () => (lookup === 'authorize' ? true : undefined)
        return spyOn(options)
      }
      const over = spied(c.lookup)
      const { server, work } = measured(f.serverWith(over.options))
      const result = await c.run(server, 'a'.repeat(1025))
      expect(code(result), `${c.name} ${c.field}`).toBe('malformed-request')
      expect(over.calls[c.lookup], `${c.name} ${c.field}: ${c.lookup} called`).toBeUndefined()
      if (c.name !== 'GSSAPI') expect(work['hmac']! + work['digest']! + work['pbkdf2']!, `${c.name} ${c.field}`).toBe(0)
      const at = spied(c.lookup)
      await c.run(f.serverWith(at.options), 'a'.repeat(1024))
      expect(at.calls[c.lookup], `${c.name} ${c.field} at 1024 bytes reaches ${c.lookup}`).toBeGreaterThan(0)
    }
    // Bytes, not characters: 512 two-byte characters pass, 513 do not.
    const plain = fixture('PLAIN')
    expect(code(await plain.server().next(utf8Encode(`\0${'é'.repeat(512)}\0${password}`)))).toBe('not-authorized')
    expect(code(await plain.server().next(utf8Encode(`\0${'é'.repeat(513)}\0${password}`)))).toBe('malformed-request')
  })

  it(row('anonymous-trace').test, async () => {
    const server = () => anonymous.server({})
    expect(code(await server().next(utf8Encode('x'.repeat(255))))).toBe('success')
    expect(code(await server().next(utf8Encode('é'.repeat(255))))).toBe('success')
    expect(code(await server().next(utf8Encode('x'.repeat(256))))).toBe('malformed-request')
  })

  it(row('oauth-error').test, async () => {
    const json = (length: number) => {
      const head = '{"status":"invalid_token","scope":"'
      return utf8Encode(head + 's'.repeat(length - head.length - 2) + '"}')
    }
    const at = oauthBearer.client({ username: 'alice', token: 'abc' })
    await at.start()
    await at.next(json(65536))
    expect(at.serverError?.['status']).toBe('invalid_token')
    const over = oauthBearer.client({ username: 'alice', token: 'abc' })
    await over.start()
    await over.next(json(65537))
    expect(Object.keys(over.serverError!)).toEqual(['raw'])
    expect((over.serverError!['raw'] as string).length).toBe(1024)
  })

  it(row('gssapi-frame').test, async () => {
    const f = fixture('GSSAPI')
    for (const maxBuffer of [undefined, 4096]) {
      const spy = spyOn({ ...f.serverOptions(), ...(maxBuffer === undefined ? {} : { maxBuffer }) })
      const server = f.serverWith(spy.options)
      const { step } = await runExchange(f.client(), server)
      expect(step.type).toBe('success')
      const limit = maxBuffer ?? 65536
      const unwrapsBefore = spy.calls['provider.unwrap'] ?? 0
      // Only the prefix of a frame one byte too long: refused at once, nothing unwrapped.
      const prefix = encodeFrame(new Uint8Array(limit + 1)).subarray(0, 4)
      let refused: unknown
      try {
        await server.securityLayer!.decode(prefix)
      } catch (error) {
        refused = error
      }
      expect((refused as { code?: string }).code).toBe('malformed-request')
      expect(spy.calls['provider.unwrap'] ?? 0).toBe(unwrapsBefore)
    }
    // At the limit, the frame is buffered and handed to GSS_Unwrap (which refuses zeros).
    const spy = spyOn({ ...f.serverOptions(), maxBuffer: 4096 })
    const server = f.serverWith(spy.options)
    await runExchange(f.client(), server)
    const before = spy.calls['provider.unwrap'] ?? 0
    await server.securityLayer!.decode(encodeFrame(new Uint8Array(4096))).catch(() => undefined)
    expect(spy.calls['provider.unwrap']).toBe(before + 1)
  })

  it(row('ntlm-message').test, async () => {
    const f = fixture('NTLM')
    const pad = (m: Uint8Array, length: number) => {
      const out = new Uint8Array(length)
      out.set(m)
      return out
    }
    // Server: the AUTHENTICATE slot.
    for (const [length, expectLookup] of [[8193, false], [8192, true]] as const) {
      const client = f.client()
      const spy = spyOn(f.serverOptions())
      const { server, work } = measured(f.serverWith(spy.options))
      const challenge = await server.next(await client.start())
      if (challenge.type !== 'challenge') throw new Error('no CHALLENGE')
      const authenticate = await client.next(challenge.challenge)
      const before = { ...work }
      const step = await server.next(pad(authenticate, length))
      expect(code(step)).toBe(expectLookup ? 'not-authorized' : 'malformed-request')
      expect(spy.calls['credentials'] ?? 0).toBe(expectLookup ? 1 : 0)
      if (!expectLookup) expect(work['hmac']! + work['digest']! - before['hmac']! - before['digest']!).toBe(0)
    }
    // Client: the CHALLENGE.
    const server = f.server()
    const client = f.client()
    const challenge = await server.next(await client.start())
    if (challenge.type !== 'challenge') throw new Error('no CHALLENGE')
    const { result, work } = await workDuring(() => client.next(pad(challenge.challenge, 8193)).then(() => 'answered', (e: { code: string }) => e.code))
    expect(result).toBe('malformed-request')
    expect(work).toEqual(NO_WORK)
  })

  it(row('ntlm-av-pairs').test, async () => {
    const f = fixture('NTLM')
    const filler = (n: number): AvPair[] => Array.from({ length: n }, () => ({ id: 5, value: utf8Encode('t\0') }))
    // Client: a CHALLENGE whose TargetInfo holds 32, then 33 pairs.
    for (const [count, refused] of [[32, false], [33, true]] as const) {
      const server = f.server()
      const client = f.client()
      const step = await server.next(await client.start())
      if (step.type !== 'challenge') throw new Error('no CHALLENGE')
      const genuine = decodeNtlmMessage(step.challenge) as NtlmChallenge
      const pairs = [...genuine.targetInfo!]
      const challenge = encodeChallenge({ ...genuine, targetInfo: [...pairs, ...filler(count - pairs.length)] })
      const { result, work } = await workDuring(() => client.next(challenge).then(() => 'answered', (e: { code: string }) => e.code))
      expect(result).toBe(refused ? 'malformed-request' : 'answered')
      if (refused) expect(work['hmac']).toBe(0)
      else expect(work['hmac']).toBeGreaterThan(0)
    }
    // Server: an NTLMv2 blob with 33 pairs in the AUTHENTICATE.
    const client = f.client()
    const { server, work } = measured(f.server())
    const step = await server.next(await client.start())
    if (step.type !== 'challenge') throw new Error('no CHALLENGE')
    const genuine = decodeNtlmMessage(await client.next(step.challenge)) as NtlmAuthenticate
    const blob = genuine.ntChallengeResponse.subarray(16)
    const crowded = ntlmv2Blob(blob.subarray(8, 16), blob.subarray(16, 24), encodeAvPairs(filler(33)))
    const before = work['hmac']!
    const refused = await server.next(encodeAuthenticate({ ...genuine, ntChallengeResponse: new Uint8Array([...genuine.ntChallengeResponse.subarray(0, 16), ...crowded]) }))
    expect(code(refused)).toBe('malformed-request')
    expect(work['hmac']! - before).toBe(0)
  })

  const password = 'correct horse battery staple'
  const plainCredentials = () => ({ credentials: (u: string) => (u === 'alice' ? { password } : undefined), channel: { secure: true } })
  /** A PLAIN message of exactly `bytes` bytes (the password padded). */
  const plainMessage = (bytes: number) => utf8Encode(`\0alice\0${password}`.padEnd(bytes, 'x'))

  it(row('smtp-line').test, async () => {
    // The response line after `AUTH PLAIN` / `334 `: 12,288 base64 characters carry 9,216 bytes.
    for (const [line, refused] of [
      [base64Encode(plainMessage(9216)), false],
      [base64Encode(plainMessage(9216)) + 'AAAA', true],
    ] as const) {
      const spy = spyOn(plainCredentials())
      const srv = smtp.server({ mechanisms: [plain], ...spy.options })
      expect((await srv.receive('AUTH PLAIN')).reply.startsWith('334')).toBe(true)
      expect(line.length).toBe(refused ? 12292 : 12288)
      const r = await srv.receive(line)
      if (refused) {
        expect(r.error?.code).toBe('malformed-request')
        expect(r.reply.startsWith('500 5.5.6')).toBe(true)
        expect(spy.calls).toEqual({})
      } else {
        expect(r.error?.code).toBe('not-authorized')
        expect(spy.calls['credentials']).toBe(1)
      }
    }
    // The command line itself is bounded the same way.
    const spy = spyOn(plainCredentials())
    const r = await smtp.server({ mechanisms: [plain], ...spy.options }).receive(`AUTH PLAIN ${'A'.repeat(12289 - 11)}`)
    expect(r.error?.code).toBe('malformed-request')
    expect(spy.calls).toEqual({})
  })

  it(row('imap-pop3-line').test, async () => {
    const cases = [
      { name: 'imap', server: (o: object) => imap.server({ mechanisms: [plain], ...o }), command: (payload: string) => `A1 AUTHENTICATE PLAIN ${payload}` },
      { name: 'pop3', server: (o: object) => pop3.server({ mechanisms: [plain], ...o }), command: (payload: string) => `AUTH PLAIN ${payload}` },
    ]
    for (const c of cases) {
      const spy = spyOn(plainCredentials())
      const long = c.command('A'.repeat(65537 - c.command('').length))
      expect(long.length).toBe(65537)
      const r = await c.server(spy.options).receive(long)
      expect(r.error?.code, c.name).toBe('malformed-request')
      expect(spy.calls, c.name).toEqual({})
      const at = spyOn(plainCredentials())
      await c.server(at.options).receive(c.command(base64Encode(utf8Encode(`\0alice\0${password}`))))
      expect(at.calls['credentials'], c.name).toBe(1)
    }
  })

  it(row('xmpp-element').test, async () => {
    const NS = 'urn:ietf:params:xml:ns:xmpp-sasl'
    const auth = (payload: string) => `<auth xmlns="${NS}" mechanism="PLAIN">${payload}</auth>`
    const spy = spyOn(plainCredentials())
    const over = auth('A'.repeat(131073 - auth('').length))
    expect(over.length).toBe(131073)
    const r = await xmpp.server({ mechanisms: [plain], ...spy.options }).receive(over)
    expect(r.error?.code).toBe('malformed-request')
    expect(r.reply).toContain('<malformed-request/>')
    expect(spy.calls).toEqual({})
    const at = spyOn(plainCredentials())
    await xmpp.server({ mechanisms: [plain], ...at.options }).receive(auth(base64Encode(utf8Encode(`\0alice\0${password}`))))
    expect(at.calls['credentials']).toBe(1)
  })

  it(row('xml-shape').test, () => {
    const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth)
    expect(parseXmlElement(nested(8), 1 << 20).name).toBe('a')
    expect(() => parseXmlElement(nested(9), 1 << 20)).toThrow(expect.objectContaining({ code: 'malformed-request' }))
    const wide = (n: number) => `<a>${'<b/>'.repeat(n - 1)}</a>`
    expect(parseXmlElement(wide(512), 1 << 20).children.length).toBe(511)
    expect(() => parseXmlElement(wide(513), 1 << 20)).toThrow(expect.objectContaining({ code: 'malformed-request' }))
    // Deep nesting far past the limit is refused without exhausting the stack.
    expect(() => parseXmlElement(nested(100000), 1 << 22)).toThrow(expect.objectContaining({ code: 'malformed-request' }))
  })

  it(row('server-line').test, async () => {
    const profiles = [
      { name: 'smtp', client: (c: SaslClient) => smtp.client(c), challenge: (t: string) => `334 ${t}` },
      { name: 'imap', client: (c: SaslClient) => imap.client(c), challenge: (t: string) => `+ ${t}` },
      { name: 'pop3', client: (c: SaslClient) => pop3.client(c), challenge: (t: string) => `+ ${t}` },
      { name: 'xmpp', client: (c: SaslClient) => xmpp.client(c), challenge: (t: string) => `<challenge xmlns="urn:ietf:params:xml:ns:xmpp-sasl">${t}</challenge>` },
    ]
    for (const p of profiles) {
      // A LOGIN client counts the challenges it is handed.
      let handed = 0
      const inner = fixture('LOGIN').client()
      const counted: SaslClient = {
        mechanism: inner.mechanism,
        start: () => inner.start(),
        next: (c) => (handed++, inner.next(c)),
        finish: (d) => inner.finish(d),
      }
      const ex = p.client(counted)
      await ex.begin()
      const long = p.challenge('A'.repeat(262145 - p.challenge('').length))
      expect(long.length).toBe(262145)
      let refused: unknown
      try {
        await ex.receive(long)
      } catch (error) {
        refused = error
      }
      expect((refused as { code?: string }).code, p.name).toBe('malformed-request')
      expect(handed, p.name).toBe(0)
    }
  })

  /** A SCRAM-SHA-256 client after client-first, and the nonce a server-first must extend. */
  async function scramClient(options: Record<string, unknown> = {}) {
    const f = fixture('SCRAM-SHA-256')
    const client = f.clientWith({ ...f.clientOptions(), ...options })
    const first = new TextDecoder().decode((await client.start())!)
    return { client, nonce: /r=([^,]+)/.exec(first)![1]! }
  }
  const answer = (client: SaslClient, text: string) =>
    workDuring(() => client.next(utf8Encode(text)).then(() => 'answered', (e: { code: string }) => e.code))

  it(row('scram-iterations').test, async () => {
    const salt = 'QSXCR+Q6sek8bf92'
    for (const [iterations, expected, pbkdf2] of [
      [10_000_001, 'malformed-request', 0],
      [4095, 'mechanism-too-weak', 0],
      [4096, 'answered', 1],
    ] as const) {
      const { client, nonce } = await scramClient()
      const { result, work } = await answer(client, `r=${nonce}srv,s=${salt},i=${iterations}`)
      expect(result, String(iterations)).toBe(expected)
      expect(work['pbkdf2'], String(iterations)).toBe(pbkdf2)
    }
    // The options move the bounds.
    const tight = await scramClient({ maxIterations: 5000 })
    expect((await answer(tight.client, `r=${tight.nonce}srv,s=${salt},i=5001`)).result).toBe('malformed-request')
    const strict = await scramClient({ minIterations: 10000 })
    expect((await answer(strict.client, `r=${strict.nonce}srv,s=${salt},i=9999`)).result).toBe('mechanism-too-weak')
  })

  it(row('scram-nonce').test, async () => {
    const f = fixture('SCRAM-SHA-256')
    for (const [length, refused] of [[1025, true], [1024, false]] as const) {
      const spy = spyOn(f.serverOptions())
      const { server, work } = measured(f.serverWith(spy.options))
      const step = await server.next(utf8Encode(`n,,n=alice,r=${'x'.repeat(length)}`))
      expect(code(step)).toBe(refused ? 'malformed-request' : 'challenge')
      expect(spy.calls['credentials'] ?? 0).toBe(refused ? 0 : 1)
      if (refused) expect(work['hmac']).toBe(0)
    }
    // Client side: the server's part is bounded too.
    const { client, nonce } = await scramClient()
    expect((await answer(client, `r=${nonce}${'y'.repeat(1025)},s=QSXCR+Q6sek8bf92,i=4096`)).result).toBe('malformed-request')
  })

  it(row('scram-server-first').test, async () => {
    const { client, nonce } = await scramClient()
    const head = `r=${nonce}srv,s=QSXCR+Q6sek8bf92,i=4096,x=`
    const { result, work } = await answer(client, head + 'z'.repeat(65537 - head.length))
    expect(result).toBe('malformed-request')
    expect(work['pbkdf2']).toBe(0)
  })

  const digest = fixture('DIGEST-MD5')
  /** A DIGEST-MD5 server that sent its challenge, with its spy and work counter. */
  async function digestServer() {
    const spy = spyOn(digest.serverOptions())
    const { server, work } = measured(digest.serverWith(spy.options))
    const challenge = await server.next(undefined)
    if (challenge.type !== 'challenge') throw new Error('no digest-challenge')
    const nonce = /nonce="([^"]+)"/.exec(new TextDecoder().decode(challenge.challenge))![1]!
    const response = (extra: string) =>
      `username="alice",realm="example.org",nonce="${nonce}",cnonce="abc",nc=00000001,qop=auth,digest-uri="imap/mail.example.org",response=0123456789abcdef0123456789abcdef${extra}`
    return { server, spy, work, response }
  }

  it(row('digest-md5-size').test, async () => {
    for (const [length, refused] of [[4096, true], [4095, false]] as const) {
      const { server, spy, work, response } = await digestServer()
      const base = response(',x="')
      const text = base + 'y'.repeat(length - base.length - 1) + '"'
      expect(utf8Encode(text).length).toBe(length)
      const step = await server.next(utf8Encode(text))
      expect(code(step), String(length)).toBe(refused ? 'malformed-request' : 'not-authorized')
      expect(spy.calls['credentials'] ?? 0).toBe(refused ? 0 : 1)
      if (refused) expect(work['digest']! + work['hmac']!).toBe(0)
    }
    // Client side: a challenge over 2047 bytes is refused before any hash.
    for (const [length, refused] of [[2048, true], [2047, false]] as const) {
      const client = digest.client()
      await client.start()
      const base = 'realm="example.org",nonce="abc",qop="auth",charset=utf-8,algorithm=md5-sess,x="'
      const text = base + 'y'.repeat(length - base.length - 1) + '"'
      const { result, work } = await answer(client, text)
      expect(result, String(length)).toBe(refused ? 'malformed-request' : 'answered')
      if (refused) expect(work['digest']).toBe(0)
    }
  })

  it(row('digest-md5-directives').test, async () => {
    for (const [extra, refused] of [[57, true], [56, false]] as const) {
      // The response has 8 directives of its own: 8 + 56 = 64.
      const { server, spy, work, response } = await digestServer()
      const text = response(Array.from({ length: extra }, (_, i) => `,x${i}=1`).join(''))
      const step = await server.next(utf8Encode(text))
      expect(code(step), String(extra)).toBe(refused ? 'malformed-request' : 'not-authorized')
      expect(spy.calls['credentials'] ?? 0).toBe(refused ? 0 : 1)
      if (refused) expect(work['digest']! + work['hmac']!).toBe(0)
    }
  })
})
