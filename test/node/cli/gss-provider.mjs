// A GSS-API provider module for the CLI suite (`--gssapi-provider`): the deterministic
// in-memory stand-in for Kerberos from examples/, shared between the probe subprocess (the
// initiator) and the in-process sandbox (the acceptor) through one secret. Not Kerberos.
import { memoryKerberos } from '../../../examples/memory-gss.mjs'

const kdc = memoryKerberos({ secret: 'saslkit-cli-suite' })

/** probe: a client context for `service@host` as tim. */
export const initiator = ({ service, host }) => kdc.initiator({ principal: 'tim', service: `${service}@${host}` })

/** serve: a server context for `service@hostname`. */
export const acceptor = ({ service }) => kdc.acceptor({ service })
