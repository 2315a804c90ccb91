// `npm run test:krb5`: the suites that need MIT Kerberos (a KDC, GSS-API, the `kerberos` addon).
// Kept out of `npm test`, which must run on a machine without them.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/krb5/**/*.test.ts'],
    globalSetup: ['test/krb5/setup.ts'],
    // Processes, not threads: the in-process `kerberos` addon reads KRB5CCNAME and friends
    // from the real environment, which a worker thread cannot set.
    pool: 'forks',
    testTimeout: 30000,
    hookTimeout: 120000,
  },
})
