/**
 * NTLM session security (MS-NLMP §3.4): the signing and sealing keys and GSS_WrapEx /
 * GSS_UnwrapEx. Its own module so that a client loads it with `finish()` and a bundle that
 * only logs in (SMTP, IMAP, a webmail) does not carry it up front; the server imports it.
 */
import { md5 } from '../../crypto/md5.js'
import { SaslError } from '../../core/errors.js'
import { concatBytes } from '../../codec/bytes.js'
import { constantTimeEqual } from '../../codec/equal.js'
import { utf8Encode } from '../../codec/utf8.js'
import { rc4 } from '../../crypto/rc4.js'
// hmacMd5 through crypto.ts, not md5.ts: esbuild chunks whole modules by the entry points that
// reach them, and without this edge crypto.ts (with MD4) would sit in a chunk apart from
// messages.ts (with RC4): one more chunk boundary in every NTLM bundle.
import { hmacMd5 } from './crypto.js'
import { NEGOTIATE_128, NEGOTIATE_56, NEGOTIATE_DATAGRAM, NEGOTIATE_EXTENDED_SESSIONSECURITY, NEGOTIATE_KEY_EXCH, NEGOTIATE_LM_KEY } from './messages.js'

const magic = (text: string): Uint8Array => utf8Encode(`session key to ${text} key magic constant\0`)

/** MS-NLMP §3.4.5.2 SIGNKEY (extended session security only). */
export function signKey(exportedSessionKey: Uint8Array, side: 'client' | 'server'): Uint8Array {
  return md5(exportedSessionKey, magic(side === 'client' ? 'client-to-server signing' : 'server-to-client signing'))
}

/** MS-NLMP §3.4.5.3 SEALKEY: key strength per NEGOTIATE_128/56, then the ESS or LM_KEY derivation. */
export function sealKey(exportedSessionKey: Uint8Array, flags: number, side: 'client' | 'server'): Uint8Array {
  if (flags & NEGOTIATE_EXTENDED_SESSIONSECURITY) {
    const length = flags & NEGOTIATE_128 ? 16 : flags & NEGOTIATE_56 ? 7 : 5
    return md5(exportedSessionKey.subarray(0, length), magic(side === 'client' ? 'client-to-server sealing' : 'server-to-client sealing'))
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
