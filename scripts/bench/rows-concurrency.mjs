// Eight SCRAM-SHA-256 client logins at once (a mail client opening connections, a server
// checking its upstreams). saslkit's PBKDF2 runs in Web Crypto, off the main thread, so the
// eight derivations overlap (as far as the machine has cores); noble's runs on the main
// thread, one after the other, and blocks the event loop meanwhile.
import { performance } from 'node:perf_hooks'
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { has, saslkit, te } from './common.mjs'
import { ScramServerFloor } from './floors.mjs'
import { pgScramSha256Exchange, versionOf } from './peers.mjs'
import { floorClientExchange, records, saslkitClientExchange } from './rows-scram.mjs'

export const family = 'Concurrency'
export const available = has('scramSha256')

export const LOGINS = 8
const username = 'user'
const password = 'pencil'
const record = records['SHA-256']

const times = (fn) => () => Promise.all(Array.from({ length: LOGINS }, fn))

/** saslkit's client, its PBKDF2 swapped for noble's (run first, as the pure-JS path would). */
async function nobleLogin() {
  const saltedPassword = noblePbkdf2(sha256, te.encode(password), record.salt, { c: record.iterations, dkLen: 32 })
  return saslkitClientExchange(saslkit.scramSha256, 'SHA-256', { username, saltedPassword, salt: record.salt, iterations: record.iterations })
}

/** The contenders of the row, also used for the event-loop measurement. */
export function contenders() {
  return {
    saslkit: times(() => saslkitClientExchange(saslkit.scramSha256, 'SHA-256')),
    'saslkit with PBKDF2 on @noble/hashes (main thread)': times(nobleLogin),
    'node:crypto floor (pbkdf2Sync)': times(() => floorClientExchange('SHA-256', 'sync')),
    'node:crypto async pbkdf2 (libuv pool)': times(() => floorClientExchange('SHA-256', 'async')),
    [`pg ${versionOf('pg')}`]: times(() => pgScramSha256Exchange(new ScramServerFloor('SHA-256', record, '3rfcNHYJY1ZVvWVs7j'), password)),
  }
}

export async function check() {
  await nobleLogin()
}

export async function makeRows() {
  if (!available) return []
  const { saslkit: subject, ...baselines } = contenders()
  return [
    {
      group: 'Concurrency',
      name: `${LOGINS} concurrent SCRAM-SHA-256 client logins (i=4096)`,
      subject,
      baselines,
      note: `Wall time of ${LOGINS} logins started together. Web Crypto and node's async pbkdf2 run on libuv's thread pool (4 threads), so they can overlap up to the number of cores.`,
    },
  ]
}

/**
 * Main-thread share of the wall time (event-loop utilization) while each contender runs its
 * eight logins `rounds` times: how much of the time the event loop could not serve anything else.
 */
export async function eventLoopShare(rounds = 20) {
  const shares = {}
  for (const [name, run] of Object.entries(contenders())) {
    await run() // warm
    const start = performance.eventLoopUtilization()
    for (let i = 0; i < rounds; i++) await run()
    shares[name] = performance.eventLoopUtilization(start).utilization
  }
  return shares
}
