// Node-only: saslkit/scram stays small. SASLprep's tables reach a SCRAM bundle only through a
// dynamic import (a separate chunk, loaded for the first non-ASCII string), both in what tsup
// ships in dist/ and in what a bundler makes of the sources.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { A_1 } from '../../src/codec/saslprep-tables.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const TABLE_MARK = A_1.slice(0, 40)
/**
 * Minified SCRAM (all six variants) up front: the client on Web Crypto, the descriptors and the
 * server stand-ins; the server, noble's fallback hashes and the SASLprep tables load lazily.
 */
const MAX_SCRAM_BYTES = 20_000

/** The files an ESM file in dist/ imports statically, transitively (bare specifiers excluded). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const code = readFileSync(`${root}/dist/${file}`, 'utf8')
  for (const m of code.matchAll(/^(?:import|export)\s[^;]*?from\s+'\.\/([^']+)'|^import\s+'\.\/([^']+)'/gm)) staticClosure(m[1] ?? m[2]!, seen)
  return seen
}

describe('saslkit/scram bundle', () => {
  for (const format of ['js', 'cjs'] as const) {
    it(`dist/scram.${format}: the tables are only behind import('./saslprep.${format}')`, () => {
      if (format === 'js') {
        const closure = [...staticClosure('scram.js')]
        expect(closure.some((f) => readFileSync(`${root}/dist/${f}`, 'utf8').includes(TABLE_MARK))).toBe(false)
        expect(closure.some((f) => readFileSync(`${root}/dist/${f}`, 'utf8').includes("import('./saslprep.js')"))).toBe(true)
      } else {
        const chunks = readdirSync(`${root}/dist`).filter((f) => f.endsWith('.cjs'))
        const withTables = chunks.filter((f) => readFileSync(`${root}/dist/${f}`, 'utf8').includes(TABLE_MARK))
        expect(withTables.length).toBeGreaterThan(0)
        expect(withTables).not.toContain('scram.cjs')
        expect(chunks.some((f) => readFileSync(`${root}/dist/${f}`, 'utf8').includes("import('./saslprep.cjs')"))).toBe(true)
      }
    })
  }

  it(`a bundler splits the tables into their own chunk; SCRAM minified stays under ${MAX_SCRAM_BYTES} bytes`, async () => {
    const result = await build({
      entryPoints: { scram: `${root}/src/mechanisms/scram.ts` },
      bundle: true,
      splitting: true,
      format: 'esm',
      minify: true,
      platform: 'browser',
      write: false,
      outdir: '/virtual',
      logLevel: 'silent',
    })
    const files = new Map(result.outputFiles.map((f) => [f.path.slice('/virtual/'.length), f]))
    // The entry and the chunks it imports statically: what loads before any non-ASCII string.
    const eager = new Set<string>()
    const visit = (name: string) => {
      if (eager.has(name)) return
      eager.add(name)
      for (const m of files.get(name)!.text.matchAll(/(?:from|import)\s*"\.\/([^"]+)"/g)) visit(m[1]!)
    }
    visit('scram.js')
    const eagerCode = [...eager].map((name) => files.get(name)!.text)
    const lazy = [...files.keys()].filter((name) => !eager.has(name) && files.get(name)!.text.includes(TABLE_MARK))
    expect(eagerCode.some((code) => code.includes(TABLE_MARK))).toBe(false)
    expect(lazy.length).toBe(1)
    expect(eagerCode.some((code) => code.includes(`import("./${lazy[0]}")`))).toBe(true)
    const eagerBytes = eagerCode.reduce((n, code) => n + code.length, 0)
    expect(eagerBytes).toBeLessThan(MAX_SCRAM_BYTES)
  })
})
