/**
 * The NTLM client (MS-NLMP §3.1): NEGOTIATE as the initial response, then the
 * AUTHENTICATE that answers the server's CHALLENGE. NTLMv2 with a MIC and channel bindings
 * by default; NTLMv1 (with or without extended session security) only with `legacy`.
 */
import { SaslError } from '../../core/errors.js'
import { ClientBase } from '../../core/guard.js'
import { optionalTyped, typedOption, textOption } from '../../core/options.js'
import type { ChannelBinding, ClientRandomOptions, SaslClient } from '../../core/types.js'
import { randomBytes } from '../../crypto/random.js'
import {
  channelBindingsHash,
  computeMic,
  lmv2Response,
  ntHash,
  ntlmv2Blob,
  ntlmv2Response,
  ntowfv2,
  rc4k,
} from './crypto.js'
import type { NtlmSession, createSession } from './session.js'
import {
  AV_CHANNEL_BINDINGS,
  AV_FLAGS,
  AV_FLAG_MIC_PRESENT,
  AV_TARGET_NAME,
  AV_TIMESTAMP,
  CLIENT_FLAGS,
  MIC_OFFSET,
  NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NEGOTIATE_KEY_EXCH,
  NEGOTIATE_LM_KEY,
  NEGOTIATE_OEM,
  NEGOTIATE_UNICODE,
  REQUEST_TARGET,
  avFlags,
  avValue,
  decodeNtlmMessageOfType,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
  fileTime,
  utf16le,
  type AvPair,
} from './messages.js'

/**
 * NTLM client options (API.md §3). Give `password` or `ntHash`.
 *
 * @example
 * ```ts
 * const options: NtlmClientOptions = {
 *   username: 'EXAMPLE\\tim', password: 'secret',
 *   targetName: 'smtp/mail.example.com',
 *   channelBinding: { type: 'tls-server-end-point', data: certificateHash },
 * }
 * ```
 */
export interface NtlmClientOptions extends ClientRandomOptions {
  /** The user; `DOMAIN\user` and `user@domain` also set the domain (unless `domain` is given). */
  readonly username: string
  readonly password?: string
  /** The NT hash (MD4 of the UTF-16LE password) instead of the password. */
  readonly ntHash?: Uint8Array
  /** The user's domain (UserDom); default from `username`, else empty. */
  readonly domain?: string
  /** This machine's name as sent in the AUTHENTICATE message; default empty. */
  readonly workstation?: string
  /** The service principal name for MsvAvTargetName, e.g. `smtp/mail.example.com`. */
  readonly targetName?: string
  /**
   * TLS channel binding for Extended Protection (MsvAvChannelBindings). Only
   * `tls-server-end-point` is meaningful to NTLM servers; other types are refused.
   */
  readonly channelBinding?: ChannelBinding
  /** Allow NTLMv1 (with extended session security when the server offers it) and LM. Weak: off by default. */
  readonly legacy?: boolean
  /** MS-NLMP ClientChallenge (8 bytes), for replaying vectors. */
  readonly clientChallenge?: Uint8Array
  /** MS-NLMP RandomSessionKey / ExportedSessionKey (16 bytes), for replaying vectors. */
  readonly exportedSessionKey?: Uint8Array
  /** Replaces the clock (the NTLMv2 blob's time when the server sent no timestamp). */
  readonly now?: () => Date
}

/**
 * An NTLM client: a SaslClient that, after `finish()`, carries the session security
 * of MS-NLMP §3.4 (keys, wrap/unwrap).
 *
 * @example
 * ```ts
 * const client = ntlm.client({ username: 'tim', password: 'secret' })
 * // …exchange…
 * await client.finish()
 * const { sealed, signature } = client.session!.wrap(data)
 * ```
 */
export interface NtlmClient extends SaslClient {
  /** Session security, available after `finish()`. */
  readonly session: NtlmSession | undefined
}

/** The session module once imported (an `import()` costs microseconds even for a loaded module), or importing; undefined again after a failed import. */
let sessionModule: Promise<typeof import('./session.js')> | undefined

/** Splits `DOMAIN\user` or `user@domain`. */
export function splitUsername(username: string): { user: string; domain: string | undefined } {
  const backslash = username.indexOf('\\')
  if (backslash >= 0) return { user: username.slice(backslash + 1), domain: username.slice(0, backslash) }
  const at = username.lastIndexOf('@')
  if (at > 0) return { user: username.slice(0, at), domain: username.slice(at + 1) }
  return { user: username, domain: undefined }
}

function copyBytes(value: Uint8Array | undefined, length: number, name: string): Uint8Array | undefined {
  if (value === undefined) return undefined
  if (!(value instanceof Uint8Array) || value.length !== length) throw new SaslError('protocol-violation', `NTLM: ${name} must be ${length} bytes`)
  return value.slice()
}

class NtlmClientImpl extends ClientBase implements NtlmClient {
  readonly mechanism = 'NTLM'
  readonly #user: string
  readonly #domain: string
  readonly #workstation: string
  readonly #ntHash: Uint8Array
  /** Kept only with `legacy`, for the LM hash, made in the second step with the DES code it needs. */
  readonly #legacyPassword: string | undefined
  readonly #targetName: string | undefined
  readonly #bindingHash: Uint8Array | undefined
  readonly #legacy: boolean
  readonly #random: (length: number) => Uint8Array
  readonly #now: () => Date
  readonly #clientChallenge: Uint8Array | undefined
  readonly #exportedSessionKey: Uint8Array | undefined
  #negotiate: Uint8Array | undefined
  /** After AUTHENTICATE: what the session keys derive from (MS-NLMP §3.4.5). */
  #sessionKey: { readonly exportedSessionKey: Uint8Array; readonly flags: number } | undefined
  /** Set by `finish()`, which loads the session module. */
  #createSession: typeof createSession | undefined
  #session: NtlmSession | undefined

  constructor(options: NtlmClientOptions) {
    super()
    // Decision 5: a missing or non-string option is the caller's mistake (protocol-violation);
    // an empty username or password is text the user typed (malformed-request).
    const split = splitUsername(textOption('NTLM', 'username', options.username))
    if (split.user === '') throw new SaslError('malformed-request', 'NTLM: empty username')
    optionalTyped('NTLM', options, ['domain', 'workstation', 'targetName'])
    optionalTyped('NTLM', options, ['random', 'now'], 'function')
    this.#user = split.user
    this.#domain = options.domain ?? split.domain ?? ''
    this.#workstation = options.workstation ?? ''
    const password = options.password === undefined ? '' : typedOption('NTLM', 'password', options.password)
    if (password !== '') {
      this.#ntHash = ntHash(password)
      this.#legacyPassword = options.legacy === true ? password : undefined
    } else if (options.ntHash !== undefined) {
      this.#ntHash = copyBytes(options.ntHash, 16, 'ntHash')!
      this.#legacyPassword = undefined
    } else {
      throw options.password === '' ? new SaslError('malformed-request', 'NTLM: empty password') : new SaslError('protocol-violation', 'NTLM: a password or ntHash is required')
    }
    this.#targetName = options.targetName
    if (options.channelBinding !== undefined) {
      // MS-NLMP §3.1.5.1.2 and [MS-NLMP] EPA: Windows binds to the server certificate (RFC 5929).
      if (options.channelBinding?.type !== 'tls-server-end-point') {
        throw new SaslError('protocol-violation', 'NTLM: channel binding must be tls-server-end-point')
      }
      this.#bindingHash = channelBindingsHash(options.channelBinding)
    }
    this.#legacy = options.legacy === true
    this.#random = options.random ?? randomBytes
    this.#now = options.now ?? (() => new Date())
    this.#clientChallenge = copyBytes(options.clientChallenge, 8, 'clientChallenge')
    this.#exportedSessionKey = copyBytes(options.exportedSessionKey, 16, 'exportedSessionKey')
  }

  /** MS-NLMP §3.4: derived on first use after `finish()` (most logins never seal a message), then kept. */
  get session(): NtlmSession | undefined {
    if (this.#session === undefined && this.#createSession !== undefined) this.#session = this.#createSession(this.#sessionKey!.exportedSessionKey, this.#sessionKey!.flags, 'client')
    return this.#session
  }

  protected onStart(): Uint8Array {
    this.#negotiate = encodeNegotiate({ flags: CLIENT_FLAGS })
    return this.#negotiate.slice()
  }

  protected override onNext(challenge: Uint8Array): Promise<Uint8Array> | Uint8Array {
    if (this.#sessionKey !== undefined) throw new SaslError('malformed-request', 'NTLM: unexpected challenge')
    // MS-SMTPNTLM §3.1.5.1: a server that got no initial response answers `334 NTLM supported`
    // (taken as an empty challenge); the NEGOTIATE_MESSAGE goes out then.
    if (challenge.length === 0) return this.#negotiate!.slice()
    return this.#authenticate(challenge)
  }

  protected override onFinish(additionalData: Uint8Array | undefined): Promise<void> {
    super.onFinish(additionalData)
    if (this.#sessionKey === undefined) throw new SaslError('protocol-violation', 'NTLM: finish() before AUTHENTICATE')
    // MS-NLMP §3.4: the session code loads with finish(), not up front: most logins never seal a message.
    return (sessionModule ??= import('./session.js')).then(
      (module) => {
        this.#createSession = module.createSession
      },
      (error: unknown) => {
        // Forgotten, so that the next client's finish() imports it again (a lost connection).
        sessionModule = undefined
        throw error
      },
    )
  }

  async #authenticate(challengeBytes: Uint8Array): Promise<Uint8Array> {
    const challenge = decodeNtlmMessageOfType(challengeBytes, 2)
    const serverChallenge = challenge.serverChallenge
    // MS-NLMP §3.1.5.1.2: keep what both sides support; the character set the server chose.
    let flags = (challenge.flags & CLIENT_FLAGS) | REQUEST_TARGET
    flags &= challenge.flags & NEGOTIATE_UNICODE ? ~NEGOTIATE_OEM : ~NEGOTIATE_UNICODE
    // ClientChallenge and a key-exchange ExportedSessionKey from one draw (each call has a fixed cost).
    const drawn = this.#clientChallenge === undefined || this.#exportedSessionKey === undefined ? copyBytes(this.#random(24), 24, 'random(24)')! : undefined
    const clientChallenge = this.#clientChallenge ?? drawn!.subarray(0, 8)
    const targetInfo = challenge.targetInfo ?? []
    let lmChallengeResponse: Uint8Array
    let ntChallengeResponse: Uint8Array
    let keyExchangeKey: Uint8Array
    let withMic = false
    if (!this.#legacy) {
      const responseKey = ntowfv2(this.#ntHash, this.#user, this.#domain)
      const serverTime = avValue(targetInfo, AV_TIMESTAMP)
      const pairs = this.#blobPairs(targetInfo)
      const blob = ntlmv2Blob(serverTime ?? fileTime(this.#now()), clientChallenge, encodeAvPairs(pairs))
      const v2 = ntlmv2Response(responseKey, serverChallenge, blob)
      ntChallengeResponse = v2.ntChallengeResponse
      // §3.1.5.1.2: with a server timestamp the LM response is Z(24); otherwise LMv2.
      lmChallengeResponse = serverTime !== undefined ? new Uint8Array(24) : lmv2Response(responseKey, serverChallenge, clientChallenge)
      keyExchangeKey = v2.sessionBaseKey // §3.4.5.1: KXKEY = SessionBaseKey for NTLMv2
      withMic = true
    } else {
      // NTLMv1 and LM: their DES code loads only now, for a client that asked for `legacy`.
      const { keyExchangeKeyV1, lmHash, ntlmv1Responses } = await import('./legacy.js')
      const lmHashValue = this.#legacyPassword === undefined ? undefined : lmHash(this.#legacyPassword)
      const ess = (flags & NEGOTIATE_EXTENDED_SESSIONSECURITY) !== 0
      if (ess) flags &= ~NEGOTIATE_LM_KEY
      const v1 = ntlmv1Responses(this.#ntHash, lmHashValue, serverChallenge, ess ? clientChallenge : undefined)
      ntChallengeResponse = v1.ntChallengeResponse
      lmChallengeResponse = v1.lmChallengeResponse
      keyExchangeKey = keyExchangeKeyV1(flags, v1.sessionBaseKey, lmHashValue, lmChallengeResponse, serverChallenge)
    }
    // §3.1.5.1.2: with KEY_EXCH a random ExportedSessionKey travels RC4-encrypted under KXKEY.
    let exportedSessionKey = keyExchangeKey
    let encryptedRandomSessionKey: Uint8Array = new Uint8Array(0)
    if (flags & NEGOTIATE_KEY_EXCH) {
      exportedSessionKey = this.#exportedSessionKey ?? drawn!.subarray(8)
      encryptedRandomSessionKey = rc4k(keyExchangeKey, exportedSessionKey)
    }
    const message = {
      flags,
      lmChallengeResponse,
      ntChallengeResponse,
      domain: this.#domain,
      userName: this.#user,
      workstation: this.#workstation,
      encryptedRandomSessionKey,
    }
    let authenticate: Uint8Array
    if (withMic) {
      // §3.1.5.1.2: the MIC covers all three messages with the MIC field zeroed.
      authenticate = encodeAuthenticate({ ...message, mic: new Uint8Array(16) })
      authenticate.set(computeMic(exportedSessionKey, this.#negotiate!, challengeBytes, authenticate), MIC_OFFSET)
    } else {
      authenticate = encodeAuthenticate(message)
    }
    this.#sessionKey = { exportedSessionKey, flags }
    return authenticate
  }

  /**
   * MS-NLMP §3.1.5.1.2: the server's AV pairs, then MsvAvFlags with "MIC present",
   * MsvAvChannelBindings (zeros without a binding, as Windows sends) and MsvAvTargetName.
   */
  #blobPairs(serverPairs: readonly AvPair[]): AvPair[] {
    const ours = new Set<number>([AV_FLAGS, AV_CHANNEL_BINDINGS, AV_TARGET_NAME])
    const pairs = serverPairs.filter((p) => !ours.has(p.id))
    const flagsValue = new Uint8Array(4)
    new DataView(flagsValue.buffer).setUint32(0, (avFlags(serverPairs) | AV_FLAG_MIC_PRESENT) >>> 0, true)
    pairs.push({ id: AV_FLAGS, value: flagsValue })
    pairs.push({ id: AV_CHANNEL_BINDINGS, value: this.#bindingHash ?? new Uint8Array(16) })
    if (this.#targetName !== undefined) pairs.push({ id: AV_TARGET_NAME, value: utf16le(this.#targetName) })
    return pairs
  }
}

/** Builds an NTLM client (see {@link NtlmClientOptions}). */
export function createNtlmClient(options: NtlmClientOptions): NtlmClient {
  // Copies first: a missing options object is then a missing option (decision 5).
  return new NtlmClientImpl({ ...options })
}
