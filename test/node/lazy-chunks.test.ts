// Node-only: the code that loads on first use (servers, profile drivers, NTLMv1/LM, the GSSAPI
// layer, SCRAM's noble fallback) resolves in what tsup ships, from the CJS build (require)
// and from the ESM build (import), with the same SaslError class as the code that loaded it.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
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

/**
 * Run in a fresh node, on a copy of dist/ (its own module cache, nothing in between, as an app
 * loads the package): hides the chunks of the PLAIN server, the SMTP wire format and NTLM's
 * session security, as a lost connection or a CDN's 503 would, fails on each, brings them
 * back, and loads each again. Prints what every step gave.
 */
const RETRY_SCRIPT = `
import { readdirSync, renameSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
const [dir, extension] = process.argv.slice(1)
const entry = join(dir, 'index' + extension)
const s = extension === '.cjs' ? createRequire(entry)(entry) : await import(pathToFileURL(entry).href)
const chunks = readdirSync(dir).filter((f) => /^(plain-server|smtp-server|session)-\\w+\\.c?js$/.test(f) && f.endsWith(extension))
const hide = () => chunks.forEach((f) => renameSync(join(dir, f), join(dir, f + '.gone')))
const restore = () => chunks.forEach((f) => renameSync(join(dir, f + '.gone'), join(dir, f)))
const outcome = (promise) => promise.then((value) => (typeof value === 'string' ? value : (value.reply ?? value.type)), (error) => 'rejected: ' + (error.code ?? error))
const credentials = (user) => (user === 'user' ? { password: 'pencil' } : undefined)
const plainStep = () => outcome(s.plain.server({ credentials }).next(new TextEncoder().encode('\\0user\\0pencil')))
async function ntlmFinish() {
  const client = s.ntlm.client({ username: 'user', password: 'pencil' })
  const server = s.ntlm.server({ credentials })
  let step = await server.next(await client.start())
  while (step.type === 'challenge') step = await server.next(await client.next(step.challenge))
  return outcome(client.finish(step.additionalData).then(() => (client.session ? 'session' : 'no session')))
}
const srv = s.smtp.server({ mechanisms: [s.plain], channel: { secure: true }, credentials })
const auth = 'AUTH PLAIN ' + btoa('\\0user\\0pencil')
hide()
const failed = { plain: await plainStep(), smtp: await outcome(srv.receive(auth)), ntlm: await ntlmFinish() }
restore()
const loaded = { plain: await plainStep(), smtp: await outcome(srv.receive(auth)), ntlm: await ntlmFinish() }
console.log(JSON.stringify({ chunks: chunks.length, failed, loaded }))
`

describe('a lazily loaded chunk that failed to load', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  for (const extension of ['.js', '.cjs']) {
    it(`is imported again by the next server, line or finish() (${extension === '.js' ? 'ESM' : 'CJS'} build)`, () => {
      // Under the checkout, so that the copy finds @noble/hashes in its node_modules.
      mkdirSync(join(root, '.tmp'), { recursive: true })
      const dir = mkdtempSync(join(root, '.tmp', 'lazy-retry-'))
      try {
        cpSync(join(root, 'dist'), dir, { recursive: true })
        const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', RETRY_SCRIPT, dir, extension], { encoding: 'utf8' }))
        expect(out).toEqual({
          chunks: 3,
          failed: { plain: 'rejected: temporary-auth-failure', smtp: 'rejected: temporary-auth-failure', ntlm: 'rejected: temporary-auth-failure' },
          loaded: { plain: 'success', smtp: '235 2.7.0 Authentication successful', ntlm: 'session' },
        })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  }
})
