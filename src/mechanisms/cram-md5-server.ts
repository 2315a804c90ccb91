/**
 * The CRAM-MD5 server (RFC 2195), loaded on its first step by `cramMd5.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, concludeAuthentication, lookupCredentials, notAuthorized } from '../core/server.js'
import type { ServerOptions, StoredCredentials } from '../core/types.js'
import { hexDecode } from '../codec/bytes.js'
import { constantTimeEqual } from '../codec/equal.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import { HMAC_MD5_CONTEXT_BYTES, hmacMd5Context, hmacMd5FromContext } from '../crypto/md5-context.js'

const DIGEST_HEX = /^[0-9a-f]{32}$/

const DUMMY_CONTEXT_KEY = /* @__PURE__ */ utf8Encode('saslkit-unknown-user-dummy-password')

export class CramMd5Server extends ServerBase {
  readonly mechanism = 'CRAM-MD5'
  readonly #options: ServerOptions
  readonly #challenge: Uint8Array

  /** `options` is the descriptor's checked copy; `challenge` the one it made. */
  constructor(options: ServerOptions, challenge: Uint8Array) {
    super(options)
    this.#options = options
    this.#challenge = challenge
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
    // The 16 digest bytes against the client's, decoded (its 32 digits are checked above).
    const match = constantTimeEqual(hmacMd5FromContext(context, this.#challenge), hexDecode(digestHex))
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
