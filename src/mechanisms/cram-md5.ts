/**
 * CRAM-MD5 (RFC 2195): the server sends a fresh `<random.timestamp@hostname>` challenge, the
 * client answers `username SP hex(HMAC-MD5(password, challenge))`. Legacy: the server must
 * keep a password-equivalent, and nothing proves the server to the client. Prefer SCRAM.
 *
 * @module saslkit/cram-md5
 */
import { SaslError } from '../core/errors.js'
import { ClientBase, ServerBase, type ServerOutcome } from '../core/guard.js'
import { checkIdentityLength, concludeAuthentication, lookupCredentials, notAuthorized } from '../core/server.js'
import type { Mechanism, ServerOptions, StoredCredentials } from '../core/types.js'
import { concatBytes, constantTimeEqual, hexEncode } from '../codec/bytes.js'
import { utf8Decode, utf8Encode } from '../codec/utf8.js'
import { HMAC_MD5_CONTEXT_BYTES, hmacMd5, hmacMd5Context, hmacMd5FromContext } from '../crypto/md5.js'
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
const DIGEST_HEX = /^[0-9a-f]{32}$/
// A dot-atom domain as RFC 5322 msg-id allows it: no space, no angle brackets, no '@'.
const HOSTNAME = /^[!#-'*+\-./0-9=?A-Z^-~]+$/

const DUMMY_CONTEXT_KEY = /* @__PURE__ */ utf8Encode('saslkit-unknown-user-dummy-password')

class CramMd5Client extends ClientBase {
  readonly mechanism = 'CRAM-MD5'
  readonly #username: Uint8Array
  readonly #password: Uint8Array
  #answered = false

  constructor(options: CramMd5ClientOptions) {
    super()
    if (typeof options.username !== 'string' || options.username === '') throw new SaslError('malformed-request', 'CRAM-MD5: empty username')
    if (typeof options.password !== 'string' || options.password === '') throw new SaslError('malformed-request', 'CRAM-MD5: empty password')
    this.#username = utf8Encode(options.username)
    this.#password = utf8Encode(options.password)
  }

  // RFC 2195 §2: the server speaks first.
  protected onStart(): undefined {
    return undefined
  }

  protected onNext(challenge: Uint8Array): Uint8Array {
    if (this.#answered) throw new SaslError('malformed-request', 'CRAM-MD5: unexpected second challenge')
    if (challenge.length === 0) throw new SaslError('malformed-request', 'CRAM-MD5: empty challenge')
    this.#answered = true
    // RFC 2195 §2: username, a space, and the 16-byte HMAC-MD5 digest as lower-case hex.
    const digest = hexEncode(hmacMd5(this.#password, challenge))
    return concatBytes(this.#username, utf8Encode(` ${digest}`))
  }
}

class CramMd5Server extends ServerBase {
  readonly mechanism = 'CRAM-MD5'
  readonly #options: ServerOptions
  readonly #challenge: Uint8Array

  constructor(options: CramMd5ServerOptions) {
    super(options.maxMessageBytes)
    if (options.credentials === undefined) throw new SaslError('protocol-violation', 'CRAM-MD5 server needs credentials()')
    if (options.challenge !== undefined && (typeof options.challenge !== 'string' || options.challenge === '')) {
      throw new SaslError('malformed-request', 'CRAM-MD5: empty challenge')
    }
    this.#options = { ...options }
    this.#challenge = utf8Encode(options.challenge ?? makeChallenge(options))
  }

  protected async onNext(response: Uint8Array | undefined, first: boolean): Promise<ServerOutcome> {
    if (first) {
      // RFC 2195 §2: the server speaks first; a client that sends anything first is broken.
      if (response !== undefined) throw new SaslError('malformed-request', 'CRAM-MD5: unexpected initial response')
      return { type: 'challenge', challenge: this.#challenge.slice() }
    }
    const text = utf8Decode(response!)
    // Usernames may contain spaces: the digest follows the last one.
    const space = text.lastIndexOf(' ')
    if (space < 1) throw new SaslError('malformed-request', 'CRAM-MD5: expected username SP digest')
    const authcid = text.slice(0, space)
    const digestHex = text.slice(space + 1)
    if (!DIGEST_HEX.test(digestHex)) throw new SaslError('malformed-request', 'CRAM-MD5: digest must be 32 lower-case hex digits')
    checkIdentityLength(authcid, 'username')
    const stored = await lookupCredentials(this.#options, authcid, this.mechanism)
    // Unknown users and users without a usable secret are checked against a dummy key, so the
    // work and the answer are the same as for a wrong password.
    const { context, usable } = secretContext(stored)
    const expected = hexEncode(hmacMd5FromContext(context, this.#challenge))
    const match = constantTimeEqual(utf8Encode(expected), utf8Encode(digestHex))
    if (stored === undefined) return { type: 'failure', error: notAuthorized('unknown-user') }
    if (!usable) return { type: 'failure', error: notAuthorized('no-usable-credentials') }
    if (!match) return { type: 'failure', error: notAuthorized('wrong-password') }
    return concludeAuthentication(this.#options, this.mechanism, authcid, '', stored)
  }
}

/**
 * The HMAC-MD5 context to verify with: from the plaintext password, else the stored one, else
 * a dummy. The context of a password (the stored one, or the dummy) is computed on every
 * attempt, so that every storage form and an unknown user cost the same work.
 */
function secretContext(stored: StoredCredentials | undefined): { context: Uint8Array; usable: boolean } {
  const derived = hmacMd5Context(stored?.password === undefined ? DUMMY_CONTEXT_KEY : utf8Encode(stored.password))
  if (stored?.password !== undefined) return { context: derived, usable: true }
  if (stored?.cramMd5 instanceof Uint8Array && stored.cramMd5.length === HMAC_MD5_CONTEXT_BYTES) return { context: stored.cramMd5, usable: true }
  return { context: derived, usable: false }
}

/** RFC 2195 §2: `<random.timestamp@hostname>`, a fresh random part for every exchange. */
function makeChallenge(options: CramMd5ServerOptions): string {
  const hostname = options.hostname ?? 'localhost'
  if (typeof hostname !== 'string' || !HOSTNAME.test(hostname)) throw new SaslError('malformed-request', 'CRAM-MD5: invalid hostname')
  const random = (options.random ?? randomBytes)(CHALLENGE_RANDOM_BYTES)
  if (!(random instanceof Uint8Array) || random.length !== CHALLENGE_RANDOM_BYTES) {
    throw new SaslError('protocol-violation', `CRAM-MD5: random(${CHALLENGE_RANDOM_BYTES}) must return that many bytes`)
  }
  const seconds = Math.floor((options.now ?? (() => new Date()))().getTime() / 1000)
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
  client: (options) => new CramMd5Client(options),
  server: (options) => new CramMd5Server(options),
}
