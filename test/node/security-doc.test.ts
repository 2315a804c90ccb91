// Node-only: docs/security.md's generated parts — the limits table (test/hostile/limits.json)
// and the review note's list of constant-time comparisons (`npm run lint:ct -- --list`) — are
// current, every limit's code text is where the table says, and every limit has its test.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const script = new URL('../../scripts/security-doc.mjs', import.meta.url).pathname
const doc = new URL('../../docs/security.md', import.meta.url).pathname

function check(path?: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync('node', [script, '--check', ...(path === undefined ? [] : ['--doc', path])], { encoding: 'utf8', stdio: 'pipe' })
    return { ok: true, output }
  } catch (error) {
    return { ok: false, output: String((error as { stderr: string }).stderr) }
  }
}

describe('docs/security.md', () => {
  it('is current: limits table and constant-time review note (else: npm run docs:security)', () => {
    const result = check()
    expect(result.output).toMatch(/up to date/)
    expect(result.ok).toBe(true)
  })

  it('a stale copy fails the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'security-doc-'))
    const stale = join(dir, 'security.md')
    // One comparison dropped from the review note.
    writeFileSync(stale, readFileSync(doc, 'utf8').replace(/\n\| `src\/[^\n]*constantTimeEqual[^\n]*\|/, ''))
    const result = check(stale)
    expect(result.ok).toBe(false)
    expect(result.output).toMatch(/stale/)
  })
})
