import { describe, expect, it } from 'vitest'
import anonymousVectors from '../vectors/anonymous.json' with { type: 'json' }
import externalVectors from '../vectors/external.json' with { type: 'json' }
import { anonymous, base64Encode, external } from '../../src/index.js'
import { hexEncode } from '../../src/codec/index.js'
import { failureCode, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

describe('ANONYMOUS', () => {
  for (const v of anonymousVectors.vectors) {
    it(`${v.id} — ${v.source}`, async () => {
      const client = anonymous.client({ trace: v.inputs.trace })
      const initial = (await client.start())!
      expect(base64Encode(initial)).toBe(v.expected.base64)
      const step = await anonymous.server({}).next(initial)
      expect(step.type === 'success' && step.identity.details).toEqual({ trace: 'sirhc' })
    })
  }
  it('loopback without a trace, and with the initial response asked for', async () => {
    const r = await runExchange(anonymous.client({}), anonymous.server({}))
    expect(r.step.type === 'success' && r.step.identity).toMatchObject({ authcid: 'anonymous', authzid: 'anonymous', details: { trace: '' } })
    const s = anonymous.server({ username: 'guest' })
    expect((await s.next(undefined)).type).toBe('challenge')
    const done = await s.next(text('me@example.com'))
    expect(done.type === 'success' && done.identity.authcid).toBe('guest')
  })
  it('can be refused by option', async () => {
    const r = await runExchange(anonymous.client({}), anonymous.server({ allow: false }))
    expect(failureCode(r.step)).toBe('mechanism-too-weak')
  })
  it('refuses long traces and control characters on both sides', async () => {
    await rejectsWithCode(() => anonymous.client({ trace: 'x'.repeat(256) }), 'malformed-request')
    await rejectsWithCode(() => anonymous.client({ trace: 'a\nb' }), 'malformed-request')
    expect(failureCode(await anonymous.server({}).next(text('x'.repeat(256))))).toBe('malformed-request')
    expect(failureCode(await anonymous.server({}).next(text('a\0b')))).toBe('malformed-request')
    expect(failureCode(await anonymous.server({}).next(new Uint8Array([0xff])))).toBe('incorrect-encoding')
    // 255 characters outside the BMP are still 255 characters.
    expect((await anonymous.server({}).next(text('𝄞'.repeat(255)))).type).toBe('success')
  })
})

describe('EXTERNAL', () => {
  for (const v of externalVectors.vectors) {
    it(`${v.id} — ${v.source}`, async () => {
      const client = external.client({ authzid: v.inputs.authzid })
      const initial = (await client.start())!
      expect(hexEncode(initial)).toBe(v.expected.client_response_hex)
      const step = await external.server({ identity: 'fred@example.com' }).next(initial)
      expect(step.type === 'success' && step.identity).toMatchObject({ authcid: 'fred@example.com', authzid: 'fred@example.com' })
    })
  }
  it('an empty authzid acts as the established identity; another goes through authorize', async () => {
    const r = await runExchange(external.client({}), external.server({ identity: 'CN=alice' }))
    expect(r.step.type === 'success' && r.step.identity).toMatchObject({ authcid: 'CN=alice', authzid: 'CN=alice' })
    const refused = await runExchange(external.client({ authzid: 'bob' }), external.server({ identity: 'CN=alice' }))
    expect(failureCode(refused.step)).toBe('invalid-authzid')
    const allowed = await runExchange(external.client({ authzid: 'bob' }), external.server({ identity: 'CN=alice', authorize: (id) => id.authzid === 'bob' }))
    expect(allowed.step.type === 'success' && allowed.step.identity.authzid).toBe('bob')
  })
  it('answers an empty challenge when the server asked for the response', async () => {
    const server = external.server({ identity: 'CN=alice' })
    const client = external.client({})
    await client.start()
    const first = await server.next(undefined)
    expect(first.type).toBe('challenge')
    const response = await client.next(new Uint8Array(0))
    expect((await server.next(response)).type).toBe('success')
  })
  it('fails without an established identity, and for a disabled one', async () => {
    expect(failureCode((await runExchange(external.client({}), external.server({}))).step)).toBe('not-authorized')
    const r = await runExchange(external.client({}), external.server({ identity: 'CN=alice', credentials: () => ({ disabled: true }) }))
    expect(failureCode(r.step)).toBe('account-disabled')
  })
  it('refuses a NUL in the authzid and bad UTF-8', async () => {
    expect(failureCode(await external.server({ identity: 'a' }).next(text('a\0')))).toBe('malformed-request')
    expect(failureCode(await external.server({ identity: 'a' }).next(new Uint8Array([0xfe])))).toBe('incorrect-encoding')
  })
})
