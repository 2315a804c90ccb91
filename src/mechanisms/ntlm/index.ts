/**
 * NTLM (MS-NLMP), client and server: NTLMv2 with a MIC and channel bindings (Extended
 * Protection) by default, NTLMv1/LM only with `legacy`, session keys and sealing after
 * success. SASL-wise NTLM is client-first: the initial response is the NEGOTIATE_MESSAGE.
 *
 * @module saslkit/ntlm
 */
import { lazyServer } from '../../core/guard.js'
import type { Mechanism } from '../../core/types.js'
import { createNtlmClient, type NtlmClient, type NtlmClientOptions } from './client.js'
import { ntlmServerOptions, type NtlmServer, type NtlmServerOptions } from './server-options.js'

export type { NtlmClient, NtlmClientOptions } from './client.js'
export type { NtlmServer, NtlmServerOptions } from './server-options.js'
export { DEFAULT_TIMESTAMP_WINDOW_MS } from './server-options.js'
export { ntHash } from './crypto.js'
export type { NtlmSession } from './session.js'
export { AvId, NtlmFlags, avString, decodeNtlmMessage, ntlmFlagNames } from './messages.js'
export type { AvPair, NtlmAuthenticate, NtlmChallenge, NtlmMessage, NtlmNegotiate, NtlmVersion } from './messages.js'

/**
 * The NTLM mechanism descriptor, its factories typed to expose the session after success.
 *
 * @example
 * ```ts
 * const client: NtlmClient = ntlm.client({ username: 'tim', password: 'secret' })
 * ```
 */
export interface NtlmMechanism extends Mechanism<NtlmClientOptions, NtlmServerOptions> {
  client(options: NtlmClientOptions): NtlmClient
  server(options: NtlmServerOptions): NtlmServer
}

/**
 * The NTLM mechanism (MS-NLMP; SMTP use in MS-SMTPNTLM). Strength 40. Client-first: the
 * initial response is the NEGOTIATE_MESSAGE; a server that got none answers with an empty
 * challenge (Exchange: `334 NTLM supported`), and the client sends it then.
 *
 * @example
 * ```ts
 * const client = ntlm.client({ username: 'EXAMPLE\\tim', password: 'secret', targetName: 'smtp/mail.example.com' })
 * const server = ntlm.server({ credentials: (user) => (user === 'tim' ? { ntHash: ntHash('secret') } : undefined) })
 * let step = await server.next(await client.start())                 // CHALLENGE
 * if (step.type === 'challenge') step = await server.next(await client.next(step.challenge)) // success
 * ```
 */
export const ntlm: NtlmMechanism = {
  name: 'NTLM',
  traits: { clientFirst: true, plaintext: false, mutual: false, channelBinding: false, strength: 40, legacy: false },
  client: (options) => createNtlmClient(options),
  server: (options) => {
    const copy = ntlmServerOptions(options)
    let server: NtlmServer | undefined
    const lazy = lazyServer('NTLM', () => import('./server.js'), (module) => (server = module.createNtlmServer(copy)))
    // The session lives on the real server; not enumerable, as a getter on its class is not.
    return Object.defineProperty(lazy, 'session', { get: () => server?.session }) as NtlmServer
  },
}
