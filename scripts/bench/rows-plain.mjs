// PLAIN and LOGIN: too small for a ratio to mean much (API.md: report, no goal).
import { createRequire } from 'node:module'
import { timingSafeEqual } from 'node:crypto'
import { login, plain } from '../../dist/index.js'

const require = createRequire(import.meta.url)
const PlainPeer = require('sasl-plain')

const password = 'tanstaaftanstaaf'
const credentials = () => ({ password })
const te = new TextEncoder()

async function exchange(mechanism, clientOptions, serverOptions) {
  const client = mechanism.client(clientOptions)
  const server = mechanism.server(serverOptions)
  let step = await server.next(await client.start())
  while (step.type === 'challenge') step = await server.next(await client.next(step.challenge))
  if (step.type !== 'success') throw new Error(`${mechanism.name} bench exchange failed`)
}

// The floor: what the computation needs at least — build the message, split it, compare.
function plainFloor() {
  const message = Buffer.from(`\0tim\0${password}`)
  const parts = message.toString('utf8').split('\0')
  const given = Buffer.from(parts[2])
  const stored = Buffer.from(password)
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) throw new Error('floor')
}

export const rows = [
  {
    group: 'PLAIN',
    name: 'PLAIN full exchange',
    subject: () => exchange(plain, { username: 'tim', password }, { credentials }),
    baselines: { 'node:crypto floor': plainFloor },
  },
  {
    group: 'PLAIN',
    name: 'PLAIN client response',
    subject: () => plain.client({ username: 'tim', password }).start(),
    baselines: { 'sasl-plain (saslmechanisms)': () => te.encode(new PlainPeer().response({ username: 'tim', password })) },
  },
  {
    group: 'LOGIN',
    name: 'LOGIN full exchange',
    subject: () => exchange(login, { username: 'tim', password }, { credentials }),
    baselines: { 'node:crypto floor': plainFloor },
  },
]
