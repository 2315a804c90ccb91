/**
 * DIGEST-MD5 (RFC 2831; moved to Historic by RFC 6331): the server sends a nonce, the client
 * proves it knows H(username:realm:password) bound to both nonces and the digest-uri, and the
 * server proves the same back with `rspauth`. Legacy: MD5-based and password-equivalent on
 * the server. Prefer SCRAM.
 *
 * Only qop `auth` (authentication without a security layer) is implemented: a server that
 * offers nothing else, or a client that asks for `auth-int` / `auth-conf`, gets
 * `mechanism-too-weak`. Subsequent authentication (RFC 2831 §2.2) is not offered.
 *
 * Non-ASCII names: with `charset=utf-8`, a username, realm or password made only of ISO 8859-1
 * characters is hashed as ISO 8859-1 (RFC 2831 §2.1.2.1, as Cyrus SASL does). GNU SASL converts
 * only the password, so a user such as `jürgen` cannot authenticate between saslkit and GNU
 * SASL (ASCII usernames work with any password). Dovecot's `doveadm pw -s DIGEST-MD5` hashes
 * UTF-8 throughout, so its entries verify here only when name, realm and password are ASCII or
 * lie outside ISO 8859-1; `deriveCredentials` makes the RFC form.
 *
 * @module saslkit/digest-md5
 */
import { SaslError } from '../core/errors.js'
import { ClientBase, lazyServer } from '../core/guard.js'
import { textOption } from '../core/options.js'
import type { ClientRandomOptions, Mechanism, ServerOptions } from '../core/types.js'
import { constantTimeEqual } from '../codec/equal.js'
import { latin1Decode, latin1Encode } from '../codec/latin1.js'
import { utf8Encode } from '../codec/utf8.js'
import { digestMd5Secret } from '../crypto/md5.js'
import {
  FIRST_NONCE_COUNT,
  MAX_CHALLENGE_BYTES,
  collect,
  malformed,
  parseDirectives,
  quoted,
  randomNonce,
  requireOne,
  requireText,
  responseValue,
  wireBytes,
  wireText,
  type DigestInputs,
} from './digest-md5-common.js'

/**
 * DIGEST-MD5 client options. The digest-uri is `service/host` (RFC 2831 §2.1.2), e.g.
 * `imap/mail.example.org`.
 *
 * @example
 * ```ts
 * const options: DigestMd5ClientOptions = { username: 'chris', password: 'secret', service: 'imap', host: 'elwood.innosoft.com' }
 * ```
 */
export interface DigestMd5ClientOptions extends ClientRandomOptions {
  readonly username: string
  readonly password: string
  /** Act as this identity (empty or absent: as `username`). */
  readonly authzid?: string
  /** The registered service name: `imap`, `smtp`, `xmpp`, `ldap`… */
  readonly service: string
  /** The server's host name. */
  readonly host: string
  /** The realm to authenticate in; default the first one the server offers, else none. */
  readonly realm?: string
  /** The exact cnonce text, for published vectors; never reuse one in production. */
  readonly cnonce?: string
}

/**
 * DIGEST-MD5 server options. `credentials(authcid, { mechanism, realm })` gives the
 * plaintext `password` or the stored `digestMd5` = H(username:realm:password) for that
 * realm; `verifyPassword` cannot serve DIGEST-MD5, which never sees the password.
 *
 * @example
 * ```ts
 * const options: DigestMd5ServerOptions = { service: 'imap', host: 'mail.example.org', realm: 'example.org', credentials: (u, { realm }) => db.get(u, realm) }
 * ```
 */
export interface DigestMd5ServerOptions extends ServerOptions {
  /** The service the digest-uri must name (compared without regard to case). */
  readonly service: string
  /** When given, the digest-uri's host must be this one (compared without regard to case). */
  readonly host?: string
  /** The realm(s) offered; a client must pick one of them. None: the client's realm is taken as it is. */
  readonly realm?: string | readonly string[]
  /** The exact nonce text, for published vectors; never reuse one in production. */
  readonly nonce?: string
  /** Replaces `crypto.getRandomValues` for the nonce. */
  readonly random?: (length: number) => Uint8Array
}

// ---------------------------------------------------------------------------------------------
// Client.

class DigestMd5Client extends ClientBase {
  readonly mechanism = 'DIGEST-MD5'
  readonly #username: string
  readonly #password: string
  readonly #authzid: string
  readonly #digestUri: string
  readonly #realm: string | undefined
  readonly #cnonce: string
  #phase: 'challenge' | 'rspauth' | 'verified' = 'challenge'
  #expectedRspauth = ''

  constructor(options: DigestMd5ClientOptions) {
    super()
    this.#username = requireText(options.username, 'username')
    this.#password = textOption('DIGEST-MD5', 'password', options.password)
    this.#authzid = options.authzid === undefined || options.authzid === '' ? '' : requireText(options.authzid, 'authzid')
    const service = requireText(options.service, 'service', true)
    const host = requireText(options.host, 'host', true)
    this.#digestUri = `${service}/${host}`
    this.#realm = options.realm === undefined ? undefined : options.realm === '' ? '' : requireText(options.realm, 'realm')
    this.#cnonce = options.cnonce === undefined ? randomNonce(options.random) : requireText(options.cnonce, 'cnonce')
  }

  // RFC 2831 §2.1: the server speaks first.
  protected onStart(): undefined {
    return undefined
  }

  protected override onNext(challenge: Uint8Array): Promise<Uint8Array> | Uint8Array {
    switch (this.#phase) {
      case 'challenge':
        return this.#answer(challenge)
      case 'rspauth':
        // The server's final data came as one more challenge (SMTP, IMAP, POP3): check it,
        // answer with nothing (RFC 2831 §2.1.3).
        this.#verify(challenge)
        return new Uint8Array(0)
      default:
        return super.onNext(challenge)
    }
  }

  protected override onFinish(additionalData: Uint8Array | undefined): void {
    // rspauth with the success (XMPP); any other data with it is unexpected.
    if (this.#phase === 'rspauth' && additionalData?.length) this.#verify(additionalData)
    else super.onFinish(additionalData)
    if (this.#phase !== 'verified') throw new SaslError('server-not-verified', 'DIGEST-MD5: no rspauth from the server')
  }

  #answer(challenge: Uint8Array): Uint8Array {
    const byName = collect(parseDirectives(challenge, MAX_CHALLENGE_BYTES), [
      'nonce',
      'qop',
      'stale',
      'maxbuf',
      'charset',
      'algorithm',
      'cipher',
    ])
    const nonce = requireOne(byName, 'nonce')
    if (nonce === '') throw malformed('empty nonce')
    // RFC 2831 §2.1.1: algorithm is required, and md5-sess is the only value.
    if (requireOne(byName, 'algorithm').toLowerCase() !== 'md5-sess') throw malformed('unsupported algorithm')
    const charset = byName.get('charset')?.[0]
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') throw malformed('unsupported charset')
    const maxbuf = byName.get('maxbuf')?.[0]
    if (maxbuf !== undefined && !/^[0-9]{1,8}$/.test(maxbuf)) throw malformed('invalid maxbuf')
    const utf8 = charset !== undefined
    // RFC 2831 §2.1.1: qop-options, a comma-separated token list, defaults to "auth"; unknown
    // options are ignored.
    if (!/(^|,)[ \t]*auth[ \t]*(,|$)/i.test(byName.get('qop')?.[0] ?? 'auth')) {
      throw new SaslError('mechanism-too-weak', 'DIGEST-MD5: the server does not offer qop=auth')
    }
    const offeredRealms = (byName.get('realm') ?? []).map((realm) => wireText(realm, utf8))
    const realm = this.#realm ?? offeredRealms[0] ?? ''

    const username = wireBytes(this.#username, utf8, 'username')
    const realmBytes = wireBytes(realm, utf8, 'realm')
    wireBytes(this.#password, utf8, 'password') // only to refuse a password the charset cannot carry
    // RFC 2831 §2.1.2: authzid and digest-uri are UTF-8 whatever the charset.
    const inputs: DigestInputs = {
      secret: digestMd5Secret(this.#username, realm, this.#password),
      nonce: latin1Encode(nonce),
      cnonce: utf8Encode(this.#cnonce),
      authzid: utf8Encode(this.#authzid),
      digestUri: utf8Encode(this.#digestUri),
    }
    this.#expectedRspauth = responseValue(inputs, '')
    const quotedBytes = (bytes: Uint8Array): string => quoted(latin1Decode(bytes))
    const fields = [
      ...(utf8 ? ['charset=utf-8'] : []),
      `username=${quotedBytes(username)}`,
      ...(realm === '' ? [] : [`realm=${quotedBytes(realmBytes)}`]),
      `nonce=${quoted(nonce)}`,
      `nc=${FIRST_NONCE_COUNT}`,
      `cnonce=${quotedBytes(inputs.cnonce)}`,
      `digest-uri=${quotedBytes(inputs.digestUri)}`,
      `response=${responseValue(inputs, 'AUTHENTICATE')}`,
      'qop=auth',
      ...(this.#authzid === '' ? [] : [`authzid=${quotedBytes(inputs.authzid)}`]),
    ]
    this.#phase = 'rspauth'
    return latin1Encode(fields.join(','))
  }

  /** RFC 2831 §2.1.3: the server proves it knew the secret too. */
  #verify(message: Uint8Array): void {
    const rspauth = collect(parseDirectives(message, MAX_CHALLENGE_BYTES), ['rspauth']).get('rspauth')?.[0]
    if (rspauth === undefined) throw new SaslError('server-not-verified', 'DIGEST-MD5: no rspauth from the server')
    if (!constantTimeEqual(utf8Encode(this.#expectedRspauth), latin1Encode(rspauth))) {
      throw new SaslError('server-not-verified', 'DIGEST-MD5: wrong rspauth')
    }
    this.#phase = 'verified'
  }
}

/**
 * The DIGEST-MD5 mechanism (RFC 2831), qop `auth` only. Strength 30, legacy, mutual: the
 * client checks the server's `rspauth`. The server sends `rspauth` as the success step's
 * `additionalData`; a protocol without additional data with success delivers it to the
 * client's `next()` as one more challenge, which the client answers with an empty response.
 *
 * @example
 * ```ts
 * const client = digestMd5.client({ username: 'chris', password: 'secret', service: 'imap', host: 'elwood.innosoft.com' })
 * const server = digestMd5.server({ service: 'imap', realm: 'elwood.innosoft.com', credentials: () => ({ password: 'secret' }) })
 * const challenge = await server.next(await client.start())       // realm="…",nonce="…",qop="auth",…
 * if (challenge.type === 'challenge') {
 *   const done = await server.next(await client.next(challenge.challenge)) // success, additionalData rspauth=…
 *   if (done.type === 'success') await client.finish(done.additionalData)  // throws server-not-verified if wrong
 * }
 * ```
 */
export const digestMd5: Mechanism<DigestMd5ClientOptions, DigestMd5ServerOptions> = {
  name: 'DIGEST-MD5',
  traits: { clientFirst: false, plaintext: false, mutual: true, channelBinding: false, strength: 30, legacy: true },
  // Copies first: a missing options object is then a missing option (decision 5).
  client: (options) => new DigestMd5Client({ ...options }),
  server: (serverOptions) => {
    const options = { ...serverOptions }
    if (options.credentials === undefined) throw new SaslError('protocol-violation', 'DIGEST-MD5 server needs credentials()')
    requireText(options.service, 'service', true)
    if (options.host !== undefined) requireText(options.host, 'host', true)
    // A string or a list (any other type is refused as a realm that is not a string).
    const given: unknown = options.realm
    const realms = (given === undefined ? [] : Array.isArray(given) ? [...given] : [given]).map((realm) => requireText(realm, 'realm'))
    // Kept as sent (one char per octet), to compare with what the client echoes.
    const nonce = latin1Decode(utf8Encode(options.nonce === undefined ? randomNonce(options.random) : requireText(options.nonce, 'nonce')))
    // Object.assign: on V8 a spread followed by new keys gives every copy a hidden class of its own.
    const copy = Object.assign({}, options, { realm: realms })
    return lazyServer('DIGEST-MD5', () => import('./digest-md5-server.js'), (module) => new module.DigestMd5Server(copy, realms, nonce))
  },
}
