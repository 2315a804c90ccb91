import { SaslError, asSaslError } from './errors.js'
import type { Identity, ServerOptions, ServerStep, StoredCredentials } from './types.js'
import { constantTimeEqual } from '../codec/bytes.js'
import { utf8Encode } from '../codec/utf8.js'

/** Longest authcid/authzid accepted, in UTF-8 bytes (Dovecot's limit). */
export const MAX_IDENTITY_BYTES = 1024

/** A failure for wrong or unknown credentials: identical for the client whatever the reason. */
export function notAuthorized(reason: string): SaslError {
  return new SaslError('not-authorized', 'authentication failed', { reason })
}

/** Refuses an over-long identity before any lookup. */
export function checkIdentityLength(value: string, field: string): void {
  if (utf8Encode(value).length > MAX_IDENTITY_BYTES) {
    throw new SaslError('malformed-request', `${field} exceeds ${MAX_IDENTITY_BYTES} bytes`)
  }
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

/** Requires a way to check passwords; a server without one is a configuration mistake. */
export function requirePasswordSource(options: Pick<ServerOptions, 'credentials' | 'verifyPassword'>, mechanism: string): void {
  if (options.credentials === undefined && options.verifyPassword === undefined) {
    throw new SaslError('protocol-violation', `${mechanism} server needs credentials() or verifyPassword()`)
  }
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
