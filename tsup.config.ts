import { defineConfig } from 'tsup'
import { entries } from './scripts/entries.mjs'

export default defineConfig({
  entry: Object.fromEntries(entries.map((e) => [e.name, e.source])),
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  treeshake: true,
  sourcemap: false,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
})
