/**
 * NTLMv1 and LM (MS-NLMP §3.3.1, §3.4.5.1), the DES-based responses saslkit speaks only with
 * `legacy: true`. The client loads this module (and DES with it) only then, in its second step;
 * the server, which may meet a legacy client, imports it directly.
 */
import { SaslError } from '../../core/errors.js'
import { concatBytes } from '../../codec/bytes.js'
import { utf8Encode } from '../../codec/utf8.js'
import { desEncrypt7 } from '../../crypto/des.js'
import { md4 } from '../../crypto/md4.js'
import { md5 } from '../../crypto/md5.js'
import { hmacMd5 } from './crypto.js'
import { NEGOTIATE_EXTENDED_SESSIONSECURITY, NEGOTIATE_LM_KEY, REQUEST_NON_NT_SESSION_KEY } from './messages.js'

/**
 * MS-NLMP §3.3.1 LMOWFv1: the password upper-cased, as OEM bytes, cut or padded to 14,
 * each half DES-encrypting "KGS!@#$%". `undefined` when the password has characters
 * outside ISO-8859-1 (no OEM form) or is longer than 14: such passwords have no LM hash.
 */
export function lmHash(password: string): Uint8Array | undefined {
  const upper = password.toUpperCase()
  if (upper.length > 14 || /[^\u0000-\u00ff]/.test(upper)) return undefined
  const key = new Uint8Array(14)
  for (let i = 0; i < upper.length; i++) key[i] = upper.charCodeAt(i)
  const magic = utf8Encode('KGS!@#$%')
  return concatBytes(desEncrypt7(key.subarray(0, 7), magic), desEncrypt7(key.subarray(7), magic))
}

/** MS-NLMP §6 DESL(K, D): three DES encryptions of D with K cut into 7, 7 and 2+Z(5) bytes. */
export function desl(key: Uint8Array, data: Uint8Array): Uint8Array {
  const third = new Uint8Array(7)
  third.set(key.subarray(14, 16))
  return concatBytes(desEncrypt7(key.subarray(0, 7), data), desEncrypt7(key.subarray(7, 14), data), desEncrypt7(third, data))
}

/**
 * MS-NLMP §3.3.1 ComputeResponse for NTLMv1. With extended session security (ESS) the NT
 * response signs MD5(ServerChallenge || ClientChallenge)[0..7] and the LM field carries
 * ClientChallenge || Z(16); without it, the LM response is DESL(LMOWFv1, ServerChallenge),
 * or a copy of the NT response when the password has no LM hash ("NoLMResponseNTLMv1").
 */
export function ntlmv1Responses(
  ntHashValue: Uint8Array,
  lmHashValue: Uint8Array | undefined,
  serverChallenge: Uint8Array,
  essClientChallenge: Uint8Array | undefined,
) {
  const sessionBaseKey = md4(ntHashValue)
  if (essClientChallenge !== undefined) {
    const digest = md5(concatBytes(serverChallenge, essClientChallenge)).subarray(0, 8)
    return { ntChallengeResponse: desl(ntHashValue, digest), lmChallengeResponse: concatBytes(essClientChallenge, new Uint8Array(16)), sessionBaseKey }
  }
  const ntChallengeResponse = desl(ntHashValue, serverChallenge)
  const lmChallengeResponse = lmHashValue === undefined ? ntChallengeResponse.slice() : desl(lmHashValue, serverChallenge)
  return { ntChallengeResponse, lmChallengeResponse, sessionBaseKey }
}

/**
 * MS-NLMP §3.4.5.1 KXKEY for NTLMv1 (NTLMv2 uses the SessionBaseKey itself). `lmHashValue`
 * is needed only for NEGOTIATE_LM_KEY and REQUEST_NON_NT_SESSION_KEY.
 */
export function keyExchangeKeyV1(
  flags: number,
  sessionBaseKey: Uint8Array,
  lmHashValue: Uint8Array | undefined,
  lmChallengeResponse: Uint8Array,
  serverChallenge: Uint8Array,
): Uint8Array {
  if (flags & NEGOTIATE_EXTENDED_SESSIONSECURITY) return hmacMd5(sessionBaseKey, serverChallenge, lmChallengeResponse.subarray(0, 8))
  if (flags & (NEGOTIATE_LM_KEY | REQUEST_NON_NT_SESSION_KEY)) {
    if (lmHashValue === undefined) throw new SaslError('mechanism-too-weak', 'NTLM: the negotiated key needs an LM hash')
    if (flags & NEGOTIATE_LM_KEY) {
      const data = lmChallengeResponse.subarray(0, 8)
      const second = new Uint8Array(7).fill(0xbd)
      second[0] = lmHashValue[7]!
      return concatBytes(desEncrypt7(lmHashValue.subarray(0, 7), data), desEncrypt7(second, data))
    }
    return concatBytes(lmHashValue.subarray(0, 8), new Uint8Array(8))
  }
  return sessionBaseKey
}
