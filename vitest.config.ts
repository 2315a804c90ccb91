import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The isomorphic suites cannot read process.env; the fuzz script's run count reaches them here.
  define: process.env.FUZZ_RUNS ? { 'globalThis.FUZZ_RUNS': JSON.stringify(process.env.FUZZ_RUNS) } : {},
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/interop/**', 'test/krb5/**', 'test/slow/**'],
    testTimeout: 20000,
  },
})
