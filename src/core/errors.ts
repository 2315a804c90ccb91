/**
 * Every failure saslkit reports, with the codes of RFC 6120 §6.5 plus two client-side ones.
 *
 * @example
 * ```ts
 * if (err instanceof SaslError && err.code === 'not-authorized') askForPasswordAgain()
 * ```
 */
export type SaslErrorCode =
  | 'aborted'
  | 'account-disabled'
  | 'credentials-expired'
  | 'encryption-required'
  | 'incorrect-encoding'
  | 'invalid-authzid'
  | 'invalid-mechanism'
  | 'malformed-request'
  | 'mechanism-too-weak'
  | 'not-authorized'
  | 'temporary-auth-failure'
  | 'server-not-verified'
  | 'protocol-violation'

/**
 * The protocol reply a profile received or would send with an error.
 *
 * @example
 * ```ts
 * const reply: SaslReply = { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' }
 * const imap: SaslReply = { code: 0, status: 'NO', condition: 'AUTHENTICATIONFAILED', text: 'Authentication failed' }
 * ```
 */
export interface SaslReply {
  /** SMTP reply code (RFC 5321); 0 for protocols without numeric codes (IMAP, POP3, XMPP). */
  readonly code: number
  /** SMTP enhanced status code (RFC 3463), e.g. `5.7.8`. */
  readonly enhanced?: string
  /** The status word where the protocol has one: IMAP `NO`/`BAD`/`BYE`, POP3 `-ERR`, XMPP `failure`. */
  readonly status?: string
  /** IMAP response code (`AUTHENTICATIONFAILED`), POP3 extended code (`SYS/TEMP`), XMPP condition (`not-authorized`). */
  readonly condition?: string
  /** The human-readable text (several lines of a multi-line reply joined by `\n`). */
  readonly text: string
}

/**
 * Options of the {@link SaslError} constructor.
 *
 * @example
 * ```ts
 * new SaslError('not-authorized', 'wrong password', { reason: 'wrong-password' })
 * ```
 */
export interface SaslErrorOptions {
  /** Mechanism facts safe to show (SCRAM `e=` value, OAuth error JSON, SASLprep rule). */
  details?: Readonly<Record<string, unknown>>
  /** The protocol reply, when a profile raised or will send the error. */
  reply?: SaslReply
  /** Server-side only: why, for the server's own logs; never sent to the client. */
  reason?: string
  cause?: unknown
}

/**
 * The one error class of saslkit. Tests and apps branch on `code`, never on the message.
 * Messages never contain passwords, tokens, hashes or keys.
 *
 * @example
 * ```ts
 * try { await client.next(challenge) } catch (e) {
 *   if (e instanceof SaslError) console.log(e.code) // 'server-not-verified'
 * }
 * ```
 */
export class SaslError extends Error {
  // Declared, not initialised: an error carries only the facts it was given.
  declare readonly code: SaslErrorCode
  declare readonly details?: Readonly<Record<string, unknown>>
  declare readonly reply?: SaslReply
  declare readonly reason?: string
  override readonly name = 'SaslError'

  constructor(code: SaslErrorCode, message: string = code, options?: SaslErrorOptions) {
    super(message, options) // takes `cause` from it, when present (and keeps it non-enumerable)
    this.code = code
    // The facts given, and only those (with exactOptionalPropertyTypes a fact is never an explicit undefined).
    Object.assign(this, options)
  }
}

/**
 * Wraps anything thrown by caller-supplied code (callbacks, providers) into a SaslError; a
 * SaslError passes through unchanged.
 *
 * @example
 * ```ts
 * try {
 *   await lookup(user)
 * } catch (error) {
 *   throw asSaslError(error, 'temporary-auth-failure', 'credentials lookup failed')
 * }
 * ```
 */
export function asSaslError(error: unknown, code: SaslErrorCode, message: string): SaslError {
  if (error instanceof SaslError) return error
  return new SaslError(code, message, { cause: error })
}
