import { defineConfig } from 'tsup'
import { entries } from './scripts/entries.mjs'

export default defineConfig([
  {
    entry: Object.fromEntries(entries.map((e) => [e.name, e.source])),
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    treeshake: true,
    sourcemap: false,
    // The bin below is built alongside; the two builds run at once, so this one leaves it be.
    clean: ['!cli.js'],
    target: 'es2022',
    platform: 'neutral',
    outDir: 'dist',
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
