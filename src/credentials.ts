/**
 * Registration-time helpers: build every stored password form saslkit's servers accept, and
 * read and write Dovecot's `{SCHEME}value` password syntax so an existing password database
 * works unchanged. Each mechanism family contributes its own scheme here.
 */
import { SaslError } from './core/errors.js'
import { optionalTyped, typedOption, textOption } from './core/options.js'
import type { ScramStoredKeys, StoredCredentials } from './core/types.js'
import { base64Decode, base64Encode } from './codec/base64.js'
import { hexDecode, hexEncode } from './codec/bytes.js'
import { constantTimeEqual } from './codec/equal.js'
import { saslprepLazily } from './codec/saslprep-ascii.js'
import { utf8Encode } from './codec/utf8.js'
import { digestMd5Secret } from './crypto/md5.js'
import { HMAC_MD5_CONTEXT_BYTES, hmacMd5Context } from './crypto/md5-context.js'
import { randomBytes } from './crypto/random.js'
import { SCRAM_SALT_BYTES, SHA1, SHA256, SHA512, digestOf, keysOf, saltPassword, type HashFunction } from './crypto/scram-keys.js'
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
  /** SCRAM iteration count, 1 to 10,000,000 (a SCRAM client refuses more by default); default 4096, the RFC 5802 §5.1 minimum and the SCRAM server's default. */
  readonly iterations?: number
  /** SCRAM salt, shared by the SHA-1/256/512 records; default 16 random bytes. */
  readonly salt?: Uint8Array
}

/**
 * Builds every stored form it can from a password, for registration: the plaintext itself
 * is not kept, only the password-equivalents of each mechanism. `cramMd5` is always made;
 * `digestMd5` only when both `username` and `realm` are given (it hashes them in; the realm
 * may be `''`). A password or option of the wrong type is `protocol-violation`, an empty
 * password (or one SASLprep empties or refuses) `malformed-request`.
 *
 * @example
 * ```ts
 * const stored = await deriveCredentials('pencil', { username: 'user', realm: 'example.com' })
 * ```
 */
export async function deriveCredentials(password: string, given: DeriveOptions = {}): Promise<StoredCredentials> {
  // Decision 5: an option of the wrong type is the caller's mistake; an empty password is not.
  // Copied first: `null` options are then no options.
  const options = { ...given }
  textOption('deriveCredentials', 'password', password)
  optionalTyped('deriveCredentials', options, ['username', 'realm'])
  const stored: { -readonly [K in keyof StoredCredentials]: StoredCredentials[K] } = {}
  // Dovecot's {CRAM-MD5}: the HMAC-MD5 states keyed with the UTF-8 password.
  stored.cramMd5 = hmacMd5Context(utf8Encode(password))
  // RFC 2831 §2.1.2.1: H(username ":" realm ":" passwd), with its ISO-8859-1 rule.
  if (options.username !== undefined && options.realm !== undefined) {
    stored.digestMd5 = digestMd5Secret(options.username, options.realm, password)
  }
  stored.ntHash = ntHash(password) // NTLM: MS-NLMP §3.3.1 NTOWFv1
  stored.scram = await deriveScram(password, options)
  return stored
}

const SCRAM_HASHES: readonly HashFunction[] = [SHA1, SHA256, SHA512]

/** SCRAM (RFC 5802 §3): StoredKey and ServerKey for each hash, from SASLprep(password) as a stored string. */
async function deriveScram(password: string, options: DeriveOptions): Promise<NonNullable<StoredCredentials['scram']>> {
  const iterations = options.iterations ?? 4096
  // Above 10,000,000 (the SCRAM client's default maxIterations) no saslkit client would log in with the result.
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 10_000_000) {
    throw new SaslError('protocol-violation', 'SCRAM iterations must be an integer from 1 to 10,000,000')
  }
  if (options.salt !== undefined && (!(options.salt instanceof Uint8Array) || options.salt.length === 0)) {
    throw new SaslError('protocol-violation', 'SCRAM salt must be non-empty bytes')
  }
  const salt = options.salt === undefined ? randomBytes(SCRAM_SALT_BYTES) : new Uint8Array(options.salt)
  const prepared = await saslprepLazily(password, { storedString: true })
  if (prepared === '') throw new SaslError('malformed-request', 'empty password after SASLprep')
  const scram: Partial<Record<HashFunction['webCryptoName'], ScramStoredKeys>> = {}
  for (const fn of SCRAM_HASHES) {
    const { clientKey, serverKey } = keysOf(fn, await saltPassword(fn, prepared, salt, iterations))
    scram[fn.webCryptoName] = { salt, iterations, storedKey: digestOf(fn, clientKey), serverKey }
  }
  return scram
}

/**
 * Dovecot password scheme names saslkit reads and writes. `SCRAM-SHA-1` and `SCRAM-SHA-256`
 * are Dovecot's (2.3) and GNU SASL's; `SCRAM-SHA-512` uses the same layout with SHA-512 keys,
 * which neither Dovecot 2.3 nor GNU SASL 2.2 can read (they have no SCRAM-SHA-512).
 *
 * @example
 * ```ts
 * const scheme: PasswordScheme = 'PLAIN'
 * ```
 */
export type PasswordScheme = 'PLAIN' | 'NTLM' | 'CRAM-MD5' | 'DIGEST-MD5' | 'SCRAM-SHA-1' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

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

// Dovecot's SCRAM schemes (and GNU SASL's --mkpasswd output) → the hash of the record.
const SCRAM_SCHEMES: Readonly<Record<string, HashFunction>> = { 'SCRAM-SHA-1': SHA1, 'SCRAM-SHA-256': SHA256, 'SCRAM-SHA-512': SHA512 }

/**
 * Reads a Dovecot `{SCHEME}value` password (e.g. a passwd-file entry's password field).
 * Unknown schemes and malformed values are `malformed-request`; a value that is not a string
 * is `protocol-violation`. `{CRAM-MD5}` is 64 hex digits (the HMAC-MD5 context);
 * `{DIGEST-MD5}` is 32 hex digits of H(user:realm:password),
 * which only serves the username and realm it was made for (`doveadm pw -s DIGEST-MD5 -u
 * user@realm`).
 *
 * @example
 * ```ts
 * parsePasswordScheme('{PLAIN}pencil') // { password: 'pencil' }
 * parsePasswordScheme('{CRAM-MD5}d06d4e1b…') // { cramMd5: Uint8Array(32) }
 * parsePasswordScheme('{NTLM}a4f49c406510bdcab6824ee7c30fd852') // { ntHash: Uint8Array(16) }
 * // doveadm pw -s SCRAM-SHA-256 -p pencil
 * parsePasswordScheme('{SCRAM-SHA-256}4096,moTOdAv76uKOw9VLWHbTbg==,JhWKjYqa0jMHuVa8xW020jBwshw24CvoJHVVxKAlrTQ=,2wVB58ZDGeQ2boHzkMjRXhrC7E6QSVxAfdcX0VK80IM=')
 * // { scram: { 'SHA-256': { salt, iterations: 4096, storedKey, serverKey } } }
 * ```
 */
export function parsePasswordScheme(text: string): StoredCredentials {
  // Decision 5: a value that is not text is the caller's mistake; text that does not parse is not.
  typedOption('password scheme', 'the value', text)
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
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512':
      return parseScramScheme(SCRAM_SCHEMES[scheme]!, value)
    default:
      throw new SaslError('malformed-request', `password scheme: unsupported scheme ${scheme}`)
  }
}

/**
 * Writes stored credentials in Dovecot's `{SCHEME}value` form. Credentials that lack what the
 * scheme writes are `malformed-request`; a scheme saslkit does not know is `protocol-violation`.
 *
 * @example
 * ```ts
 * formatPasswordScheme('PLAIN', { password: 'pencil' }) // '{PLAIN}pencil'
 * formatPasswordScheme('CRAM-MD5', await deriveCredentials('pencil')) // '{CRAM-MD5}…'
 * formatPasswordScheme('NTLM', { ntHash: ntHash('Password') }) // '{NTLM}a4f49c406510bdcab6824ee7c30fd852'
 * formatPasswordScheme('SCRAM-SHA-256', await deriveCredentials('pencil')) // '{SCRAM-SHA-256}4096,…,…,…'
 * ```
 */
export function formatPasswordScheme(scheme: PasswordScheme, credentials: StoredCredentials): string {
  // Decision 5: credentials that are not an object are the caller's mistake.
  if (typeof credentials !== 'object' || credentials === null) throw new SaslError('protocol-violation', 'password scheme: credentials must be an object')
  switch (scheme) {
    case 'PLAIN':
      if (credentials.password === undefined) throw new SaslError('malformed-request', 'password scheme: no plaintext password')
      return `{PLAIN}${typedOption('password scheme', 'password', credentials.password)}`
    case 'CRAM-MD5':
      return `{CRAM-MD5}${hexEncode(schemeBytes(scheme, credentials.cramMd5, HMAC_MD5_CONTEXT_BYTES))}`
    case 'DIGEST-MD5':
      return `{DIGEST-MD5}${hexEncode(schemeBytes(scheme, credentials.digestMd5, DIGEST_MD5_SECRET_BYTES))}`
    case 'NTLM':
      if (credentials.ntHash?.length !== 16) throw new SaslError('malformed-request', 'password scheme: no NT hash')
      return `{NTLM}${hexEncode(credentials.ntHash)}`
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512': {
      const record = credentials.scram?.[SCRAM_SCHEMES[scheme]!.webCryptoName]
      if (record === undefined) throw new SaslError('malformed-request', `password scheme: no ${scheme} keys`)
      // Dovecot's SCRAM form: iterations,base64(salt),base64(StoredKey),base64(ServerKey)
      return `{${scheme}}${record.iterations},${base64Encode(record.salt)},${base64Encode(record.storedKey)},${base64Encode(record.serverKey)}`
    }
    default:
      // Decision 5: a scheme outside PasswordScheme is the caller's mistake.
      // The message names no value: the scheme may have no text form (a symbol, an object without prototype).
      throw new SaslError('protocol-violation', 'password scheme: unsupported scheme')
  }
}

/**
 * Dovecot's `{SCRAM-SHA-…}iterations,salt,StoredKey,ServerKey` (base64 fields), as
 * `doveadm pw -s SCRAM-SHA-256` writes it; GNU SASL's `--mkpasswd --verbose` appends the
 * SaltedPassword in hex as a fifth field, which is checked against the keys and not kept.
 */
function parseScramScheme(fn: HashFunction, value: string): StoredCredentials {
  const fields = value.split(',')
  const bad = () => new SaslError('malformed-request', 'password scheme: expected iterations,salt,StoredKey,ServerKey')
  if (fields.length !== 4 && fields.length !== 5) throw bad()
  const [iterationText, saltText, storedText, serverText, saltedHex] = fields as [string, string, string, string, string | undefined]
  if (!/^[1-9][0-9]{0,9}$/.test(iterationText)) throw bad()
  const iterations = Number(iterationText)
  const salt = base64Decode(saltText)
  const storedKey = base64Decode(storedText)
  const serverKey = base64Decode(serverText)
  const length = fn.outputLen
  if (salt.length === 0 || storedKey.length !== length || serverKey.length !== length) throw bad()
  if (saltedHex !== undefined) {
    const keys = keysOf(fn, hexDecode(saltedHex))
    if (!constantTimeEqual(digestOf(fn, keys.clientKey), storedKey) || !constantTimeEqual(keys.serverKey, serverKey)) {
      throw new SaslError('malformed-request', 'password scheme: the salted password does not match the keys')
    }
  }
  return { scram: { [fn.webCryptoName]: { salt, iterations, storedKey, serverKey } } }
}
