import { SaslError, asSaslError } from './errors.js'
import type { SaslClient, SaslServer, SecurityLayer, ServerStep } from './types.js'

/** Largest client message a server accepts by default (Dovecot's limit). */
export const DEFAULT_MAX_MESSAGE_BYTES = 65536

type Phase = 'new' | 'ready' | 'busy' | 'done'

function misuse(message: string): SaslError {
  return new SaslError('protocol-violation', message)
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array
}

/**
 * The step guard every client is built on: `next` before `start`, any step after success or
 * failure, or a second step while one is running throws `SaslError('protocol-violation')`.
 * A step that throws ends the exchange. Subclasses implement the `on*` hooks only.
 */
export abstract class ClientBase implements SaslClient {
  abstract readonly mechanism: string
  #phase: Phase = 'new'
  /** Set by a mechanism that negotiated a security layer. */
  securityLayer?: SecurityLayer

  protected abstract onStart(): Promise<Uint8Array | undefined> | Uint8Array | undefined
  protected abstract onNext(challenge: Uint8Array): Promise<Uint8Array> | Uint8Array

  /** Default: the mechanism carries no additional data with success. */
  protected onFinish(additionalData: Uint8Array | undefined): Promise<void> | void {
    if (additionalData !== undefined && additionalData.length > 0) {
      throw new SaslError('malformed-request', `${this.mechanism}: unexpected additional data with success`)
    }
  }

  async start(): Promise<Uint8Array | undefined> {
    return this.#step('new', 'ready', () => this.onStart())
  }

  async next(challenge: Uint8Array): Promise<Uint8Array> {
    if (this.#phase === 'ready' && !isBytes(challenge)) throw misuse('next() takes a Uint8Array')
    return this.#step('ready', 'ready', () => this.onNext(challenge))
  }

  async finish(additionalData?: Uint8Array): Promise<void> {
    if (this.#phase === 'ready' && additionalData !== undefined && !isBytes(additionalData)) {
      throw misuse('finish() takes a Uint8Array or nothing')
    }
    return this.#step('ready', 'done', () => this.onFinish(additionalData))
  }

  async #step<T>(from: Phase, to: Phase, run: () => Promise<T> | T): Promise<T> {
    if (this.#phase !== from) {
      throw misuse(
        this.#phase === 'busy'
          ? `${this.mechanism}: a step is already running`
          : this.#phase === 'done'
            ? `${this.mechanism}: the exchange is over`
            : `${this.mechanism}: start() must come first, once`,
      )
    }
    this.#phase = 'busy'
    try {
      const result = await run()
      this.#phase = to
      return result
    } catch (error) {
      this.#phase = 'done'
      throw asSaslError(error, 'temporary-auth-failure', `${this.mechanism}: client step failed`)
    }
  }
}

/** What a server hook returns: the next challenge, or the end of the exchange. */
export type ServerOutcome = ServerStep

/**
 * The step guard every server is built on. What the client sent never makes it throw: a
 * SaslError raised by the mechanism becomes a `failure` step, and so does an error thrown by
 * caller-supplied callbacks (`temporary-auth-failure`). Misuse (a step after the end, two at
 * once) throws `protocol-violation`. Messages over `maxMessageBytes` fail before any work.
 */
export abstract class ServerBase implements SaslServer {
  abstract readonly mechanism: string
  #phase: Phase = 'new'
  readonly #maxMessageBytes: number
  /** Set by a mechanism that negotiated a security layer. */
  securityLayer?: SecurityLayer

  constructor(maxMessageBytes: number | undefined) {
    this.#maxMessageBytes = maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  }

  /**
   * One client message. `first` is true for the initial response slot, where `response`
   * may be undefined (no initial response was sent); later it is always bytes.
   */
  protected abstract onNext(response: Uint8Array | undefined, first: boolean): Promise<ServerOutcome> | ServerOutcome

  async next(response: Uint8Array | undefined): Promise<ServerStep> {
    if (this.#phase === 'busy') throw misuse(`${this.mechanism}: a step is already running`)
    if (this.#phase === 'done') throw misuse(`${this.mechanism}: the exchange is over`)
    const first = this.#phase === 'new'
    if (!(isBytes(response) || (first && response === undefined))) {
      throw misuse(first ? 'next() takes a Uint8Array or undefined' : 'next() takes a Uint8Array')
    }
    this.#phase = 'busy'
    let step: ServerStep
    try {
      if (response !== undefined && response.length > this.#maxMessageBytes) {
        throw new SaslError('malformed-request', `${this.mechanism}: message exceeds ${this.#maxMessageBytes} bytes`)
      }
      step = await this.onNext(response, first)
    } catch (error) {
      step = { type: 'failure', error: asSaslError(error, 'temporary-auth-failure', `${this.mechanism}: server step failed`) }
    }
    this.#phase = step.type === 'challenge' ? 'ready' : 'done'
    return step
  }
}
