#!/usr/bin/env node
// Writes the generated parts of docs/security.md: the limits table (from
// test/hostile/limits.json) and the review note's list of constant-time comparisons (from
// `scripts/lint-ct.mjs --json`, i.e. `npm run lint:ct -- --list`). With --check it writes
// nothing and fails when the document is stale, when a limit's code text is no longer in its
// file, or when a limit has no test in test/hostile/limits.test.ts
// (test/node/security-doc.test.ts runs it). --doc <path> works on another copy of the document.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname
const docArg = process.argv.indexOf('--doc')
const docPath = docArg >= 0 ? process.argv[docArg + 1] : `${root}docs/security.md`
const check = process.argv.includes('--check')
const problems = []

const cell = (text) => String(text).replace(/\|/g, '\\|')

function limitsTable() {
  const { limits } = JSON.parse(readFileSync(`${root}test/hostile/limits.json`, 'utf8'))
  const suite = readFileSync(`${root}test/hostile/limits.test.ts`, 'utf8')
  const rows = ['| What | Limit | Over the limit | Code | Test |', '| --- | --- | --- | --- | --- |']
  for (const l of limits) {
    for (const field of ['id', 'what', 'limit', 'outcome', 'file', 'code', 'test']) {
      if (typeof l[field] !== 'string' || l[field] === '') problems.push(`limits.json: ${l.id ?? '?'} has no ${field}`)
    }
    let source = ''
    try {
      source = readFileSync(`${root}${l.file}`, 'utf8')
    } catch {
      problems.push(`limits.json: ${l.id}: ${l.file} does not exist`)
    }
    if (source !== '' && !source.includes(l.code)) problems.push(`limits.json: ${l.id}: "${l.code}" is not in ${l.file}`)
    if (!suite.includes(`row('${l.id}')`)) problems.push(`limits.json: ${l.id} has no test in test/hostile/limits.test.ts`)
    rows.push(`| ${cell(l.what)} | ${cell(l.limit)} | ${cell(l.outcome)} | \`${l.file}\`: \`${cell(l.code)}\` | ${cell(l.test)} |`)
  }
  return rows.join('\n')
}

function comparisonList() {
  let output
  try {
    output = execFileSync('node', [`${root}scripts/lint-ct.mjs`, '--json'], { encoding: 'utf8' })
  } catch (error) {
    problems.push('lint-ct fails: fix the plain comparisons first')
    output = error.stdout
  }
  const { comparisons } = JSON.parse(output)
  const rows = [
    `${comparisons.length} call sites of \`constantTimeEqual\` (\`npm run lint:ct -- --list\` prints them with line numbers):`,
    '',
    '| File | Function | Comparison |',
    '| --- | --- | --- |',
  ]
  for (const c of comparisons) rows.push(`| \`${c.file}\` | \`${cell(c.scope)}\` | \`${cell(c.call)}\` |`)
  return rows.join('\n')
}

const sections = { limits: limitsTable(), comparisons: comparisonList() }
const doc = readFileSync(docPath, 'utf8')
let updated = doc
for (const [name, body] of Object.entries(sections)) {
  const begin = `<!-- BEGIN GENERATED ${name}: node scripts/security-doc.mjs -->`
  const end = `<!-- END GENERATED ${name} -->`
  const from = updated.indexOf(begin)
  const to = updated.indexOf(end)
  if (from < 0 || to < from) {
    problems.push(`docs/security.md has no ${begin} … ${end} section`)
    continue
  }
  updated = `${updated.slice(0, from + begin.length)}\n${body}\n${updated.slice(to)}`
}

if (check) {
  if (updated !== doc) problems.push('docs/security.md is stale: run `npm run docs:security` and commit the result')
} else if (updated !== doc) {
  writeFileSync(docPath, updated)
  console.log('security-doc: docs/security.md updated')
}
if (problems.length > 0) {
  for (const p of problems) console.error(`security-doc: ${p}`)
  process.exit(1)
}
if (check) console.log('security-doc: docs/security.md is up to date')
