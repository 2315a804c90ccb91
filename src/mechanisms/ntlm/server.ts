/**
 * The NTLM server (MS-NLMP §3.2): answers NEGOTIATE with a CHALLENGE (fresh server
 * challenge, target info with a timestamp), then verifies the AUTHENTICATE: the NTLMv2
 * proof against the stored NT hash, the timestamp, the MIC and channel bindings.
 * NTLMv1 and LM are refused unless `legacy` allows them. Loaded on its first step by
 * `ntlm.server()`.
 */
import { SaslError } from '../../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, concludeAuthentication, lookupCredentials, notAuthorized } from '../../core/server.js'
import type { ChannelBinding, StoredCredentials } from '../../core/types.js'
import { hmacMd5Keyed, md5 } from '../../crypto/md5.js'
import { constantTimeEqual } from '../../codec/equal.js'
import { randomBytes } from '../../crypto/random.js'
import {
  BLOB_AV_PAIRS,
  BLOB_TIME,
  channelBindingsHash,
  computeMic,
  ntHash,
  ntowfv2,
  rc4k,
} from './crypto.js'
import { createSession, type NtlmSession } from './session.js'
import { md4 } from '../../crypto/md4.js'
import { encodeChallenge, fileTimeToMs } from './challenge.js'
import { desl, keyExchangeKeyV1, lmHash } from './legacy.js'
import {
  AV_CHANNEL_BINDINGS,
  AV_DNS_COMPUTER_NAME,
  AV_DNS_DOMAIN_NAME,
  AV_FLAG_MIC_PRESENT,
  AV_NB_COMPUTER_NAME,
  AV_NB_DOMAIN_NAME,
  AV_TARGET_NAME,
  AV_TIMESTAMP,
  NEGOTIATE_128,
  NEGOTIATE_56,
  NEGOTIATE_ALWAYS_SIGN,
  NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NEGOTIATE_KEY_EXCH,
  NEGOTIATE_NTLM,
  NEGOTIATE_OEM,
  NEGOTIATE_SEAL,
  NEGOTIATE_SIGN,
  NEGOTIATE_TARGET_INFO,
  NEGOTIATE_UNICODE,
  REQUEST_TARGET,
  TARGET_TYPE_DOMAIN,
  avFlags,
  avString,
  avValue,
  decodeAvPairs,
  decodeNtlmMessageOfType,
  fileTime,
  utf16le,
  type AvPair,
  type NtlmAuthenticate,
} from './messages.js'
import { DEFAULT_TIMESTAMP_WINDOW_MS, type NtlmServer, type NtlmServerOptions } from './server-options.js'

const DUMMY_PASSWORD = 'saslkit-ntlm-unknown-user'
const NTLMV2_MIN_RESPONSE = 16 + BLOB_AV_PAIRS + 4

/** Flags the server echoes when the client asks for them (MS-NLMP §3.2.5.1.1). */
const ECHOED_FLAGS =
  NEGOTIATE_SIGN |
  NEGOTIATE_SEAL |
  NEGOTIATE_ALWAYS_SIGN |
  NEGOTIATE_EXTENDED_SESSIONSECURITY |
  NEGOTIATE_128 |
  NEGOTIATE_KEY_EXCH |
  NEGOTIATE_56

const firstLabel = (name: string | undefined): string | undefined => (name === undefined ? undefined : name.split('.')[0]!.toUpperCase())

type Verdict =
  | { ok: true; kind: 'NTLMv2' | 'NTLMv1' | 'NTLMv1-ESS' | 'LM'; keyExchangeKey: Uint8Array; pairs: readonly AvPair[]; time?: number }
  | { ok: false; reason: string }

class NtlmServerImpl extends ServerBase implements NtlmServer {
  readonly mechanism = 'NTLM'
  readonly #options: NtlmServerOptions
  readonly #random: (length: number) => Uint8Array
  readonly #now: () => Date
  readonly #window: number
  #negotiate: Uint8Array | undefined
  #challenge: Uint8Array | undefined
  #challengeFlags = 0
  #serverChallenge: Uint8Array | undefined
  /** After success: what the session keys derive from, until the session is first asked for. */
  #sessionKey: { readonly exportedSessionKey: Uint8Array; readonly flags: number } | undefined
  #session: NtlmSession | undefined
  /** The channel's tls-server-end-point binding, copied: the caller may reuse its options. */
  readonly #binding: ChannelBinding | undefined

  /** `options` is the descriptor's checked copy (see ntlmServerOptions). */
  constructor(options: NtlmServerOptions) {
    super(options)
    this.#options = options
    this.#random = options.random ?? randomBytes
    this.#now = options.now ?? (() => new Date())
    this.#window = options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS
    // Copied by the descriptor (ntlmServerOptions): the caller may reuse its options.
    this.#binding = options.channel?.bindings?.find((b) => b.type === 'tls-server-end-point')
  }

  /** MS-NLMP §3.4: derived on first use (most logins never seal a message), then kept. */
  get session(): NtlmSession | undefined {
    if (this.#session === undefined && this.#sessionKey !== undefined) {
      this.#session = createSession(this.#sessionKey.exportedSessionKey, this.#sessionKey.flags, 'server')
      this.#sessionKey = undefined
    }
    return this.#session
  }

  protected async onNext(response: Uint8Array | undefined): Promise<ServerOutcome> {
    if (this.#challenge === undefined) {
      // RFC 4422 §5 / MS-SMTPNTLM §3.2.5.1: no initial response: ask for the NEGOTIATE_MESSAGE.
      if (response === undefined) return { type: 'challenge', challenge: new Uint8Array(0) }
      return { type: 'challenge', challenge: this.#makeChallenge(response) }
    }
    return this.#verify(response!)
  }

  /** MS-NLMP §3.2.5.1.1: the CHALLENGE_MESSAGE. */
  #makeChallenge(negotiateBytes: Uint8Array): Uint8Array {
    const negotiate = decodeNtlmMessageOfType(negotiateBytes, 1)
    const asked = negotiate.flags
    let flags = NEGOTIATE_NTLM | NEGOTIATE_TARGET_INFO | (asked & ECHOED_FLAGS)
    flags |= asked & NEGOTIATE_UNICODE ? NEGOTIATE_UNICODE : NEGOTIATE_OEM
    const o = this.#options
    const netbiosDomain = o.netbiosDomain ?? firstLabel(o.dnsDomain) ?? 'WORKGROUP'
    const netbiosComputer = o.netbiosComputer ?? firstLabel(o.dnsComputer) ?? 'SERVER'
    if (asked & REQUEST_TARGET) flags |= REQUEST_TARGET | TARGET_TYPE_DOMAIN
    // MS-NLMP §2.2.2.1: NbDomainName and NbComputerName MUST be present; Windows sends DNS names and a timestamp.
    const targetInfo: AvPair[] = [
      { id: AV_NB_DOMAIN_NAME, value: utf16le(netbiosDomain) },
      { id: AV_NB_COMPUTER_NAME, value: utf16le(netbiosComputer) },
    ]
    if (o.dnsDomain !== undefined) targetInfo.push({ id: AV_DNS_DOMAIN_NAME, value: utf16le(o.dnsDomain) })
    if (o.dnsComputer !== undefined) targetInfo.push({ id: AV_DNS_COMPUTER_NAME, value: utf16le(o.dnsComputer) })
    targetInfo.push({ id: AV_TIMESTAMP, value: fileTime(this.#now()) })
    const serverChallenge = o.serverChallenge?.slice() ?? this.#random(8)
    if (!(serverChallenge instanceof Uint8Array) || serverChallenge.length !== 8) throw new SaslError('temporary-auth-failure', 'NTLM: random() gave no 8-byte challenge')
    const challenge = encodeChallenge({
      flags,
      serverChallenge,
      ...(flags & REQUEST_TARGET ? { targetName: netbiosDomain } : {}),
      targetInfo,
    })
    this.#negotiate = negotiateBytes.slice()
    this.#challenge = challenge
    this.#challengeFlags = flags
    this.#serverChallenge = serverChallenge
    return challenge.slice()
  }

  /** MS-NLMP §3.2.5.1.2: the AUTHENTICATE_MESSAGE. */
  async #verify(authenticateBytes: Uint8Array): Promise<ServerOutcome> {
    const auth = decodeNtlmMessageOfType(authenticateBytes, 3)
    const nt = auth.ntChallengeResponse
    const lm = auth.lmChallengeResponse
    if (auth.userName === '') return { type: 'failure', error: notAuthorized('anonymous') }
    checkIdentityLength(auth.userName, 'user name')
    checkIdentityLength(auth.domain, 'domain')
    const kind = nt.length > 24 ? 'NTLMv2' : nt.length === 24 ? 'NTLMv1' : nt.length === 0 && lm.length === 24 ? 'LM' : undefined
    if (kind === undefined) throw new SaslError('malformed-request', 'NTLM: unrecognised response lengths')
    if (kind === 'NTLMv2' && nt.length < NTLMV2_MIN_RESPONSE) throw new SaslError('malformed-request', 'NTLM: NTLMv2 response too short')
    if (kind !== 'NTLMv2' && this.#options.legacy !== true) {
      return { type: 'failure', error: new SaslError('mechanism-too-weak', 'NTLM: NTLMv2 is required', { reason: 'ntlmv1-refused' }) }
    }
    const flags = auth.flags & this.#challengeFlags
    if (flags & NEGOTIATE_KEY_EXCH && auth.encryptedRandomSessionKey.length !== 16) {
      throw new SaslError('malformed-request', 'NTLM: EncryptedRandomSessionKey must be 16 bytes')
    }

    const stored = await lookupCredentials(this.#options, auth.userName, this.mechanism, auth.domain === '' ? undefined : auth.domain)
    const secret = storedSecret(stored)
    // Unknown users and users without NTLM credentials take the same path with a dummy hash.
    const verdict = kind === 'NTLMv2' ? this.#verifyV2(auth, secret.ntHash) : this.#verifyV1(auth, secret, flags, kind)
    if (stored === undefined) return { type: 'failure', error: notAuthorized('unknown-user') }
    if (!secret.usable) return { type: 'failure', error: notAuthorized('no-usable-credentials') }
    if (!verdict.ok) return { type: 'failure', error: notAuthorized(verdict.reason) }

    // The proof checks out; what follows refuses a replayed, tampered or relayed message.
    if (verdict.time !== undefined && Math.abs(this.#now().getTime() - verdict.time) > this.#window) {
      return { type: 'failure', error: notAuthorized('stale-timestamp') }
    }
    const exportedSessionKey =
      flags & NEGOTIATE_KEY_EXCH ? rc4k(verdict.keyExchangeKey, auth.encryptedRandomSessionKey) : verdict.keyExchangeKey
    let micChecked = false
    if (avFlags(verdict.pairs) & AV_FLAG_MIC_PRESENT) {
      if (auth.mic === undefined) throw new SaslError('malformed-request', 'NTLM: MsvAvFlags announces a MIC the message lacks')
      const expected = computeMic(exportedSessionKey, this.#negotiate!, this.#challenge!, authenticateBytes)
      if (!constantTimeEqual(expected, auth.mic)) return { type: 'failure', error: notAuthorized('mic-mismatch') }
      micChecked = true
    }
    let channelBindingsChecked = false
    const binding = this.#binding
    if (binding !== undefined) {
      const sent = avValue(verdict.pairs, AV_CHANNEL_BINDINGS)
      if (sent === undefined || sent.every((b) => b === 0)) {
        // An unbound response (NTLMv1, or a client without Extended Protection) passes only with `legacy`.
        if (this.#options.legacy !== true) return { type: 'failure', error: notAuthorized('channel-bindings-missing') }
      } else {
        if (!constantTimeEqual(sent, channelBindingsHash(binding))) return { type: 'failure', error: notAuthorized('channel-bindings-mismatch') }
        channelBindingsChecked = true
      }
    }

    const targetName = avString(verdict.pairs, AV_TARGET_NAME)
    const details: Record<string, unknown> = {
      domain: auth.domain,
      workstation: auth.workstation,
      response: verdict.kind,
      micChecked,
      channelBindingsChecked,
      ...(targetName === undefined ? {} : { targetName }),
    }
    const step = await concludeAuthentication(this.#options, this.mechanism, auth.userName, '', stored, details, { exportedSessionKey })
    if (step.type === 'success') this.#sessionKey = { exportedSessionKey, flags }
    return step
  }

  /** MS-NLMP §3.3.2: NTProofStr over the client's blob; the blob's time and AV pairs are returned. */
  #verifyV2(auth: NtlmAuthenticate, secret: Uint8Array): Verdict {
    const blob = auth.ntChallengeResponse.subarray(16)
    if (blob[0] !== 1 || blob[1] !== 1) throw new SaslError('malformed-request', 'NTLM: unknown NTLMv2 response version')
    const { pairs } = decodeAvPairs(blob.subarray(BLOB_AV_PAIRS), 'NTLMv2 blob')
    // MS-NLMP §3.3.2: NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp), then
    // SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr), both from one keyed state (the
    // server needs neither the concatenated NT response nor a SessionBaseKey for a wrong proof).
    const mac = hmacMd5Keyed(ntowfv2(secret, auth.userName, auth.domain))
    const ntProofStr = mac(this.#serverChallenge!, blob)
    if (!constantTimeEqual(ntProofStr, auth.ntChallengeResponse.subarray(0, 16))) return { ok: false, reason: 'wrong-password' }
    return { ok: true, kind: 'NTLMv2', keyExchangeKey: mac(ntProofStr), pairs, time: fileTimeToMs(blob.subarray(BLOB_TIME, BLOB_TIME + 8)) }
  }

  /** MS-NLMP §3.3.1: NTLMv1 (DESL of the server challenge, or with ESS of MD5(challenges)), or LM. */
  #verifyV1(auth: NtlmAuthenticate, secret: StoredSecret, flags: number, kind: 'NTLMv1' | 'LM'): Verdict {
    const serverChallenge = this.#serverChallenge!
    const lm = auth.lmChallengeResponse
    const ess = (flags & NEGOTIATE_EXTENDED_SESSIONSECURITY) !== 0 && lm.length >= 8
    let ok: boolean
    if (kind === 'LM') {
      ok = secret.lmHash !== undefined && constantTimeEqual(desl(secret.lmHash, serverChallenge), lm)
    } else {
      const data = ess ? md5(serverChallenge, lm.subarray(0, 8)).subarray(0, 8) : serverChallenge
      ok = constantTimeEqual(desl(secret.ntHash, data), auth.ntChallengeResponse)
    }
    if (!ok) return { ok: false, reason: 'wrong-password' }
    // §3.4.5.1: the server never offers LM_KEY or NON_NT_SESSION_KEY, so KXKEY needs no LM hash.
    const keyExchangeKey = keyExchangeKeyV1(flags, md4(secret.ntHash), undefined, lm, serverChallenge)
    return { ok: true, kind: kind === 'LM' ? 'LM' : ess ? 'NTLMv1-ESS' : 'NTLMv1', keyExchangeKey, pairs: [] }
  }
}

interface StoredSecret {
  readonly ntHash: Uint8Array
  /** Only with a plaintext password. */
  readonly lmHash: Uint8Array | undefined
  readonly usable: boolean
}

/**
 * The NT hash to verify with: the stored one, else from the plaintext password, else from a
 * dummy. The NT hash of a password (the stored one, or the dummy) is computed on every
 * attempt, so that every storage form and an unknown user cost the same work.
 */
function storedSecret(stored: StoredCredentials | undefined): StoredSecret {
  const plaintext = typeof stored?.password === 'string' ? stored.password : undefined
  const derived = ntHash(plaintext ?? DUMMY_PASSWORD)
  if (stored?.ntHash instanceof Uint8Array && stored.ntHash.length === 16) return { ntHash: stored.ntHash, lmHash: undefined, usable: true }
  if (plaintext !== undefined) return { ntHash: derived, lmHash: lmHash(plaintext), usable: true }
  return { ntHash: derived, lmHash: undefined, usable: false }
}

/** Builds an NTLM server (see {@link NtlmServerOptions}). */
export function createNtlmServer(options: NtlmServerOptions): NtlmServer {
  return new NtlmServerImpl(options)
}
