import { SaslError, asSaslError } from './errors.js'
import type { SaslClient, SaslServer, SecurityLayer, ServerStep } from './types.js'

/** Where an exchange is: 0 before start (a server: before the first message), 1 between steps, 2 in a step, 3 over. */
export type Phase = 0 | 1 | 2 | 3

/** Why a step may not run, by phase. */
export const OUT_OF_ORDER = ['call start() first, once', 'call start() first, once', 'a step is running', 'the exchange is over'] as const

/** The error for a step out of order, or for an argument that is not bytes. */
export function misuse(mechanism: string, phase: Phase | -1): SaslError {
  return new SaslError('protocol-violation', `${mechanism}: ${phase < 0 ? 'expected a Uint8Array' : OUT_OF_ORDER[phase as Phase]}`)
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
    throw new SaslError('malformed-request', `${this.mechanism}: unexpected challenge`)
  }

  /** Default: the mechanism carries no additional data with success. */
  protected onFinish(additionalData: Uint8Array | undefined): Promise<void> | void {
    if (additionalData?.length) throw new SaslError('malformed-request', `${this.mechanism}: unexpected data with success`)
  }

  start(): Promise<Uint8Array | undefined> {
    return this.#step(0, 1, EMPTY, () => this.onStart())
  }

  next(challenge: Uint8Array): Promise<Uint8Array> {
    return this.#step(1, 1, challenge, () => this.onNext(challenge))
  }

  finish(additionalData?: Uint8Array): Promise<void> {
    return this.#step(1, 3, additionalData === undefined ? EMPTY : additionalData, () => this.onFinish(additionalData))
  }

  async #step<T>(from: Phase, to: Phase, argument: unknown, run: () => Promise<T> | T): Promise<T> {
    if (this.#phase !== from) throw misuse(this.mechanism, this.#phase)
    if (!(argument instanceof Uint8Array)) throw misuse(this.mechanism, -1)
    this.#phase = 2
    try {
      const result = await run()
      this.#phase = to
      return result
    } catch (error) {
      this.#phase = 3
      throw asSaslError(error, 'temporary-auth-failure', `${this.mechanism}: client step failed`)
    }
  }
}

const EMPTY = /* @__PURE__ */ new Uint8Array(0)

/** Server modules already imported, by mechanism name: an `import()` costs microseconds even for a loaded module. */
const serverModules: Record<string, Promise<unknown>> = {}

/**
 * A server whose code loads on its first step (`importModule`, a dynamic `import()`), so that
 * a bundle that only ever runs clients, a browser webmail say, never downloads it; every
 * server after the first finds the module loaded. Construction stays synchronous: the
 * descriptor checks and copies the options before it calls this, and `build` makes the real
 * server from that copy. If the code cannot load (a lost connection), `next()` rejects with
 * `temporary-auth-failure`; the profiles answer that as a temporary failure. A mechanism whose
 * server has more to show (GSSAPI's `securityLayer`, NTLM's `session`) passes it through.
 */
export function lazyServer<M>(mechanism: string, importModule: () => Promise<M>, build: (module: M) => SaslServer): SaslServer {
  return new LazyServer(mechanism, async () => build(await ((serverModules[mechanism] ??= importModule()) as Promise<M>))) as SaslServer
}

/** The stand-in: a class, so that a server waiting for its first step costs a few fields. */
class LazyServer {
  declare readonly mechanism: string
  #load: (() => Promise<SaslServer>) | undefined
  /** The real server, or the promise of it while its code loads. */
  #server: SaslServer | Promise<SaslServer> | undefined

  constructor(mechanism: string, load: () => Promise<SaslServer>) {
    this.mechanism = mechanism
    this.#load = load
  }

  async next(response: Uint8Array | undefined): Promise<ServerStep> {
    const server = await (this.#server ??= this.#load!().catch((error: unknown) => {
      throw asSaslError(error, 'temporary-auth-failure', `${this.mechanism}: server code did not load`)
    }))
    // The real server holds the options now: the loader and its copy of them can go.
    this.#server = server
    this.#load = undefined
    return server.next(response)
  }
}
