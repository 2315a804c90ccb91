import { SaslError, asSaslError } from './errors.js'
import type { SaslClient, SaslServer, SecurityLayer } from './types.js'

/** Where an exchange is: 0 before start (a server: before the first message), 1 between steps, 2 in a step, 3 over. */
export type Phase = 0 | 1 | 2 | 3

/** The error for a step out of order (by the phase the exchange is in), or for an argument that is not bytes (-1). */
export function misuse(mechanism: string, phase: Phase | -1): SaslError {
  return new SaslError(
    'protocol-violation',
    `${mechanism}: ${phase < 0 ? 'expected a Uint8Array' : phase < 2 ? 'start() first, once' : phase < 3 ? 'a step is pending' : 'the exchange is over'}`,
  )
}

/**
 * The step guard every client is built on: `next` before `start`, any step after success or
 * failure, or a second step while one is running throws `SaslError('protocol-violation')`.
 * A step that throws ends the exchange. Subclasses implement the `on*` hooks only.
 */
export abstract class ClientBase implements SaslClient {
  abstract readonly mechanism: string
  #phase: Phase = 0
  /** Set by a mechanism that negotiated a security layer. */
  declare securityLayer?: SecurityLayer

  protected abstract onStart(): Promise<Uint8Array | undefined> | Uint8Array | undefined
  /** Default: the mechanism expects no challenge (its initial response is all it sends). */
  protected onNext(_challenge: Uint8Array): Promise<Uint8Array> | Uint8Array {
    throw new SaslError('malformed-request', `${this.mechanism}: unexpected data from the server`)
  }

  /** Default: the mechanism carries no additional data with success. */
  protected onFinish(additionalData: Uint8Array | undefined): Promise<void> | void {
    if (additionalData?.length) throw new SaslError('malformed-request', `${this.mechanism}: unexpected data from the server`)
  }

  start(): Promise<Uint8Array | undefined> {
    return this.#step(0, 1, this.onStart, EMPTY)
  }

  next(challenge: Uint8Array): Promise<Uint8Array> {
    return this.#step(1, 1, this.onNext, challenge)
  }

  finish(additionalData: Uint8Array = EMPTY): Promise<void> {
    return this.#step(1, 3, this.onFinish, additionalData)
  }

  /**
   * Runs `hook` with `argument` if the exchange is at `from`, and leaves it at `to`, or over
   * if the hook throws. A hook that answers at once (PLAIN's) is not awaited: its step settles
   * without the extra turn an `await` of a plain value costs; one that awaits keeps the phase
   * at "a step is pending" until it settles.
   */
  async #step<T>(from: Phase, to: Phase, hook: (argument: Uint8Array) => Promise<T> | T, argument: Uint8Array): Promise<T> {
    if (this.#phase !== from || !(argument instanceof Uint8Array)) throw misuse(this.mechanism, this.#phase === from ? -1 : this.#phase)
    this.#phase = 2
    try {
      let result = hook.call(this, argument)
      if (result instanceof Promise) result = await result
      this.#phase = to
      return result
    } catch (error) {
      this.#phase = 3
      throw asSaslError(error, 'temporary-auth-failure', `${this.mechanism}: step failed`)
    }
  }
}

const EMPTY = /* @__PURE__ */ new Uint8Array()

/**
 * Server modules imported or importing, by mechanism name: an `import()` costs microseconds
 * even for a loaded module. A failed import is forgotten, so that the next server imports
 * again: the HTML standard no longer keeps a failed module fetch either (whatwg/html#10327).
 */
const serverModules: Record<string, Promise<unknown> | undefined> = {}

/**
 * A server whose code loads on its first step (`importModule`, a dynamic `import()`), so that
 * a bundle that only ever runs clients, a browser webmail say, never downloads it; every
 * server after the first finds the module loaded. Construction stays synchronous: the
 * descriptor checks and copies the options before it calls this, and `build` makes the real
 * server from that copy. If the code cannot load (a lost connection), `next()` rejects with
 * `temporary-auth-failure`, which the profiles answer as a temporary failure, and that
 * exchange is over; the next server of the mechanism imports the code again. A mechanism whose
 * server has more to show (GSSAPI's `securityLayer`, NTLM's `session`) passes it through.
 */
export function lazyServer<M>(mechanism: string, importModule: () => Promise<M>, build: (module: M) => SaslServer): SaslServer {
  /** The promise of the real server, made on the first step (rejected if its code could not load). */
  let server: Promise<SaslServer> | undefined
  const standIn: SaslServer = {
    mechanism,
    next: (response) =>
      (server ??= ((serverModules[mechanism] ??= importModule()) as Promise<M>).then(build)).then(
        // From now on the real server answers: a bound method holds nothing but it, so the
        // loader, its copy of the options and this closure can all go.
        (real) => (standIn.next = real.next.bind(real))(response),
        (error: unknown) => {
          // Here rather than on the import: the same forgetting for fewer bytes (a build that
          // threw costs the next server one more import of a loaded module).
          serverModules[mechanism] = undefined
          throw asSaslError(error, 'temporary-auth-failure', `${mechanism}: server did not load`)
        },
      ),
  }
  return standIn
}
