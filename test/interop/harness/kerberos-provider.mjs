// `saslkit probe --gssapi-provider` for the interop suite: saslkit/node's `kerberos()` (real MIT
// Kerberos through the `kerberos` addon) from the built package, with the addon loaded from
// where test/krb5/realm.ts installed it (never the shared node_modules, so the CLI's own
// `import('kerberos')` cannot find it). The probe subprocess gets the realm's KRB5_* variables.
//
//   SASLKIT_INTEROP_KERBEROS     the addon's package directory (required)
//   SASLKIT_INTEROP_GSS_SERVICE  ask for a ticket to this service instead of the probe's own
//                                (the wrong-ticket case: ldap, which no server holds keys for)
import { createRequire } from 'node:module'
import { kerberos } from '../../../dist/node.js'

const packageDir = process.env.SASLKIT_INTEROP_KERBEROS
if (packageDir === undefined || packageDir === '') throw new Error('SASLKIT_INTEROP_KERBEROS is not set')
const module = createRequire(import.meta.url)(packageDir)

/** probe calls this with its protocol's service (imap, pop, smtp) and the URL's host. */
export const initiator = ({ service, host }) =>
  kerberos({ service: `${process.env.SASLKIT_INTEROP_GSS_SERVICE || service}@${host}`, module })
