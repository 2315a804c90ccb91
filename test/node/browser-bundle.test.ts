// Node-only: proves the isomorphic code never reaches node:*, Buffer or process.
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { entries } from '../../scripts/entries.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const NODE_BUILTIN = /^node:|^(fs|path|crypto|buffer|process|os|net|tls|util|stream|events|child_process|module)(\/|$)/

describe('browser bundle', () => {
  for (const entry of entries.filter((e) => e.nodeOnly !== true)) {
    it(`${entry.source} bundles for the browser without node:*, Buffer or process`, async () => {
      const reached: string[] = []
      const result = await build({
        entryPoints: [`${root}/${entry.source}`],
        bundle: true,
        write: false,
        platform: 'browser',
        format: 'esm',
        logLevel: 'silent',
        plugins: [
          {
            name: 'forbid-node',
            setup(b) {
              b.onResolve({ filter: NODE_BUILTIN }, (args) => {
                reached.push(`${args.path} (from ${args.importer})`)
                return { path: args.path, external: true }
              })
            },
          },
        ],
      })
      expect(reached).toEqual([])
      const code = result.outputFiles[0]!.text
      expect(code).not.toMatch(/\bBuffer\b/)
      expect(code).not.toMatch(/\bprocess\./)
      expect(code).not.toMatch(/\brequire\(/)
    })
  }
})
