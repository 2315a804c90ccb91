/**
 * The ANONYMOUS server (RFC 4505), loaded on its first step by `anonymous.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, makeIdentity } from '../core/server.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import type { AnonymousServerOptions } from './anonymous.js'
import { checkTrace } from './anonymous-trace.js'

export class AnonymousServer extends ServerBase {
  readonly mechanism = 'ANONYMOUS'
  readonly #allow: boolean
  readonly #username: string

  constructor(options: AnonymousServerOptions) {
    super(options.maxMessageBytes)
    this.#allow = options.allow ?? true
    this.#username = options.username ?? 'anonymous'
    // Decision 5: checked as this code loads (next() rejects), which keeps it out of the up-front bundle.
    if (typeof this.#allow !== 'boolean' || typeof this.#username !== 'string') {
      throw new SaslError('protocol-violation', 'ANONYMOUS: allow is not a boolean or username not a string')
    }
  }

  protected onNext(response: Uint8Array | undefined): ServerOutcome {
    if (response === undefined) return { type: 'challenge', challenge: new Uint8Array(0) }
    const trace = utf8Decode(response)
    checkTrace(trace)
    if (!this.#allow) {
      return { type: 'failure', error: new SaslError('mechanism-too-weak', 'anonymous login is not allowed', { reason: 'anonymous-refused' }) }
    }
    return { type: 'success', identity: makeIdentity(this.mechanism, this.#username, this.#username, { trace }) }
  }
}
