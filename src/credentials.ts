/**
 * Registration-time helpers: build every stored password form saslkit's servers accept, and
 * read and write Dovecot's `{SCHEME}value` password syntax so an existing password database
 * works unchanged. Each mechanism family contributes its own scheme here.
 */
import { SaslError } from './core/errors.js'
import type { StoredCredentials } from './core/types.js'
import { hexDecode, hexEncode } from './codec/bytes.js'
import { ntHash } from './mechanisms/ntlm/crypto.js'

/**
 * Options of {@link deriveCredentials}.
 *
 * @example
 * ```ts
 * const options: DeriveOptions = { username: 'chris', realm: 'elwood.innosoft.com', iterations: 4096 }
 * ```
 */
export interface DeriveOptions {
  /** Needed by DIGEST-MD5's stored form. */
  readonly username?: string
  /** Needed by DIGEST-MD5's stored form. */
  readonly realm?: string
  /** SCRAM iteration count. */
  readonly iterations?: number
  /** SCRAM salt (random by default). */
  readonly salt?: Uint8Array
}

/**
 * Builds every stored form it can from a password, for registration: the plaintext itself
 * is not kept, only the password-equivalents of each mechanism.
 *
 * @example
 * ```ts
 * const stored = await deriveCredentials('pencil', { username: 'user', realm: 'example.com' })
 * ```
 */
export async function deriveCredentials(password: string, options: DeriveOptions = {}): Promise<StoredCredentials> {
  void options
  if (typeof password !== 'string' || password === '') throw new SaslError('malformed-request', 'empty password')
  const stored: { -readonly [K in keyof StoredCredentials]: StoredCredentials[K] } = {}
  stored.ntHash = ntHash(password) // NTLM: MS-NLMP §3.3.1 NTOWFv1
  return stored
}

/**
 * Dovecot password scheme names saslkit reads and writes.
 *
 * @example
 * ```ts
 * const scheme: PasswordScheme = 'PLAIN'
 * ```
 */
export type PasswordScheme = 'PLAIN' | 'NTLM'

/**
 * Reads a Dovecot `{SCHEME}value` password (e.g. a passwd-file entry's password field).
 * Unknown schemes and malformed values are `malformed-request`.
 *
 * @example
 * ```ts
 * parsePasswordScheme('{PLAIN}pencil') // { password: 'pencil' }
 * parsePasswordScheme('{NTLM}a4f49c406510bdcab6824ee7c30fd852') // { ntHash: Uint8Array(16) }
 * ```
 */
export function parsePasswordScheme(text: string): StoredCredentials {
  const match = /^\{([A-Z0-9.-]+)\}(.*)$/s.exec(text)
  if (match === null) throw new SaslError('malformed-request', 'password scheme: expected {SCHEME}value')
  const [, scheme, value] = match as unknown as [string, string, string]
  switch (scheme) {
    case 'PLAIN':
      return { password: value }
    case 'NTLM': {
      // Dovecot's NTLM scheme: the NT hash (MD4 of the UTF-16LE password) in hex, as smbpasswd keeps it.
      if (!/^[0-9a-fA-F]{32}$/.test(value)) throw new SaslError('malformed-request', 'password scheme: {NTLM} needs 32 hex digits')
      return { ntHash: hexDecode(value) }
    }
    default:
      throw new SaslError('malformed-request', `password scheme: unsupported scheme ${scheme}`)
  }
}

/**
 * Writes stored credentials in Dovecot's `{SCHEME}value` form.
 *
 * @example
 * ```ts
 * formatPasswordScheme('PLAIN', { password: 'pencil' }) // '{PLAIN}pencil'
 * formatPasswordScheme('NTLM', { ntHash: ntHash('Password') }) // '{NTLM}a4f49c406510bdcab6824ee7c30fd852'
 * ```
 */
export function formatPasswordScheme(scheme: PasswordScheme, credentials: StoredCredentials): string {
  switch (scheme) {
    case 'PLAIN':
      if (credentials.password === undefined) throw new SaslError('malformed-request', 'password scheme: no plaintext password')
      return `{PLAIN}${credentials.password}`
    case 'NTLM':
      if (credentials.ntHash?.length !== 16) throw new SaslError('malformed-request', 'password scheme: no NT hash')
      return `{NTLM}${hexEncode(credentials.ntHash)}`
    default:
      throw new SaslError('malformed-request', `password scheme: unsupported scheme ${String(scheme)}`)
  }
}
