// Node-only: proves the isomorphic core never reaches node:*, Buffer or process.
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
// Every isomorphic entry point; src/node and src/cli are the only places allowed node:*.
export const isomorphicEntries = ['src/index.ts', 'src/codec/index.ts']

describe('browser bundle', () => {
  for (const entry of isomorphicEntries) {
    it(`${entry} bundles for the browser without node:*, Buffer or process`, async () => {
      const reached: string[] = []
      const result = await build({
        entryPoints: [`${root}/${entry}`],
        bundle: true,
        write: false,
        platform: 'browser',
        format: 'esm',
        logLevel: 'silent',
        plugins: [
          {
            name: 'forbid-node',
            setup(b) {
              b.onResolve({ filter: /^node:|^(fs|path|crypto|buffer|process|os|net|tls|util|stream|events)$/ }, (args) => {
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
