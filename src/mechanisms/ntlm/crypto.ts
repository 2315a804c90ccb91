/**
 * NTLM's cryptography (MS-NLMP §3.3, §3.4, §6): the one-way functions, NTLMv1/NTLMv2
 * responses, key exchange, the MIC, channel-binding hashes and the session keys.
 */
import { hmacMd5 as hmacMd5Of, md5 } from '../../crypto/md5.js'
import { SaslError } from '../../core/errors.js'
import { _work } from '../../core/work.js'
import type { ChannelBinding } from '../../core/types.js'
import { concatBytes } from '../../codec/bytes.js'
import { constantTimeEqual } from '../../codec/equal.js'
import { utf8Encode } from '../../codec/utf8.js'
import { md4 } from '../../crypto/md4.js'
import { rc4 } from '../../crypto/rc4.js'
import {
  NEGOTIATE_128,
  NEGOTIATE_56,
  NEGOTIATE_DATAGRAM,
  NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NEGOTIATE_KEY_EXCH,
  NEGOTIATE_LM_KEY,
  utf16le,
} from './messages.js'

/** HMAC-MD5 of the concatenated parts. */
export const hmacMd5 = (key: Uint8Array, ...data: Uint8Array[]): Uint8Array => hmacMd5Of(key, concatBytes(...data))

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
  if (typeof password !== 'string') throw new SaslError('malformed-request', 'ntHash: the password must be a string')
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
  const ntProofStr = hmacMd5(responseKey, serverChallenge, blob)
  return { ntProofStr, ntChallengeResponse: concatBytes(ntProofStr, blob), sessionBaseKey: hmacMd5(responseKey, ntProofStr) }
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
  const application = concatBytes(utf8Encode(`${binding.type}:`), binding.data)
  const header = new Uint8Array(20)
  new DataView(header.buffer).setUint32(16, application.length, true)
  return md5(concatBytes(header, application))
}

/** MS-NLMP §3.1.5.1.2: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE(MIC zeroed)). */
export function computeMic(exportedSessionKey: Uint8Array, negotiate: Uint8Array, challenge: Uint8Array, authenticate: Uint8Array): Uint8Array {
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticate)
}

// ── session security (MS-NLMP §3.4) ──────────────────────────────────────────────────

const magic = (text: string): Uint8Array => utf8Encode(`session key to ${text} key magic constant\0`)

/** MS-NLMP §3.4.5.2 SIGNKEY (extended session security only). */
export function signKey(exportedSessionKey: Uint8Array, side: 'client' | 'server'): Uint8Array {
  return md5(concatBytes(exportedSessionKey, magic(side === 'client' ? 'client-to-server signing' : 'server-to-client signing')))
}

/** MS-NLMP §3.4.5.3 SEALKEY: key strength per NEGOTIATE_128/56, then the ESS or LM_KEY derivation. */
export function sealKey(exportedSessionKey: Uint8Array, flags: number, side: 'client' | 'server'): Uint8Array {
  if (flags & NEGOTIATE_EXTENDED_SESSIONSECURITY) {
    const length = flags & NEGOTIATE_128 ? 16 : flags & NEGOTIATE_56 ? 7 : 5
    return md5(concatBytes(exportedSessionKey.subarray(0, length), magic(side === 'client' ? 'client-to-server sealing' : 'server-to-client sealing')))
  }
  if (flags & (NEGOTIATE_LM_KEY | NEGOTIATE_DATAGRAM)) {
    return flags & NEGOTIATE_56
      ? concatBytes(exportedSessionKey.subarray(0, 7), new Uint8Array([0xa0]))
      : concatBytes(exportedSessionKey.subarray(0, 5), new Uint8Array([0xe5, 0x38, 0xb0]))
  }
  return exportedSessionKey.slice()
}

/** CRC-32 (ISO 3309, reflected, as zlib), for the NTLMv1 message signature (MS-NLMP §3.4.4.1). */
export function crc32(data: Uint8Array): number {
  let crc = ~0
  for (const byte of data) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

const u32le = (value: number): Uint8Array => {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value >>> 0, true)
  return out
}

/**
 * Session security after NTLM authentication (MS-NLMP §3.4): the four keys of §3.4.5 and
 * GSS_WrapEx / GSS_UnwrapEx (§3.4.4, §3.4.3: sealing with a message signature) over the
 * connection-oriented sequence numbers. Each side wraps with its own keys and unwraps
 * with the peer's.
 *
 * @example
 * ```ts
 * await client.finish()
 * const { sealed, signature } = client.session!.wrap(utf8Encode('hello'))
 * const plain = server.session!.unwrap(sealed, signature)
 * ```
 */
export interface NtlmSession {
  /** The negotiated flags the keys depend on. The four keys are non-enumerable: read them by name; printing the session never shows them. */
  readonly flags: number
  readonly clientSigningKey: Uint8Array
  readonly serverSigningKey: Uint8Array
  readonly clientSealingKey: Uint8Array
  readonly serverSealingKey: Uint8Array
  /** Seals a message and signs it (GSS_WrapEx with confidentiality). */
  wrap(message: Uint8Array): { sealed: Uint8Array; signature: Uint8Array }
  /** Unseals a message from the peer and checks its signature; a bad one is `malformed-request`. */
  unwrap(sealed: Uint8Array, signature: Uint8Array): Uint8Array
}

/** Builds the session of one side from the ExportedSessionKey and the negotiated flags. */
export function createSession(exportedSessionKey: Uint8Array, flags: number, side: 'client' | 'server'): NtlmSession {
  const ess = (flags & NEGOTIATE_EXTENDED_SESSIONSECURITY) !== 0
  const keyExchange = (flags & NEGOTIATE_KEY_EXCH) !== 0
  const clientSigningKey = ess ? signKey(exportedSessionKey, 'client') : new Uint8Array(0)
  const serverSigningKey = ess ? signKey(exportedSessionKey, 'server') : new Uint8Array(0)
  const clientSealingKey = sealKey(exportedSessionKey, flags, 'client')
  const serverSealingKey = sealKey(exportedSessionKey, flags, 'server')
  const clientHandle = rc4(clientSealingKey)
  // Without ESS both directions share one key, and one RC4 handle (MS-NLMP §3.4.5.3).
  const serverHandle = ess ? rc4(serverSealingKey) : clientHandle
  const mine = side === 'client' ? { handle: clientHandle, key: clientSigningKey } : { handle: serverHandle, key: serverSigningKey }
  const peer = side === 'client' ? { handle: serverHandle, key: serverSigningKey } : { handle: clientHandle, key: clientSigningKey }
  let sendSeq = 0
  let receiveSeq = 0

  // MS-NLMP §3.4.4: MAC(Handle, SigningKey, SeqNum, Message), called after the message was sealed.
  const mac = (handle: (d: Uint8Array) => Uint8Array, signingKey: Uint8Array, seq: number, message: Uint8Array): Uint8Array => {
    if (ess) {
      // §3.4.4.2: Version 1 || HMAC_MD5(SigningKey, SeqNum || Message)[0..7] (RC4-encrypted with KEY_EXCH) || SeqNum.
      let checksum = hmacMd5(signingKey, u32le(seq), message).subarray(0, 8)
      if (keyExchange) checksum = handle(checksum)
      return concatBytes(u32le(1), checksum, u32le(seq))
    }
    // §3.4.4.1: Version 1 || RandomPad || CRC32, each RC4-encrypted in turn, then SeqNum;
    // RandomPad is reset to 0 afterwards (the pseudocode; this is what Windows verifies).
    handle(new Uint8Array(4))
    const checksum = handle(u32le(crc32(message)))
    const encryptedSeq = handle(new Uint8Array(4))
    const seqNum = u32le(new DataView(encryptedSeq.buffer).getUint32(0, true) ^ seq)
    return concatBytes(u32le(1), new Uint8Array(4), checksum, seqNum)
  }

  const session = {
    flags,
    wrap(message: Uint8Array) {
      const sealed = mine.handle(message)
      const signature = mac(mine.handle, mine.key, sendSeq, message)
      sendSeq = (sendSeq + 1) >>> 0
      return { sealed, signature }
    },
    unwrap(sealed: Uint8Array, signature: Uint8Array) {
      const message = peer.handle(sealed)
      const expected = mac(peer.handle, peer.key, receiveSeq, message)
      receiveSeq = (receiveSeq + 1) >>> 0
      if (!constantTimeEqual(expected, signature)) throw new SaslError('malformed-request', 'NTLM: wrong message signature')
      return message
    },
  }
  // The keys are there by name but non-enumerable: printing or serialising a session never shows them.
  const hidden = (value: Uint8Array) => ({ value, enumerable: false })
  return Object.defineProperties(session, {
    clientSigningKey: hidden(clientSigningKey),
    serverSigningKey: hidden(serverSigningKey),
    clientSealingKey: hidden(clientSealingKey),
    serverSealingKey: hidden(serverSealingKey),
  }) as NtlmSession
}
