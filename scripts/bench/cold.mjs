// Cold start, measured in fresh processes: each round spawns every variant once (order
// rotated), and each figure is a ratio within the round, median over rounds. The import goal
// is a difference (≤ 5 ms over an empty module), reported with the ratio.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildSync } from 'esbuild'
import { median } from './harness.mjs'

const child = fileURLToPath(new URL('./cold-child.mjs', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))

const bundled = `${root}.tmp/bench/plain-bundled.mjs`

function spawn(variant) {
  const start = performance.now()
  const extra = variant === 'import-plain-bundled' ? [pathToFileURL(bundled).href] : []
  const result = spawnSync(process.execPath, ['--openssl-legacy-provider', child, variant, ...extra], { cwd: root, encoding: 'utf8' })
  const wall = performance.now() - start
  if (result.status !== 0) throw new Error(`cold start ${variant} failed: ${result.stderr}`)
  return { ...JSON.parse(result.stdout), wall }
}

const spreadOf = (values) => [Math.min(...values), Math.max(...values)]

/** The ES modules a dist entry loads (itself, its chunks, @noble/hashes files), counted by following static imports. */
export function modulesLoadedBy(entry) {
  const seen = new Set()
  const visit = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'/g)) {
      if (spec === undefined) continue
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec))
      else if (spec.startsWith('@noble/hashes/')) visit(`${root}node_modules/${spec}`)
    }
  }
  visit(`${root}dist/${entry}.js`)
  return seen.size
}

/** Runs `rounds` rounds; returns result rows in the harness's shape (plus `detail`). */
export function coldStart({ rounds = 25, scram = true } = {}) {
  // saslkit/plain's source as one file, to measure what loading its five dist files costs.
  buildSync({ entryPoints: [`${root}src/mechanisms/plain.ts`], bundle: true, format: 'esm', platform: 'neutral', outfile: bundled, logLevel: 'silent' })
  const variants = [...(scram ? ['scram-saslkit', 'scram-node', 'scram-node-webcrypto'] : []), 'import-empty', 'import-plain', 'import-plain-bundled', 'import-all']
  const runs = Object.fromEntries(variants.map((v) => [v, []]))
  for (const v of variants) spawn(v) // warm the file system cache
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + round) % variants.length]
      runs[v].push(spawn(v))
    }
  }
  const ratio = (base, subject, key = 'ms') => runs[base].map((r, i) => r[key] / runs[subject][i][key])
  const results = []
  if (scram) {
    const node = "node:crypto (node's own, nothing to load)"
    const nodeWebCrypto = 'node:crypto with PBKDF2 on crypto.subtle'
    const wallName = 'whole process vs node:crypto, spawn to exit'
    const inProcess = ratio('scram-node', 'scram-saslkit')
    const webCrypto = ratio('scram-node-webcrypto', 'scram-saslkit')
    const wall = ratio('scram-node', 'scram-saslkit', 'wall')
    const ms = (v, key = 'ms') => median(runs[v].map((r) => r[key]))
    results.push({
      group: 'Cold start',
      name: 'SCRAM-SHA-256 client exchange in a fresh process (load + run)',
      ratios: { [node]: median(inProcess), [nodeWebCrypto]: median(webCrypto), [wallName]: median(wall) },
      spread: { [node]: spreadOf(inProcess), [nodeWebCrypto]: spreadOf(webCrypto), [wallName]: spreadOf(wall) },
      goals: { [node]: { min: 0.5, text: '≤ 2× node (≥ 0.5×)' } },
      note:
        'Timed from just before loading the implementation to the verified server signature. The whole-process ratio includes node start-up (the same for both), for scale. ' +
        `Breakdown (medians): saslkit ${ms('scram-saslkit').toFixed(1)} ms, of which ${ms('scram-saslkit', 'imported').toFixed(1)} ms importing saslkit/scram (${modulesLoadedBy('scram')} module files); ` +
        `node:crypto ${ms('scram-node').toFixed(1)} ms with pbkdf2Sync, ${ms('scram-node-webcrypto').toFixed(1)} ms with PBKDF2 on crypto.subtle (its first-call set-up included).`,
    })
  }
  for (const [variant, label, entry] of [
    ['import-plain', 'import saslkit/plain', 'plain'],
    ['import-plain-bundled', "import saslkit/plain's code bundled into one file (not shipped: what splitting costs)", undefined],
    ['import-all', 'import saslkit (the whole package)', 'index'],
  ]) {
    const ratios = ratio('import-empty', variant)
    const extra = runs[variant].map((r, i) => r.ms - runs['import-empty'][i].ms)
    const overMs = median(extra)
    const goal =
      variant === 'import-plain'
        ? { text: '≤ 5 ms over an empty module', met: overMs <= 5, shown: `+${overMs.toFixed(2)} ms` }
        : { text: 'report, no goal', shown: `+${overMs.toFixed(2)} ms` }
    results.push({
      group: 'Cold start',
      name: `${label}, fresh process`,
      ratios: { 'an empty module': median(ratios) },
      spread: { 'an empty module': spreadOf(ratios) },
      goals: { 'an empty module': goal },
      note:
        `Median extra time over importing an empty module: ${overMs.toFixed(2)} ms (range ${Math.min(...extra).toFixed(2)}–${Math.max(...extra).toFixed(2)})` +
        (entry === undefined ? '; one module file, imported by its file URL (no package resolution).' : `; ${modulesLoadedBy(entry)} module files (dist entry, its chunks, @noble/hashes files).`),
    })
  }
  return results
}
