// docs/benchmarks.svg: one horizontal bar per (row, baseline) ratio on a log scale centred on
// 1× (right of the line: saslkit faster; left: slower), green where a goal is met, red where
// it is missed, grey where there is none; a black tick marks the goal. Plain SVG, no service.
import { goalMet } from './harness.mjs'

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const MIN = 1e-3
const MAX = 1e3
const LABEL_WIDTH = 600
const PLOT_WIDTH = 520
const BAR = 14
const GAP = 6
const HEADER = 54

const x = (ratio) => LABEL_WIDTH + ((Math.log10(Math.min(MAX, Math.max(MIN, ratio))) - Math.log10(MIN)) / (Math.log10(MAX) - Math.log10(MIN))) * PLOT_WIDTH


/** The chart for `results` (harness shape), as SVG text. */
export function chart(results, title) {
  const bars = []
  let group
  for (const r of results) {
    for (const [baseline, ratio] of Object.entries(r.ratios)) {
      bars.push({ heading: r.group !== group ? r.group : undefined, label: `${r.name} — vs ${baseline}`, ratio, goal: r.goals?.[baseline] })
      group = r.group
    }
  }
  const headings = bars.filter((b) => b.heading !== undefined).length
  const height = HEADER + bars.length * (BAR + GAP) + headings * 22 + 30
  const width = LABEL_WIDTH + PLOT_WIDTH + 90
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="10.5">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="38" fill="#555">ratio = saslkit speed / baseline speed, median of interleaved passes (log scale); right of 1×: saslkit faster. Green: goal met, red: goal missed, grey: no goal; black tick: the goal.</text>`,
  ]
  // Grid: decades.
  for (let e = -3; e <= 3; e++) {
    const gx = x(10 ** e)
    out.push(`<line x1="${gx}" y1="${HEADER - 6}" x2="${gx}" y2="${height - 24}" stroke="${e === 0 ? '#333' : '#ddd'}" stroke-width="${e === 0 ? 1.5 : 1}"/>`)
    out.push(`<text x="${gx}" y="${height - 10}" text-anchor="middle" fill="#555">${e >= 0 ? `${10 ** e}×` : `${(10 ** e).toString()}×`}</text>`)
  }
  let y = HEADER
  for (const bar of bars) {
    if (bar.heading !== undefined) {
      y += 8
      out.push(`<text x="10" y="${y + 8}" font-weight="bold">${escape(bar.heading)}</text>`)
      y += 14
    }
    const met = bar.goal === undefined ? undefined : goalMet(bar.goal, bar.ratio)
    const colour = met === undefined ? '#9e9e9e' : met ? '#2e7d32' : '#c62828'
    const x1 = x(1)
    const x2 = x(bar.ratio)
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${y + BAR - 3}" text-anchor="end">${escape(bar.label.length > 100 ? `${bar.label.slice(0, 99)}…` : bar.label)}</text>`)
    out.push(`<rect x="${Math.min(x1, x2)}" y="${y}" width="${Math.max(1, Math.abs(x2 - x1))}" height="${BAR}" fill="${colour}"><title>${escape(`${bar.label}: ${bar.ratio.toFixed(3)}×`)}</title></rect>`)
    if (bar.goal?.min !== undefined) {
      const gx = x(bar.goal.min)
      out.push(`<line x1="${gx}" y1="${y - 2}" x2="${gx}" y2="${y + BAR + 2}" stroke="#000" stroke-width="2"/>`)
    }
    const text = bar.ratio >= 100 ? bar.ratio.toFixed(0) : bar.ratio >= 10 ? bar.ratio.toFixed(1) : bar.ratio.toFixed(2)
    out.push(`<text x="${Math.max(x1, x2) + 4}" y="${y + BAR - 3}" fill="#333">${text}×</text>`)
    y += BAR + GAP
  }
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
