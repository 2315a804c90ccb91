/**
 * Registration-time helpers: build every stored password form saslkit's servers accept, and
 * read and write Dovecot's `{SCHEME}value` password syntax so an existing password database
 * works unchanged. Each mechanism family contributes its own scheme here.
 */
import { SaslError } from './core/errors.js'
import type { StoredCredentials } from './core/types.js'
import { hexDecode, hexEncode } from './codec/bytes.js'
import { utf8Encode } from './codec/utf8.js'
import { HMAC_MD5_CONTEXT_BYTES, digestMd5Secret, hmacMd5Context } from './crypto/md5.js'
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
 * is not kept, only the password-equivalents of each mechanism. `cramMd5` is always made;
 * `digestMd5` only when both `username` and `realm` are given (it hashes them in; the realm
 * may be `''`).
 *
 * @example
 * ```ts
 * const stored = await deriveCredentials('pencil', { username: 'user', realm: 'example.com' })
 * ```
 */
export async function deriveCredentials(password: string, options: DeriveOptions = {}): Promise<StoredCredentials> {
  if (typeof password !== 'string' || password === '') throw new SaslError('malformed-request', 'empty password')
  const stored: { -readonly [K in keyof StoredCredentials]: StoredCredentials[K] } = {}
  // Dovecot's {CRAM-MD5}: the HMAC-MD5 states keyed with the UTF-8 password.
  stored.cramMd5 = hmacMd5Context(utf8Encode(password))
  // RFC 2831 §2.1.2.1: H(username ":" realm ":" passwd), with its ISO-8859-1 rule.
  if (options.username !== undefined && options.realm !== undefined) {
    stored.digestMd5 = digestMd5Secret(options.username, options.realm, password)
  }
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
export type PasswordScheme = 'PLAIN' | 'NTLM' | 'CRAM-MD5' | 'DIGEST-MD5'

/** Bytes of DIGEST-MD5's stored H(username:realm:password). */
const DIGEST_MD5_SECRET_BYTES = 16

/** A fixed-length hex value of a scheme; anything else is `malformed-request`. */
function schemeHex(scheme: string, value: string, length: number): Uint8Array {
  if (value.length !== 2 * length || !/^[0-9a-fA-F]*$/.test(value)) {
    throw new SaslError('malformed-request', `password scheme: ${scheme} needs ${2 * length} hex digits`)
  }
  return hexDecode(value)
}

/** The stored value a scheme writes, checked for its length. */
function schemeBytes(scheme: string, value: Uint8Array | undefined, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new SaslError('malformed-request', `password scheme: no ${length}-byte value for ${scheme}`)
  }
  return value
}

/**
 * Reads a Dovecot `{SCHEME}value` password (e.g. a passwd-file entry's password field).
 * Unknown schemes and malformed values are `malformed-request`. `{CRAM-MD5}` is 64 hex
 * digits (the HMAC-MD5 context); `{DIGEST-MD5}` is 32 hex digits of H(user:realm:password),
 * which only serves the username and realm it was made for (`doveadm pw -s DIGEST-MD5 -u
 * user@realm`).
 *
 * @example
 * ```ts
 * parsePasswordScheme('{PLAIN}pencil') // { password: 'pencil' }
 * parsePasswordScheme('{CRAM-MD5}d06d4e1b…') // { cramMd5: Uint8Array(32) }
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
    case 'CRAM-MD5':
      return { cramMd5: schemeHex(scheme, value, HMAC_MD5_CONTEXT_BYTES) }
    case 'DIGEST-MD5':
      return { digestMd5: schemeHex(scheme, value, DIGEST_MD5_SECRET_BYTES) }
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
 * formatPasswordScheme('CRAM-MD5', await deriveCredentials('pencil')) // '{CRAM-MD5}…'
 * formatPasswordScheme('NTLM', { ntHash: ntHash('Password') }) // '{NTLM}a4f49c406510bdcab6824ee7c30fd852'
 * ```
 */
export function formatPasswordScheme(scheme: PasswordScheme, credentials: StoredCredentials): string {
  switch (scheme) {
    case 'PLAIN':
      if (credentials.password === undefined) throw new SaslError('malformed-request', 'password scheme: no plaintext password')
      return `{PLAIN}${credentials.password}`
    case 'CRAM-MD5':
      return `{CRAM-MD5}${hexEncode(schemeBytes(scheme, credentials.cramMd5, HMAC_MD5_CONTEXT_BYTES))}`
    case 'DIGEST-MD5':
      return `{DIGEST-MD5}${hexEncode(schemeBytes(scheme, credentials.digestMd5, DIGEST_MD5_SECRET_BYTES))}`
    case 'NTLM':
      if (credentials.ntHash?.length !== 16) throw new SaslError('malformed-request', 'password scheme: no NT hash')
      return `{NTLM}${hexEncode(credentials.ntHash)}`
    default:
      throw new SaslError('malformed-request', `password scheme: unsupported scheme ${String(scheme)}`)
  }
}
