/**
 * The NTLM server's options, checked and copied when the server is made; the server itself
 * (server.ts) loads on its first step.
 */
import { SaslError } from '../../core/errors.js'
import { optionalTyped } from '../../core/options.js'
import type { ChannelBinding, SaslServer, ServerOptions } from '../../core/types.js'
import type { NtlmSession } from './session.js'

/**
 * Default tolerance between the NTLMv2 blob's time and the server clock: ±5 minutes.
 *
 * @example
 * ```ts
 * ntlm.server({ credentials, timestampWindowMs: 2 * DEFAULT_TIMESTAMP_WINDOW_MS })
 * ```
 */
export const DEFAULT_TIMESTAMP_WINDOW_MS = 5 * 60 * 1000

/**
 * NTLM server options (API.md §4). `credentials()` must give the user's `ntHash` (or a
 * plaintext `password`); it is called with `{ mechanism: 'NTLM', realm: domain }` when the
 * client named a domain.
 *
 * @example
 * ```ts
 * const options: NtlmServerOptions = {
 *   credentials: (user) => db.ntlmUser(user),          // { ntHash } | undefined
 *   netbiosDomain: 'EXAMPLE', dnsDomain: 'example.com', dnsComputer: 'mail.example.com',
 * }
 * ```
 */
export interface NtlmServerOptions extends ServerOptions {
  /** Accept NTLMv1 (with or without extended session security) and LM responses. Weak: off by default. */
  readonly legacy?: boolean
  /** MsvAvNbDomainName and the TargetName; default: the first label of `dnsDomain` upper-cased, or `WORKGROUP`. */
  readonly netbiosDomain?: string
  /** MsvAvNbComputerName; default: the first label of `dnsComputer` upper-cased, or `SERVER`. */
  readonly netbiosComputer?: string
  /** MsvAvDnsDomainName, sent when given. */
  readonly dnsDomain?: string
  /** MsvAvDnsComputerName, sent when given. */
  readonly dnsComputer?: string
  /**
   * How far the NTLMv2 response's time may be from the server clock, in ms; default
   * ±5 minutes. Conforming clients echo the server's own MsvAvTimestamp, so only the
   * round trip counts; `Infinity` turns the check off.
   */
  readonly timestampWindowMs?: number
  /** MS-NLMP ServerChallenge (8 bytes), for replaying vectors. */
  readonly serverChallenge?: Uint8Array
  /** Replaces `crypto.getRandomValues` (the server challenge). */
  readonly random?: (length: number) => Uint8Array
  /** Replaces the clock (MsvAvTimestamp, the timestamp check). */
  readonly now?: () => Date
}

/**
 * An NTLM server: a SaslServer that, after success, carries the session security of
 * MS-NLMP §3.4.
 *
 * @example
 * ```ts
 * const server = ntlm.server({ credentials })
 * // …exchange…
 * const plain = server.session!.unwrap(sealed, signature)
 * ```
 */
export interface NtlmServer extends SaslServer {
  /** Session security, available after success. */
  readonly session: NtlmSession | undefined
}

/** Checks the options that must fail at construction, and copies them. */
export function ntlmServerOptions(given: NtlmServerOptions): NtlmServerOptions {
  // Copies first: a missing options object is then a missing option (decision 5).
  const options = { ...given }
  if (options.credentials === undefined) throw new SaslError('protocol-violation', 'NTLM server needs credentials()')
  if (options.serverChallenge !== undefined && (!(options.serverChallenge instanceof Uint8Array) || options.serverChallenge.length !== 8)) {
    throw new SaslError('protocol-violation', 'NTLM: serverChallenge must be 8 bytes')
  }
  // Decision 5: names sent in the CHALLENGE are strings, never coerced to text.
  optionalTyped('NTLM', options, ['netbiosDomain', 'netbiosComputer', 'dnsDomain', 'dnsComputer'])
  optionalTyped('NTLM', options, ['random', 'now'], 'function')
  const window = options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS
  if (typeof window !== 'number' || Number.isNaN(window) || window < 0) throw new SaslError('protocol-violation', 'NTLM: timestampWindowMs must be 0 or more')
  // Copies of what the server reads later: the caller may reuse or change its options.
  const bindings: unknown = options.channel?.bindings ?? []
  // Decision 5: a list that is not an array, or a binding without bytes, is the caller's mistake.
  const binding = Array.isArray(bindings) ? (bindings as ChannelBinding[]).find((b) => b?.type === 'tls-server-end-point') : 0
  if (binding === 0 || (binding !== undefined && !(binding.data instanceof Uint8Array))) throw new SaslError('protocol-violation', 'NTLM: channel.bindings must be a list of { type, data }')
  const channel = { secure: options.channel?.secure === true, bindings: binding === undefined ? [] : [{ type: binding.type, data: new Uint8Array(binding.data) }] }
  // Object.assign: on V8 a spread followed by new keys gives every copy a hidden class of its own.
  const serverChallenge = options.serverChallenge?.slice()
  return Object.assign({}, options, serverChallenge === undefined ? { timestampWindowMs: window, channel } : { timestampWindowMs: window, channel, serverChallenge })
}
