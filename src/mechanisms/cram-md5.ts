/**
 * CRAM-MD5 (RFC 2195): the server sends a fresh `<random.timestamp@hostname>` challenge, the
 * client answers `username SP hex(HMAC-MD5(password, challenge))`. Legacy: the server must
 * keep a password-equivalent, and nothing proves the server to the client. Prefer SCRAM.
 *
 * @module saslkit/cram-md5
 */
import { SaslError } from '../core/errors.js'
import { ClientBase, lazyServer } from '../core/guard.js'
import { optionalTyped, textOption } from '../core/options.js'
import type { Mechanism, ServerOptions } from '../core/types.js'
import { concatBytes, hexEncode } from '../codec/bytes.js'
import { utf8Encode } from '../codec/utf8.js'
import { hmacMd5 } from '../crypto/md5.js'
import { randomBytes } from '../crypto/random.js'

/**
 * CRAM-MD5 client options.
 *
 * @example
 * ```ts
 * const options: CramMd5ClientOptions = { username: 'tim', password: 'tanstaaftanstaaf' }
 * ```
 */
export interface CramMd5ClientOptions {
  readonly username: string
  readonly password: string
}

/**
 * CRAM-MD5 server options. `credentials` must give the plaintext `password` or the stored
 * `cramMd5` context (Dovecot's `{CRAM-MD5}` scheme, see `parsePasswordScheme`);
 * `verifyPassword` cannot serve CRAM-MD5, which never sees the password.
 *
 * @example
 * ```ts
 * const options: CramMd5ServerOptions = { hostname: 'mail.example.org', credentials: (u) => db.get(u) }
 * ```
 */
export interface CramMd5ServerOptions extends ServerOptions {
  /** The challenge's domain part (RFC 2195 §2); default `localhost`. */
  readonly hostname?: string
  /** Replaces `crypto.getRandomValues` for the challenge's random part. */
  readonly random?: (length: number) => Uint8Array
  /** Replaces the clock for the challenge's timestamp. */
  readonly now?: () => Date
  /** The exact challenge text, for published vectors; never reuse one in production. */
  readonly challenge?: string
}

/** Bytes of randomness in a default challenge. */
const CHALLENGE_RANDOM_BYTES = 16
/** RFC 2195 §2: the digest is 16 bytes, sent as 32 lower-case hex digits. */
// A dot-atom domain as RFC 5322 msg-id allows it: no space, no angle brackets, no '@'.
const HOSTNAME = /^[!#-'*+\-./0-9=?A-Z^-~]+$/

class CramMd5Client extends ClientBase {
  readonly mechanism = 'CRAM-MD5'
  readonly #username: Uint8Array
  readonly #password: Uint8Array
  #answered = false

  constructor(options: CramMd5ClientOptions) {
    super()
    this.#username = utf8Encode(textOption('CRAM-MD5', 'username', options.username))
    this.#password = utf8Encode(textOption('CRAM-MD5', 'password', options.password))
  }

  // RFC 2195 §2: the server speaks first.
  protected onStart(): undefined {
    return undefined
  }

  protected override onNext(challenge: Uint8Array): Uint8Array {
    if (this.#answered) throw new SaslError('malformed-request', 'CRAM-MD5: unexpected second challenge')
    if (challenge.length === 0) throw new SaslError('malformed-request', 'CRAM-MD5: empty challenge')
    this.#answered = true
    // RFC 2195 §2: username, a space, and the 16-byte HMAC-MD5 digest as lower-case hex.
    const digest = hexEncode(hmacMd5(this.#password, challenge))
    return concatBytes(this.#username, utf8Encode(` ${digest}`))
  }
}

function makeChallenge(options: CramMd5ServerOptions): string {
  const hostname = textOption('CRAM-MD5', 'hostname', options.hostname ?? 'localhost', HOSTNAME)
  optionalTyped('CRAM-MD5', options, ['random', 'now'], 'function')
  const random = (options.random ?? randomBytes)(CHALLENGE_RANDOM_BYTES)
  if (!(random instanceof Uint8Array) || random.length !== CHALLENGE_RANDOM_BYTES) {
    throw new SaslError('protocol-violation', `CRAM-MD5: random(${CHALLENGE_RANDOM_BYTES}) must return that many bytes`)
  }
  const now = (options.now ?? (() => new Date()))()
  const seconds = now instanceof Date ? Math.floor(now.getTime() / 1000) : NaN
  if (!Number.isSafeInteger(seconds)) throw new SaslError('protocol-violation', 'CRAM-MD5: now() must return a valid Date')
  return `<${hexEncode(random)}.${seconds}@${hostname}>`
}

/**
 * The CRAM-MD5 mechanism (RFC 2195). Strength 25, legacy: the server keeps a
 * password-equivalent and the client learns nothing about the server. The server verifies
 * from the plaintext password or from Dovecot's `{CRAM-MD5}` stored context.
 *
 * @example
 * ```ts
 * const client = cramMd5.client({ username: 'tim', password: 'tanstaaftanstaaf' })
 * const server = cramMd5.server({ hostname: 'mail.example.org', credentials: (u) => (u === 'tim' ? { password: 'tanstaaftanstaaf' } : undefined) })
 * const first = await server.next(await client.start())  // { type: 'challenge', challenge: '<…@mail.example.org>' }
 * if (first.type === 'challenge') await server.next(await client.next(first.challenge)) // { type: 'success', … }
 * ```
 */
export const cramMd5: Mechanism<CramMd5ClientOptions, CramMd5ServerOptions> = {
  name: 'CRAM-MD5',
  traits: { clientFirst: false, plaintext: false, mutual: false, channelBinding: false, strength: 25, legacy: true },
  // Copies first: a missing options object is then a missing option (decision 5).
  client: (options) => new CramMd5Client({ ...options }),
  server: (options) => {
    const copy = { ...options }
    if (copy.credentials === undefined) throw new SaslError('protocol-violation', 'CRAM-MD5 server needs credentials()')
    // Made now, so that a bad challenge, hostname, random() or now() throws here.
    const challenge = utf8Encode(copy.challenge === undefined ? makeChallenge(copy) : textOption('CRAM-MD5', 'challenge', copy.challenge))
    return lazyServer('CRAM-MD5', () => import('./cram-md5-server.js'), (module) => new module.CramMd5Server(copy, challenge))
  },
}
