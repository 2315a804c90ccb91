/**
 * ANONYMOUS (RFC 4505): no credentials, an optional trace (an email address or token).
 *
 * @module saslkit/anonymous
 */
import { ClientBase, lazyServer } from '../core/guard.js'
import { checkTrace } from './anonymous-trace.js'
import type { Mechanism } from '../core/types.js'
import { utf8Encode } from '../codec/utf8.js'

/**
 * ANONYMOUS client options.
 *
 * @example
 * ```ts
 * const options: AnonymousClientOptions = { trace: 'sirhc' }
 * ```
 */
export interface AnonymousClientOptions {
  /** An email address or opaque token, at most 255 characters, no control characters. */
  readonly trace?: string
}

/**
 * ANONYMOUS server options.
 *
 * @example
 * ```ts
 * const options: AnonymousServerOptions = { allow: false } // refuse anonymous logins
 * ```
 */
export interface AnonymousServerOptions {
  /** Accept anonymous logins (default true); false answers `mechanism-too-weak`. */
  readonly allow?: boolean
  /** The authcid reported on success (default `anonymous`). */
  readonly username?: string
  readonly maxMessageBytes?: number
}


class AnonymousClient extends ClientBase {
  readonly mechanism = 'ANONYMOUS'
  readonly #trace: string

  constructor(options: AnonymousClientOptions) {
    super()
    this.#trace = options?.trace ?? ''
    checkTrace(this.#trace)
  }

  protected onStart(): Uint8Array {
    return utf8Encode(this.#trace)
  }
}

/**
 * The ANONYMOUS mechanism. Strength 0; `negotiate()` picks it only when `prefer` names it.
 *
 * @example
 * ```ts
 * const step = await anonymous.server({}).next(await anonymous.client({ trace: 'sirhc' }).start())
 * // step.identity.details.trace === 'sirhc'
 * ```
 */
export const anonymous: Mechanism<AnonymousClientOptions, AnonymousServerOptions> = {
  name: 'ANONYMOUS',
  traits: { clientFirst: true, plaintext: false, mutual: false, channelBinding: false, strength: 0, legacy: false, explicitOnly: true },
  client: (options) => new AnonymousClient(options),
  server: (options) => {
    const copy = { ...options }
    return lazyServer('ANONYMOUS', () => import('./anonymous-server.js'), (module) => new module.AnonymousServer(copy))
  },
}
