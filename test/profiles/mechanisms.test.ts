// Every mechanism descriptor exported from saslkit, through every profile, client profile ↔
// server profile in memory: success, a refused secret, and the channel rules. A mechanism that
// lands later is picked up from the exports; one that needs more than the shared fixture
// below gets a row in `special`.
import { describe, expect, it } from 'vitest'
import * as saslkit from '../../src/index.js'
import { imap, pop3, smtp, type Mechanism, type SaslErrorCode } from '../../src/index.js'
import { adapters, type Adapter } from '../helpers/adapters.js'
import { converse } from '../helpers/profiles.js'
import { memoryKerberos } from '../../examples/memory-gss.mjs'

const descriptors = Object.values(saslkit).filter(
  (v): v is Mechanism<never, never> => typeof v === 'object' && v !== null && 'traits' in v && typeof (v as Mechanism).client === 'function',
)

const PASSWORD = 'pencil-Ünïcödé'
const TOKEN = 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=='
// OAuth 1.0a: the consumer and the token secret sign; only the keys travel.
const CONSUMER = { consumerKey: 'saslkit-consumer', consumerSecret: 'consumer-secret-5a1' }
const TOKEN_SECRET = 'token-secret-77e'
const binding = { type: 'tls-exporter' as const, data: new Uint8Array(32).fill(0x42) }
const HOST = 'mail.example.com'

/**
 * Options every mechanism's client takes what it needs from. Binding data goes only to the
 * -PLUS variants: a SCRAM client that holds it on a plain variant sends `y` (RFC 5802 §6), and
 * a server with binding data rightly refuses that as a downgrade.
 */
function clientOptions(a: Adapter, right: boolean, binds: boolean): Record<string, unknown> {
  return {
    username: 'user',
    password: right ? PASSWORD : 'wrong-password',
    token: right ? TOKEN : 'wrong-token',
    ...CONSUMER,
    tokenSecret: TOKEN_SECRET,
    protocol: a.service,
    service: a.service,
    host: HOST,
    port: 587,
    ...(binds ? { channelBinding: binding } : {}),
    trace: 'user@example.com',
  }
}

/** Options every mechanism's server takes what it needs from. */
function serverOptions(a: Adapter): Record<string, unknown> {
  return {
    credentials: (user: string) => (user === 'user' ? { password: PASSWORD } : undefined),
    validateToken: (request: { token?: string }) => (request.token === TOKEN ? { authcid: 'user' } : { error: { status: 'invalid_token' } }),
    secrets: (request: { consumerKey: string; token: string }) =>
      request.consumerKey === CONSUMER.consumerKey && request.token === TOKEN ? { consumerSecret: CONSUMER.consumerSecret, tokenSecret: TOKEN_SECRET } : undefined,
    identity: 'user',
    service: a.service,
    host: HOST,
    hostname: HOST,
  }
}

/** The mechanisms whose server answers a refused token with an error challenge (RFC 7628 §3.2.2). */
const OAUTH_ERROR_CHALLENGE = ['OAUTHBEARER', 'XOAUTH2']

interface Special {
  /** Who the server reports on success. */
  authcid?: string
  /** Client options replacing the shared ones (right: the credentials that work). */
  client?: (right: boolean) => Record<string, unknown>
  /** Server options over the shared ones, made fresh for each server. */
  server?: () => Record<string, unknown>
  /** How to make the exchange fail instead of a wrong secret, and the server's code. */
  failure?: { client?: Record<string, unknown>; server?: Record<string, unknown>; code: SaslErrorCode }
  /** A security layer is negotiated: both profiles expose it, and it carries data. */
  securityLayer?: boolean
}
// GSSAPI runs over the in-memory pretend Kerberos of the demo (no KDC); a wrong realm secret
// makes the acceptor refuse the AP-REQ.
const realm = (secret: string) => memoryKerberos({ secret })
const special: Record<string, Special> = {
  ANONYMOUS: { authcid: 'anonymous', failure: { server: { allow: false }, code: 'mechanism-too-weak' } },
  EXTERNAL: { failure: { server: { identity: undefined }, code: 'not-authorized' } },
  // NTLM's channel bindings (EPA) are tls-server-end-point only, so its client names none here.
  NTLM: {
    client: (right) => ({ username: 'user', password: right ? PASSWORD : 'wrong-password', domain: 'EXAMPLE' }),
  },
  GSSAPI: {
    authcid: `user@${realm('kdc-secret').realm}`,
    client: (right) => ({ provider: realm(right ? 'kdc-secret' : 'wrong-secret').initiator({ principal: 'user', service: 'smtp/mail.example.com' }), securityLayer: 'confidentiality' }),
    server: () => ({ provider: () => realm('kdc-secret').acceptor({ service: 'smtp/mail.example.com' }) }),
    securityLayer: true,
  },
}

// Each profile as the tests use it, plus the variants that hold the initial response back.
const variants: Array<{ label: string; adapter: Adapter; client?: Adapter['client'] }> = [
  ...adapters.map((adapter) => ({ label: adapter.name, adapter })),
  { label: 'smtp without initial response', adapter: adapters[0]!, client: (s) => smtp.client(s, { initialResponse: false }) },
  { label: 'imap without SASL-IR', adapter: adapters[1]!, client: (s) => imap.client(s, { tag: 'A1' }) },
  { label: 'pop3 without initial response', adapter: adapters[2]!, client: (s) => pop3.client(s, { initialResponse: false }) },
]

describe('the mechanism table', () => {
  it('finds the landed descriptors', () => {
    expect(descriptors.map((d) => d.name)).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN', 'ANONYMOUS', 'EXTERNAL']))
  })
})

for (const mechanism of descriptors) {
  const extra = special[mechanism.name] ?? {}
  describe(`${mechanism.name} through every profile`, () => {
    for (const { label, adapter, client } of variants) {
      const start = client ?? adapter.client
      const options = (right: boolean) => extra.client?.(right) ?? clientOptions(adapter, right, mechanism.traits.channelBinding)
      const server = (overrides: Record<string, unknown> = {}, channel: object = { secure: true, bindings: [binding] }) =>
        adapter.server({ mechanisms: [mechanism], channel, ...serverOptions(adapter), ...extra.server?.(), ...overrides } as never)

      it(`${label}: authenticates`, async () => {
        const srv = server()
        expect(srv.mechanisms).toEqual([mechanism.name])
        const ex = start(mechanism.client(options(true) as never))
        const run = await converse(ex, srv)
        expect(run.clientError, run.lines.join('\n')).toBeUndefined()
        expect(run.last.identity).toMatchObject({ mechanism: mechanism.name, authcid: extra.authcid ?? 'user' })
        expect(srv.identity).toBe(run.last.identity)
        if (extra.securityLayer === true) {
          // API.md §5: after success with a security layer, the profile exposes the mechanism's.
          const message = new TextEncoder().encode('A2 NOOP\r\n')
          const frames = await srv.securityLayer!.decode(await ex.securityLayer!.encode(message))
          expect(frames).toEqual([message])
        } else {
          expect(srv.securityLayer).toBeUndefined()
          expect(ex.securityLayer).toBeUndefined()
        }
      })

      it(`${label}: fails alike on both sides`, async () => {
        const failure = extra.failure ?? { code: 'not-authorized' as const }
        const failing = failure.client === undefined ? options(false) : { ...options(true), ...failure.client }
        const sasl = mechanism.client(failing as never)
        const run = await converse(start(sasl), server(failure.server))
        expect(run.last.error?.code, run.lines.join('\n')).toBe(failure.code)
        // API.md §4: after an OAuth error challenge the thrown error carries the server's JSON.
        if (OAUTH_ERROR_CHALLENGE.includes(mechanism.name)) expect(sasl.serverError).toBeDefined()
        expect(run.clientError?.details).toEqual(sasl.serverError)
        expect(run.clientError?.code).toBe(adapter.refusals[failure.code]!.back)
        expect(run.clientError?.reply).toBeDefined()
        if (run.last.error?.reason !== undefined) expect(run.lines.join('\n')).not.toContain(run.last.error.reason)
      })

      if (mechanism.traits.plaintext) {
        it(`${label}: is neither offered nor accepted without TLS`, async () => {
          const srv = server({}, { secure: false })
          expect(srv.mechanisms).toEqual([])
          const run = await converse(start(mechanism.client(options(true) as never)), srv)
          expect(run.last.error?.code).toBe('encryption-required')
          expect(run.clientError?.code).toBe(adapter.refusals['encryption-required']!.back)
        })
      }

      if (mechanism.traits.channelBinding) {
        it(`${label}: is neither offered nor accepted without binding data`, async () => {
          const srv = server({}, { secure: true })
          expect(srv.mechanisms).toEqual([])
          const run = await converse(start(mechanism.client(options(true) as never)), srv)
          expect(run.last.error?.code).toBe('invalid-mechanism')
        })
      }
    }
  })
}
