// Node-only: the constant-time lint passes on the source and catches a deliberate violation.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const script = new URL('../../scripts/lint-ct.mjs', import.meta.url).pathname

describe('lint-ct', () => {
  it('passes on src/', () => {
    expect(execFileSync('node', [script], { encoding: 'utf8' })).toMatch(/no plain comparisons/)
  })
  it('fails on === between byte arrays or secret-named strings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-ct-'))
    const file = join(dir, 'bad.ts')
    writeFileSync(file, 'export const f = (a: Uint8Array, b: Uint8Array, proof: string, sent: string) => a === b || proof !== sent\n')
    let output = ''
    try {
      execFileSync('node', [script, file], { encoding: 'utf8', stdio: 'pipe' })
    } catch (error) {
      output = String((error as { stderr: string }).stderr)
    }
    expect(output).toContain('a === b')
    expect(output).toContain('proof !== sent')
  })
})
