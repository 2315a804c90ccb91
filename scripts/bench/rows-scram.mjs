// SCRAM: one client exchange up to client-final at i=4096 (PBKDF2 dominates), against the
// native floor (node:crypto pbkdf2Sync + the same HMACs) and the JS peer sasl-scram-sha-1
// (Web Crypto for every HMAC); and a whole exchange from cached/stored keys (no PBKDF2).
import { createRequire } from 'node:module'
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto'
import { deriveCredentials, scramSha1, scramSha256 } from '../../dist/index.js'

const require = createRequire(import.meta.url)
const ScramPeer = require('sasl-scram-sha-1')

const password = 'pencil'
const salt = Uint8Array.from({ length: 16 }, (_, i) => i)
const saltBase64 = Buffer.from(salt).toString('base64')
const te = new TextEncoder()
const td = new TextDecoder()
const serverFirst = (clientFirst) => `r=${clientFirst.slice(clientFirst.indexOf(',r=') + 3)}SRVNONCE,s=${saltBase64},i=4096`

async function saslkitClient(mechanism) {
  const client = mechanism.client({ username: 'user', password })
  const first = td.decode(await client.start())
  await client.next(te.encode(serverFirst(first)))
}

async function peerClient() {
  const mech = new ScramPeer()
  const first = mech.response({ username: 'user', password })
  await mech.challenge(serverFirst(first)).response({ username: 'user', password })
}

// The floor: PBKDF2 and the HMACs/digest SCRAM needs, all native.
function floor(hash, length) {
  const authMessage = `n=user,r=abc,r=abcSRVNONCE,s=${saltBase64},i=4096,c=biws,r=abcSRVNONCE`
  const salted = pbkdf2Sync(password, salt, 4096, length, hash)
  const clientKey = createHmac(hash, salted).update('Client Key').digest()
  const storedKey = createHash(hash).update(clientKey).digest()
  createHmac(hash, storedKey).update(authMessage).digest()
  createHmac(hash, createHmac(hash, salted).update('Server Key').digest()).update(authMessage).digest()
}

// A whole exchange without PBKDF2 anywhere: the client has cached keys, the server stored keys.
const stored = await deriveCredentials(password, { salt, iterations: 4096 })
const salted256 = pbkdf2Sync(password, salt, 4096, 32, 'sha256')
const cached = {
  clientKey: createHmac('sha256', salted256).update('Client Key').digest(),
  serverKey: createHmac('sha256', salted256).update('Server Key').digest(),
}
async function saslkitNoPbkdf2() {
  const client = scramSha256.client({ username: 'user', ...cached })
  const server = scramSha256.server({ credentials: () => stored })
  const first = await server.next(await client.start())
  const done = await server.next(await client.next(first.challenge))
  if (done.type !== 'success') throw new Error('SCRAM bench exchange failed')
  await client.finish(done.additionalData)
}
// Its floor: the HMACs and digests both sides compute, natively (client: StoredKey, proof,
// expected v=; server: signature, H(ClientKey), v=).
function noPbkdf2Floor() {
  const { storedKey, serverKey } = stored.scram['SHA-256']
  const authMessage = `n=user,r=abc,r=abcSRVNONCE,s=${saltBase64},i=4096,c=biws,r=abcSRVNONCE`
  createHash('sha256').update(cached.clientKey).digest()
  createHmac('sha256', storedKey).update(authMessage).digest()
  createHmac('sha256', cached.serverKey).update(authMessage).digest()
  createHmac('sha256', storedKey).update(authMessage).digest()
  createHash('sha256').update(cached.clientKey).digest()
  createHmac('sha256', serverKey).update(authMessage).digest()
}

export const rows = [
  {
    group: 'SCRAM',
    name: 'SCRAM-SHA-256 client to client-final, i=4096',
    subject: () => saslkitClient(scramSha256),
    baselines: { 'node:crypto floor': () => floor('sha256', 32) },
    goals: { 'node:crypto floor': 0.6 },
  },
  {
    group: 'SCRAM',
    name: 'SCRAM-SHA-1 client to client-final, i=4096',
    subject: () => saslkitClient(scramSha1),
    baselines: { 'node:crypto floor': () => floor('sha1', 20), 'sasl-scram-sha-1': peerClient },
  },
  {
    group: 'SCRAM',
    name: 'SCRAM-SHA-256 full exchange without PBKDF2 (cached client keys, stored server keys)',
    subject: saslkitNoPbkdf2,
    baselines: { 'node:crypto floor': noPbkdf2Floor },
  },
]
