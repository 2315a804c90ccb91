// Node-only interop on 127.0.0.1 with ephemeral ports: nodemailer authenticates against
// saslkit's SMTP server profile (examples/smtp-server.mjs), and saslkit's SMTP client profile
// (examples/smtp-client.mjs, through STARTTLS) against the smtp-server package — for every
// mechanism both npm packages speak that has landed in saslkit.
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import type { AddressInfo, Server } from 'node:net'
import nodemailer from 'nodemailer'
import { SMTPServer, type SMTPServerAuthentication } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as saslkit from '../../src/index.js'
import type { Mechanism } from '../../src/index.js'

const PASSWORD = 'tanstaaftanstaaf'
const TOKEN = 'ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg'
const descriptors = Object.values(saslkit).filter((v): v is Mechanism => typeof v === 'object' && v !== null && 'traits' in v)
// What nodemailer and smtp-server both implement.
const shared = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']
const landed = shared.map((name) => descriptors.find((d) => d.name === name)).filter((d): d is Mechanism => d !== undefined)

interface ServerExample {
  createServer(options: { users: Record<string, { password: string }>; mechanisms: Mechanism[]; options?: object; log?: (line: string) => void }): Server
}
interface ClientExample {
  authenticate(options: { host: string; port: number; username: string; password?: string; token?: string; mechanisms: Mechanism[]; tlsOptions?: object; log?: (line: string) => void }): Promise<string>
}
const load = async <T>(file: string): Promise<T> => (await import(new URL(`../../examples/${file}`, import.meta.url).href)) as T

describe('interop: nodemailer → saslkit SMTP server profile', () => {
  it('covers PLAIN and LOGIN at least', () => expect(landed.map((m) => m.name)).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN'])))

  for (const mechanism of landed) {
    const oauth = mechanism.name === 'XOAUTH2'
    const run = async (right: boolean) => {
      const { createServer } = await load<ServerExample>('smtp-server.mjs')
      const logs: string[] = []
      const options = { validateToken: (request: { token?: string }) => (request.token === TOKEN ? { authcid: 'tim' } : { error: { status: '401' } }) }
      const server = createServer({ users: { tim: { password: PASSWORD } }, mechanisms: [mechanism], options, log: (line) => logs.push(line) })
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        secure: false,
        ignoreTLS: true,
        authMethod: mechanism.name,
        auth: oauth ? { type: 'OAuth2', user: 'tim', accessToken: right ? TOKEN : 'expired' } : { user: 'tim', pass: right ? PASSWORD : 'wrong' },
      })
      try {
        if (!right) {
          await expect(transport.verify()).rejects.toMatchObject({ responseCode: 535 })
          return logs
        }
        expect(await transport.verify()).toBe(true)
        const info = await transport.sendMail({ from: 'tim@example.com', to: 'juliet@example.com', subject: 'saslkit', text: 'hello' })
        expect(info.accepted).toEqual(['juliet@example.com'])
        return logs
      } finally {
        transport.close()
        server.close()
      }
    }

    it(`${mechanism.name}: nodemailer authenticates and sends`, async () => {
      const logs = await run(true)
      expect(logs).toContain(`authenticated tim with ${mechanism.name}`)
    })
    it(`${mechanism.name}: a wrong secret gets 535`, async () => {
      const logs = await run(false)
      expect(logs.some((l) => l.startsWith('authentication failed: not-authorized'))).toBe(true)
    })
  }
})

describe('interop: saslkit SMTP client profile → smtp-server, through STARTTLS', () => {
  let server: SMTPServer
  let port: number
  // A self-signed certificate for localhost and 127.0.0.1, valid 2000–2100 (smtp-server's own
  // built-in one has expired).
  const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')
  const cert = fixture('localhost-cert.pem')

  beforeAll(async () => {
    server = new SMTPServer({
      authMethods: shared,
      key: fixture('localhost-key.pem'),
      cert,
      logger: false,
      onAuth(auth: SMTPServerAuthentication, _session, callback) {
        if (auth.method === 'XOAUTH2') {
          return auth.accessToken === TOKEN ? callback(null, { user: auth.username }) : callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.example.com/' } })
        }
        const ok = auth.method === 'CRAM-MD5' ? auth.validatePassword?.(PASSWORD) : auth.password === PASSWORD
        return ok === true && auth.username === 'tim' ? callback(null, { user: 'tim' }) : callback(new Error('Invalid username or password'))
      },
    })
    server.listen(0, '127.0.0.1')
    await once(server.server, 'listening')
    port = (server.server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  for (const mechanism of landed) {
    const oauth = mechanism.name === 'XOAUTH2'
    const attempt = async (right: boolean, log: (line: string) => void = () => {}) => {
      const { authenticate } = await load<ClientExample>('smtp-client.mjs')
      return authenticate({
        host: '127.0.0.1',
        port,
        username: 'tim',
        ...(oauth ? { token: right ? TOKEN : 'expired' } : { password: right ? PASSWORD : 'wrong' }),
        mechanisms: [mechanism],
        tlsOptions: { ca: cert },
        log,
      })
    }

    it(`${mechanism.name}: saslkit authenticates after STARTTLS`, async () => {
      const lines: string[] = []
      expect(await attempt(true, (line) => lines.push(line))).toBe(mechanism.name)
      expect(lines).toContain('C: STARTTLS')
      expect(lines.some((l) => /^S: 235 /.test(l))).toBe(true)
    })
    it(`${mechanism.name}: a wrong secret throws not-authorized with the reply`, async () => {
      await expect(attempt(false)).rejects.toMatchObject({ name: 'SaslError', code: 'not-authorized', reply: { code: 535 } })
    })
  }
})

describe('examples: smtp-client.mjs against smtp-server.mjs', () => {
  it('negotiates the strongest mechanism the server offers, and refuses a wrong password', async () => {
    const [{ createServer }, { authenticate }] = await Promise.all([load<ServerExample>('smtp-server.mjs'), load<ClientExample>('smtp-client.mjs')])
    const server = createServer({ users: { tim: { password: PASSWORD } }, mechanisms: [...landed].reverse(), log: () => {} })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const port = (server.address() as AddressInfo).port
    try {
      const candidates = landed.filter((m) => m.name !== 'XOAUTH2')
      const strongest = [...candidates].sort((a, b) => b.traits.strength - a.traits.strength)[0]!
      expect(await authenticate({ host: '127.0.0.1', port, username: 'tim', password: PASSWORD, mechanisms: candidates, log: () => {} })).toBe(strongest.name)
      await expect(authenticate({ host: '127.0.0.1', port, username: 'tim', password: 'nope', mechanisms: candidates, log: () => {} })).rejects.toMatchObject({ code: 'not-authorized' })
    } finally {
      server.close()
    }
  })
})
