// `npm start`: the saslkit command, in-process. `serve` (the AUTH sandbox) starts on free
// loopback ports with STARTTLS, then `probe` authenticates against it once per scenario of
// examples/demo-scenarios.mjs over SMTP (RFC 4954), then once over IMAP and once over POP3,
// printing each annotated transcript (base64 lines that hold a password or token are cut
// short, their decoded form redacted) and a summary table. The wrong-password run comes last.
import { readFileSync } from 'node:fs'
import { probe, renderEntry, serve } from '../dist/cli.js'
import { scenarios } from './demo-scenarios.mjs'

// A self-signed certificate for localhost (the test fixture): STARTTLS is always on.
const fixture = (name) => readFileSync(new URL(`../test/node/fixtures/${name}`, import.meta.url), 'utf8')
const cert = fixture('localhost-cert.pem')
const key = fixture('localhost-key.pem')
// tim's client certificate (self-signed, so also the CA the sandbox trusts): EXTERNAL runs on it.
const clientCert = fixture('tim-client-cert.pem')
const clientKey = fixture('tim-client-key.pem')

// Each scenario's server options go to its mechanism only (the sandbox's per-mechanism options,
// merged over the sandbox's own): a scenario brings its own users, not the sandbox's.
const mechanismOptions = {}
for (const scenario of scenarios) mechanismOptions[scenario.mechanism.name] ??= { credentials: undefined, ...scenario.server }
const server = await serve({ smtp: 0, imap: 0, pop3: 0, tls: { cert, key, clientCa: clientCert }, hostname: 'localhost', mechanismOptions })
const port = Object.fromEntries(server.listeners.map((l) => [l.protocol, l.port]))

const last = scenarios.at(-1)
const runs = [
  ...scenarios.slice(0, -1).map((scenario) => ({ scenario, protocol: 'smtp' })),
  { scenario: scenarios[0], protocol: 'imap' },
  { scenario: scenarios[1] ?? scenarios[0], protocol: 'pop3' },
  { scenario: last, protocol: 'smtp' },
]

const rows = []
let unexpected = 0
for (const { scenario, protocol } of runs) {
  const name = scenario.mechanism.name
  console.log(`\n== ${name} over ${protocol.toUpperCase()}${scenario.note ? ` (${scenario.note})` : ''} ==`)
  const result = await probe({
    url: `${protocol}://localhost:${port[protocol]}`,
    mechanism: name,
    clientOptions: scenario.client,
    secrets: scenario.secrets,
    tls: { ca: [cert], ...(scenario.clientCertificate ? { cert: clientCert, key: clientKey } : {}) },
    timeoutMs: 10000,
    onEntry: (entry) => renderEntry(entry).forEach((line) => console.log(line)),
  })
  if (result.error !== undefined) console.log(`   → ${result.error.message}`)
  const expected = scenario.note !== 'wrong password'
  if (result.ok !== expected) unexpected++
  rows.push([name, protocol.toUpperCase(), String(result.roundTrips), result.ok ? 'ok' : result.error?.message ?? 'failed', String(result.elapsedMs)])
}
await server.close()

const header = ['mechanism', 'protocol', 'round trips', 'result', 'ms']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells) => cells.map((c, i) => (i === 2 || i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
rows.forEach((r) => console.log(line(r)))

if (unexpected > 0) {
  console.error(`\ndemo: ${unexpected} exchange(s) did not end as expected`)
  process.exit(1)
}
console.log(`\n${rows.length - 1} runs authenticated; the wrong password was refused.`)
