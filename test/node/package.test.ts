// Node-only: the entry list, package.json "exports" and the built dist/ agree, and the CJS
// build reaches the ESM-only @noble/hashes through require(esm).
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { entries, specifier } from '../../scripts/entries.mjs'

const require = createRequire(import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>
  dependencies: Record<string, string>
}

describe('package', () => {
  it('exports exactly the entry list, each with import/require and types', () => {
    const expected: Record<string, unknown> = { './package.json': './package.json' }
    for (const e of entries) {
      expected[e.name === 'index' ? '.' : `./${e.name}`] = {
        import: { types: `./dist/${e.name}.d.ts`, default: `./dist/${e.name}.js` },
        require: { types: `./dist/${e.name}.d.cts`, default: `./dist/${e.name}.cjs` },
      }
    }
    expect(pkg.exports).toEqual(expected)
  })
  it('jsr.json exports the TypeScript source of every isomorphic entry (node scripts/check-jsr.mjs --write)', () => {
    const jsr = JSON.parse(readFileSync(new URL('../../jsr.json', import.meta.url), 'utf8')) as { version: string; exports: Record<string, string> }
    const expected = Object.fromEntries(entries.filter((e) => e.nodeOnly !== true).map((e) => [e.name === 'index' ? '.' : `./${e.name}`, `./${e.source}`]))
    expect(jsr.exports).toEqual(expected)
    expect(jsr.version).toBe((pkg as unknown as { version: string }).version)
  })
  it('has @noble/hashes as its only runtime dependency', () => {
    expect(Object.keys(pkg.dependencies)).toEqual(['@noble/hashes'])
  })
  for (const entry of entries) {
    const name = specifier(entry)
    it(`require('${name}') and import('${name}') expose the same names`, async () => {
      const cjs = require(name) as Record<string, unknown>
      const esm = (await import(name)) as Record<string, unknown>
      expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).filter((k) => k !== 'default').sort())
      expect(Object.keys(cjs).length).toBeGreaterThan(0)
    })
  }
  it("require('saslkit') authenticates PLAIN end to end", async () => {
    const { plain } = require('saslkit') as typeof import('../../src/index.js')
    const step = await plain.server({ credentials: () => ({ password: 'p' }) }).next(await plain.client({ username: 'u', password: 'p' }).start())
    expect(step.type).toBe('success')
  })
})
