// Where the time goes: a CPU profile (V8's sampling profiler through node:inspector) of one
// contender run repeatedly, summarised as self time per function. bench.mjs profiles the
// saslkit side and the baseline of every missed goal, so docs/benchmarks.md can say why.
import { Session } from 'node:inspector/promises'
import { basename } from 'node:path'

/** Runs `contender` for about `ms` milliseconds under the profiler; returns the top functions by self time. */
export async function profileContender(contender, { ms = 1500, top = 10 } = {}) {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 50 })
  await session.post('Profiler.start')
  const end = performance.now() + ms
  let calls = 0
  while (performance.now() < end) {
    if (typeof contender === 'function') await contender()
    else await contender.run(await contender.setup())
    calls++
  }
  const { profile } = await session.post('Profiler.stop')
  await session.post('Profiler.disable')
  session.disconnect()
  return { calls, functions: summarise(profile, top) }
}

function summarise(profile, top) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])
    const dt = profile.timeDeltas[i] ?? 0
    const { functionName, url, lineNumber } = node.callFrame
    const where = url === '' ? '' : `${basename(url)}:${lineNumber + 1}`
    const key = `${functionName || '(anonymous)'}${where === '' ? '' : ` ${where}`}`
    self.set(key, (self.get(key) ?? 0) + dt)
    total += dt
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => ({ name, share: time / total }))
}
