// SCRAM-SHA-1/256/512 (RFC 5802, RFC 7677): the client exchange with PBKDF2 at i=4096, the
// server's login from stored keys (the path every login takes), its verify step alone, the
// PBKDF2 alone, and the full exchange. Client rows run against a scripted node:crypto server
// (floors.mjs, fixed server nonce), the same for every contender, which also checks each
// contender's proof; server rows replay messages made once by a node:crypto client.
import { pbkdf2 as nodePbkdf2, pbkdf2Sync } from 'node:crypto'
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { expectChallenge, expectSuccess, has, runExchange, saslkit, td, te } from './common.mjs'
import { CachedScramClientFloor, NODE_HASH, ScramClientFloor, ScramServerFloor, scramKeysFloor } from './floors.mjs'
import { loadInternals, saslkitPrimitives } from './internals.mjs'
import { pgScramSha256Exchange, saslScramSha1Exchange, saslScramSha1Hi, versionOf, xmppScramSha1Exchange } from './peers.mjs'

export const family = 'SCRAM'
export const available = has('scramSha1', 'scramSha256', 'scramSha512')

const username = 'user'
const password = 'pencil'
const iterations = 4096
const salt = Buffer.from('QSXCR+Q6sek8bf92', 'base64')
const SERVER_NONCE = '3rfcNHYJY1ZVvWVs7j'
const NOBLE = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-512': sha512 }
const BYTES = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-512': 64 }

/** Stored keys per hash, made by node:crypto (check() compares them with deriveCredentials). */
export const records = Object.fromEntries(
  ['SHA-1', 'SHA-256', 'SHA-512'].map((hash) => {
    const { storedKey, serverKey } = scramKeysFloor(hash, password, salt, iterations)
    return [hash, { salt: new Uint8Array(salt), iterations, storedKey: new Uint8Array(storedKey), serverKey: new Uint8Array(serverKey) }]
  }),
)
const credentialsFor = (hash) => (user) => (user === username ? { scram: { [hash]: records[hash] } } : undefined)

/** A saslkit SCRAM client exchange against the scripted node:crypto server. */
export async function saslkitClientExchange(mechanism, hash, options = { username, password }) {
  const server = new ScramServerFloor(hash, records[hash], SERVER_NONCE)
  const client = mechanism.client(options)
  const serverFirst = server.first(td.decode(await client.start()))
  const clientFinal = await client.next(te.encode(serverFirst))
  await client.finish(te.encode(server.final(td.decode(clientFinal))))
  return client
}

/** The node:crypto floor client against the same scripted server. */
export async function floorClientExchange(hash, mode = 'sync') {
  const server = new ScramServerFloor(hash, records[hash], SERVER_NONCE)
  const client = new ScramClientFloor(hash, username, password, { pbkdf2: mode })
  const serverFirst = server.first(client.first())
  client.verify(server.final(await client.final(serverFirst)))
}

/** Client messages for the server rows, made once (the server nonce is fixed, so they replay). */
async function clientMessages(hash) {
  const client = new ScramClientFloor(hash, username, password)
  const first = client.first()
  const final = await client.final(new ScramServerFloor(hash, records[hash], SERVER_NONCE).first(first))
  return { first, final, firstBytes: te.encode(first), finalBytes: te.encode(final) }
}

const mechanismOf = (hash) => ({ 'SHA-1': saslkit.scramSha1, 'SHA-256': saslkit.scramSha256, 'SHA-512': saslkit.scramSha512 })[hash]

export async function check() {
  const derived = await saslkit.deriveCredentials(password, { salt, iterations })
  for (const hash of ['SHA-1', 'SHA-256', 'SHA-512']) {
    const mine = derived.scram?.[hash]
    if (mine === undefined || Buffer.compare(Buffer.from(mine.storedKey), Buffer.from(records[hash].storedKey)) !== 0) {
      throw new Error(`SCRAM ${hash}: deriveCredentials and node:crypto disagree`)
    }
    await saslkitClientExchange(mechanismOf(hash), hash) // saslkit client ↔ floor server
    const { firstBytes, finalBytes } = await clientMessages(hash) // floor client ↔ saslkit server
    const server = mechanismOf(hash).server({ credentials: credentialsFor(hash), nonce: SERVER_NONCE })
    expectChallenge(await server.next(firstBytes))
    expectSuccess(await server.next(finalBytes))
  }
}

/** The floor's code with saslkit's primitives swapped in (see NODE_PRIMITIVES in floors.mjs). */
export const BY_HAND = "floor's code on saslkit's primitives"
const pgName = `pg ${versionOf('pg')} (pg/lib/crypto/sasl)`
const saslScramName = `sasl-scram-sha-1 ${versionOf('sasl-scram-sha-1')} + saslmechanisms`
const xmppName = `@xmpp/sasl-scram-sha-1 ${versionOf('@xmpp/sasl-scram-sha-1')}`

export async function makeRows() {
  if (!available) return []
  const internals = await loadInternals()
  const primitives = await saslkitPrimitives()
  const rows = []
  for (const hash of ['SHA-1', 'SHA-256', 'SHA-512']) {
    const mechanism = mechanismOf(hash)
    const group = mechanism.name
    const credentials = credentialsFor(hash)
    const messages = await clientMessages(hash)
    const alg = NODE_HASH[hash]

    // Client exchange with the password: PBKDF2 (Web Crypto) + the small HMACs (noble).
    const clientBaselines = { 'node:crypto floor': () => floorClientExchange(hash) }
    const clientGoals = { 'node:crypto floor': 0.8 }
    if (hash === 'SHA-256') {
      clientBaselines[pgName] = () => pgScramSha256Exchange(new ScramServerFloor(hash, records[hash], SERVER_NONCE), password)
      clientGoals[pgName] = 1.4
    }
    if (hash === 'SHA-1') {
      clientBaselines[saslScramName] = () => saslScramSha1Exchange(new ScramServerFloor(hash, records[hash], SERVER_NONCE), username, password)
      clientBaselines[xmppName] = () => xmppScramSha1Exchange(new ScramServerFloor(hash, records[hash], SERVER_NONCE), username, password)
      clientGoals[saslScramName] = 250
      clientGoals[xmppName] = 250
    }
    rows.push({
      group,
      name: `${group} client exchange (password, i=4096)`,
      subject: () => saslkitClientExchange(mechanism, hash),
      baselines: clientBaselines,
      goals: clientGoals,
      note: hash === 'SHA-256' ? 'pg runs every step on Web Crypto (5 awaited calls after PBKDF2).' : undefined,
    })

    // The client's PBKDF2 alone (saslkit's src/crypto/pbkdf2.ts, bundled from source).
    if (internals !== undefined) {
      const fn = { 'SHA-1': internals.SHA1, 'SHA-256': internals.SHA256, 'SHA-512': internals.SHA512 }[hash]
      const passwordBytes = te.encode(password)
      const pbkdf2Baselines = {
        'node:crypto floor (pbkdf2Sync)': () => pbkdf2Sync(password, salt, iterations, BYTES[hash], alg),
        'node:crypto pbkdf2 (async, libuv pool)': () =>
          new Promise((resolve, reject) => nodePbkdf2(password, salt, iterations, BYTES[hash], alg, (e, k) => (e ? reject(e) : resolve(k)))),
        '@noble/hashes pbkdf2 (pure JS)': () => noblePbkdf2(NOBLE[hash], passwordBytes, salt, { c: iterations, dkLen: BYTES[hash] }),
      }
      if (hash === 'SHA-1') pbkdf2Baselines[`sasl-scram-sha-1 ${versionOf('sasl-scram-sha-1')} Hi()`] = () => saslScramSha1Hi(password, new Uint8Array(salt), iterations)
      rows.push({
        group,
        name: `${group} client PBKDF2 alone (i=4096)`,
        subject: () => internals.pbkdf2(fn, passwordBytes, salt, iterations),
        baselines: pbkdf2Baselines,
      })
    }

    // Server login from stored keys: client-first → server-first, client-final → verify + v=.
    rows.push({
      group,
      name: `${group} server login (stored keys)`,
      subject: async () => {
        const server = mechanism.server({ credentials, nonce: SERVER_NONCE })
        expectChallenge(await server.next(messages.firstBytes))
        return expectSuccess(await server.next(messages.finalBytes))
      },
      baselines: {
        'node:crypto floor': () => {
          const server = new ScramServerFloor(hash, records[hash], SERVER_NONCE)
          server.first(messages.first)
          return server.final(messages.final)
        },
        // The floor's code on saslkit's primitives: the best saslkit could do with noble's HMAC.
        [BY_HAND]: () => {
          const server = new ScramServerFloor(hash, records[hash], SERVER_NONCE, primitives)
          server.first(messages.first)
          return server.final(messages.final)
        },
      },
      goals: { 'node:crypto floor': 0.45 },
    })

    // The verify step alone (the server already answered client-first, untimed).
    rows.push({
      group,
      name: `${group} server verify step (client-final)`,
      subject: {
        async setup() {
          const server = mechanism.server({ credentials, nonce: SERVER_NONCE })
          expectChallenge(await server.next(messages.firstBytes))
          return server
        },
        run: async (server) => expectSuccess(await server.next(messages.finalBytes)),
      },
      baselines: {
        'node:crypto floor': {
          setup() {
            const server = new ScramServerFloor(hash, records[hash], SERVER_NONCE)
            server.first(messages.first)
            return server
          },
          run: (server) => server.final(messages.final),
        },
      },
    })

    // Both sides without PBKDF2 anywhere: the client has cached keys (client.keys from an
    // earlier login), the server stored keys; only the small HMACs and digests remain.
    if (hash === 'SHA-256') {
      const { clientKey, serverKey } = scramKeysFloor(hash, password, salt, iterations)
      const cached = { clientKey: new Uint8Array(clientKey), serverKey: new Uint8Array(serverKey), salt: new Uint8Array(salt), iterations }
      rows.push({
        group,
        name: `${group} full exchange without PBKDF2 (cached client keys, stored server keys)`,
        subject: () => runExchange(mechanism.client({ username, ...cached }), mechanism.server({ credentials })),
        baselines: {
          'node:crypto floor': async () => {
            const server = new ScramServerFloor(hash, records[hash])
            const client = new CachedScramClientFloor(hash, username, clientKey, serverKey)
            client.verify(server.final(client.final(server.first(client.first()))))
          },
        },
      })
    }

    // Both sides, random nonces.
    rows.push({
      group,
      name: `${group} full exchange (client password, server stored keys)`,
      subject: () => runExchange(mechanism.client({ username, password }), mechanism.server({ credentials })),
      baselines: {
        'node:crypto floor': async () => {
          const server = new ScramServerFloor(hash, records[hash])
          const client = new ScramClientFloor(hash, username, password)
          const serverFirst = server.first(client.first())
          client.verify(server.final(await client.final(serverFirst)))
        },
      },
    })
  }
  return rows
}
