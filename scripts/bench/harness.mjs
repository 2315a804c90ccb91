// Ratios, never lone times: every row measures saslkit and its baselines in the same process,
// interleaved within each pass (order rotated per pass), and reports the median over passes of
// (baseline time / saslkit time) — i.e. saslkit's speed relative to the baseline.
//
// A contender is either a function (timed whole) or `{ setup, run }`: `setup()` (sync or
// async) prepares one fresh state per timed call and is not timed (mitata's computed
// parameters), so a row can time a server's verify step alone without the steps before it.
import { measure } from 'mitata'

/** Median of numbers. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Measurement settings: full runs, and `--quick` (a smoke run that only proves every row works). */
export const SETTINGS = {
  full: { passes: 11, budgetMs: 60, minSamples: 8 },
  quick: { passes: 1, budgetMs: 2, minSamples: 1 },
}

/** Calls a contender once, untimed (warm-up, self-checks). */
export async function runOnce(contender) {
  if (typeof contender === 'function') return contender()
  return contender.run(await contender.setup())
}

/** Median time per call (ns) of one contender, for this pass. */
async function timeOf(contender, { budgetMs, minSamples }) {
  const options = {
    min_cpu_time: budgetMs * 1e6,
    min_samples: minSamples,
    // mitata batches calls shorter than 65 µs; 16 per batch (at least its unroll of 4) keeps a
    // sample well under a scheduler time slice, so the median sample is one the machine's other
    // work did not interrupt (its default, 4096, needs seconds and mixes every stall in).
    batch_samples: 16,
  }
  if (typeof contender === 'function') return (await measure(contender, options)).p50
  const { setup, run } = contender
  const stats = await measure(function* () {
    yield { [0]: setup, bench: run }
  }, options)
  return stats.p50
}

/** A goal: the ratio against one baseline must be at least `min`. */
export const goalOf = (goal) => (goal === undefined ? undefined : typeof goal === 'number' ? { min: goal, text: `≥ ${goal}×` } : goal)

/**
 * Measures a row: `subject` (saslkit) against each baseline, `passes` interleaved passes.
 * Returns { group, name, ratios: { [baseline]: median ratio }, spread: { [baseline]: [min, max] },
 * goals, note, times: { [contender]: median ns }, passTimes: { [contender]: ns per pass } } —
 * the times only feed the analysis of missed goals (as ratios between baselines), never a table.
 */
export async function measureRow(row, settings = SETTINGS.full) {
  const contenders = [['saslkit', row.subject], ...Object.entries(row.baselines)]
  for (const [name, contender] of contenders) {
    try {
      await runOnce(contender) // warm-up, and a crash here fails fast with the row's name
    } catch (error) {
      throw new Error(`bench row "${row.name}", contender "${name}": ${error?.stack ?? error}`)
    }
  }
  const times = Object.fromEntries(contenders.map(([name]) => [name, []]))
  for (let pass = 0; pass < settings.passes; pass++) {
    const order = contenders.map((_, i) => contenders[(i + pass) % contenders.length])
    for (const [name, contender] of order) times[name].push(await timeOf(contender, settings))
  }
  const ratios = {}
  const spread = {}
  for (const [name] of contenders.slice(1)) {
    const perPass = times[name].map((t, i) => t / times.saslkit[i])
    ratios[name] = median(perPass)
    spread[name] = [Math.min(...perPass), Math.max(...perPass)]
  }
  const goals = Object.fromEntries(Object.entries(row.goals ?? {}).map(([name, goal]) => [name, goalOf(goal)]))
  for (const name of Object.keys(goals)) {
    if (!(name in row.baselines)) throw new Error(`bench row "${row.name}": goal for unknown baseline "${name}"`)
  }
  const medianTimes = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]))
  return { group: row.group, name: row.name, ratios, spread, goals, note: row.note, times: medianTimes, passTimes: times }
}

/** Whether a goal is met: ratio goals by their minimum, others by their own verdict; undefined for "report". */
export const goalMet = (goal, ratio) => (goal.met !== undefined ? goal.met : goal.min === undefined ? undefined : ratio >= goal.min)

/** Median over passes of a / b for two contenders of one measured row (e.g. a peer against the floor). */
export function ratioBetween(result, slower, faster) {
  const a = result.passTimes?.[slower]
  const b = result.passTimes?.[faster]
  if (a === undefined || b === undefined) return undefined
  return median(a.map((t, i) => t / b[i]))
}

/** Every (row, baseline) pair whose goal was missed. */
export function missedGoals(results) {
  const missed = []
  for (const r of results) {
    for (const [baseline, goal] of Object.entries(r.goals ?? {})) {
      if (goal !== undefined && goalMet(goal, r.ratios[baseline]) === false) missed.push({ result: r, baseline, goal })
    }
  }
  return missed
}
