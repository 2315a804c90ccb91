// `npm run test:interop`: the suites that need system peers (gsasl, Cyrus SASL, Dovecot, MIT
// Kerberos). Kept out of `npm test`; .ci/run installs the Debian packages and runs it.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/interop/**/*.test.ts'],
    // The MIT realm of test/krb5 (one KDC on 127.0.0.1 for every file; not a second realm).
    globalSetup: ['test/interop/harness/krb5-setup.ts'],
    // Processes, not threads: the in-process `kerberos` addon reads KRB5CCNAME and friends
    // from the real environment.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file starts its own peers on their own ports; files may run side by side.
    reporters: ['default', './test/interop/harness/reporter.ts'],
  },
})
