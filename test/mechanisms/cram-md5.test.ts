import { describe, expect, it } from 'vitest'
import vectors from '../vectors/cram-md5.json' with { type: 'json' }
import {
  base64Decode,
  base64Encode,
  cramMd5,
  deriveCredentials,
  formatPasswordScheme,
  parsePasswordScheme,
  utf8Decode,
  type StoredCredentials,
} from '../../src/index.js'
import { failureCode, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

const rfc2195 = vectors.vectors.find((v) => v.source.startsWith('RFC 2195'))!
const rfc2195Inputs = rfc2195.inputs as { challenge: string; username: string; secret: string }
const rfc2195Expected = rfc2195.expected as { challenge_base64: string; digest_hex: string; response: string; response_base64: string }
const rfc4954 = vectors.vectors.find((v) => v.source.startsWith('RFC 4954'))!
const doveadm = vectors.vectors.filter((v) => v.source === 'doveadm pw (Dovecot 2.3)') as unknown as Array<{
  id: string
  source: string
  inputs: { password: string }
  expected: { scheme: string }
}>

const users: Record<string, StoredCredentials> = {
  tim: { password: 'tanstaaftanstaaf' },
  'Tim Berners Lee': { password: 'w3c' },
  off: { password: 'pw', disabled: true },
  ntonly: { ntHash: new Uint8Array(16) },
}
const credentials = (user: string) => users[user]

/** Runs one server through its challenge, then answers with `response`. */
async function answer(server: ReturnType<typeof cramMd5.server>, response: Uint8Array) {
  const first = await server.next(undefined)
  if (first.type !== 'challenge') throw new Error('expected a challenge')
  return server.next(response)
}

describe('CRAM-MD5 vectors', () => {
  it(`${rfc2195.id} — ${rfc2195.source}`, async () => {
    const server = cramMd5.server({ challenge: rfc2195Inputs.challenge, credentials: () => ({ password: rfc2195Inputs.secret }) })
    const first = await server.next(undefined)
    expect(first.type === 'challenge' && base64Encode(first.challenge)).toBe(rfc2195Expected.challenge_base64)
    const client = cramMd5.client({ username: rfc2195Inputs.username, password: rfc2195Inputs.secret })
    expect(await client.start()).toBeUndefined()
    const response = await client.next(base64Decode(rfc2195Expected.challenge_base64))
    expect(utf8Decode(response)).toBe(rfc2195Expected.response)
    expect(base64Encode(response)).toBe(rfc2195Expected.response_base64)
    const step = await server.next(response)
    expect(step.type === 'success' && step.identity).toMatchObject({ mechanism: 'CRAM-MD5', authcid: 'tim', authzid: 'tim' })
    await client.finish()
  })

  it(`${rfc4954.id} — ${rfc4954.source}: the published response parses and reaches the credentials check`, async () => {
    const inputs = rfc4954.inputs as { challenge_base64: string; response_base64: string }
    const expected = rfc4954.expected as { challenge: string; response: string }
    expect(utf8Decode(base64Decode(inputs.response_base64))).toBe(expected.response)
    const looked: string[] = []
    const server = cramMd5.server({
      challenge: expected.challenge,
      credentials: (user) => {
        looked.push(user)
        return undefined
      },
    })
    const first = await server.next(undefined)
    expect(first.type === 'challenge' && base64Encode(first.challenge)).toBe(inputs.challenge_base64)
    const step = await server.next(base64Decode(inputs.response_base64))
    // The RFC does not publish rjs3's secret: the response is well-formed, the user unknown here.
    expect(failureCode(step)).toBe('not-authorized')
    expect(step.type === 'failure' && step.error.reason).toBe('unknown-user')
    expect(looked).toEqual(['rjs3'])
  })

  for (const v of doveadm) {
    it(`${v.id} — ${v.source}: deriveCredentials, parse and format agree with doveadm`, async () => {
      const derived = await deriveCredentials(v.inputs.password)
      expect(formatPasswordScheme('CRAM-MD5', derived)).toBe(v.expected.scheme)
      const parsed = parsePasswordScheme(v.expected.scheme)
      expect(hex(parsed.cramMd5!)).toBe(hex(derived.cramMd5!))
      // The stored context authenticates the password it was made from, and only that one.
      const server = () => cramMd5.server({ credentials: (u) => (u === 'user' ? parsed : undefined) })
      const ok = await runExchange(cramMd5.client({ username: 'user', password: v.inputs.password }), server())
      expect(ok.step.type).toBe('success')
      const wrong = await runExchange(cramMd5.client({ username: 'user', password: `${v.inputs.password}!` }), server())
      expect(failureCode(wrong.step)).toBe('not-authorized')
    })
  }

  it('RFC 2195 §2 example verified from the stored Dovecot context of tanstaaftanstaaf', async () => {
    const stored = parsePasswordScheme(doveadm.find((v) => v.inputs.password === rfc2195Inputs.secret)!.expected.scheme)
    const server = cramMd5.server({ challenge: rfc2195Inputs.challenge, credentials: () => stored })
    const step = await answer(server, text(rfc2195Expected.response))
    expect(step.type).toBe('success')
  })
})

describe('CRAM-MD5 challenge', () => {
  it('is <random.timestamp@hostname> from the injected random source and clock', async () => {
    const server = cramMd5.server({
      credentials,
      hostname: 'mail.example.org',
      random: (n) => Uint8Array.from({ length: n }, (_, i) => i),
      now: () => new Date(697170952_000),
    })
    const step = await server.next(undefined)
    expect(step.type === 'challenge' && utf8Decode(step.challenge)).toBe('<000102030405060708090a0b0c0d0e0f.697170952@mail.example.org>')
  })

  it('defaults to localhost, and is fresh for every exchange', async () => {
    const challenges = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const step = await cramMd5.server({ credentials }).next(undefined)
      if (step.type !== 'challenge') throw new Error('expected a challenge')
      const challenge = utf8Decode(step.challenge)
      expect(challenge).toMatch(/^<[0-9a-f]{32}\.[0-9]+@localhost>$/)
      challenges.add(challenge)
    }
    expect(challenges.size).toBe(5)
  })
})

describe('CRAM-MD5 loopback', () => {
  it('succeeds from a plaintext password', async () => {
    const r = await runExchange(cramMd5.client({ username: 'tim', password: 'tanstaaftanstaaf' }), cramMd5.server({ credentials }))
    expect(r.step.type === 'success' && r.step.identity).toMatchObject({ authcid: 'tim', authzid: 'tim' })
    expect(r.clientError).toBeUndefined()
  })

  it('succeeds from the stored context made by deriveCredentials', async () => {
    const { cramMd5: context } = await deriveCredentials('tanstaaftanstaaf')
    const r = await runExchange(cramMd5.client({ username: 'tim', password: 'tanstaaftanstaaf' }), cramMd5.server({ credentials: () => ({ cramMd5: context! }) }))
    expect(r.step.type).toBe('success')
  })

  it('splits at the last space, so usernames may contain spaces', async () => {
    const r = await runExchange(cramMd5.client({ username: 'Tim Berners Lee', password: 'w3c' }), cramMd5.server({ credentials }))
    expect(r.step.type === 'success' && r.step.identity.authcid).toBe('Tim Berners Lee')
  })

  it('treats unknown user and wrong password alike for the client, distinctly for the log', async () => {
    const wrong = await runExchange(cramMd5.client({ username: 'tim', password: 'nope' }), cramMd5.server({ credentials }))
    const unknown = await runExchange(cramMd5.client({ username: 'nobody', password: 'nope' }), cramMd5.server({ credentials }))
    const unusable = await runExchange(cramMd5.client({ username: 'ntonly', password: 'nope' }), cramMd5.server({ credentials }))
    for (const r of [wrong, unknown, unusable]) expect(failureCode(r.step)).toBe('not-authorized')
    if (wrong.step.type === 'failure' && unknown.step.type === 'failure' && unusable.step.type === 'failure') {
      expect(unknown.step.error.message).toBe(wrong.step.error.message)
      expect(unusable.step.error.message).toBe(wrong.step.error.message)
      expect(wrong.step.error.reason).toBe('wrong-password')
      expect(unknown.step.error.reason).toBe('unknown-user')
      expect(unusable.step.error.reason).toBe('no-usable-credentials')
    }
  })

  it('refuses a response replayed against a fresh challenge', async () => {
    const first = await runExchange(cramMd5.client({ username: 'tim', password: 'tanstaaftanstaaf' }), cramMd5.server({ credentials }))
    expect(first.step.type).toBe('success')
    const captured = first.messages.at(-1)!.data!
    const replay = await answer(cramMd5.server({ credentials }), captured)
    expect(failureCode(replay)).toBe('not-authorized')
    expect(replay.type === 'failure' && replay.error.reason).toBe('wrong-password')
  })

  it('reports a disabled account only after the digest checks out', async () => {
    const bad = await runExchange(cramMd5.client({ username: 'off', password: 'guess' }), cramMd5.server({ credentials }))
    expect(failureCode(bad.step)).toBe('not-authorized')
    const good = await runExchange(cramMd5.client({ username: 'off', password: 'pw' }), cramMd5.server({ credentials }))
    expect(failureCode(good.step)).toBe('account-disabled')
  })

  it('lets authorize refuse the user', async () => {
    const r = await runExchange(cramMd5.client({ username: 'tim', password: 'tanstaaftanstaaf' }), cramMd5.server({ credentials, authorize: () => false }))
    expect(failureCode(r.step)).toBe('invalid-authzid')
  })

  it('turns a failing credentials callback into temporary-auth-failure', async () => {
    const server = cramMd5.server({
      credentials: () => {
        throw new Error('database down')
      },
    })
    const r = await runExchange(cramMd5.client({ username: 'tim', password: 'x' }), server)
    expect(failureCode(r.step)).toBe('temporary-auth-failure')
  })

  it('throws protocol-violation for a step after the end', async () => {
    const server = cramMd5.server({ credentials })
    await answer(server, text('tim 00000000000000000000000000000000'))
    await rejectsWithCode(server.next(text('again')), 'protocol-violation')
  })
})

describe('CRAM-MD5 negative cases', () => {
  const digest = rfc2195Expected.digest_hex
  const serverCases: Array<[string, Uint8Array, string]> = [
    ['no space', text(`tim${digest}`), 'malformed-request'],
    ['empty username', text(` ${digest}`), 'malformed-request'],
    ['trailing space', text(`tim ${digest} `), 'malformed-request'],
    ['non-hex digest', text(`tim ${'g'.repeat(32)}`), 'malformed-request'],
    ['upper-case hex digest', text(`tim ${digest.toUpperCase()}`), 'malformed-request'],
    ['31 hex digits', text(`tim ${digest.slice(1)}`), 'malformed-request'],
    ['33 hex digits', text(`tim ${digest}0`), 'malformed-request'],
    ['empty message', new Uint8Array(0), 'malformed-request'],
    ['invalid UTF-8', new Uint8Array([0xc0, 0xaf, 0x20, ...text(digest)]), 'incorrect-encoding'],
    ['username over 1 KiB', text(`${'a'.repeat(1025)} ${digest}`), 'malformed-request'],
    ['message over 64 KiB', text(`${'a'.repeat(65536)} ${digest}`), 'malformed-request'],
  ]
  for (const [name, message, code] of serverCases) {
    it(`server: ${name} → ${code}`, async () => {
      expect(failureCode(await answer(cramMd5.server({ challenge: rfc2195Inputs.challenge, credentials }), message))).toBe(code)
    })
  }

  it('server: an initial response → malformed-request (the server speaks first)', async () => {
    expect(failureCode(await cramMd5.server({ credentials }).next(text('tim')))).toBe('malformed-request')
    expect(failureCode(await cramMd5.server({ credentials }).next(new Uint8Array(0)))).toBe('malformed-request')
  })

  it('server options: no credentials, a bad hostname or a short random source are refused', async () => {
    await rejectsWithCode(() => cramMd5.server({ verifyPassword: () => true }), 'protocol-violation')
    await rejectsWithCode(() => cramMd5.server({ credentials, hostname: 'a b' }), 'malformed-request')
    await rejectsWithCode(() => cramMd5.server({ credentials, hostname: 'x>' }), 'malformed-request')
    await rejectsWithCode(() => cramMd5.server({ credentials, challenge: '' }), 'malformed-request')
    await rejectsWithCode(() => cramMd5.server({ credentials, random: () => new Uint8Array(3) }), 'protocol-violation')
  })

  it('client refuses empty fields, an empty challenge, a second challenge and success data', async () => {
    await rejectsWithCode(() => cramMd5.client({ username: '', password: 'x' }), 'malformed-request')
    await rejectsWithCode(() => cramMd5.client({ username: 'tim', password: '' }), 'malformed-request')
    const empty = cramMd5.client({ username: 'tim', password: 'x' })
    await empty.start()
    await rejectsWithCode(empty.next(new Uint8Array(0)), 'malformed-request')
    const twice = cramMd5.client({ username: 'tim', password: 'x' })
    await twice.start()
    await twice.next(text(rfc2195Inputs.challenge))
    await rejectsWithCode(twice.next(text(rfc2195Inputs.challenge)), 'malformed-request')
    const data = cramMd5.client({ username: 'tim', password: 'x' })
    await data.start()
    await data.next(text(rfc2195Inputs.challenge))
    await rejectsWithCode(data.finish(text('surprise')), 'malformed-request')
  })

  it('descriptor traits: legacy, server-first, strength 25, not mutual', () => {
    expect(cramMd5.name).toBe('CRAM-MD5')
    expect(cramMd5.traits).toEqual({ clientFirst: false, plaintext: false, mutual: false, channelBinding: false, strength: 25, legacy: true })
  })
})
