// Quick measurement (not a test): one SCRAM-SHA-256 client exchange at i=4096, with PBKDF2 on
// Web Crypto (the default), on @noble/hashes (Web Crypto hidden, as in a runtime without it),
// and on node:crypto pbkdf2Sync (given to the client as a cached saltedPassword). The server
// works from stored keys, so its share is a few HMACs. Run after `npm run build`:
//   node scripts/bench-scram.mjs [rounds]
import { pbkdf2Sync } from 'node:crypto'
import { deriveCredentials, scramSha256 } from '../dist/index.js'

const rounds = Number(process.argv[2] ?? 200)
const stored = await deriveCredentials('pencil', { iterations: 4096 })
const record = stored.scram['SHA-256']

async function exchange(clientOptions) {
  const client = scramSha256.client({ username: 'user', ...clientOptions() })
  const server = scramSha256.server({ credentials: () => stored })
  const first = await server.next(await client.start())
  const final = await server.next(await client.next(first.challenge))
  if (final.type !== 'success') throw new Error('exchange failed')
  await client.finish(final.additionalData)
}

async function measure(name, clientOptions) {
  for (let i = 0; i < 20; i++) await exchange(clientOptions) // warm-up
  const times = []
  for (let i = 0; i < rounds; i++) {
    const t = performance.now()
    await exchange(clientOptions)
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return { name, median: times[Math.floor(times.length / 2)] }
}

const results = []
results.push(await measure('Web Crypto deriveBits', () => ({ password: 'pencil' })))
results.push(await measure('node:crypto pbkdf2Sync', () => ({ saltedPassword: pbkdf2Sync('pencil', record.salt, 4096, 32, 'sha256') })))
// Hide Web Crypto's subtle (keep getRandomValues) so the library takes its @noble/hashes path.
const realCrypto = globalThis.crypto
Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: (a) => realCrypto.getRandomValues(a) }, configurable: true })
results.push(await measure('@noble/hashes pbkdf2', () => ({ password: 'pencil' })))
Object.defineProperty(globalThis, 'crypto', { value: realCrypto, configurable: true })

const native = results.find((r) => r.name.startsWith('node:crypto')).median
console.log(`SCRAM-SHA-256 client exchange, i=4096, median of ${rounds} (Node ${process.version}):`)
for (const r of results) console.log(`  ${r.name.padEnd(24)} ${r.median.toFixed(2).padStart(7)} ms   ${(native / r.median).toFixed(2)}× native speed`)
