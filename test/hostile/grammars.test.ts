// The text decoders that live inside the state machines — SCRAM attributes (RFC 5802 §7),
// DIGEST-MD5 directives (RFC 2831 §7.1), CRAM-MD5's `user SP digest`, OAuth key/values — fed
// messages built from their own grammar's tokens, at every step, on both sides. Random bytes
// rarely get past the first check; these reach the duplicate, escape, quoting and ordering
// rules. Each message fails with an API code or moves the exchange on; none authenticates,
// and no client believes a server that sent one.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gssapi, utf8Encode, type SaslClient, type SaslServer } from '../../src/index.js'
import { ProviderFailure, fixtures } from '../fixtures/mechanisms.js'
import { memoryKerberos } from '../../examples/memory-gss.mjs'
import { bounded, expectApiError } from '../helpers/hostile.js'

const fixture = (name: string) => fixtures.find((f) => f.name === name)!
const text = (tokens: readonly string[], maxLength = 16) => fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength }).map((t) => t.join(''))

/** What a client said, pulled out of its message so that built messages can echo it. */
const echo = (message: Uint8Array | undefined, pattern: RegExp) => pattern.exec(new TextDecoder().decode(message))?.[1] ?? ''

interface Grammar {
  readonly name: string
  readonly mechanism: string
  /**
   * Brings a fresh client and server to the step under test; returns the tokens of the message
   * to build there (the exchange's own nonces among them) and who receives it.
   */
  setup(client: SaslClient, server: SaslServer): Promise<{ tokens: string[]; to: 'server' | 'client'; final?: boolean }>
}

const SCRAM_SALT = 'QSXCR+Q6sek8bf92'
const grammars: Grammar[] = [
  {
    name: 'client-first (GS2 header, n=, r=, extensions)',
    mechanism: 'SCRAM-SHA-256',
    setup: async () => ({
      to: 'server',
      tokens: ['n,', 'y,', 'p=tls-exporter,', 'p=,', ',', 'a=', 'a=alice,', 'n=', 'n=alice', 'r=', 'r=abcdef', '=2C', '=3D', '=2c', '=', 'm=', 'x=1', 'alice', 'é', '\0', ' '],
    }),
  },
  {
    name: 'client-final (c=, r=, p=, extensions, order)',
    mechanism: 'SCRAM-SHA-256',
    async setup(client, server) {
      const first = await server.next(await client.start())
      if (first.type !== 'challenge') throw new Error('no server-first')
      const nonce = echo(first.challenge, /r=([^,]+)/)
      return { to: 'server', tokens: ['c=biws', 'c=', 'c=eSws', `r=${nonce}`, 'r=', 'p=', 'p=AAAA', 'p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', ',', 'x=1', 'm=1', '=', 'biws'] }
    },
  },
  {
    name: 'server-first (r=, s=, i=, e=)',
    mechanism: 'SCRAM-SHA-256',
    async setup(client) {
      const nonce = echo(await client.start(), /r=([^,]+)/)
      return { to: 'client', tokens: [`r=${nonce}`, `r=${nonce}srv`, 'r=', `s=${SCRAM_SALT}`, 's=', 's=!!', 'i=4096', 'i=0', 'i=', 'i=99999999999', ',', 'e=invalid-proof', 'e=', 'm=', 'x=1', '4096'] }
    },
  },
  {
    name: 'server-final (v=, e=)',
    mechanism: 'SCRAM-SHA-256',
    async setup(client, server) {
      const first = await server.next(await client.start())
      if (first.type !== 'challenge') throw new Error('no server-first')
      await client.next(first.challenge)
      return { to: 'client', final: true, tokens: ['v=', 'v=AAAA', 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=', 'e=invalid-proof', 'e=', ',', 'x=1', '='] }
    },
  },
  {
    name: 'digest-response (directives, quoting, duplicates)',
    mechanism: 'DIGEST-MD5',
    async setup(client, server) {
      const challenge = await server.next(await client.start())
      if (challenge.type !== 'challenge') throw new Error('no digest-challenge')
      const nonce = echo(challenge.challenge, /nonce="([^"]+)"/)
      return {
        to: 'server',
        tokens: [
          'username="alice"', 'realm="example.org"', `nonce="${nonce}"`, 'cnonce="abc"', 'nc=00000001', 'qop=auth', 'digest-uri="imap/mail.example.org"',
          'response=0123456789abcdef0123456789abcdef', 'charset=utf-8', 'authzid="bob"', ',', ', ', '"', '\\', '=', ' ', '\t', 'x=y', 'USERNAME="alice"', 'maxbuf=65536', 'qop=auth-conf', 'nc=ffffffff',
        ],
      }
    },
  },
  {
    name: 'digest-challenge (directives, quoting, duplicates)',
    mechanism: 'DIGEST-MD5',
    setup: async (client) => {
      await client.start()
      return {
        to: 'client',
        tokens: ['realm="example.org"', 'nonce="OA6MG9tEQGm2hh"', 'qop="auth"', 'qop="auth-int"', 'charset=utf-8', 'algorithm=md5-sess', 'algorithm=md5', 'stale=true', 'maxbuf=1024', ',', ', ', '"', '\\', '=', ' ', 'x=y', 'cipher="rc4"'],
      }
    },
  },
  {
    name: 'digest rspauth',
    mechanism: 'DIGEST-MD5',
    async setup(client, server) {
      const challenge = await server.next(await client.start())
      if (challenge.type !== 'challenge') throw new Error('no digest-challenge')
      await client.next(challenge.challenge)
      return { to: 'client', final: true, tokens: ['rspauth=', 'rspauth=0123456789abcdef0123456789abcdef', 'rspauth="', ',', 'x=y', '=', '"'] }
    },
  },
  {
    name: 'CRAM-MD5 response (user SP digest)',
    mechanism: 'CRAM-MD5',
    async setup(client, server) {
      await server.next(await client.start())
      return { to: 'server', tokens: ['alice', ' ', '0123456789abcdef', '0123456789ABCDEF', 'é', '\0', '\t', 'g'] }
    },
  },
  {
    name: 'OAUTHBEARER initial response (GS2 header, key/values)',
    mechanism: 'OAUTHBEARER',
    setup: async () => ({
      to: 'server',
      tokens: ['n,', 'y,', 'p=x,', 'a=alice,', ',', '\x01', 'auth=', 'Bearer ', 'bearer ', 'ya29.a0AfH6SMBx-fixture-access-token', 'host=', 'mail.example.com', 'port=', '587', '0587', '=', ' ', '\0'],
    }),
  },
  {
    name: 'XOAUTH2 initial response (key/values)',
    mechanism: 'XOAUTH2',
    setup: async () => ({ to: 'server', tokens: ['user=', 'alice', '\x01', 'auth=', 'Bearer ', 'ya29.a0AfH6SMBx-fixture-access-token', '=', ' ', '\0', 'é'] }),
  },
]

describe('messages built from each grammar', () => {
  for (const g of grammars) {
    it(`${g.mechanism} ${g.name}: an API code or the next step; never a success`, async () => {
      const f = fixture(g.mechanism)
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1 << 30 }), async (seed) => {
          const client = f.client()
          const server = f.server()
          const { tokens, to, final } = await g.setup(client, server)
          // The tokens are only known after set-up: draw the message from them with the seed.
          const message = fc.sample(text(tokens), { seed, numRuns: 1 })[0]!
          if (to === 'server') {
            const step = await server.next(utf8Encode(message))
            if (step.type === 'failure') return expectApiError(step.error)
            expect(step.type, JSON.stringify(message)).not.toBe('success')
            return
          }
          try {
            await client.next(utf8Encode(message))
            // A built final message is never the server's real proof: finish() must refuse it.
            if (final === true) {
              await client.finish()
              throw new Error(`${g.mechanism}: the client believed ${JSON.stringify(message)}`)
            }
          } catch (error) {
            expectApiError(error)
          }
        }),
        bounded(2),
      )
    })
  }
})

// RFC 4752 §3.1–§3.2: the 4 octets (layer bit-mask, 24-bit maximum) and the authzid that
// travel wrapped. A real acceptor (initiator) wraps whatever a hostile peer hands it, so the
// parse after GSS_Unwrap must hold on its own.
describe('GSSAPI security-layer bytes, wrapped by a genuine context', () => {
  const SERVICE = 'imap/mail.example.com'
  const failing = <T extends object>(context: T): T =>
    new Proxy(context, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          try {
            return (value as (...a: unknown[]) => unknown).apply(target, args)
          } catch (error) {
            throw new ProviderFailure((error as Error).message)
          }
        }
      },
    })
  const realm = () => memoryKerberos({ secret: 'grammar-kdc' })
  const layerBytes = fc.oneof(
    fc.uint8Array({ maxLength: 12 }),
    fc.tuple(fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 6, 7), fc.integer({ min: 0, max: 255 })), fc.oneof(fc.constantFrom(0, 1, 65536, 0xffffff), fc.integer({ min: 0, max: 0xffffff })), fc.uint8Array({ maxLength: 8 })).map(
      ([mask, max, rest]) => new Uint8Array([mask, max >>> 16, (max >>> 8) & 255, max & 255, ...rest]),
    ),
  )

  it('an offer of any bytes: the client answers only with a layer that was offered, or fails with an API code', async () => {
    await fc.assert(
      fc.asyncProperty(layerBytes, fc.constantFrom('none' as const, 'integrity' as const, 'confidentiality' as const), async (offer, wanted) => {
        const kdc = realm()
        const acceptor = failing(kdc.acceptor({ service: SERVICE }))
        const client = gssapi.client({ provider: failing(kdc.initiator({ principal: 'alice', service: SERVICE })), securityLayer: wanted })
        const apRep = await acceptor.step((await client.start())!)
        await client.next(apRep.token!)
        let answer: Uint8Array
        try {
          answer = await client.next(await acceptor.wrap(offer, { confidential: false }))
        } catch (error) {
          return expectApiError(error)
        }
        const opened = (await acceptor.unwrap(answer)).data
        const bit = { none: 1, integrity: 2, confidentiality: 4 }[wanted]
        expect(offer.length).toBe(4)
        expect(offer[0]! & bit).toBe(bit)
        expect(opened[0]).toBe(bit)
      }),
      bounded(2),
    )
  })

  it('an answer of any bytes: the server succeeds only on one offered layer and a valid authzid', async () => {
    await fc.assert(
      fc.asyncProperty(layerBytes, async (answer) => {
        const kdc = realm()
        const initiator = failing(kdc.initiator({ principal: 'alice', service: SERVICE }))
        const server = gssapi.server({ provider: () => failing(kdc.acceptor({ service: SERVICE })), securityLayers: ['none', 'integrity'] })
        let step = await server.next((await initiator.step()).token)
        if (step.type !== 'challenge') throw new Error('no AP-REP')
        await initiator.step(step.challenge)
        step = await server.next(new Uint8Array(0))
        if (step.type === 'challenge' && step.challenge.length > 0) await initiator.unwrap(step.challenge)
        const result = await server.next(await initiator.wrap(answer, { confidential: false }))
        if (result.type === 'failure') return expectApiError(result.error)
        expect(result.type).toBe('success')
        expect([1, 2]).toContain(answer[0])
        expect(answer.length).toBeGreaterThanOrEqual(4)
      }),
      bounded(2),
    )
  })
})
