// `npm run test:interop`: the suites that need system peers (gsasl, Cyrus SASL, Dovecot, MIT
// Kerberos). Kept out of `npm test`; .ci/run installs the Debian packages and runs it.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/interop/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own peers on their own ports; files may run side by side.
    reporters: ['default', './test/interop/harness/reporter.ts'],
  },
})
