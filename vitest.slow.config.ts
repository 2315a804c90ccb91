import { defineConfig } from 'vitest/config'

// npm run test:slow: suites too slow for every npm test (RFC 6070's 16,777,216-iteration PBKDF2 on noble).
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 300000,
  },
})
