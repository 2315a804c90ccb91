/**
 * NTLM's cryptography (MS-NLMP §3.3, §3.4, §6): the one-way functions, NTLMv1/NTLMv2
 * responses, key exchange, the MIC and channel-binding hashes (session security: session.ts).
 */
import { hmacMd5, hmacMd5Keyed, md5 } from '../../crypto/md5.js'
import { SaslError } from '../../core/errors.js'
import { _work } from '../../core/work.js'
import type { ChannelBinding } from '../../core/types.js'
import { concatBytes } from '../../codec/bytes.js'
import { utf8Encode } from '../../codec/utf8.js'
import { md4 } from '../../crypto/md4.js'
import { rc4 } from '../../crypto/rc4.js'
import { MIC_OFFSET, utf16le } from './messages.js'

export { hmacMd5 }

/**
 * The NT hash, MS-NLMP §3.3.1 NTOWFv1: `MD4(UNICODE(password))`. It is what a server stores
 * for NTLM (StoredCredentials `ntHash`; Dovecot's `{NTLM}` scheme and smbpasswd hold it as hex).
 *
 * @example
 * ```ts
 * hexEncode(ntHash('Password')) // 'a4f49c406510bdcab6824ee7c30fd852' (MS-NLMP §4.2.2.1.2)
 * ```
 */
export function ntHash(password: string): Uint8Array {
  if (typeof password !== 'string') throw new SaslError('protocol-violation', 'ntHash: the password must be a string')
  return md4(utf16le(password))
}



/** Upper case per UTF-16 code unit, as Windows' RtlUpcaseUnicodeString (no 'ß' → 'SS'). */
export function upcase(text: string): string {
  let out = ''
  for (const unit of text.split('')) {
    const upper = unit.toUpperCase()
    out += upper.length === 1 ? upper : unit
  }
  return out
}

/** MS-NLMP §3.3.2 NTOWFv2 (= LMOWFv2): HMAC_MD5(NTOWFv1, UNICODE(Uppercase(User) || UserDom)). */
export function ntowfv2(ntHashValue: Uint8Array, user: string, domain: string): Uint8Array {
  return hmacMd5(ntHashValue, utf16le(upcase(user) + domain))
}

/**
 * MS-NLMP §3.3.2 `temp`: Responserversion 1, HiResponserversion 1, Z(6), Time, ClientChallenge,
 * Z(4), the AV pairs (ending in MsvAvEOL), Z(4).
 */
export function ntlmv2Blob(time: Uint8Array, clientChallenge: Uint8Array, avPairs: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([1, 1, 0, 0, 0, 0, 0, 0]), time, clientChallenge, new Uint8Array(4), avPairs, new Uint8Array(4))
}

/** Offsets inside the NTLMv2 blob (NTLMv2_CLIENT_CHALLENGE, MS-NLMP §2.2.2.7). */
export const BLOB_TIME = 8
export const BLOB_CLIENT_CHALLENGE = 16
export const BLOB_AV_PAIRS = 28

/**
 * MS-NLMP §3.3.2 ComputeResponse for NTLMv2: NTProofStr = HMAC_MD5(ResponseKeyNT,
 * ServerChallenge || temp), the NT response NTProofStr || temp, and
 * SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr).
 */
export function ntlmv2Response(responseKey: Uint8Array, serverChallenge: Uint8Array, blob: Uint8Array) {
  // Both MACs are under ResponseKeyNT: its pad states are computed once.
  const mac = hmacMd5Keyed(responseKey)
  const ntProofStr = mac(serverChallenge, blob)
  return { ntProofStr, ntChallengeResponse: concatBytes(ntProofStr, blob), sessionBaseKey: mac(ntProofStr) }
}

/** MS-NLMP §3.3.2 LMv2: HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge. */
export function lmv2Response(responseKey: Uint8Array, serverChallenge: Uint8Array, clientChallenge: Uint8Array): Uint8Array {
  return concatBytes(hmacMd5(responseKey, serverChallenge, clientChallenge), clientChallenge)
}



/** MS-NLMP §6 RC4K(K, D): a fresh RC4 stream for one encryption (key exchange). */
export const rc4k = (key: Uint8Array, data: Uint8Array): Uint8Array => rc4(key)(data)

/**
 * MsvAvChannelBindings (MS-NLMP §2.2.2.1, RFC 2743 §1.1.6): MD5 of a
 * gss_channel_bindings_struct with no addresses whose application data is
 * `"<type>:" || data` (RFC 5929 for tls-server-end-point, the only type Windows checks).
 */
export function channelBindingsHash(binding: ChannelBinding): Uint8Array {
  if (!(binding.data instanceof Uint8Array)) throw new SaslError('protocol-violation', 'NTLM: channel binding data must be bytes')
  const prefix = utf8Encode(`${binding.type}:`)
  const header = new Uint8Array(20)
  new DataView(header.buffer).setUint32(16, prefix.length + binding.data.length, true)
  return md5(header, prefix, binding.data)
}

const ZERO_MIC = /* @__PURE__ */ new Uint8Array(16)

/**
 * MS-NLMP §3.1.5.1.2: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE ||
 * AUTHENTICATE with the MIC field zeroed). The messages stream into the HMAC as they are.
 */
export function computeMic(exportedSessionKey: Uint8Array, negotiate: Uint8Array, challenge: Uint8Array, authenticate: Uint8Array): Uint8Array {
  const after = MIC_OFFSET + ZERO_MIC.length
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticate.subarray(0, MIC_OFFSET), ZERO_MIC, authenticate.subarray(after))
}
