import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/interop/**', 'test/krb5/**', 'test/slow/**'],
    testTimeout: 20000,
  },
})
