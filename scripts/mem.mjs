#!/usr/bin/env node
// `npm run mem`: bytes retained per in-flight SCRAM-SHA-256 server exchange (issues 12 and 13,
// goal ≤ 1 KB). Opens 100,000 server exchanges, feeds each its client-first message, keeps them
// all waiting for client-final (as a server does while its clients compute PBKDF2), and
// compares the heap (plus ArrayBuffer memory) after a full GC with the heap before.
//
//   --count N      exchanges (default 100,000)
//   --breakdown    also diff two heap snapshots (2,000 exchanges) by object kind: what the bytes are
//   --json         print the result as JSON only (bench.mjs reads it)
//   --write        write docs/memory.md (and the marked section of docs/security.md, if present)
//   --strict       exit 1 when the goal is missed (default: report only)
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { writeHeapSnapshot } from 'node:v8'
import { analysis } from './bench/analysis.mjs'

const GOAL_BYTES = 1024
const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const countArg = args.indexOf('--count')
const count = countArg >= 0 ? Number(args[countArg + 1]) : 100_000
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (npm run mem does)')
const { scramSha256 } = await import('../dist/index.js')
if (scramSha256 === undefined) {
  console.log('npm run mem: SCRAM is not in this build yet; nothing to measure')
  process.exit(0)
}

// One user's stored keys, as a password database returns them (shared, not per exchange).
const stored = {
  scram: {
    'SHA-256': {
      salt: new Uint8Array(16).fill(7),
      iterations: 4096,
      storedKey: new Uint8Array(32).fill(1),
      serverKey: new Uint8Array(32).fill(2),
    },
  },
}
// With `secret`, as the SCRAM docs tell every deployment to configure (the fake-salt key
// shared by a cluster's nodes); the figure without it is reported alongside.
const credentials = (user) => (user === 'user' ? stored : undefined)
const options = { credentials, secret: 'mem-bench-secret' }
const optionsWithoutSecret = { credentials }
const te = new TextEncoder()
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
/** A client-first message as a client would send it: a fresh 24-character nonce. */
const clientFirst = (i) => {
  let nonce = ''
  for (let k = 0, x = i * 2654435761 + 12345; k < 24; k++, x = (x * 1103515245 + 12345) >>> 0) nonce += alphabet[x & 63]
  return te.encode(`n,,n=user,r=${nonce}`)
}

function settle() {
  for (let i = 0; i < 4; i++) globalThis.gc()
}
const used = () => {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/** Bytes per exchange, for `n` exchanges; `first` feeds client-first (else only constructs). */
async function perExchange(n, first, serverOptions = options) {
  const held = new Array(n).fill(undefined)
  settle()
  const before = used()
  for (let i = 0; i < n; i++) {
    const server = scramSha256.server(serverOptions)
    held[i] = server
    if (first) {
      const step = await server.next(clientFirst(i))
      if (step.type !== 'challenge') throw new Error(`exchange ${i}: ${step.type} ${step.error?.code}`)
    }
  }
  settle()
  const bytes = (used() - before) / n
  if (held.length !== n) throw new Error('unreachable') // keeps `held` alive until measured
  return bytes
}

/** Heap snapshot → self size by object kind. */
function snapshotKinds(path) {
  const snapshot = JSON.parse(readFileSync(path, 'utf8'))
  unlinkSync(path)
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const typeNames = types[typeAt]
  const kinds = new Map()
  const { nodes, strings } = snapshot
  for (let i = 0; i < nodes.length; i += width) {
    const type = typeNames[nodes[i + typeAt]]
    const name = type === 'object' || type === 'closure' || type === 'hidden' || type === 'array' ? strings[nodes[i + nameAt]] : ''
    const key = name === '' ? `(${type})` : `${name} (${type})`
    const entry = kinds.get(key) ?? { bytes: 0, count: 0 }
    entry.bytes += nodes[i + sizeAt]
    entry.count += 1
    kinds.set(key, entry)
  }
  return kinds
}

/** What the retained bytes are: snapshot before and after `n` in-flight exchanges, diffed. */
async function breakdown(n = 2000) {
  const held = new Array(n).fill(undefined)
  settle()
  const beforePath = writeHeapSnapshot(`${tmpdir()}/saslkit-mem-before-${process.pid}.heapsnapshot`)
  for (let i = 0; i < n; i++) {
    held[i] = scramSha256.server(options)
    await held[i].next(clientFirst(i))
  }
  settle()
  const afterPath = writeHeapSnapshot(`${tmpdir()}/saslkit-mem-after-${process.pid}.heapsnapshot`)
  const before = snapshotKinds(beforePath)
  const after = snapshotKinds(afterPath)
  if (held.length !== n) throw new Error('unreachable')
  const rows = []
  for (const [kind, { bytes, count: c }] of after) {
    const b = before.get(kind) ?? { bytes: 0, count: 0 }
    const perBytes = (bytes - b.bytes) / n
    const perCount = (c - b.count) / n
    if (perBytes >= 4) rows.push({ kind, bytes: perBytes, objects: perCount })
  }
  rows.sort((x, y) => y.bytes - x.bytes)
  return rows.slice(0, 16)
}

const constructed = await perExchange(Math.min(count, 20_000), false)
const inFlight = await perExchange(count, true)
const withoutSecret = await perExchange(Math.min(count, 20_000), true, optionsWithoutSecret)
const result = {
  count,
  bytesPerExchange: Math.round(inFlight),
  bytesPerConstructedServer: Math.round(constructed),
  bytesPerExchangeWithoutSecret: Math.round(withoutSecret),
  goalBytes: GOAL_BYTES,
  met: inFlight <= GOAL_BYTES,
  node: process.version,
  breakdown: flag('--breakdown') || flag('--write') ? await breakdown() : undefined,
}

function markdown(r) {
  const lines = [
    `In-flight SCRAM-SHA-256 server exchanges (after the client-first message, waiting for client-final): **${r.bytesPerExchange} bytes retained per exchange** over ${r.count.toLocaleString('en')} concurrent exchanges, servers configured with a \`secret\` as the SCRAM docs recommend — goal ≤ ${r.goalBytes} bytes: ${r.met ? 'met' : `**missed by ${r.bytesPerExchange - r.goalBytes} bytes**`}. Without the \`secret\` option: ${r.bytesPerExchangeWithoutSecret} bytes. A server that was only constructed holds ${r.bytesPerConstructedServer} bytes. Measured by \`npm run mem\` (heap plus ArrayBuffer memory after a full GC, Node ${r.node}).`,
  ]
  if (r.breakdown !== undefined) {
    lines.push('', 'What those bytes are (heap snapshots before and after 2,000 exchanges, per exchange, by object kind):', '')
    lines.push('| object kind | bytes | objects |', '| --- | ---: | ---: |')
    for (const row of r.breakdown) lines.push(`| ${row.kind.replace(/\|/g, '\\|')} | ${row.bytes.toFixed(0)} | ${row.objects.toFixed(2)} |`)
  }
  if (!r.met) lines.push('', `Why, and what would close it: ${analysis.memory}`)
  return lines.join('\n')
}

if (flag('--json')) {
  process.stdout.write(JSON.stringify(result))
} else {
  console.log(`${result.count} in-flight SCRAM-SHA-256 server exchanges: ${result.bytesPerExchange} bytes each (goal ≤ ${GOAL_BYTES}: ${result.met ? 'met' : 'MISSED'})`)
  console.log(`without the secret option: ${result.bytesPerExchangeWithoutSecret} bytes; a constructed server alone: ${result.bytesPerConstructedServer} bytes`)
  if (result.breakdown) for (const row of result.breakdown) console.log(`  ${row.kind.padEnd(40)} ${row.bytes.toFixed(0).padStart(6)} B  ${row.objects.toFixed(2)} objects`)
}

if (flag('--write')) {
  const section = markdown(result)
  const begin = '<!-- npm run mem: begin -->'
  const end = '<!-- npm run mem: end -->'
  writeFileSync('docs/memory.md', `# Server memory per in-flight exchange\n\nGenerated by \`npm run mem -- --write\`.\n\n${begin}\n${section}\n${end}\n`)
  // docs/security.md (issue 12) carries the same figure between the same markers, when it has them.
  if (existsSync('docs/security.md')) {
    const text = readFileSync('docs/security.md', 'utf8')
    const from = text.indexOf(begin)
    const to = text.indexOf(end)
    if (from >= 0 && to > from) writeFileSync('docs/security.md', `${text.slice(0, from)}${begin}\n${section}\n${text.slice(to)}`)
  }
}
if (!result.met && flag('--strict')) process.exitCode = 1
