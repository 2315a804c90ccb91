// The `kerberos(…)` initiator of saslkit/node with the real npm `kerberos` addon (installed by
// test/krb5/realm.ts into its own directory and injected here) against saslkit's GSSAPI server
// with MIT GSS-API as acceptor, on the throwaway realm.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { SaslError, base64Decode, base64Encode, gssapi } from '../../src/index.js'
import { kerberos, type KerberosModule } from '../../src/node/index.js'
import { failureCode, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'
import { MitGss } from './mit.js'

const realm = inject('krb5')
// The addon runs in this process: MIT reads KRB5_CONFIG and KRB5CCNAME from its environment.
Object.assign(process.env, realm.env)
const kerberosModule = createRequire(import.meta.url)(realm.kerberosPackage) as KerberosModule & { version: string }

const open: MitGss[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((context) => context.close()))
})
function acceptor(target = 'imap@localhost'): MitGss {
  const context = MitGss.acceptor(realm, target)
  open.push(context)
  return context
}
const client = (options: { service?: string; authzid?: string; securityLayer?: 'none' | 'integrity' | 'confidentiality' } = {}) =>
  gssapi.client({
    provider: kerberos({ service: options.service ?? 'imap@localhost', module: kerberosModule }),
    ...(options.authzid === undefined ? {} : { authzid: options.authzid }),
    ...(options.securityLayer === undefined ? {} : { securityLayer: options.securityLayer }),
  })

describe(`saslkit/node kerberos() with the kerberos package`, () => {
  it('is the version whose source the adapter was checked against', () => {
    expect(kerberosModule.version).toMatch(/^7\./)
  })

  it("authenticates to saslkit's server (MIT acceptor) with no security layer", async () => {
    const r = await runExchange(client(), gssapi.server({ provider: acceptor() }))
    expect(r.clientError).toBeUndefined()
    expect(r.step.type === 'success' && r.step.identity).toEqual({
      mechanism: 'GSSAPI',
      authcid: 'alice@SASLKIT.TEST',
      authzid: 'alice@SASLKIT.TEST',
      details: { principal: 'alice@SASLKIT.TEST', acceptor: 'imap/localhost@SASLKIT.TEST', securityLayer: 'none' },
    })
  })

  it('sends an authzid, which the server authorizes', async () => {
    const server = gssapi.server({ provider: acceptor(), authorize: (id) => id.authcid === 'alice@SASLKIT.TEST' && id.authzid === 'shared' })
    const r = await runExchange(client({ authzid: 'shared' }), server)
    expect(r.step.type === 'success' && r.step.identity.authzid).toBe('shared')
  })

  for (const layer of ['integrity', 'confidentiality'] as const) {
    it(`cannot do the '${layer}' layer: the client stops with mechanism-too-weak`, async () => {
      const error = await runExchange(client({ securityLayer: layer }), gssapi.server({ provider: acceptor() })).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SaslError)
      expect((error as SaslError).code).toBe('mechanism-too-weak')
    })
  }

  it('why: the package’s wrap() rebuilds the "no layer" answer instead of wrapping its input', async () => {
    // If this starts failing, a new version wraps arbitrary data: the adapter could offer layers.
    const mit = acceptor()
    const handle = await kerberosModule.initializeClient('imap@localhost', { mechOID: 9 })
    const apRep = await mit.step(base64Decode((await handle.step(''))!))
    await handle.step(base64Encode(apRep.token!))
    const token = await handle.wrap(base64Encode(text('hello world')), { protect: true })
    const seen = await mit.unwrap(base64Decode(token))
    expect({ data: hex(seen.data), confidential: seen.confidential }).toEqual({ data: '01656c6c', confidential: true })
    // …while its unwrap() is a real GSS_Unwrap that reports conf_state.
    const sealed = await mit.wrap(text('secret'), { confidential: true })
    expect(base64Decode((await handle.unwrap(base64Encode(sealed)))!)).toEqual(text('secret'))
    expect(handle.responseConf).toBe(1)
  })

  it('a service principal the KDC does not know → the client fails to start (not-authorized)', async () => {
    const error = await rejectsWithCode(client({ service: 'nosuch@localhost' }).start(), 'not-authorized')
    expect(String((error.cause as Error).message)).toMatch(/not found in Kerberos database/)
  })

  it('a ticket for another service → the server fails (not-authorized)', async () => {
    const r = await runExchange(client({ service: 'smtp@localhost' }), gssapi.server({ provider: acceptor() }))
    expect(failureCode(r.step)).toBe('not-authorized')
  })

  it('no ticket → the client fails to start (not-authorized)', async () => {
    const saved = process.env['KRB5CCNAME']
    process.env['KRB5CCNAME'] = `FILE:${join(realm.dir, 'absent-addon.ccache')}`
    try {
      const error = await rejectsWithCode(client().start(), 'not-authorized')
      expect(String((error.cause as Error).message)).toMatch(/credentials cache|No Kerberos credentials/i)
    } finally {
      process.env['KRB5CCNAME'] = saved
    }
  })
})
