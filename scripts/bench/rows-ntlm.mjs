// NTLMv2 (MS-NLMP) with a MIC and key exchange. saslkit's MD4, MD5, HMAC-MD5 and RC4 are its
// own pure JavaScript (src/crypto); the floor uses OpenSSL's through node:crypto
// (MD4 and RC4 need --openssl-legacy-provider, which `npm run bench` passes).
import { expectChallenge, expectSuccess, has, runExchange, saslkit } from './common.mjs'
import { NtlmServerFloor, ntHashFloor, ntlmAuthenticateFloor, ntlmNegotiateFloor } from './floors.mjs'
import { saslkitPrimitives } from './internals.mjs'
import { BY_HAND } from './rows-scram.mjs'
import { httpntlmType1, httpntlmType3, ntlmClientType1, ntlmClientType3, versionOf } from './peers.mjs'

export const family = 'NTLM'
export const available = has('ntlm')

// The peers derive NTOWFv2 from the server's TargetName, not the user's domain; with the
// domain equal to it (saslkit's default, WORKGROUP) every contender's answer verifies.
const user = 'User'
const domain = 'WORKGROUP'
const password = 'Password'
const ntHash = new Uint8Array(ntHashFloor(password))
const credentials = (name) => (name === user ? { ntHash } : undefined)
const ntHashOf = (name) => (name === user ? Buffer.from(ntHash) : undefined)
const SERVER_CHALLENGE = new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef])
// The servers' clock is fixed (their MsvAvTimestamp and their window check), so replayed
// messages stay fresh however long the bench runs.
const T0 = Date.now()
const now = () => new Date(T0)
const serverOptions = { credentials, serverChallenge: SERVER_CHALLENGE, now }

/** A saslkit NTLM client's NEGOTIATE and its AUTHENTICATE answering `challengeOf(negotiate)`. */
async function saslkitMessages(challengeOf) {
  const client = saslkit.ntlm.client({ username: user, domain, password })
  const negotiate = await client.start()
  const challenge = await challengeOf(negotiate)
  return { negotiate, challenge, authenticate: await client.next(challenge) }
}

async function saslkitChallenge(negotiate) {
  return expectChallenge(await saslkit.ntlm.server(serverOptions).next(negotiate))
}

export async function check() {
  const { ntlm } = saslkit
  // saslkit client ↔ floor server.
  const floor = new NtlmServerFloor(ntHashOf, { serverChallenge: Buffer.from(SERVER_CHALLENGE), now: () => T0 })
  const m = await saslkitMessages((negotiate) => floor.challenge(Buffer.from(negotiate)))
  floor.verify(Buffer.from(m.authenticate))
  // floor client ↔ saslkit server.
  const server = ntlm.server(serverOptions)
  const negotiate = ntlmNegotiateFloor()
  const challenge = Buffer.from(expectChallenge(await server.next(new Uint8Array(negotiate))))
  expectSuccess(await server.next(new Uint8Array(ntlmAuthenticateFloor({ user, domain, ntHash: Buffer.from(ntHash) }, negotiate, challenge))))
  // The peers' type-3 against saslkit's server (real clock: their blobs carry Date.now()).
  for (const [name, type3] of [
    ['ntlm-client', ntlmClientType3],
    ['httpntlm', httpntlmType3],
  ]) {
    const peerServer = ntlm.server({ credentials, serverChallenge: SERVER_CHALLENGE })
    const header = `NTLM ${Buffer.from(expectChallenge(await peerServer.next(new Uint8Array(negotiate)))).toString('base64')}`
    const message = Buffer.from(type3(header, { user, password, domain }).slice(5), 'base64')
    // ntlm-client echoes NEGOTIATE_KEY_EXCH but sends no session key, which saslkit refuses as
    // malformed; with the flag cleared its NTLMv2 proof is checked like any other.
    if (name === 'ntlm-client') message.writeUInt32LE((message.readUInt32LE(60) & ~0x40000000) >>> 0, 60)
    const step = await peerServer.next(new Uint8Array(message))
    if (step.type !== 'success') throw new Error(`${name} type-3 does not verify: ${step.error?.reason}`)
  }
}

const httpntlmName = `httpntlm ${versionOf('httpntlm')}`
const ntlmClientName = `ntlm-client ${versionOf('ntlm-client')}`

export async function makeRows() {
  if (!available) return []
  const { ntlm, base64Decode, base64Encode } = saslkit
  // The CHALLENGE every client row answers, from saslkit's server, as an HTTP header value.
  const negotiate = new Uint8Array(ntlmNegotiateFloor())
  const challengeHeader = `NTLM ${base64Encode(await saslkitChallenge(negotiate))}`
  // Server rows: each server gets an AUTHENTICATE made for its own CHALLENGE (the MIC covers it).
  const forSaslkit = await saslkitMessages(saslkitChallenge)
  const floorOptions = { serverChallenge: Buffer.from(SERVER_CHALLENGE), now: () => T0 }
  const forFloor = await saslkitMessages((n) => new NtlmServerFloor(ntHashOf, floorOptions).challenge(Buffer.from(n)))
  const floorNegotiate = Buffer.from(forFloor.negotiate)
  const primitives = await saslkitPrimitives()
  const nobleFloorOptions = { ...floorOptions, primitives }
  const floorAuthenticate = Buffer.from(forFloor.authenticate)

  return [
    {
      group: 'NTLM',
      name: 'NTLMv2 full exchange (server from stored NT hash)',
      subject: () => runExchange(ntlm.client({ username: user, domain, password }), ntlm.server({ credentials })),
      baselines: {
        'node:crypto floor': () => {
          const server = new NtlmServerFloor(ntHashOf)
          const n = ntlmNegotiateFloor()
          server.verify(ntlmAuthenticateFloor({ user, domain, password }, n, server.challenge(n)))
        },
      },
    },
    {
      group: 'NTLM',
      name: 'NTLMv2 client NEGOTIATE + AUTHENTICATE (HTTP header in and out)',
      subject: async () => {
        const client = ntlm.client({ username: user, domain, password })
        const type1 = `NTLM ${base64Encode(await client.start())}`
        const type3 = `NTLM ${base64Encode(await client.next(base64Decode(challengeHeader.slice(5))))}`
        return [type1, type3]
      },
      baselines: {
        'node:crypto floor': () => {
          const n = ntlmNegotiateFloor()
          const type1 = `NTLM ${n.toString('base64')}`
          const type3 = `NTLM ${ntlmAuthenticateFloor({ user, domain, password }, n, Buffer.from(challengeHeader.slice(5), 'base64')).toString('base64')}`
          return [type1, type3]
        },
        [BY_HAND]: () => {
          const n = ntlmNegotiateFloor()
          const type1 = `NTLM ${n.toString('base64')}`
          const type3 = `NTLM ${ntlmAuthenticateFloor({ user, domain, password }, n, Buffer.from(challengeHeader.slice(5), 'base64'), primitives).toString('base64')}`
          return [type1, type3]
        },
        [httpntlmName]: () => [httpntlmType1(), httpntlmType3(challengeHeader, { user, password, domain })],
        [ntlmClientName]: () => [ntlmClientType1(), ntlmClientType3(challengeHeader, { user, password, domain })],
      },
      goals: { 'node:crypto floor': 0.8, [httpntlmName]: 1.5 },
      note: 'saslkit draws its ClientChallenge and session key from crypto.getRandomValues and sends a MIC; the peers use Math.random and send no MIC. ntlm-client hashes with node:crypto: ratio reported, no goal.',
    },
    {
      group: 'NTLM',
      name: 'NTLMv2 server alone (CHALLENGE + verify with MIC)',
      subject: async () => {
        const server = ntlm.server(serverOptions)
        expectChallenge(await server.next(forSaslkit.negotiate))
        return expectSuccess(await server.next(forSaslkit.authenticate))
      },
      baselines: {
        'node:crypto floor': () => {
          const server = new NtlmServerFloor(ntHashOf, floorOptions)
          server.challenge(floorNegotiate)
          return server.verify(floorAuthenticate)
        },
      },
    },
    {
      group: 'NTLM',
      name: 'NTLMv2 server verify step (AUTHENTICATE with MIC)',
      subject: {
        async setup() {
          const server = ntlm.server(serverOptions)
          expectChallenge(await server.next(forSaslkit.negotiate))
          return server
        },
        run: async (server) => expectSuccess(await server.next(forSaslkit.authenticate)),
      },
      baselines: {
        'node:crypto floor': {
          setup() {
            const server = new NtlmServerFloor(ntHashOf, floorOptions)
            server.challenge(floorNegotiate)
            return server
          },
          run: (server) => server.verify(floorAuthenticate),
        },
        [BY_HAND]: {
          setup() {
            const server = new NtlmServerFloor(ntHashOf, nobleFloorOptions)
            server.challenge(floorNegotiate)
            return server
          },
          run: (server) => server.verify(floorAuthenticate),
        },
      },
      goals: { 'node:crypto floor': 0.6 },
    },
  ]
}
