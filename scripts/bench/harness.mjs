// Ratios, never lone times: every row measures saslkit and its baselines in the same process,
// interleaved within each pass (order rotated per pass), and reports the median over passes of
// (baseline time / saslkit time) — i.e. saslkit's speed relative to the baseline.
import { measure } from 'mitata'

/** Median of numbers. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median time per call (ns) of one function, for this pass. */
async function timeOf(fn, budgetMs) {
  const stats = await measure(fn, { min_cpu_time: budgetMs * 1e6, min_samples: 8 })
  return stats.p50
}

/**
 * Measures a row: `subject` (saslkit) against each baseline, `passes` interleaved passes.
 * Returns { name, ratios: { [baseline]: median ratio }, spread: { [baseline]: [min, max] } }.
 */
export async function measureRow(row, { passes = 5, budgetMs = 60 } = {}) {
  const contenders = [['saslkit', row.subject], ...Object.entries(row.baselines)]
  for (const [, fn] of contenders) await fn() // warm-up, and a crash here fails fast
  const times = Object.fromEntries(contenders.map(([name]) => [name, []]))
  for (let pass = 0; pass < passes; pass++) {
    const order = contenders.map((_, i) => contenders[(i + pass) % contenders.length])
    for (const [name, fn] of order) times[name].push(await timeOf(fn, budgetMs))
  }
  const ratios = {}
  const spread = {}
  for (const [name] of contenders.slice(1)) {
    const perPass = times[name].map((t, i) => t / times.saslkit[i])
    ratios[name] = median(perPass)
    spread[name] = [Math.min(...perPass), Math.max(...perPass)]
  }
  return { name: row.name, group: row.group, ratios, spread, goals: row.goals ?? {} }
}
