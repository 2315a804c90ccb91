// Node-only: the CJS build reaches the ESM-only @noble/hashes through require(esm).
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> }
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json')

describe('package entry points (built dist/)', () => {
  for (const subpath of subpaths) {
    const specifier = subpath === '.' ? 'saslkit' : `saslkit/${subpath.slice(2)}`
    it(`require('${specifier}') and import('${specifier}') expose the same names`, async () => {
      const cjs = require(specifier) as Record<string, unknown>
      const esm = (await import(specifier)) as Record<string, unknown>
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
