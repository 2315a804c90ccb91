// Where the time goes: a CPU profile (V8's sampling profiler through node:inspector) of one
// contender run repeatedly, summarised as self time per function. bench.mjs profiles the
// saslkit side and the baseline of every missed goal, so docs/benchmarks.md can say why.
// A `{ setup, run }` contender is profiled on `run` only: states are prepared in batches with
// the profiler stopped, and the batches' profiles are added up.
import { Session } from 'node:inspector/promises'
import { basename } from 'node:path'

const BATCH = 2048
/** Frames of the profiler session itself, not of the contender. */
const isProfilerFrame = ({ functionName, url }) => (functionName === 'dispatch' && url === '') || url === 'node:inspector' || url.endsWith('/profile.mjs')

/** Runs `contender` for about `ms` milliseconds under the profiler; returns the top functions by self time. */
export async function profileContender(contender, { ms = 1500, top = 10 } = {}) {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 50 })
  const self = new Map()
  const inclusive = new Map()
  let calls = 0
  let profiled = 0
  while (profiled < ms) {
    const states = []
    if (typeof contender !== 'function') for (let i = 0; i < BATCH; i++) states.push(await contender.setup())
    const start = performance.now()
    await session.post('Profiler.start')
    if (typeof contender === 'function') {
      while (performance.now() - start < Math.min(250, ms)) {
        await contender()
        calls++
      }
    } else {
      for (const state of states) await contender.run(state)
      calls += states.length
    }
    const { profile } = await session.post('Profiler.stop')
    profiled += performance.now() - start
    addTimes(profile, self, inclusive)
  }
  await session.post('Profiler.disable')
  session.disconnect()
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const ranked = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, time]) => ({ name, share: time / total }))
  // Inclusive time names the saslkit/peer function a cost sits under; library frames above the
  // contender's own code (the bench's loop, async plumbing) would all read 100%, so they are cut.
  const callees = [...inclusive.entries()].filter(([, time]) => time < 0.97 * total)
  return { calls, functions: ranked(self, top), inclusive: ranked(new Map(callees), top) }
}

const keyOf = ({ functionName, url, lineNumber }) => `${functionName || '(anonymous)'}${url === '' ? '' : ` ${basename(url)}:${lineNumber + 1}`}`

function addTimes(profile, self, inclusive) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])
    if (isProfilerFrame(node.callFrame)) continue
    const dt = profile.timeDeltas[i] ?? 0
    self.set(keyOf(node.callFrame), (self.get(keyOf(node.callFrame)) ?? 0) + dt)
    // Each function once per sample, however deep it recurses.
    const seen = new Set()
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id).callFrame
      const key = keyOf(frame)
      if (seen.has(key) || key === '(root)' || isProfilerFrame(frame)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt)
    }
  }
}
