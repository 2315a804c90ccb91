/**
 * The SCRAM server (RFC 5802 §5, §7), loaded on its first step by the SCRAM descriptors'
 * `server()`.
 */
import { SaslError, type SaslErrorCode } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, concludeAuthentication, lookupCredentials } from '../core/server.js'
import type { ChannelBinding, ScramStoredKeys, StoredCredentials } from '../core/types.js'
import { base64Decode, base64Encode } from '../codec/base64.js'
import { concatBytes } from '../codec/bytes.js'
import { constantTimeEqual } from '../codec/equal.js'
import type { Gs2Header } from '../codec/gs2.js'
import { parseGs2Header, unescapeSaslname } from '../codec/gs2-parse.js'
import { saslprepLazily } from '../codec/saslprep-ascii.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { _work } from '../core/work.js'
import { padStates, type NobleBlockHash } from '../crypto/hmac.js'
import { SCRAM_SALT_BYTES, SHA256, digestOf, hmacOf, keysOf, saltPassword, xorBytes } from '../crypto/scram-keys.js'
import { checkNonce, makeNonce, malformed, readAttributes, type ScramServerConfig, type ScramVariant } from './scram-common.js'

/** A server failure with its RFC 5802 `e=` value, sent as the failure's additional data. */
function refuse(code: SaslErrorCode, message: string, serverError: string, reason?: string): SaslError {
  return new SaslError(code, `SCRAM: ${message}`, reason === undefined ? { details: { serverError } } : { details: { serverError }, reason })
}

/** The `e=` value for an error raised without one (a parse, decoding or callback failure). */
function serverErrorOf(error: SaslError): string {
  const given = error.details?.['serverError']
  if (typeof given === 'string') return given
  return error.code === 'incorrect-encoding' ? 'invalid-encoding' : 'other-error'
}

interface ServerRecord {
  readonly salt: Uint8Array
  readonly iterations: number
  readonly storedKey: Uint8Array
  readonly serverKey: Uint8Array
  /** Set when the proof must fail whatever it is: why, for the log. */
  readonly refusal?: string
}

/**
 * What client-final needs, and nothing more (an in-flight exchange waits here while its client
 * runs PBKDF2). `messages` is the GS2 header, then AuthMessage's first two parts with the comma
 * after each; the offsets find the header's end and the nonce in it.
 */
interface PendingFinal {
  readonly messages: string
  readonly headerEnd: number
  readonly nonceStart: number
  readonly nonceEnd: number
  readonly binding: ChannelBinding | undefined
  readonly username: string
  readonly authzid: string
  readonly stored: StoredCredentials | undefined
  readonly storedKey: Uint8Array
  readonly serverKey: Uint8Array
  readonly refusal: string | undefined
}

/**
 * HMAC under one key for many messages, from the key's precomputed pad states (hmac.ts). Here,
 * beside its one user, so that the client bundle (which shares hmac.ts) does not carry it.
 */
function keyedHmac(hash: NobleBlockHash, key: Uint8Array): (message: Uint8Array) => Uint8Array {
  const { inner, outer } = padStates(hash, key)
  return (message) => outer.clone().update(inner.clone().update(message).digest()).digest()
}

/** The fake salt's HMAC-SHA-256 keyed with each configured secret once (the secret's bytes are shared by its servers). */
const saltKeys = /* @__PURE__ */ new WeakMap<Uint8Array, (message: Uint8Array) => Uint8Array>()

/**
 * The fake record's keys: no proof matches them (H(ClientKey) would have to be all zeros), and
 * the record is refused anyway; one array per length, shared.
 */
const fakeKeys: Record<number, Uint8Array> = {}

export class ScramServerImpl extends ServerBase {
  readonly mechanism: string
  readonly #variant: ScramVariant
  readonly #config: ScramServerConfig
  #pending: PendingFinal | undefined

  /** `config` is what the descriptor checked and copied at construction. */
  constructor(variant: ScramVariant, name: string, config: ScramServerConfig) {
    super(config)
    this.mechanism = name
    this.#variant = variant
    this.#config = config
  }

  protected async onNext(response: Uint8Array | undefined, first: boolean): Promise<ServerOutcome> {
    // No initial response: RFC 4422 §5, send an empty challenge and wait for client-first.
    if (first && response === undefined) return { type: 'challenge', challenge: new Uint8Array(0) }
    try {
      const pending = this.#pending
      if (pending === undefined) return await this.#answerClientFirst(response!)
      // client-final ends the exchange either way: the stored keys and credentials go now.
      this.#pending = undefined
      return await this.#answerClientFinal(pending, response!)
    } catch (error) {
      if (!(error instanceof SaslError)) throw error
      // RFC 5802 §7: the failure carries server-error = "e=" server-error-value.
      return { type: 'failure', error, additionalData: utf8Encode(`e=${serverErrorOf(error)}`) }
    }
  }

  async #answerClientFirst(message: Uint8Array): Promise<ServerOutcome> {
    const text = utf8Decode(message)
    const { header, text: gs2Header, rest: clientFirstBare } = parseGs2Header(text)
    const binding = this.#checkBindingFlag(header)
    if (clientFirstBare.startsWith('m=')) throw refuse('malformed-request', 'mandatory extension not supported', 'extensions-not-supported')
    const [escapedUsername, clientNonce] = readAttributes(clientFirstBare, ['n', 'r']) as [string, string]
    checkNonce(clientNonce, 'client')
    const username = await this.#prepareUsername(escapedUsername)
    const authzid = header.authzid ?? ''
    checkIdentityLength(authzid, 'authzid')

    const config = this.#config
    const stored = await lookupCredentials(config, username, this.mechanism)
    const record = await this.#recordFor(username, stored)
    const nonce = clientNonce + makeNonce(config.nonce, config.random)
    const serverFirst = `r=${nonce},s=${base64Encode(record.salt)},i=${record.iterations}`
    // One flat string (join, not +, which would keep the parts alive in a rope) with offsets into it.
    const messages = [gs2Header, clientFirstBare, ',', serverFirst, ','].join('')
    const nonceStart = gs2Header.length + clientFirstBare.length + 3 // after `,r=`
    this.#pending = {
      messages,
      headerEnd: gs2Header.length,
      nonceStart,
      nonceEnd: nonceStart + nonce.length,
      binding,
      username,
      authzid,
      stored,
      storedKey: record.storedKey,
      serverKey: record.serverKey,
      refusal: record.refusal,
    }
    return { type: 'challenge', challenge: utf8Encode(serverFirst) }
  }

  /** RFC 5802 §6: the channel-binding flag against what this server and variant can do. */
  #checkBindingFlag(header: Gs2Header): ChannelBinding | undefined {
    if (this.#variant.plus) {
      if (header.flag !== 'p') throw refuse('not-authorized', 'a -PLUS mechanism without channel binding', 'channel-bindings-dont-match', 'channel-binding-missing')
      if (this.#config.bindings.length === 0) throw refuse('not-authorized', 'no channel binding on this connection', 'channel-binding-not-supported', 'channel-binding-unavailable')
      const binding = this.#config.bindings.find((b) => b.type === header.cbType)
      if (binding === undefined) throw refuse('not-authorized', 'unsupported channel-binding type', 'unsupported-channel-binding-type', 'channel-binding-type')
      return binding
    }
    if (header.flag === 'p') throw refuse('malformed-request', 'channel binding requested on a mechanism without -PLUS', 'channel-binding-not-supported')
    // RFC 5802 §6: "y" from a client while this server supports binding means -PLUS was stripped from the offer.
    if (header.flag === 'y' && this.#config.bindings.length > 0) {
      throw refuse('not-authorized', 'downgrade: the client could bind but saw no -PLUS offer', 'server-does-support-channel-binding', 'downgrade')
    }
    return undefined
  }

  async #prepareUsername(escaped: string): Promise<string> {
    let username: string
    try {
      username = unescapeSaslname(escaped)
      checkIdentityLength(username, 'username')
      // RFC 5802 §5.1: the server prepares the username with SASLprep, as a query string.
      username = await saslprepLazily(username)
    } catch (error) {
      if (!(error instanceof SaslError)) throw error
      const details = { ...error.details, serverError: 'invalid-username-encoding' }
      throw new SaslError('malformed-request', `SCRAM: invalid username: ${error.message}`, { details })
    }
    if (username === '') throw refuse('malformed-request', 'empty username', 'invalid-username-encoding')
    return username
  }

  /**
   * The stored keys, or a fake record that no proof matches. Every user costs the same work
   * here, one HMAC: the fake salt is always computed, and it is the salt a plaintext-password
   * user gets, so the salt, the iteration count and the timing tell a prober nothing.
   */
  async #recordFor(username: string, stored: StoredCredentials | undefined): Promise<ServerRecord> {
    const v = this.#variant
    const { secret, iterations } = this.#config
    let saltKey = saltKeys.get(secret)
    if (saltKey === undefined) saltKeys.set(secret, (saltKey = keyedHmac(SHA256, secret)))
    // RFC 5802 §9: a deterministic salt for unknown users, HMAC-SHA-256(secret, label || username).
    _work.hmac++
    const salt = saltKey(utf8Encode(`saslkit SCRAM salt\u0000${username}`)).subarray(0, SCRAM_SALT_BYTES)
    const fakeKey = (fakeKeys[v.outputLen] ??= new Uint8Array(v.outputLen))
    const fake: ServerRecord = {
      salt,
      iterations,
      storedKey: fakeKey,
      serverKey: fakeKey,
      refusal: stored === undefined ? 'unknown-user' : 'no-usable-credentials',
    }
    const keys = stored?.scram?.[v.webCryptoName]
    if (keys !== undefined) return checkStoredKeys(keys, v.outputLen)
    if (stored?.password === undefined) return fake
    let password: string
    try {
      password = await saslprepLazily(stored.password, { storedString: true })
    } catch {
      return fake
    }
    if (password === '') return fake
    const saltedPassword = await saltPassword(v, password, salt, iterations)
    const { clientKey, serverKey } = keysOf(v, saltedPassword)
    return { salt, iterations, storedKey: digestOf(v, clientKey), serverKey }
  }

  async #answerClientFinal(pending: PendingFinal, message: Uint8Array): Promise<ServerOutcome> {
    const v = this.#variant
    const text = utf8Decode(message)
    // RFC 5802 §7: client-final-message = client-final-message-without-proof "," proof; p= is last.
    const proofAt = text.lastIndexOf(',p=')
    if (proofAt < 0) throw malformed('missing p=')
    const withoutProof = text.slice(0, proofAt)
    const proofText = text.slice(proofAt + 3)
    if (proofText.includes(',')) throw malformed('p= must be the last attribute')
    const [cbindText, nonce] = readAttributes(withoutProof, ['c', 'r'], ['p']) as [string, string]
    // RFC 5802 §6: c= is base64(gs2-header [cbind-data]): byte-exact, or the channel is not the client's.
    const cbind = base64Decode(cbindText)
    const { messages, headerEnd } = pending
    const expected = concatBytes(utf8Encode(messages.slice(0, headerEnd)), pending.binding?.data ?? new Uint8Array(0))
    if (!constantTimeEqual(cbind, expected)) {
      throw refuse('not-authorized', 'channel binding does not match', 'channel-bindings-dont-match', 'channel-binding-mismatch')
    }
    if (nonce !== messages.slice(pending.nonceStart, pending.nonceEnd)) throw malformed('nonce does not match')
    const proof = base64Decode(proofText)

    // RFC 5802 §3: AuthMessage := client-first-message-bare + "," + server-first-message + "," + client-final-message-without-proof
    const authMessage = utf8Encode(messages.slice(headerEnd) + withoutProof)
    // RFC 5802 §3: ClientKey := ClientProof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) must be StoredKey.
    const clientSignature = hmacOf(v, pending.storedKey, authMessage)
    const clientKey = xorBytes(proof.length === clientSignature.length ? proof : new Uint8Array(clientSignature.length), clientSignature)
    const match = constantTimeEqual(digestOf(v, clientKey), pending.storedKey) && proof.length === clientSignature.length
    if (!match || pending.refusal !== undefined) {
      // Unknown user and wrong password: the same error, the same e=, only the log reason differs.
      throw refuse('not-authorized', 'authentication failed', 'invalid-proof', pending.refusal ?? 'wrong-password')
    }
    const serverSignature = hmacOf(v, pending.serverKey, authMessage)
    const details = pending.binding === undefined ? undefined : { channelBinding: pending.binding.type }
    return concludeAuthentication(
      this.#config,
      this.mechanism,
      pending.username,
      pending.authzid,
      pending.stored,
      details,
      undefined,
      utf8Encode(`v=${base64Encode(serverSignature)}`),
    )
  }
}

/** A stored record, checked: a broken password database is the server's problem, not the client's. */
function checkStoredKeys(keys: ScramStoredKeys, outputLen: number): ServerRecord {
  const ok =
    keys.salt instanceof Uint8Array &&
    keys.salt.length > 0 &&
    Number.isSafeInteger(keys.iterations) &&
    keys.iterations > 0 &&
    keys.storedKey instanceof Uint8Array &&
    keys.storedKey.length === outputLen &&
    keys.serverKey instanceof Uint8Array &&
    keys.serverKey.length === outputLen
  if (!ok) throw new SaslError('temporary-auth-failure', 'SCRAM: the stored credentials are invalid', { reason: 'invalid-stored-credentials' })
  return { salt: keys.salt, iterations: keys.iterations, storedKey: keys.storedKey, serverKey: keys.serverKey }
}
