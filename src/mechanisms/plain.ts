/**
 * PLAIN (RFC 4616): `[authzid] NUL authcid NUL passwd` in one message. Plaintext: use it
 * only over TLS.
 *
 * @module saslkit/plain
 */
import { SaslError } from '../core/errors.js'
import { ClientBase, lazyServer } from '../core/guard.js'
import { requirePasswordSource } from '../core/options.js'
import type { Mechanism, ServerOptions } from '../core/types.js'
import { utf8Encode } from '../codec/utf8.js'

/**
 * PLAIN client options.
 *
 * @example
 * ```ts
 * const options: PlainClientOptions = { username: 'tim', password: 'tanstaaftanstaaf' }
 * ```
 */
export interface PlainClientOptions {
  readonly username: string
  readonly password: string
  /** Act as this identity (empty or absent: as `username`). */
  readonly authzid?: string
  /** Applied to username and password before sending, e.g. `saslprep`. */
  readonly prepare?: (value: string) => string
}

/**
 * PLAIN server options: `credentials` (stored `password`) or `verifyPassword`.
 *
 * @example
 * ```ts
 * const options: PlainServerOptions = { verifyPassword: (user, pw) => ldapBind(user, pw) }
 * ```
 */
export interface PlainServerOptions extends ServerOptions {
  /** Applied to the received authcid and password before they are checked, e.g. `saslprep`. */
  readonly prepare?: (value: string) => string
}

class PlainClient extends ClientBase {
  readonly mechanism = 'PLAIN'
  /** authzid NUL authcid NUL passwd, checked; encoded at start(), so no copy is kept to hand out. */
  readonly #message: string

  constructor({ username, password, authzid = '', prepare = String }: PlainClientOptions) {
    super()
    let authcid, passwd
    // Decision 5: a non-string (or a prepare() that is not a function or gives one) is the
    // caller's mistake; what the text holds is checked below.
    if (
      typeof prepare !== 'function' ||
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      typeof authzid !== 'string' ||
      typeof (authcid = prepare(username)) !== 'string' ||
      typeof (passwd = prepare(password)) !== 'string'
    ) {
      throw new SaslError('protocol-violation', 'PLAIN: username, password or authzid is not a string, or prepare() not a function')
    }
    // RFC 4616 §2: authcid and passwd are 1*SAFE, and no field may hold a NUL.
    if (!authcid || !passwd || (authzid + authcid + passwd).includes('\0')) {
      throw new SaslError('malformed-request', 'PLAIN: empty username or password, or a NUL in a field')
    }
    this.#message = `${authzid}\0${authcid}\0${passwd}`
  }

  protected onStart(): Uint8Array {
    // One encode of the joined fields: the same bytes as encoding each (NUL is one byte and
    // splits no surrogate pair), and a fresh array the caller may keep.
    return utf8Encode(this.#message)
  }
}

/**
 * The PLAIN mechanism (RFC 4616). Strength 20; plaintext, so `negotiate()` and the
 * profiles only use it on a protected channel.
 *
 * @example
 * ```ts
 * const client = plain.client({ username: 'tim', password: 'tanstaaftanstaaf' })
 * const server = plain.server({ credentials: (u) => (u === 'tim' ? { password: 'tanstaaftanstaaf' } : undefined) })
 * const step = await server.next(await client.start()) // { type: 'success', identity: … }
 * ```
 */
export const plain: Mechanism<PlainClientOptions, PlainServerOptions> = {
  name: 'PLAIN',
  traits: { clientFirst: true, plaintext: true, mutual: false, channelBinding: false, strength: 20, legacy: false },
  // A missing options object is a missing option (decision 5); no copy: the constructor only
  // reads the fields, and a copy costs this client a few percent (docs/benchmarks.md).
  client: (options) => new PlainClient(options ?? {}),
  server: (options) => {
    const copy = { ...options }
    requirePasswordSource(copy, 'PLAIN')
    return lazyServer('PLAIN', () => import('./plain-server.js'), (module) => new module.PlainServer(copy))
  },
}
