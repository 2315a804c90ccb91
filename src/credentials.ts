/**
 * Registration-time helpers: build every stored password form saslkit's servers accept, and
 * read and write Dovecot's `{SCHEME}value` password syntax so an existing password database
 * works unchanged. Each mechanism family contributes its own scheme here.
 */
import { SaslError } from './core/errors.js'
import type { ScramStoredKeys, StoredCredentials } from './core/types.js'
import { base64Decode, base64Encode } from './codec/base64.js'
import { constantTimeEqual, hexDecode } from './codec/bytes.js'
import { saslprepLazily } from './codec/saslprep-ascii.js'
import type { HashFunction } from './crypto/pbkdf2.js'
import { randomBytes } from './crypto/random.js'
import { SCRAM_SALT_BYTES, SHA1, SHA256, SHA512, digestOf, keysOf, saltPassword } from './crypto/scram-keys.js'

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
  /** SCRAM iteration count; default 4096, the RFC 5802 §5.1 minimum and the SCRAM server's default. */
  readonly iterations?: number
  /** SCRAM salt, shared by the SHA-1/256/512 records; default 16 random bytes. */
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
  if (typeof password !== 'string' || password === '') throw new SaslError('malformed-request', 'empty password')
  const stored: { -readonly [K in keyof StoredCredentials]: StoredCredentials[K] } = {}
  stored.scram = await deriveScram(password, options)
  return stored
}

const SCRAM_HASHES: readonly HashFunction[] = [SHA1, SHA256, SHA512]

/** SCRAM (RFC 5802 §3): StoredKey and ServerKey for each hash, from SASLprep(password) as a stored string. */
async function deriveScram(password: string, options: DeriveOptions): Promise<NonNullable<StoredCredentials['scram']>> {
  const iterations = options.iterations ?? 4096
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new SaslError('malformed-request', 'SCRAM iterations must be a positive integer')
  if (options.salt !== undefined && (!(options.salt instanceof Uint8Array) || options.salt.length === 0)) {
    throw new SaslError('malformed-request', 'SCRAM salt must be non-empty bytes')
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
export type PasswordScheme = 'PLAIN' | 'SCRAM-SHA-1' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

// Dovecot's SCRAM schemes (and GNU SASL's --mkpasswd output) → the hash of the record.
const SCRAM_SCHEMES: Readonly<Record<string, HashFunction>> = { 'SCRAM-SHA-1': SHA1, 'SCRAM-SHA-256': SHA256, 'SCRAM-SHA-512': SHA512 }

/**
 * Reads a Dovecot `{SCHEME}value` password (e.g. a passwd-file entry's password field).
 * Unknown schemes and malformed values are `malformed-request`.
 *
 * @example
 * ```ts
 * parsePasswordScheme('{PLAIN}pencil') // { password: 'pencil' }
 * // doveadm pw -s SCRAM-SHA-256 -p pencil
 * parsePasswordScheme('{SCRAM-SHA-256}4096,moTOdAv76uKOw9VLWHbTbg==,JhWKjYqa0jMHuVa8xW020jBwshw24CvoJHVVxKAlrTQ=,2wVB58ZDGeQ2boHzkMjRXhrC7E6QSVxAfdcX0VK80IM=')
 * // { scram: { 'SHA-256': { salt, iterations: 4096, storedKey, serverKey } } }
 * ```
 */
export function parsePasswordScheme(text: string): StoredCredentials {
  const match = /^\{([A-Z0-9.-]+)\}(.*)$/s.exec(text)
  if (match === null) throw new SaslError('malformed-request', 'password scheme: expected {SCHEME}value')
  const [, scheme, value] = match as unknown as [string, string, string]
  switch (scheme) {
    case 'PLAIN':
      return { password: value }
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512':
      return parseScramScheme(SCRAM_SCHEMES[scheme]!, value)
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
 * formatPasswordScheme('SCRAM-SHA-256', await deriveCredentials('pencil')) // '{SCRAM-SHA-256}4096,…,…,…'
 * ```
 */
export function formatPasswordScheme(scheme: PasswordScheme, credentials: StoredCredentials): string {
  switch (scheme) {
    case 'PLAIN':
      if (credentials.password === undefined) throw new SaslError('malformed-request', 'password scheme: no plaintext password')
      return `{PLAIN}${credentials.password}`
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512': {
      const record = credentials.scram?.[SCRAM_SCHEMES[scheme]!.webCryptoName]
      if (record === undefined) throw new SaslError('malformed-request', `password scheme: no ${scheme} keys`)
      // Dovecot's SCRAM form: iterations,base64(salt),base64(StoredKey),base64(ServerKey)
      return `{${scheme}}${record.iterations},${base64Encode(record.salt)},${base64Encode(record.storedKey)},${base64Encode(record.serverKey)}`
    }
    default:
      throw new SaslError('malformed-request', `password scheme: unsupported scheme ${String(scheme)}`)
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
  const length = fn.hash.outputLen
  if (salt.length === 0 || storedKey.length !== length || serverKey.length !== length) throw bad()
  if (saltedHex !== undefined) {
    const keys = keysOf(fn, hexDecode(saltedHex))
    if (!constantTimeEqual(digestOf(fn, keys.clientKey), storedKey) || !constantTimeEqual(keys.serverKey, serverKey)) {
      throw new SaslError('malformed-request', 'password scheme: the salted password does not match the keys')
    }
  }
  return { scram: { [fn.webCryptoName]: { salt, iterations, storedKey, serverKey } } }
}
