import { describe, expect, it } from 'vitest'
import vectors from '../vectors/login.json' with { type: 'json' }
import { base64Decode, base64Encode, login } from '../../src/index.js'
import { failureCode, fromHex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

const credentials = (user: string) => (user === 'tim' ? { password: 'tanstaaftanstaaf' } : user === 'Charlie' ? { password: 'password' } : undefined)
const byId = (id: string) => {
  const v = vectors.vectors.find((v) => v.id === id)
  if (v === undefined) throw new Error(`no vector ${id}`)
  return v as { id: string; source: string; inputs: { text_hex: string; text: string }; expected: { base64: string } }
}

describe('LOGIN vectors', () => {
  for (const [username, password, ids] of [
    ['tim', 'tanstaaftanstaaf', ["draft example challenge 1 'User Name' + NUL", "draft example challenge 2 'Password' + NUL", 'draft example response 1 (user tim)', 'draft example response 2 (password tanstaaftanstaaf)']],
    ['Charlie', 'password', ['server prompt Username:', 'server prompt Password:', 'MS-XLOGIN example username Charlie', 'MS-XLOGIN example password']],
  ] as const) {
    const [c1, c2, r1, r2] = ids.map(byId) as [ReturnType<typeof byId>, ReturnType<typeof byId>, ReturnType<typeof byId>, ReturnType<typeof byId>]
    it(`${c1.source}: prompts ${c1.expected.base64} / ${c2.expected.base64}`, async () => {
      const prompts = { username: new TextDecoder().decode(fromHex(c1.inputs.text_hex)), password: new TextDecoder().decode(fromHex(c2.inputs.text_hex)) }
      const server = login.server({ credentials, prompts })
      const client = login.client({ username, password })
      expect(await client.start()).toBeUndefined()
      const s1 = await server.next(undefined)
      expect(s1.type === 'challenge' && base64Encode(s1.challenge)).toBe(c1.expected.base64)
      // The client ignores the prompt text: feed it the vector's bytes.
      const a1 = await client.next(base64Decode(c1.expected.base64))
      expect(base64Encode(a1)).toBe(r1.expected.base64)
      const s2 = await server.next(a1)
      expect(s2.type === 'challenge' && base64Encode(s2.challenge)).toBe(c2.expected.base64)
      const a2 = await client.next(base64Decode(c2.expected.base64))
      expect(base64Encode(a2)).toBe(r2.expected.base64)
      const s3 = await server.next(a2)
      expect(s3.type === 'success' && s3.identity.authcid).toBe(username)
      await client.finish()
    })
  }
})

describe('LOGIN loopback', () => {
  it('succeeds with the default prompts', async () => {
    const r = await runExchange(login.client({ username: 'tim', password: 'tanstaaftanstaaf' }), login.server({ credentials }))
    expect(r.step.type).toBe('success')
    expect(r.messages.map((m) => m.data && new TextDecoder().decode(m.data))).toEqual([undefined, 'Username:', 'tim', 'Password:', 'tanstaaftanstaaf'])
  })

  it('accepts the username as an initial response ([MS-XLOGIN])', async () => {
    const server = login.server({ credentials })
    const s1 = await server.next(text('tim'))
    expect(s1.type === 'challenge' && new TextDecoder().decode(s1.challenge)).toBe('Password:')
    expect((await server.next(text('tanstaaftanstaaf'))).type).toBe('success')
  })

  it('fails wrong password and unknown user alike', async () => {
    const a = await runExchange(login.client({ username: 'tim', password: 'x' }), login.server({ credentials }))
    const b = await runExchange(login.client({ username: 'who', password: 'x' }), login.server({ credentials }))
    expect([failureCode(a.step), failureCode(b.step)]).toEqual(['not-authorized', 'not-authorized'])
  })

  it('reports a disabled account after the password checks out', async () => {
    const r = await runExchange(login.client({ username: 'tim', password: 'tanstaaftanstaaf' }), login.server({ credentials: () => ({ password: 'tanstaaftanstaaf', disabled: true }) }))
    expect(failureCode(r.step)).toBe('account-disabled')
  })
})

describe('LOGIN negative cases', () => {
  it('server refuses an empty username, a NUL, an empty password, bad UTF-8', async () => {
    expect(failureCode(await login.server({ credentials }).next(new Uint8Array(0)))).toBe('malformed-request')
    expect(failureCode(await login.server({ credentials }).next(text('a\0b')))).toBe('malformed-request')
    const s = login.server({ credentials })
    await s.next(text('tim'))
    expect(failureCode(await s.next(new Uint8Array(0)))).toBe('malformed-request')
    expect(failureCode(await login.server({ credentials }).next(fromHex('ff')))).toBe('incorrect-encoding')
  })
  it('client refuses a missing password (the caller\'s mistake, decision 5)', async () => {
    await rejectsWithCode(() => login.client({ username: 'tim' } as never), 'protocol-violation')
  })
  it('client refuses a third challenge', async () => {
    const c = login.client({ username: 'tim', password: 'x' })
    await c.start()
    await c.next(new Uint8Array(0))
    await c.next(new Uint8Array(0))
    await rejectsWithCode(c.next(new Uint8Array(0)), 'malformed-request')
  })
})
