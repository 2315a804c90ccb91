import { describe, expect, it } from 'vitest'
import vectors from '../vectors/plain.json' with { type: 'json' }
import { base64Decode, base64Encode, plain, type StoredCredentials } from '../../src/index.js'
import { failureCode, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

const users: Record<string, StoredCredentials> = {
  tim: { password: 'tanstaaftanstaaf' },
  test: { password: 'test' },
  Kurt: { password: 'xipj3plmq' },
  off: { password: 'pw', disabled: true },
}
const credentials = (user: string) => users[user]

describe('PLAIN vectors', () => {
  for (const v of vectors.vectors.filter((v) => 'base64' in v.expected)) {
    const inputs = v.inputs as { authzid: string; authcid: string; passwd: string }
    const expected = v.expected as { base64: string }
    it(`${v.id} — ${v.source}`, async () => {
      const client = plain.client({ username: inputs.authcid, password: inputs.passwd, authzid: inputs.authzid })
      expect(base64Encode((await client.start())!)).toBe(expected.base64)
      // The server decodes the same bytes; RFC 4616 example 2 is refused (Kurt may not act as Ursel).
      const step = await plain.server({ credentials: () => ({ password: inputs.passwd }) }).next(base64Decode(expected.base64))
      if (inputs.authzid === '' || inputs.authzid === inputs.authcid) {
        expect(step.type).toBe('success')
        if (step.type === 'success') expect(step.identity).toMatchObject({ authcid: inputs.authcid, authzid: inputs.authcid })
      } else {
        expect(failureCode(step)).toBe('invalid-authzid')
      }
    })
  }
})

describe('PLAIN loopback', () => {
  it('succeeds, with and without an initial response', async () => {
    const r = await runExchange(plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }), plain.server({ credentials }))
    expect(r.step.type).toBe('success')
    const server = plain.server({ credentials })
    const first = await server.next(undefined)
    expect(first).toEqual({ type: 'challenge', challenge: new Uint8Array(0) })
    const ok = await server.next(await plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }).start().then((b) => b!))
    expect(ok.type).toBe('success')
  })

  it('accepts an authorized authzid', async () => {
    const server = plain.server({ credentials, authorize: (id) => id.authcid === 'Kurt' && id.authzid === 'Ursel' })
    const r = await runExchange(plain.client({ username: 'Kurt', password: 'xipj3plmq', authzid: 'Ursel' }), server)
    expect(r.step.type === 'success' && r.step.identity).toMatchObject({ authcid: 'Kurt', authzid: 'Ursel' })
  })

  it('treats unknown user and wrong password alike for the client, distinctly for the log', async () => {
    const wrong = await runExchange(plain.client({ username: 'tim', password: 'nope' }), plain.server({ credentials }))
    const unknown = await runExchange(plain.client({ username: 'nobody', password: 'nope' }), plain.server({ credentials }))
    expect(failureCode(wrong.step)).toBe('not-authorized')
    expect(failureCode(unknown.step)).toBe('not-authorized')
    if (wrong.step.type === 'failure' && unknown.step.type === 'failure') {
      expect(wrong.step.error.message).toBe(unknown.step.error.message)
      expect(wrong.step.error.reason).toBe('wrong-password')
      expect(unknown.step.error.reason).toBe('unknown-user')
    }
  })

  it('reports a disabled account only after the password checks out', async () => {
    const bad = await runExchange(plain.client({ username: 'off', password: 'guess' }), plain.server({ credentials }))
    expect(failureCode(bad.step)).toBe('not-authorized')
    const good = await runExchange(plain.client({ username: 'off', password: 'pw' }), plain.server({ credentials }))
    expect(failureCode(good.step)).toBe('account-disabled')
  })

  it('refuses a requested authzid by default', async () => {
    const r = await runExchange(plain.client({ username: 'tim', password: 'tanstaaftanstaaf', authzid: 'root' }), plain.server({ credentials }))
    expect(failureCode(r.step)).toBe('invalid-authzid')
  })

  it('uses verifyPassword, and applies prepare on both sides', async () => {
    const upper = (s: string) => s.toUpperCase()
    const server = plain.server({ verifyPassword: (u, p) => u === 'TIM' && p === 'SECRET', prepare: upper })
    const r = await runExchange(plain.client({ username: 'tim', password: 'secret', prepare: upper }), server)
    expect(r.step.type).toBe('success')
  })

  it('turns a failing credentials callback into temporary-auth-failure', async () => {
    const server = plain.server({
      credentials: () => {
        throw new Error('database down')
      },
    })
    const r = await runExchange(plain.client({ username: 'tim', password: 'x' }), server)
    expect(failureCode(r.step)).toBe('temporary-auth-failure')
  })
})

describe('PLAIN negative cases', () => {
  const serverCases: Array<[string, Uint8Array, string]> = [
    ['no NUL', text('timtanstaaf'), 'malformed-request'],
    ['one NUL only', text('\0tim'), 'malformed-request'],
    ['a NUL inside the password', text('\0tim\0pass\0word'), 'malformed-request'],
    ['empty authcid', text('\0\0pw'), 'malformed-request'],
    ['empty password', text('\0tim\0'), 'malformed-request'],
    ['empty message', new Uint8Array(0), 'malformed-request'],
    ['invalid UTF-8', new Uint8Array([0, 0xc0, 0xaf, 0, 0x61]), 'incorrect-encoding'],
    ['authcid over 1 KiB', text(`\0${'a'.repeat(1025)}\0pw`), 'malformed-request'],
    ['message over 64 KiB', text(`\0tim\0${'p'.repeat(65536)}`), 'malformed-request'],
  ]
  for (const [name, message, code] of serverCases) {
    it(`server: ${name} → ${code}`, async () => {
      expect(failureCode(await plain.server({ credentials }).next(message))).toBe(code)
    })
  }

  it('client refuses NUL and empty fields', async () => {
    await rejectsWithCode(() => plain.client({ username: 'a\0b', password: 'x' }), 'malformed-request')
    await rejectsWithCode(() => plain.client({ username: 'a', password: '' }), 'malformed-request')
    await rejectsWithCode(() => plain.client({ username: '', password: 'x' }), 'malformed-request')
    await rejectsWithCode(() => plain.client({ username: 'a', password: 'x', authzid: 'z\0' }), 'malformed-request')
  })

  it('client refuses a missing password and a non-string authzid (the caller\'s mistakes, decision 5)', async () => {
    await rejectsWithCode(() => plain.client({ username: 'a' } as never), 'protocol-violation')
    await rejectsWithCode(() => plain.client({ username: 'a', password: 'x', authzid: 42 as unknown as string }), 'protocol-violation')
  })

  it('client refuses a challenge after its response', async () => {
    const client = plain.client({ username: 'tim', password: 'x' })
    await client.start()
    await rejectsWithCode(client.next(new Uint8Array(0)), 'malformed-request')
  })

  it('server without a password source is a configuration error', async () => {
    await rejectsWithCode(() => plain.server({}), 'protocol-violation')
  })
})
