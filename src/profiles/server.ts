/**
 * The server driver every protocol profile shares (mechanism selection by channel, challenges,
 * success data, refusals), loaded on a server profile's first `receive()`.
 */
import { SaslError, asSaslError, type SaslErrorCode } from '../core/errors.js'
import type { Identity, Mechanism, SaslServer, SecurityLayer, ServerChannel, ServerStep } from '../core/types.js'
import {
  decodePayload,
  refusalFor,
  type AnyMechanism,
  type ProfileServerConfig,
  type ProfileServerEngine,
  type Refusal,
  type ServerResult,
  type ServerWire,
} from './common.js'

/** UTF-8 length of a string without encoding it. */
function utf8Length(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** The SaslError code a refusal outside SASL is logged with. */
function refusalCode(refusal: Refusal): SaslErrorCode {
  switch (refusal) {
    case 'already-authenticated':
    case 'line-too-long':
    case 'unknown-command':
    case 'syntax':
      return 'malformed-request'
    default:
      return refusal
  }
}

/** The server driver, behind a profile's server object (ProfileServer in common.ts). */
export class ServerEngine implements ProfileServerEngine {
  readonly #wire: ServerWire
  readonly #mechanisms: readonly AnyMechanism[]
  readonly #shared: Readonly<Record<string, unknown>>
  readonly #overrides: Readonly<Record<string, object>>
  readonly #channel: ServerChannel
  readonly #maxLineLength: number
  #phase: 'idle' | 'exchange' | 'final' | 'authenticated' = 'idle'
  #sasl: SaslServer | undefined
  #tag: string | undefined
  #pending: Identity | undefined
  #identity: Identity | undefined

  constructor(wire: ServerWire, config: ProfileServerConfig) {
    this.#wire = wire
    this.#mechanisms = config.mechanisms
    this.#shared = config.shared
    this.#overrides = config.overrides
    this.#channel = config.channel
    this.#maxLineLength = config.maxLineLength ?? wire.defaultMaxLineLength
  }

  get identity(): Identity | undefined {
    return this.#identity
  }

  get securityLayer(): SecurityLayer | undefined {
    return this.#phase === 'authenticated' ? this.#sasl?.securityLayer : undefined
  }

  /** One line; the profile object has checked it is a string and that no other runs. */
  // Synchronous but for the mechanism step: a refusal or the final 235 answers at once.
  handle(line: string): Promise<ServerResult> | ServerResult {
    const tag = this.#phase === 'exchange' || this.#phase === 'final' ? this.#tag : this.#wire.tagOf?.(line)
    // RFC 4954 §4: an over-long line ends the exchange with 500 5.5.6. A UTF-16 code unit is
    // at most 3 octets, so only a line longer than a third of the limit needs counting.
    if (line.length > this.#maxLineLength || (line.length * 3 > this.#maxLineLength && utf8Length(line) > this.#maxLineLength)) return this.#refuse('line-too-long', tag)
    if (!this.#wire.multiline && /[\r\n]/.test(line)) return this.#refuse('syntax', tag)
    switch (this.#phase) {
      case 'idle':
      case 'authenticated':
        return this.#command(line)
      case 'exchange':
        return this.#response(line)
      case 'final':
        return this.#final(line)
    }
  }

  #command(line: string): Promise<ServerResult> | ServerResult {
    const command = this.#wire.command(line)
    if (command.type === 'refuse') return this.#refuse(command.refusal, command.tag)
    const tag = command.tag
    // RFC 4954 §4: AUTH after a successful AUTH is refused with 503 5.5.1.
    if (this.#phase === 'authenticated') return this.#refuse('already-authenticated', tag)
    const mechanism = this.#mechanisms.find((m) => m.name === command.mechanism)
    if (mechanism === undefined) return this.#refuse('invalid-mechanism', tag)
    const refusal = refusalFor(mechanism, this.#channel)
    if (refusal !== undefined) return this.#refuse(refusal, tag)
    let initial: Uint8Array | undefined
    try {
      initial = command.initial === undefined ? undefined : command.initial === '=' ? new Uint8Array(0) : decodePayload(command.initial)
    } catch {
      return this.#refuse('incorrect-encoding', tag)
    }
    let sasl: SaslServer
    try {
      const options = { ...this.#shared, ...this.#overrides[mechanism.name], channel: this.#channel }
      sasl = (mechanism as Mechanism<unknown, unknown>).server(options)
    } catch (error) {
      // A server that cannot even build the mechanism is misconfigured: tell the client to
      // come back later, and hand the cause to the caller's log.
      return this.#refuse('temporary-auth-failure', tag, asSaslError(error, 'temporary-auth-failure', `${mechanism.name} server could not start`))
    }
    this.#sasl = sasl
    this.#tag = tag
    return this.#step(initial)
  }

  #response(line: string): Promise<ServerResult> | ServerResult {
    const response = this.#wire.response(line)
    if (response.type === 'cancel') return this.#refuse('aborted', this.#tag)
    if (response.type === 'refuse') return this.#refuse(response.refusal, this.#tag)
    let data: Uint8Array
    try {
      data = decodePayload(response.text)
    } catch {
      // RFC 4954 §4: undecodable client data is refused with 501 5.5.2.
      return this.#refuse('incorrect-encoding', this.#tag)
    }
    return this.#step(data)
  }

  // RFC 4422 §5 (and API.md §3): success data sent as a challenge is answered by an empty response.
  #final(line: string): ServerResult {
    const response = this.#wire.response(line)
    if (response.type === 'cancel') return this.#refuse('aborted', this.#tag)
    if (response.type === 'refuse') return this.#refuse(response.refusal, this.#tag)
    if (response.text !== '') return this.#refuse('malformed-request', this.#tag)
    return this.#succeed(this.#pending!, undefined)
  }

  // The one async layer of a line: a SaslServer that throws at once or answers a plain value is handled alike.
  async #step(data: Uint8Array | undefined): Promise<ServerResult> {
    let step: ServerStep
    try {
      step = await this.#sasl!.next(data)
    } catch (error) {
      step = { type: 'failure', error: asSaslError(error, 'temporary-auth-failure', 'server step failed') }
    }
    switch (step.type) {
      case 'challenge':
        this.#phase = 'exchange'
        return { reply: this.#wire.challenge(step.challenge), done: false }
      case 'success':
        if (step.additionalData !== undefined && !this.#wire.successCarriesData) {
          this.#phase = 'final'
          this.#pending = step.identity
          return { reply: this.#wire.challenge(step.additionalData), done: false }
        }
        return this.#succeed(step.identity, step.additionalData)
      case 'failure':
        // API.md §5: a failure's additionalData (SCRAM e=) has no place in these protocols;
        // API.md §6: the error's reason is for logs only.
        return this.#refuse(step.error.code, this.#tag, step.error)
    }
  }

  #succeed(identity: Identity, data: Uint8Array | undefined): ServerResult {
    const reply = this.#wire.success(data, this.#tag)
    this.#phase = 'authenticated'
    this.#pending = undefined
    this.#tag = undefined
    this.#identity = identity
    return { reply, done: true, identity }
  }

  #refuse(refusal: Refusal, tag: string | undefined, error?: SaslError): ServerResult {
    if (this.#phase !== 'authenticated') {
      this.#phase = 'idle'
      this.#sasl = undefined
      this.#pending = undefined
    }
    this.#tag = undefined
    const logged = error ?? new SaslError(refusalCode(refusal), `refused: ${refusal}`, { reason: refusal })
    return { reply: this.#wire.refuse(refusal, tag), done: true, error: logged }
  }
}
