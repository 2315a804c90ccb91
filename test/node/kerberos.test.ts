// Node-only: the `kerberos(…)` adapter of saslkit/node, against a stand-in for the npm
// `kerberos` package that behaves as its 7.0.0 source does (base64 strings in and out; wrap
// rebuilds the RFC 4752 "no layer" answer from its input's first 4 octets and options.user).
// The real package, against a real KDC, is exercised by test/krb5 (npm run test:krb5).
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { base64Decode, base64Encode, gssapi, SaslError } from '../../src/index.js'
import { kerberos, type KerberosClientHandle, type KerberosModule } from '../../src/node/index.js'
import { memoryKerberos } from '../../examples/memory-gss.mjs'
import { failureCode, hex, rejectsWithCode, runExchange } from '../helpers/exchange.js'

const SERVICE = 'imap/mail.example.com'

function fakeKerberosPackage(options: { failInit?: boolean } = {}) {
  const kdc = memoryKerberos()
  const calls: Array<{ method: string; args: unknown[] }> = []
  const module: KerberosModule = {
    GSS_MECH_OID_KRB5: 9,
    async initializeClient(service, init) {
      calls.push({ method: 'initializeClient', args: [service, init] })
      if (options.failInit === true) throw new Error('Miscellaneous failure (see text)')
      const initiator = kdc.initiator({ principal: init?.principal ?? 'alice', service: SERVICE })
      const handle = {
        username: null as string | null,
        responseConf: 0,
        contextComplete: false as boolean,
        async step(challenge: string) {
          calls.push({ method: 'step', args: [challenge] })
          const r = await initiator.step(challenge === '' ? undefined : base64Decode(challenge))
          handle.contextComplete = r.complete
          if (r.complete) handle.username = initiator.initiatorName ?? null
          return r.token === undefined || r.token.length === 0 ? null : base64Encode(r.token)
        },
        async wrap(challenge: string, wrapOptions: { user?: string; protect?: boolean } = {}) {
          calls.push({ method: 'wrap', args: [challenge, wrapOptions] })
          // kerberos_gss.cc: buf[0] = GSS_AUTH_P_NONE; buf[1..3] = input[1..3]; then the user.
          const input = base64Decode(challenge)
          const rebuilt = new Uint8Array([0x01, input[1]!, input[2]!, input[3]!, ...new TextEncoder().encode(wrapOptions.user ?? '')])
          return base64Encode(await initiator.wrap(rebuilt, { confidential: wrapOptions.protect === true }))
        },
        async unwrap(challenge: string) {
          calls.push({ method: 'unwrap', args: [challenge] })
          const r = await initiator.unwrap(base64Decode(challenge))
          handle.responseConf = r.confidential ? 1 : 0
          return base64Encode(r.data)
        },
      } satisfies KerberosClientHandle
      return handle
    },
  }
  return { kdc, module, calls }
}

describe('saslkit/node kerberos() adapter', () => {
  it('authenticates with no security layer, with and without an authzid', async () => {
    for (const authzid of ['', 'shared']) {
      const { kdc, module, calls } = fakeKerberosPackage()
      const client = gssapi.client({ provider: kerberos({ service: 'imap@mail.example.com', module }), authzid })
      const server = gssapi.server({ provider: kdc.acceptor({ service: SERVICE }), authorize: () => true })
      const r = await runExchange(client, server)
      expect(r.clientError).toBeUndefined()
      expect(r.step.type === 'success' && r.step.identity).toMatchObject({ authcid: 'alice@EXAMPLE.COM', authzid: authzid || 'alice@EXAMPLE.COM' })
      expect(calls.map((c) => c.method)).toEqual(['initializeClient', 'step', 'step', 'unwrap', 'wrap'])
      // Kerberos V5 itself (not SPNEGO), mutual + sequence; the package gets an offer-shaped
      // 8-octet input (its size field is read as a C long) and the authzid as `user`.
      expect(calls[0]!.args).toEqual(['imap@mail.example.com', { flags: 10, mechOID: 9 }])
      expect(calls[1]!.args).toEqual([''])
      expect(calls[4]!.args).toEqual([base64Encode(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0])), { user: authzid, protect: false }])
    }
  })

  it('passes principal and flags through', async () => {
    const { module, calls } = fakeKerberosPackage()
    await kerberos({ service: 'smtp@mx.example.com', principal: 'bob@EXAMPLE.COM', flags: 2, module }).step()
    expect(calls[0]!.args).toEqual(['smtp@mx.example.com', { principal: 'bob@EXAMPLE.COM', flags: 2, mechOID: 9 }])
  })

  it('reports the client principal once the context is complete, and unwraps with conf_state', async () => {
    const { kdc, module } = fakeKerberosPackage()
    const initiator = kerberos({ service: 'imap@mail.example.com', module })
    const acceptor = kdc.acceptor({ service: SERVICE })
    const first = await initiator.step()
    expect(first.complete).toBe(false)
    expect(initiator.initiatorName).toBeUndefined()
    const apRep = await acceptor.step(first.token!)
    expect(await initiator.step(apRep.token)).toEqual({ token: undefined, complete: true })
    expect(initiator.initiatorName).toBe('alice@EXAMPLE.COM')
    const sealed = await initiator.unwrap(await acceptor.wrap(new Uint8Array([1, 2, 3]), { confidential: true }))
    expect({ data: hex(sealed.data), confidential: sealed.confidential }).toEqual({ data: '010203', confidential: true })
  })

  for (const layer of ['integrity', 'confidentiality'] as const) {
    it(`refuses the '${layer}' layer → mechanism-too-weak (the package cannot wrap arbitrary data)`, async () => {
      const { kdc, module, calls } = fakeKerberosPackage()
      const client = gssapi.client({ provider: kerberos({ service: 'imap@mail.example.com', module }), securityLayer: layer })
      const r = await runExchange(client, gssapi.server({ provider: kdc.acceptor({ service: SERVICE }) })).catch((e: unknown) => e)
      expect(r).toBeInstanceOf(SaslError)
      expect((r as SaslError).code).toBe('mechanism-too-weak')
      expect(calls.map((c) => c.method)).not.toContain('wrap')
    })
  }

  it('refuses to wrap anything but the no-layer answer, and an authzid the package would cut', async () => {
    const { module } = fakeKerberosPackage()
    const initiator = kerberos({ service: 'imap@mail.example.com', module })
    await rejectsWithCode(async () => initiator.wrap(new Uint8Array([1, 0, 0, 0]), { confidential: true }), 'mechanism-too-weak')
    await rejectsWithCode(async () => initiator.wrap(new Uint8Array([2, 1, 0, 0]), { confidential: false }), 'mechanism-too-weak')
    await rejectsWithCode(async () => initiator.wrap(new TextEncoder().encode('hello'), { confidential: false }), 'mechanism-too-weak')
    await rejectsWithCode(async () => initiator.wrap(new Uint8Array([1, 0, 0, 0, 0x61, 0, 0x62]), { confidential: false }), 'malformed-request')
    await rejectsWithCode(async () => initiator.wrap(new Uint8Array(4 + 4092).fill(0x61).fill(0, 1, 4).fill(1, 0, 1), { confidential: false }), 'malformed-request')
  })

  it('turns a failing initializeClient into a failed start (not-authorized), keeping the cause', async () => {
    const { module } = fakeKerberosPackage({ failInit: true })
    const error = await rejectsWithCode(gssapi.client({ provider: kerberos({ service: 'imap@nowhere', module }) }).start(), 'not-authorized')
    expect((error.cause as Error).message).toBe('Miscellaneous failure (see text)')
  })

  it('fails on a server that is not the one the ticket is for (server → not-authorized)', async () => {
    const { kdc, module } = fakeKerberosPackage()
    const client = gssapi.client({ provider: kerberos({ service: 'imap@mail.example.com', module }) })
    const r = await runExchange(client, gssapi.server({ provider: kdc.acceptor({ service: 'smtp/mail.example.com' }) }))
    expect(failureCode(r.step)).toBe('not-authorized')
  })

  it("names the missing 'kerberos' package in a SaslError when it is not installed", async () => {
    let installed = true
    try {
      createRequire(import.meta.url).resolve('kerberos')
    } catch {
      installed = false
    }
    const attempt = Promise.resolve(kerberos({ service: 'imap@localhost' }).step())
    if (installed) {
      // Someone installed it: then the adapter loads it (and fails later, without a KDC).
      await expect(attempt).rejects.not.toThrow(/not installed/)
    } else {
      const error = await rejectsWithCode(attempt, 'temporary-auth-failure')
      expect(error.message).toMatch(/optional peer dependency 'kerberos' is not installed \(npm install kerberos/)
    }
  })

  it('requires a service name: missing → protocol-violation, empty → malformed-request', async () => {
    // Decision 5: missing or mistyped is the caller's mistake; empty is text that cannot be sent.
    await rejectsWithCode(() => kerberos({} as never), 'protocol-violation')
    await rejectsWithCode(() => kerberos({ service: 'imap@h', principal: 5 as never }), 'protocol-violation')
    await rejectsWithCode(() => kerberos({ service: '' }), 'malformed-request')
  })
})
