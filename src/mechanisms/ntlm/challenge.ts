/**
 * Encoding the CHALLENGE_MESSAGE (MS-NLMP §2.2.1.2): only the NTLM server sends one.
 */
import { MessageBuilder, encodeAvPairs, encodeString, malformed, type NtlmChallenge } from './messages.js'

/**
 * Encodes a CHALLENGE_MESSAGE (56-byte header; payload: TargetName, then TargetInfo).
 *
 * @example
 * ```ts
 * const bytes = encodeChallenge({ type: 2, flags, serverChallenge, targetName: 'Server', targetInfo: [] })
 * ```
 */
export function encodeChallenge(m: Omit<NtlmChallenge, 'type'>): Uint8Array {
  if (m.serverChallenge.length !== 8) throw malformed('ServerChallenge must be 8 bytes')
  const b = new MessageBuilder(2)
  b.field(m.targetName === undefined ? undefined : encodeString(m.targetName, m.flags, 'target name'))
  b.header.u32le(m.flags >>> 0).bytes(m.serverChallenge).bytes(new Uint8Array(8))
  b.field(m.targetInfo === undefined ? undefined : encodeAvPairs(m.targetInfo))
  return b.version(m.version).finish()
}
