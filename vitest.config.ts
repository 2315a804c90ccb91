import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The isomorphic suites cannot read process.env; the fuzz script's run count and deadline reach them here.
  define: {
    ...(process.env.FUZZ_RUNS ? { 'globalThis.FUZZ_RUNS': JSON.stringify(process.env.FUZZ_RUNS) } : {}),
    ...(process.env.FUZZ_DEADLINE ? { 'globalThis.FUZZ_DEADLINE': JSON.stringify(process.env.FUZZ_DEADLINE) } : {}),
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/interop/**', 'test/krb5/**', 'test/slow/**'],
    testTimeout: 20000,
  },
})
