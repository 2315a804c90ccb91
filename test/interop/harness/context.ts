// What the rows need at run time, for one test file: the MIT realm that test/krb5/setup.ts
// (the interop config's globalSetup) started, the `kerberos` addon loaded in this process, and
// the cleanup of the MIT helper processes each case starts.
import { createRequire } from 'node:module'
import { inject } from 'vitest'
import type { KerberosModule } from '../../../src/node/index.js'
import type { RowContext } from '../rows.js'

export interface InteropContext extends RowContext {
  /** Closes what the last case opened. */
  cleanup(): Promise<void>
}

export function interopContext(): InteropContext {
  const krb5 = inject('krb5')
  // Every peer this worker starts inherits the realm (KRB5_CONFIG, KRB5CCNAME for clients,
  // KRB5_KTNAME for servers), and so does the in-process `kerberos` addon.
  Object.assign(process.env, krb5.env)
  const kerberosModule = createRequire(import.meta.url)(krb5.kerberosPackage) as KerberosModule
  const pending: Array<() => Promise<void>> = []
  return {
    krb5,
    kerberosModule,
    defer: (cleanup) => {
      pending.push(cleanup)
    },
    cleanup: async () => {
      await Promise.all(pending.splice(0).map((close) => close()))
    },
  }
}
