import { dirname, resolve } from 'node:path'
import type { Plugin } from 'esbuild'
import { defineConfig } from 'tsup'
import { entries } from './scripts/entries.mjs'

const root = dirname(new URL(import.meta.url).pathname)
const at = (source: string) => resolve(root, source)

/**
 * The modules every small mechanism needs (the error class, the step guard, option checks,
 * UTF-8 encoding), shipped as one internal file `dist/_core.js`. Left to itself, esbuild puts
 * each group of code shared by a different set of entries into its own chunk, so
 * `saslkit/plain` loaded seven files; node's ESM loader pays for each file it resolves, reads
 * and links (about half a millisecond here), far more than for the code. One module for the
 * core also keeps one `SaslError` class for every entry (`instanceof` across subpaths).
 */
// The same list as src/shared-core.ts, which re-exports them for the build.
const core = ['src/core/errors.ts', 'src/core/guard.ts', 'src/core/options.ts', 'src/codec/utf8.ts'].map(at)
const coreEntry = 'src/shared-core.ts'
const entrySources = new Map(entries.map((e) => [at(e.source), e.name]))

/**
 * Resolves every import of a core module to `./_core.js`, and every import of another entry's
 * source (the root entry re-exporting the mechanisms) to that entry's own file, so each entry's
 * code lives in its own file instead of a chunk it shares with `saslkit`: `saslkit/plain` loads
 * dist/plain.js and dist/_core.js. All outputs sit in dist/, so the relative paths hold from any of them.
 */
const fewerFiles: Plugin = {
  name: 'saslkit-fewer-files',
  setup(build) {
    const extension = build.initialOptions.outExtension?.['.js'] ?? '.js'
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point' || args.importer === at(coreEntry) || core.includes(args.importer)) return undefined
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))
      if (core.includes(target)) return { path: `./_core${extension}`, external: true }
      const entry = entrySources.get(target)
      if (entry !== undefined && target !== args.importer) return { path: `./${entry}${extension}`, external: true }
      return undefined
    })
  },
}

export default defineConfig([
  {
    entry: { ...Object.fromEntries(entries.map((e) => [e.name, e.source])), _core: coreEntry },
    format: ['esm', 'cjs'],
    dts: { entry: Object.fromEntries(entries.map((e) => [e.name, e.source])) },
    splitting: true,
    treeshake: true,
    sourcemap: false,
    // The bin below is built alongside; the two builds run at once, so this one leaves it be.
    clean: ['!cli.js'],
    target: 'es2022',
    platform: 'neutral',
    outDir: 'dist',
    esbuildPlugins: [fewerFiles],
  },
  {
    // The `saslkit` command (package.json "bin"): Node only, one self-contained ESM file with
    // its shebang. Not a public entry point: its API is the command line.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    splitting: false,
    treeshake: true,
    sourcemap: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    outDir: 'dist',
  },
])
