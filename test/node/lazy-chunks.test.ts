// Node-only: the code that loads on first use (servers, profile drivers, NTLMv1/LM, the GSSAPI
// layer, SCRAM's noble fallback) resolves in what tsup ships, from the CJS build (require)
// and from the ESM build (import), with the same SaslError class as the code that loaded it.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
type Saslkit = typeof import('../../src/index.js')
const builds: Array<[string, () => Promise<Saslkit>]> = [
  ['CJS (require)', async () => require('saslkit') as Saslkit],
  ['ESM (import)', async () => (await import('saslkit')) as unknown as Saslkit],
]

async function loop(client: { start(): Promise<Uint8Array | undefined>; next(c: Uint8Array): Promise<Uint8Array>; finish(d?: Uint8Array): Promise<void> }, server: { next(r: Uint8Array | undefined): Promise<{ type: string; challenge?: Uint8Array; additionalData?: Uint8Array }> }) {
  let step = await server.next(await client.start())
  for (let i = 0; step.type === 'challenge' && i < 10; i++) step = await server.next(await client.next(step.challenge!))
  if (step.type === 'success') await client.finish(step.additionalData)
  return step.type
}

for (const [name, load] of builds) {
  describe(`lazily loaded code in the ${name} build`, () => {
    it('every server mechanism loads its server on the first step and succeeds', async () => {
      const s = await load()
      const password = 'pencil'
      const credentials = (user: string) => (user === 'user' ? { password } : undefined)
      const results = {
        PLAIN: await loop(s.plain.client({ username: 'user', password }), s.plain.server({ credentials })),
        LOGIN: await loop(s.login.client({ username: 'user', password }), s.login.server({ credentials })),
        ANONYMOUS: await loop(s.anonymous.client({}), s.anonymous.server({})),
        EXTERNAL: await loop(s.external.client({}), s.external.server({ identity: 'user' })),
        'CRAM-MD5': await loop(s.cramMd5.client({ username: 'user', password }), s.cramMd5.server({ credentials })),
        'DIGEST-MD5': await loop(s.digestMd5.client({ username: 'user', password, service: 'imap', host: 'h' }), s.digestMd5.server({ credentials, service: 'imap' })),
        'SCRAM-SHA-256': await loop(s.scramSha256.client({ username: 'user', password }), s.scramSha256.server({ credentials })),
        OAUTHBEARER: await loop(s.oauthBearer.client({ username: 'user', token: 't' }), s.oauthBearer.server({ validateToken: () => ({ authcid: 'user' }) })),
        NTLM: await loop(s.ntlm.client({ username: 'user', password, legacy: true }), s.ntlm.server({ credentials, legacy: true })),
      }
      expect(Object.values(results).every((type) => type === 'success')).toBe(true)
    })
    it("the NTLM client's session security loads with finish() and seals for the server", async () => {
      const s = await load()
      const client = s.ntlm.client({ username: 'user', password: 'pencil' })
      const server = s.ntlm.server({ credentials: (user: string) => (user === 'user' ? { password: 'pencil' } : undefined) })
      expect(await loop(client, server)).toBe('success')
      const { sealed, signature } = client.session!.wrap(new Uint8Array([1, 2, 3]))
      expect([...server.session!.unwrap(sealed, signature)]).toEqual([1, 2, 3])
    })
    it('without Web Crypto, SCRAM derives its keys on noble: the PBKDF2 fallback chunk loads', async () => {
      const s = await load()
      const real = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!
      const random = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
      // An insecure browser context: getRandomValues, no subtle.
      Object.defineProperty(globalThis, 'crypto', { configurable: true, value: { getRandomValues: random } })
      try {
        const credentials = (user: string) => (user === 'user' ? { password: 'pencil' } : undefined)
        const client = s.scramSha256.client({ username: 'user', password: 'pencil' })
        expect(await loop(client, s.scramSha256.server({ credentials }))).toBe('success')
        const keys = client.keys!
        // RFC 5802 §3: the same SaltedPassword as Web Crypto's PBKDF2 computes.
        Object.defineProperty(globalThis, 'crypto', real)
        const webCrypto = s.scramSha256.client({ username: 'user', password: 'pencil' })
        expect(await loop(webCrypto, s.scramSha256.server({ credentials }))).toBe('success')
        expect(keys.iterations).toBe(webCrypto.keys!.iterations)
        expect(keys.salt).toEqual(webCrypto.keys!.salt)
        expect(keys.saltedPassword).toEqual(webCrypto.keys!.saltedPassword)
      } finally {
        Object.defineProperty(globalThis, 'crypto', real)
      }
    })
    it('a failure from lazily loaded code is the same SaslError class', async () => {
      const s = await load()
      const step = await s.plain.server({ credentials: () => undefined }).next(new Uint8Array([1]))
      expect(step.type === 'failure' && step.error instanceof s.SaslError && step.error.code).toBe('malformed-request')
    })
    it('a server profile loads its driver and wire format on the first line', async () => {
      const s = await load()
      const srv = s.smtp.server({ mechanisms: [s.plain], channel: { secure: true }, credentials: (u: string) => (u === 'tim' ? { password: 'pw' } : undefined) })
      expect(srv.advertise()).toEqual(['AUTH PLAIN'])
      const result = await srv.receive(`AUTH PLAIN ${s.base64Encode(new TextEncoder().encode('\0tim\0pw'))}`)
      expect(result.reply).toBe('235 2.7.0 Authentication successful')
      expect(srv.identity?.authcid).toBe('tim')
    })
  })
}
