/**
 * LOGIN (draft-murchison-sasl-login-00, [MS-XLOGIN]): the server prompts for the username,
 * then the password. Legacy and plaintext: prefer PLAIN over TLS.
 *
 * @module saslkit/login
 */
import { SaslError } from '../core/errors.js'
import { ClientBase, lazyServer } from '../core/guard.js'
import { requirePasswordSource } from '../core/options.js'
import type { Mechanism, ServerOptions } from '../core/types.js'
import { utf8Encode } from '../codec/utf8.js'

/**
 * LOGIN client options.
 *
 * @example
 * ```ts
 * const options: LoginClientOptions = { username: 'tim', password: 'tanstaaftanstaaf' }
 * ```
 */
export interface LoginClientOptions {
  readonly username: string
  readonly password: string
  /** Applied to username and password before sending, e.g. `saslprep`. */
  readonly prepare?: (value: string) => string
}

/**
 * LOGIN server options: `credentials` (stored `password`) or `verifyPassword`, and the prompts.
 *
 * @example
 * ```ts
 * const options: LoginServerOptions = { credentials: (u) => db.get(u), prompts: { username: 'User Name\0', password: 'Password\0' } }
 * ```
 */
export interface LoginServerOptions extends ServerOptions {
  /** Prompt texts; default `Username:` / `Password:` as [MS-XLOGIN] §2.2.2 and most servers send. */
  readonly prompts?: { readonly username: string; readonly password: string }
  /** Applied to the received username and password before they are checked. */
  readonly prepare?: (value: string) => string
}

class LoginClient extends ClientBase {
  readonly mechanism = 'LOGIN'
  readonly #answers: Uint8Array[]

  constructor({ username, password, prepare = String }: LoginClientOptions) {
    super()
    let user, pass
    // Decision 5: a non-string (or a prepare() that is not a function or gives one) is the
    // caller's mistake; what the text holds is checked below.
    if (
      typeof prepare !== 'function' ||
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      typeof (user = prepare(username)) !== 'string' ||
      typeof (pass = prepare(password)) !== 'string'
    ) {
      throw new SaslError('protocol-violation', 'LOGIN: username or password is not a string, or prepare() not a function')
    }
    if (!user || !pass || (user + pass).includes('\0')) {
      throw new SaslError('malformed-request', 'LOGIN: empty username or password, or a NUL in one')
    }
    this.#answers = [utf8Encode(user), utf8Encode(pass)]
  }

  protected onStart(): undefined {
    return undefined
  }

  // The draft: clients MUST ignore the prompt text (servers send `Username:`, `User Name\0`…);
  // a third challenge is unexpected.
  protected override onNext(challenge: Uint8Array): Promise<Uint8Array> | Uint8Array {
    return this.#answers.shift() ?? super.onNext(challenge)
  }
}

/**
 * The LOGIN mechanism. Strength 15, legacy, plaintext.
 *
 * @example
 * ```ts
 * const client = login.client({ username: 'tim', password: 'tanstaaftanstaaf' })
 * await client.start()                                   // undefined: the server speaks first
 * await client.next(utf8Encode('Username:'))              // 'tim'
 * ```
 */
export const login: Mechanism<LoginClientOptions, LoginServerOptions> = {
  name: 'LOGIN',
  traits: { clientFirst: false, plaintext: true, mutual: false, channelBinding: false, strength: 15, legacy: true },
  // A missing options object is a missing option (decision 5); no copy: the constructor only
  // reads the fields, and a copy costs this client a few percent (docs/benchmarks.md).
  client: (options) => new LoginClient(options ?? {}),
  server: (options) => {
    // The prompts are copied too (the server fills in the defaults). Object.assign: on V8 a
    // spread followed by new keys gives every copy a hidden class of its own.
    const copy = Object.assign({}, options, { prompts: { ...options?.prompts } })
    requirePasswordSource(copy, 'LOGIN')
    return lazyServer('LOGIN', () => import('./login-server.js'), (module) => new module.LoginServer(copy))
  },
}
