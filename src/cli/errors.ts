/**
 * How the command fails: one line on stderr and an exit code that says what kind of failure
 * it was, never a stack trace.
 */
import { SaslError } from '../core/errors.js'

/** Exit codes (listed in `saslkit --help`). */
export const EXIT = {
  ok: 0,
  /** The server refused the authentication (credentials, mechanism, policy). */
  refused: 1,
  usage: 2,
  /** Connection refused, reset or closed; host not found. */
  network: 3,
  /** TLS handshake or certificate failure; STARTTLS missing. */
  tls: 4,
  timeout: 5,
  /** The server broke the protocol, or no mechanism both sides accept. */
  protocol: 6,
  /** `--check-open-relay`: the server accepted a recipient without AUTH. */
  openRelay: 7,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure the command reports as one line and an exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCode
  constructor(exitCode: ExitCode, message: string) {
    super(oneLine(message))
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}

/** Newlines and control characters out: a failure is one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '?').trim()
}

export const usageError = (message: string): CliError => new CliError(EXIT.usage, message)

interface NodeError {
  readonly code?: unknown
  readonly message?: unknown
}

const TLS_HINTS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: ' (trust it with --ca FILE, or --insecure for a test server)',
  SELF_SIGNED_CERT_IN_CHAIN: ' (trust its CA with --ca FILE)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ' (trust its CA with --ca FILE)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ' (trust its CA with --ca FILE)',
  UNABLE_TO_GET_ISSUER_CERT: ' (trust its CA with --ca FILE)',
}

/** A socket error, as one line: `connection refused (host:port)`, `TLS: certificate has expired`. */
export function networkError(error: unknown, endpoint: string, duringTls: boolean): CliError {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as NodeError
  const text = typeof message === 'string' ? message : String(error)
  switch (code) {
    case 'ECONNREFUSED':
      return new CliError(EXIT.network, `connection refused (${endpoint})`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new CliError(EXIT.network, `host not found (${endpoint})`)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CliError(EXIT.network, `host unreachable (${endpoint})`)
    case 'ETIMEDOUT':
      return new CliError(EXIT.timeout, `timeout: connecting to ${endpoint}`)
    case 'ECONNRESET':
    case 'EPIPE':
      return duringTls ? new CliError(EXIT.tls, 'TLS: the server reset the connection during the handshake') : new CliError(EXIT.network, `connection reset by the server (${endpoint})`)
  }
  if (duringTls || (typeof code === 'string' && (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT')))) {
    return new CliError(EXIT.tls, `TLS: ${text}${typeof code === 'string' ? (TLS_HINTS[code] ?? '') : ''}`)
  }
  return new CliError(EXIT.network, `${text} (${endpoint})`)
}

const REFUSALS = new Set(['not-authorized', 'account-disabled', 'credentials-expired', 'invalid-authzid', 'invalid-mechanism', 'encryption-required', 'temporary-auth-failure', 'aborted'])

/**
 * A SaslError as one line: the server's own reply when it refused (`535 5.7.8 Authentication
 * credentials invalid`), else what went wrong on our side. SaslError messages never hold
 * secrets (API.md §6).
 */
export function saslFailure(error: SaslError, serverLine: string | undefined): CliError {
  if (error.reply !== undefined && serverLine !== undefined) return new CliError(REFUSALS.has(error.code) ? EXIT.refused : EXIT.protocol, serverLine)
  switch (error.code) {
    case 'mechanism-too-weak':
      return new CliError(EXIT.protocol, error.message)
    case 'server-not-verified':
      return new CliError(EXIT.protocol, `the server failed to prove itself: ${error.message}`)
    default:
      return new CliError(REFUSALS.has(error.code) ? EXIT.refused : EXIT.protocol, `${error.code}: ${error.message}`)
  }
}

/** Anything thrown, as a CliError (an unexpected error still makes one line). */
export function asCliError(error: unknown): CliError {
  if (error instanceof CliError) return error
  if (error instanceof SaslError) return saslFailure(error, undefined)
  const message = error instanceof Error ? error.message : String(error)
  return new CliError(EXIT.protocol, `unexpected error: ${message}`)
}
