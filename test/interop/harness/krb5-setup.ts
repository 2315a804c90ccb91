// vitest globalSetup of `npm run test:interop`: the MIT realm of test/krb5 (the same
// startRealm, not a second realm), plus the principals the interop peers need: pop/localhost
// (Dovecot's POP3) and ldap/localhost, a service no server in the suite holds keys for (the
// GSSAPI "wrong ticket" case).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { REALM, startRealm } from '../../krb5/realm.js'
import type {} from '../../krb5/setup.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { realm, stop } = await startRealm(fileURLToPath(new URL('../../..', import.meta.url)))
  try {
    for (const service of ['pop', 'ldap']) {
      execFileSync(join(realm.dir, 'kdb-admin'), [REALM, `${service}/localhost@${REALM}`, `FILE:${join(realm.dir, `${service}.keytab`)}`], {
        env: { ...process.env, ...realm.env },
        stdio: 'pipe',
      })
    }
  } catch (error) {
    await stop()
    throw error
  }
  project.provide('krb5', realm)
  return stop
}
