/**
 * Node-only helpers: channel binding from a `node:tls` socket, and `kerberos(…)`, a GSS-API
 * initiator for the GSSAPI mechanism backed by the optional npm `kerberos` package.
 *
 * @module saslkit/node
 */
export { channelBinding } from './channel-binding.js'
export type { ChannelBindingOptions } from './channel-binding.js'
export { kerberos } from './kerberos.js'
export type { KerberosClientHandle, KerberosModule, KerberosOptions } from './kerberos.js'
