#!/usr/bin/env node
// `npm run bench`: saslkit against the native floor and the JS peers, as ratios measured in
// the same process and pass. Writes docs/benchmarks.md and docs/benchmarks.svg.
//
//   --quick        smoke run (one short pass per row, few cold-start rounds, no docs written)
//   --only REGEX   only the rows whose group or name matches (no docs written)
//   --no-cold      skip the cold-start processes      --no-mem   skip the memory script
//   --report-only  rewrite the docs from the last full run (.tmp/bench/results.json), measuring nothing
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem, type } from 'node:os'
import { fileURLToPath } from 'node:url'
import { analysis } from './bench/analysis.mjs'
import { chart } from './bench/chart.mjs'
import { coldStart } from './bench/cold.mjs'
import { SETTINGS, goalMet, measureRow, missedGoals, ratioBetween } from './bench/harness.mjs'
import { PEER_PACKAGES, versionOf } from './bench/peers.mjs'
import { profileContender } from './bench/profile.mjs'
import * as concurrency from './bench/rows-concurrency.mjs'
import * as cramDigest from './bench/rows-cram-digest.mjs'
import * as ntlm from './bench/rows-ntlm.mjs'
import * as oauth from './bench/rows-oauth.mjs'
import * as plain from './bench/rows-plain.mjs'
import * as primitives from './bench/rows-primitives.mjs'
import * as profileOverhead from './bench/rows-profile.mjs'
import * as scram from './bench/rows-scram.mjs'
import { BY_HAND } from './bench/rows-scram.mjs'

const root = fileURLToPath(new URL('../', import.meta.url))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? new RegExp(args[onlyAt + 1], 'i') : undefined
const settings = quick ? SETTINGS.quick : SETTINGS.full
const writeDocs = args.includes('--docs') || (!quick && only === undefined) // --docs: write them anyway (to test the report)

async function run() {
  // ── rows: every family that is in this build, checked against its floor before timing ──
  const families = [primitives, plain, cramDigest, scram, oauth, ntlm, profileOverhead, concurrency]
  const started = new Date()
  const loadAtStart = loadavg()
  const pending = []
  const rows = []
  for (const family of families) {
    if (!family.available) {
      pending.push(family.family)
      continue
    }
    await family.check()
    rows.push(...(await family.makeRows()))
  }
  const selected = rows.filter((row) => only === undefined || only.test(row.group) || only.test(row.name))
  const selects = (text) => only === undefined || only.test(text)

  const results = []
  const rowByName = new Map()
  for (const row of selected) {
    const result = await measureRow(row, settings)
    results.push(result)
    rowByName.set(row.name, row)
    for (const [baseline, ratio] of Object.entries(result.ratios)) {
      const goal = result.goals[baseline]
      const verdict = goal === undefined ? '' : `  goal ${goal.text}: ${goalMet(goal, ratio) ? 'met' : 'MISSED'}`
      console.log(`${row.name.padEnd(70)} vs ${baseline.padEnd(44)} ${ratio.toFixed(3).padStart(9)}×${verdict}`)
    }
  }

  // ── event-loop share of the concurrent logins ──
  let eventLoop
  if (concurrency.available && selects('Concurrency')) {
    eventLoop = await concurrency.eventLoopShare(quick ? 1 : 20)
    for (const [name, share] of Object.entries(eventLoop)) console.log(`event loop busy during ${concurrency.LOGINS} logins, ${name.padEnd(52)} ${(share * 100).toFixed(1)}%`)
  }

  // ── cold start, in fresh processes ──
  if (!args.includes('--no-cold') && selects('Cold start')) {
    for (const result of coldStart({ rounds: quick ? 2 : 25, scram: scram.available })) {
      results.push(result)
      for (const [baseline, ratio] of Object.entries(result.ratios)) {
        const goal = result.goals[baseline]
        console.log(`${result.name.padEnd(70)} vs ${baseline.padEnd(44)} ${ratio.toFixed(3).padStart(9)}×${goal?.shown ? ` ${goal.shown}` : ''}`)
      }
    }
  }

  // ── memory (npm run mem's script, in its own process with --expose-gc) ──
  let memory
  if (!args.includes('--no-mem') && scram.available && selects('Memory')) {
    const out = spawnSync(process.execPath, ['--expose-gc', `${root}scripts/mem.mjs`, '--json', '--count', quick ? '10000' : '100000'], { cwd: root, encoding: 'utf8' })
    if (out.error || out.stdout === '') throw new Error(`mem.mjs failed: ${out.stderr}`)
    memory = JSON.parse(out.stdout)
    console.log(`memory: ${memory.bytesPerExchange} bytes per in-flight SCRAM-SHA-256 server exchange (goal ≤ ${memory.goalBytes}: ${memory.met ? 'met' : 'MISSED'})`)
  }

  // ── profiles of every missed goal: where saslkit's time goes, and the baseline's ──
  const missed = missedGoals(results)
  const profiles = new Map()
  if (!quick || args.includes('--docs')) {
    for (const { result, baseline } of missed) {
      const row = rowByName.get(result.name)
      if (row === undefined) continue // cold-start rows: explained from their own measurements
      if (!profiles.has(result.name)) profiles.set(result.name, { saslkit: await profileContender(row.subject, { top: 12 }), baselines: {} })
      profiles.get(result.name).baselines[baseline] = await profileContender(row.baselines[baseline], { top: 6 })
    }
  }

  const meta = { pending, passes: settings.passes, started: started.toISOString(), loadAtStart, loadAtEnd: loadavg() }
  if (!writeDocs) {
    console.log(`\n${results.length} rows measured; ${missed.length} goals missed (docs not written: ${quick ? '--quick' : '--only'})`)
    process.exit(0)
  }
  mkdirSync(`${root}.tmp/bench`, { recursive: true })
  writeFileSync(`${root}.tmp/bench/results.json`, JSON.stringify({ meta, results, eventLoop, memory, profiles: Object.fromEntries(profiles) }, null, 2))
  return { meta, results, eventLoop, memory, profiles }
}

const { meta, results, eventLoop, memory, profiles } = args.includes('--report-only')
  ? (({ profiles: p, ...rest }) => ({ ...rest, profiles: new Map(Object.entries(p)) }))(JSON.parse(readFileSync(`${root}.tmp/bench/results.json`, 'utf8')))
  : await run()
const missed = missedGoals(results)
const { pending, loadAtStart, loadAtEnd } = meta

// ── docs/benchmarks.md and docs/benchmarks.svg ──
const fmt = (ratio) => (ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2))
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
})()
const GROUP_INTRO = {
  Primitives:
    'The building blocks saslkit computes with (@noble/hashes\' SHAs; its own MD5, HMAC-MD5, resumed HMAC-MD5, MD4 and RC4; Web Crypto\'s getRandomValues), each against node:crypto. Here the subject is the primitive, not saslkit\'s code around it: these rows are the ceiling the mechanism rows can reach.',
  'Profile overhead': 'A whole SMTP AUTH login through `smtp.client` and `smtp.server` against the same computation and the same lines written by hand with the same primitives.',
}
const saslkitVersion = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version
const goalCount = results.reduce((n, r) => n + Object.keys(r.goals).filter((b) => r.goals[b].min !== undefined || r.goals[b].met !== undefined).length, 0) + (memory ? 1 : 0)
const missedCount = missed.length + (memory && !memory.met ? 1 : 0)

const lines = [
  '# Benchmarks',
  '',
  'Generated by `npm run bench` — do not edit by hand. Every figure is a ratio: saslkit\'s speed',
  'divided by the baseline\'s (baseline time / saslkit time), both measured in the same process and',
  'pass, the contenders of a row interleaved and their order rotated every pass; the median over',
  `${meta.passes} passes is shown with the range across passes. Above 1: saslkit is faster.`,
  'Each row and its baselines are checked to interoperate (floor client ↔ saslkit server and the',
  'other way round, peers against a server) before anything is timed.',
  '',
  '## Machine and versions',
  '',
  `- ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${type()} ${release()}`,
  `- Load average (1/5/15 min): ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join(' / ')} at the end (the machine is shared; the interleaved ratios are meant to cancel the noise, absolute times would not)`,
  `- Node ${process.version} (V8 ${process.versions.v8}, OpenSSL ${process.versions.openssl}), run with \`--openssl-legacy-provider --expose-gc\``,
  `- saslkit ${saslkitVersion} (commit ${commit}), @noble/hashes ${versionOf('@noble/hashes')}, mitata ${versionOf('mitata')}`,
  `- Peers: ${PEER_PACKAGES.map((p) => `${p} ${versionOf(p)}`).join(', ')}`,
  `- Run ${meta.started.slice(0, 16).replace('T', ' ')} UTC`,
  '',
]
if (pending.length > 0) lines.push(`Not in this build yet (no rows): ${pending.join('; ')}.`, '')
lines.push(
  'Not benchmarked: GSSAPI (its cryptography is the GSS-API provider\'s — MIT Kerberos through `saslkit/node` — not saslkit\'s), ANONYMOUS and EXTERNAL (nothing to compute), OAUTH10A and XOAUTH (not among issue 13\'s rows; their cost is an HMAC-SHA-1 signature check).',
  '',
)
lines.push(
  '## Summary',
  '',
  `${goalCount - missedCount} of ${goalCount} goals met.${missedCount > 0 ? ' Missed (see [Missed goals](#missed-goals)):' : ''}`,
  '',
)
for (const { result, baseline, goal } of missed) {
  lines.push(`- ${result.name} vs ${baseline}: ${goal.shown ?? `${fmt(result.ratios[baseline])}×`}, goal ${goal.text}`)
}
if (memory && !memory.met) lines.push(`- Memory: ${memory.bytesPerExchange} bytes per in-flight SCRAM server exchange, goal ≤ ${memory.goalBytes}`)
lines.push('', '![Ratio chart: saslkit against the floor and the peers](benchmarks.svg)', '')

let group
for (const r of results) {
  if (r.group !== group) {
    group = r.group
    lines.push(`## ${group}`, '', ...(GROUP_INTRO[group] === undefined ? [] : [GROUP_INTRO[group], '']), '| row | baseline | ratio | range | goal |', '| --- | --- | ---: | --- | --- |')
  }
  for (const [baseline, ratio] of Object.entries(r.ratios)) {
    const [lo, hi] = r.spread[baseline]
    const goal = r.goals[baseline]
    const met = goal === undefined ? undefined : goalMet(goal, ratio)
    const goalText = goal === undefined ? '—' : `${goal.text}${goal.shown ? ` (${goal.shown})` : ''}${met === undefined ? '' : met ? ' ✓' : ' ✗ **missed**'}`
    lines.push(`| ${r.name} | ${baseline} | ${fmt(ratio)}× | ${fmt(lo)}–${fmt(hi)} | ${goalText} |`)
  }
  const next = results[results.indexOf(r) + 1]
  if (next === undefined || next.group !== group) {
    const notes = results.filter((x) => x.group === group && x.note !== undefined)
    if (notes.length > 0) lines.push('', ...notes.map((x) => `- *${x.name}*: ${x.note}`))
    if (group === 'Concurrency' && eventLoop !== undefined) {
      lines.push('', `Share of the wall time the event loop was busy (could serve nothing else) during the ${concurrency.LOGINS} logins:`, '')
      lines.push('| contender | event loop busy |', '| --- | ---: |')
      for (const [name, share] of Object.entries(eventLoop)) lines.push(`| ${name} | ${(share * 100).toFixed(1)}% |`)
    }
    lines.push('')
  }
}

if (memory !== undefined) {
  lines.push(
    '## Memory',
    '',
    `${memory.count.toLocaleString('en')} concurrent in-flight SCRAM-SHA-256 server exchanges (after the client-first message): ` +
      `**${memory.bytesPerExchange} bytes retained per exchange**, goal ≤ ${memory.goalBytes}: ${memory.met ? 'met ✓' : `✗ **missed by ${memory.bytesPerExchange - memory.goalBytes} bytes**`}. ` +
      `Servers are configured with a \`secret\` (as the SCRAM docs recommend); without it: ${memory.bytesPerExchangeWithoutSecret} bytes. ` +
      `A server only constructed holds ${memory.bytesPerConstructedServer} bytes. \`npm run mem -- --breakdown\` shows what the bytes are (see [docs/memory.md](memory.md)).`,
    '',
  )
}

if (missed.length > 0 || (memory && !memory.met)) {
  lines.push(
    '## Missed goals',
    '',
    'By how much, and why. The why comes from a CPU profile of the saslkit side and of each missed',
    "baseline (V8's sampling profiler through node:inspector, 50 µs interval; self time per function",
    'and, for saslkit, inclusive time, as shares of the samples) and, where noted, from a breakdown',
    'measurement. "For scale" ratios compare two baselines of the same row and passes.',
    '',
  )
  const byRow = new Map()
  for (const m of missed) byRow.set(m.result.name, [...(byRow.get(m.result.name) ?? []), m])
  const table = (title, functions) => ['', title, '', '| function | share |', '| --- | ---: |', ...functions.map((f) => `| \`${f.name}\` | ${(f.share * 100).toFixed(1)}% |`)]
  for (const [name, list] of byRow) {
    const result = list[0].result
    lines.push(`### ${name}`, '')
    for (const { baseline, goal } of list) {
      const ratio = result.ratios[baseline]
      lines.push(
        goal.min !== undefined
          ? `- vs ${baseline}: **${fmt(ratio)}×** against ${goal.text}, ${((1 - ratio / goal.min) * 100).toFixed(0)}% short.`
          : `- vs ${baseline}: **${goal.shown}** against ${goal.text}.`,
      )
      const floor = Object.keys(result.ratios).find((b) => b.startsWith('node:crypto floor'))
      if (floor !== undefined && baseline !== floor) {
        const floorVsPeer = ratioBetween(result, baseline, floor)
        if (floorVsPeer !== undefined) lines.push(`  For scale: the ${floor} itself is ${fmt(floorVsPeer)}× ${baseline} in the same passes.`)
      }
      if (baseline === floor && BY_HAND in result.ratios) {
        const ceiling = ratioBetween(result, floor, BY_HAND)
        lines.push(
          `  Split: the floor's own code on saslkit's primitives (@noble/hashes' SHAs; saslkit's MD5, HMAC-MD5, MD4, RC4) reaches ${fmt(ceiling)}× the floor — the ceiling with these primitives; ` +
            `saslkit's code around them runs at ${fmt(result.ratios[BY_HAND])}× that.`,
        )
      }
    }
    // An analysis is one text for the row, or one per baseline (keyed by the baseline name's start).
    const entry = analysis[name]
    const texts =
      typeof entry === 'object'
        ? [...new Set(list.map(({ baseline }) => Object.entries(entry).find(([prefix]) => baseline.startsWith(prefix))?.[1]).filter((t) => t !== undefined))]
        : entry === undefined
          ? []
          : [entry]
    lines.push('', ...(texts.length > 0 ? texts.flatMap((t) => [t, '']) : ['_No analysis written for this row yet: see the profile below._']))
    const profile = profiles.get(name)
    if (profile !== undefined) {
      lines.push(...table(`Profile, saslkit, self time (${profile.saslkit.calls} calls):`, profile.saslkit.functions))
      if (profile.saslkit.inclusive !== undefined) lines.push(...table('Profile, saslkit, inclusive time (the functions the cost sits under):', profile.saslkit.inclusive))
      for (const { baseline } of list) {
        const b = profile.baselines[baseline]
        if (b !== undefined) lines.push(...table(`Profile, ${baseline}, self time (${b.calls} calls):`, b.functions))
      }
    }
    lines.push('')
  }
  if (memory && !memory.met) lines.push('### Memory per in-flight SCRAM server exchange', '', analysis.memory ?? '_No analysis written yet._', '')
}

writeFileSync(`${root}docs/benchmarks.md`, `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`)
writeFileSync(`${root}docs/benchmarks.svg`, chart(results, `saslkit benchmarks — Node ${process.version}, ${cpus()[0]?.model ?? ''}`))
console.log(`\nwrote docs/benchmarks.md and docs/benchmarks.svg (${results.length} rows, ${missedCount} of ${goalCount} goals missed)`)
