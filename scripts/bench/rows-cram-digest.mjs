// CRAM-MD5 and DIGEST-MD5: full exchanges against the node:crypto floor (the same HMAC-MD5 /
// MD5 work done natively, no parsing). No JS peer of either mechanism is installed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { cramMd5, deriveCredentials, digestMd5 } from '../../dist/index.js'

const password = 'tanstaaftanstaaf'
const credentials = () => ({ password })
const stored = await deriveCredentials(password, { username: 'tim', realm: 'example.org' })

async function exchange(mechanism, clientOptions, serverOptions) {
  const client = mechanism.client(clientOptions)
  const server = mechanism.server(serverOptions)
  let step = await server.next(await client.start())
  while (step.type === 'challenge') step = await server.next(await client.next(step.challenge))
  if (step.type !== 'success') throw new Error(`${mechanism.name} bench exchange failed`)
  if (step.additionalData !== undefined) await client.finish(step.additionalData)
}

// The floor: the challenge, the client's HMAC, the server's HMAC and a constant-time compare.
function cramFloor() {
  const challenge = `<${Date.now()}.0@localhost>`
  const response = `tim ${createHmac('md5', password).update(challenge).digest('hex')}`
  const expected = createHmac('md5', password).update(challenge).digest('hex')
  if (!timingSafeEqual(Buffer.from(response.slice(4)), Buffer.from(expected))) throw new Error('floor')
}

// The floor: H(user:realm:pass), then response and rspauth on both sides (RFC 2831 §2.1.2.1).
const md5 = (...parts) => createHash('md5').update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest()
function digestFloor() {
  const nonce = 'OA6MG9tEQGm2hh'
  const cnonce = 'OA6MHXh6VqTrRk'
  const uri = 'imap/elwood.innosoft.com'
  const side = () => {
    const ha1 = md5(md5('tim:example.org:', password), `:${nonce}:${cnonce}`).toString('hex')
    const kd = (a2) => md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(a2).toString('hex')}`).toString('hex')
    return [kd(`AUTHENTICATE:${uri}`), kd(`:${uri}`)]
  }
  const [response, rspauth] = side()
  const [expected, rspauth2] = side()
  if (!timingSafeEqual(Buffer.from(response), Buffer.from(expected)) || !timingSafeEqual(Buffer.from(rspauth), Buffer.from(rspauth2))) throw new Error('floor')
}

const digestClient = { username: 'tim', password, service: 'imap', host: 'elwood.innosoft.com' }
const digestServer = { service: 'imap', realm: 'example.org' }

export const rows = [
  {
    group: 'CRAM-MD5',
    name: 'CRAM-MD5 full exchange (plaintext password)',
    subject: () => exchange(cramMd5, { username: 'tim', password }, { credentials }),
    baselines: { 'node:crypto floor': cramFloor },
  },
  {
    group: 'CRAM-MD5',
    name: 'CRAM-MD5 full exchange (stored context)',
    subject: () => exchange(cramMd5, { username: 'tim', password }, { credentials: () => ({ cramMd5: stored.cramMd5 }) }),
    baselines: { 'node:crypto floor': cramFloor },
  },
  {
    group: 'DIGEST-MD5',
    name: 'DIGEST-MD5 full exchange (plaintext password)',
    subject: () => exchange(digestMd5, digestClient, { ...digestServer, credentials }),
    baselines: { 'node:crypto floor': digestFloor },
  },
  {
    group: 'DIGEST-MD5',
    name: 'DIGEST-MD5 full exchange (stored secret)',
    subject: () => exchange(digestMd5, digestClient, { ...digestServer, credentials: () => ({ digestMd5: stored.digestMd5 }) }),
    baselines: { 'node:crypto floor': digestFloor },
  },
]
