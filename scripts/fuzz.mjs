#!/usr/bin/env node
// `npm run fuzz [seconds]`: runs the hostile-input properties (test/hostile: every decoder,
// every client and server state machine, every profile; test/node/cli-hostile: the CLI's
// decoders) over and over with fresh random seeds
// and many more runs each, until the time is up (default 60 s). Each property stops at the
// deadline (FUZZ_DEADLINE, read by test/helpers/hostile.ts), so a round never runs far past
// it. A failure stops the fuzzer with fast-check's seed and counterexample: add that input to
// test/hostile/regressions.test.ts so it stays fixed.
import { spawnSync } from 'node:child_process'

const seconds = Number(process.argv[2] ?? process.env.FUZZ_SECONDS ?? 60)
const runs = process.env.FUZZ_RUNS ?? '1500'
const started = Date.now()
const deadline = started + seconds * 1000
let rounds = 0
while (Date.now() < deadline) {
  rounds++
  const result = spawnSync('npx', ['vitest', 'run', 'test/hostile', 'test/node/cli-hostile', '--reporter=dot', `--testTimeout=${seconds * 1000 + 60_000}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, FUZZ_RUNS: runs, FUZZ_DEADLINE: String(deadline) },
  })
  if (result.status !== 0) {
    process.stdout.write(result.stdout)
    process.stderr.write(result.stderr)
    console.error(`fuzz: failure in round ${rounds}`)
    process.exit(1)
  }
}
const elapsed = Math.round((Date.now() - started) / 1000)
console.log(`fuzz: ${rounds} round(s) of up to ${runs} runs per property in ${elapsed} s (budget ${seconds} s), no failure`)
