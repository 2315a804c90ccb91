/**
 * What only the NTLM server needs of the message layer, kept out of the client's bundle:
 * encoding the CHALLENGE_MESSAGE (MS-NLMP §2.2.1.2) and reading the client's FILETIME.
 */
import { FILETIME_EPOCH_MS, MessageBuilder, encodeAvPairs, encodeString, malformed, type NtlmChallenge } from './messages.js'

/** Milliseconds since 1970 of a FILETIME (MS-NLMP §2.2.2.1 MsvAvTimestamp, the NTLMv2 blob's time). */
export function fileTimeToMs(bytes: Uint8Array): number {
  const ticks = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)
  return Number(ticks / 10000n) - FILETIME_EPOCH_MS
}

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
