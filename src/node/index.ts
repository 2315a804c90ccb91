/**
 * Node-only helpers: `kerberos(…)`, a GSS-API initiator for the GSSAPI mechanism backed by
 * the optional npm `kerberos` package.
 *
 * @module saslkit/node
 */
export { kerberos } from './kerberos.js'
export type { KerberosClientHandle, KerberosModule, KerberosOptions } from './kerberos.js'
