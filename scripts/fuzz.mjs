#!/usr/bin/env node
// `npm run fuzz [seconds]`: runs the hostile-input properties over and over with fresh
// random seeds and many more runs each, until the time is up (default 60 s). A failure stops
// it with fast-check's seed and counterexample: add that input to
// test/hostile/regressions.test.ts so it stays fixed.
import { spawnSync } from 'node:child_process'

const seconds = Number(process.argv[2] ?? process.env.FUZZ_SECONDS ?? 60)
const runs = process.env.FUZZ_RUNS ?? '1500'
const deadline = Date.now() + seconds * 1000
let rounds = 0
while (Date.now() < deadline) {
  rounds++
  const result = spawnSync('npx', ['vitest', 'run', 'test/hostile', '--reporter=dot'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, FUZZ_RUNS: runs },
  })
  if (result.status !== 0) {
    process.stdout.write(result.stdout)
    process.stderr.write(result.stderr)
    console.error(`fuzz: failure in round ${rounds}`)
    process.exit(1)
  }
}
console.log(`fuzz: ${rounds} rounds of ${runs} runs per property, ${seconds} s, no failure`)
