// vitest globalSetup of `npm run test:krb5`: one realm and KDC for every Kerberos test file,
// stopped (by PID) and deleted when the run ends.
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { startRealm, type Krb5Realm } from './realm.js'

declare module 'vitest' {
  export interface ProvidedContext {
    krb5: Krb5Realm
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { realm, stop } = await startRealm(fileURLToPath(new URL('../..', import.meta.url)))
  project.provide('krb5', realm)
  return stop
}
