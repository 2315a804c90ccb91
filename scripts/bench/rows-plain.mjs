// PLAIN and LOGIN: no cryptography, so the floor is building, splitting and comparing strings.
// The ratios mostly measure saslkit's per-step overhead (a Promise per step, input checks).
import { expectChallenge, expectSuccess, runExchange, saslkit, te } from './common.mjs'
import { plainClientFloor, plainServerFloor } from './floors.mjs'
import { saslPlainResponse, versionOf } from './peers.mjs'

export const family = 'PLAIN, LOGIN'
export const available = true
const { plain, login } = saslkit

const username = 'tim'
const password = 'tanstaaftanstaaf'
const credentials = (user) => (user === username ? { password } : undefined)
const passwordOf = (user) => (user === username ? password : undefined)
const plainMessage = te.encode(`\0${username}\0${password}`)

/** The floor of a whole exchange: the client builds the message, the server splits and compares. */
const plainFloor = () => plainServerFloor(plainClientFloor(username, password), passwordOf)

/** LOGIN's floor: two prompts, two answers, the same comparison. */
function loginFloor() {
  const prompts = [Buffer.from('Username:'), Buffer.from('Password:')]
  const answers = [Buffer.from(username), Buffer.from(password)]
  if (prompts.length !== answers.length) throw new Error('floor')
  return plainServerFloor(Buffer.concat([Buffer.from([0]), answers[0], Buffer.from([0]), answers[1]]), passwordOf)
}

/** Checks that the floors and saslkit agree before anything is timed. */
export async function check() {
  expectSuccess(await plain.server({ credentials }).next(plainClientFloor(username, password)))
  plainServerFloor(await plain.client({ username, password }).start(), passwordOf)
  expectSuccess(await plain.server({ credentials }).next(saslPlainResponse(username, password)))
}

export const makeRows = async () => [
  {
    group: 'PLAIN',
    name: 'PLAIN full exchange',
    subject: () => runExchange(plain.client({ username, password }), plain.server({ credentials })),
    baselines: { 'node:crypto floor': plainFloor },
  },
  {
    group: 'PLAIN',
    name: 'PLAIN client response',
    subject: () => plain.client({ username, password }).start(),
    baselines: {
      'node:crypto floor': () => plainClientFloor(username, password),
      [`sasl-plain ${versionOf('sasl-plain')} (saslmechanisms)`]: () => saslPlainResponse(username, password),
      // What the async step contract alone costs: one string, one encode, returned as a Promise.
      'the same bytes by hand, returned as a Promise': async () => te.encode(`\0${username}\0${password}`),
    },
    goals: { [`sasl-plain ${versionOf('sasl-plain')} (saslmechanisms)`]: 1.0 },
  },
  {
    group: 'PLAIN',
    name: 'PLAIN server verify',
    subject: async () => expectSuccess(await plain.server({ credentials }).next(plainMessage)),
    baselines: { 'node:crypto floor': () => plainServerFloor(plainMessage, passwordOf) },
  },
  {
    group: 'LOGIN',
    name: 'LOGIN full exchange',
    subject: () => runExchange(login.client({ username, password }), login.server({ credentials })),
    baselines: { 'node:crypto floor': loginFloor },
  },
  {
    group: 'LOGIN',
    name: 'LOGIN server verify (password step)',
    subject: {
      async setup() {
        const server = login.server({ credentials })
        expectChallenge(await server.next(undefined))
        expectChallenge(await server.next(te.encode(username)))
        return server
      },
      run: async (server) => expectSuccess(await server.next(te.encode(password))),
    },
    baselines: { 'node:crypto floor': () => plainServerFloor(plainMessage, passwordOf) },
  },
]
