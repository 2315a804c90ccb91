import { SaslError, asSaslError } from './errors.js'
export { MAX_IDENTITY_BYTES, checkIdentityLength } from './identity.js'
import { misuse, type Phase } from './guard.js'
import { DEFAULT_MAX_MESSAGE_BYTES } from './limits.js'
import type { Identity, SaslServer, SecurityLayer, ServerOptions, ServerStep, StoredCredentials } from './types.js'
import { constantTimeEqual } from '../codec/equal.js'
import { utf8Encode } from '../codec/utf8.js'

/**
 * Decision 5 for the few server options only a server's lazily loaded code reads: checked as
 * that code loads (the first `next()` rejects). One of the wrong type is the caller's mistake.
 * Not options.ts's `optionalTyped`: a server module importing options.ts moves it into the
 * chunk it shares with the client, which adds 60–70 B gzipped to PLAIN's and LOGIN's bundles.
 */
export function checkOptionType(mechanism: string, name: string, value: unknown, type = 'string'): void {
  if (value !== undefined && typeof value !== type) throw new SaslError('protocol-violation', `${mechanism}: ${name} must be a ${type}`)
}

/** A failure for wrong or unknown credentials: identical for the client whatever the reason. */
export function notAuthorized(reason: string): SaslError {
  return new SaslError('not-authorized', 'authentication failed', { reason })
}

/** The credentials callback, with whatever it throws turned into a temporary failure. */
export async function lookupCredentials(
  options: Pick<ServerOptions, 'credentials'>,
  authcid: string,
  mechanism: string,
  realm?: string,
): Promise<StoredCredentials | undefined> {
  if (options.credentials === undefined) return undefined
  try {
    const ctx = realm === undefined ? { mechanism } : { mechanism, realm }
    return await options.credentials(authcid, ctx)
  } catch (error) {
    throw asSaslError(error, 'temporary-auth-failure', 'credentials lookup failed')
  }
}

const DUMMY_PASSWORD = /* @__PURE__ */ utf8Encode('saslkit-unknown-user-dummy-password')

/**
 * Checks a plaintext password (PLAIN, LOGIN) with `verifyPassword`, or against a stored
 * `password` in constant time. Unknown users and users without a plaintext password take
 * the same comparison, so timing tells a guesser nothing.
 */
export async function checkPlaintextPassword(
  options: Pick<ServerOptions, 'credentials' | 'verifyPassword'>,
  mechanism: string,
  authcid: string,
  password: string,
): Promise<{ ok: true; stored: StoredCredentials | undefined } | { ok: false; reason: string }> {
  if (options.verifyPassword !== undefined) {
    let ok: boolean
    try {
      ok = (await options.verifyPassword(authcid, password)) === true
    } catch (error) {
      throw asSaslError(error, 'temporary-auth-failure', 'password verification failed')
    }
    if (!ok) return { ok: false, reason: 'wrong-password' }
    return { ok: true, stored: await lookupCredentials(options, authcid, mechanism) }
  }
  const stored = await lookupCredentials(options, authcid, mechanism)
  const given = utf8Encode(password)
  const expected = stored?.password === undefined ? DUMMY_PASSWORD : utf8Encode(stored.password)
  const match = constantTimeEqual(given, expected)
  if (stored === undefined) return { ok: false, reason: 'unknown-user' }
  if (stored.password === undefined) return { ok: false, reason: 'no-usable-credentials' }
  return match ? { ok: true, stored } : { ok: false, reason: 'wrong-password' }
}

/**
 * Builds a frozen identity. Entries of `secretDetails` are non-enumerable, so printing or
 * serialising the identity never shows them.
 */
export function makeIdentity(
  mechanism: string,
  authcid: string,
  authzid: string,
  details?: Record<string, unknown>,
  secretDetails?: Record<string, unknown>,
): Identity {
  const identity: { mechanism: string; authcid: string; authzid: string; details?: Readonly<Record<string, unknown>> } = {
    mechanism,
    authcid,
    authzid,
  }
  if (details !== undefined || secretDetails !== undefined) {
    const all: Record<string, unknown> = { ...details }
    for (const [key, value] of Object.entries(secretDetails ?? {})) {
      Object.defineProperty(all, key, { value, enumerable: false })
    }
    identity.details = Object.freeze(all)
  }
  return Object.freeze(identity)
}

/**
 * The end of every successful credential check, shared by all server mechanisms: a disabled
 * account is reported only now (after the credentials checked out, so a guesser learns
 * nothing), then `authorize` decides whether authcid may act as the requested authzid.
 */
export async function concludeAuthentication(
  options: Pick<ServerOptions, 'authorize'>,
  mechanism: string,
  authcid: string,
  requestedAuthzid: string,
  stored: Pick<StoredCredentials, 'disabled'> | undefined,
  details?: Record<string, unknown>,
  secretDetails?: Record<string, unknown>,
  additionalData?: Uint8Array,
): Promise<ServerStep> {
  if (stored?.disabled === true) {
    return { type: 'failure', error: new SaslError('account-disabled', 'account disabled', { reason: 'disabled' }) }
  }
  const identity = makeIdentity(mechanism, authcid, requestedAuthzid === '' ? authcid : requestedAuthzid, details, secretDetails)
  let allowed: boolean
  if (options.authorize === undefined) {
    allowed = requestedAuthzid === '' || requestedAuthzid === authcid
  } else {
    try {
      allowed = (await options.authorize(identity)) === true
    } catch (error) {
      throw asSaslError(error, 'temporary-auth-failure', 'authorization check failed')
    }
  }
  if (!allowed) {
    return { type: 'failure', error: new SaslError('invalid-authzid', 'not authorized to act as the requested identity', { reason: 'authzid-refused' }) }
  }
  return additionalData === undefined ? { type: 'success', identity } : { type: 'success', identity, additionalData }
}

/** What a server hook returns: the next challenge, or the end of the exchange. */
export type ServerOutcome = ServerStep

/**
 * The step guard every server is built on. What the client sent never makes it throw: a
 * SaslError raised by the mechanism becomes a `failure` step, and so does an error thrown by
 * caller-supplied callbacks (`temporary-auth-failure`). Misuse (a step after the end, two at
 * once) throws `protocol-violation`. Messages over `maxMessageBytes` fail before any work.
 */
export abstract class ServerBase implements SaslServer {
  abstract readonly mechanism: string
  #phase: Phase = 0
  readonly #maxMessageBytes: number
  /** Set by a mechanism that negotiated a security layer. */
  declare securityLayer?: SecurityLayer

  /**
   * `options`: the server options every mechanism shares. Decision 5: a callback that is not a
   * function, or a size that is not a positive integer, is the caller's mistake; checked as the server's
   * code loads, so the first `next()` rejects with `protocol-violation`.
   */
  constructor(options: Pick<ServerOptions, 'credentials' | 'verifyPassword' | 'authorize' | 'maxMessageBytes'>) {
    for (const name of ['credentials', 'verifyPassword', 'authorize'] as const) checkOptionType('server', name, options[name], 'function')
    const limit = options.maxMessageBytes
    // A limit that is not a positive whole number of bytes (NaN, a negative) would turn the check off.
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) throw new SaslError('protocol-violation', 'server: maxMessageBytes must be a positive integer')
    this.#maxMessageBytes = limit ?? DEFAULT_MAX_MESSAGE_BYTES
  }

  /**
   * One client message. `first` is true for the initial response slot, where `response`
   * may be undefined (no initial response was sent); later it is always bytes.
   */
  protected abstract onNext(response: Uint8Array | undefined, first: boolean): Promise<ServerOutcome> | ServerOutcome

  async next(response: Uint8Array | undefined): Promise<ServerStep> {
    const first = this.#phase === 0
    if (this.#phase > 1) throw misuse(this.mechanism, this.#phase)
    if (!(response instanceof Uint8Array || (first && response === undefined))) throw misuse(this.mechanism, -1)
    this.#phase = 2
    let step: ServerStep
    try {
      if (response !== undefined && response.length > this.#maxMessageBytes) {
        throw new SaslError('malformed-request', `${this.mechanism}: message exceeds ${this.#maxMessageBytes} bytes`)
      }
      step = await this.onNext(response, first)
    } catch (error) {
      step = { type: 'failure', error: asSaslError(error, 'temporary-auth-failure', `${this.mechanism}: server step failed`) }
    }
    this.#phase = step.type === 'challenge' ? 1 : 3
    return step
  }
}
