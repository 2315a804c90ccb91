import { defineConfig } from 'tsup'

// One entry per public subpath; package.json "exports" lists the same names.
export const entries = {
  index: 'src/index.ts',
  codec: 'src/codec/index.ts',
  plain: 'src/mechanisms/plain.ts',
  login: 'src/mechanisms/login.ts',
  anonymous: 'src/mechanisms/anonymous.ts',
  external: 'src/mechanisms/external.ts',
}

export default defineConfig({
  entry: entries,
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
