/**
 * The ANONYMOUS server (RFC 4505), loaded on its first step by `anonymous.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkOptionType, makeIdentity } from '../core/server.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import type { AnonymousServerOptions } from './anonymous.js'
import { checkTrace } from './anonymous-trace.js'

export class AnonymousServer extends ServerBase {
  readonly mechanism = 'ANONYMOUS'
  readonly #allow: boolean
  readonly #username: string

  constructor(options: AnonymousServerOptions) {
    super(options)
    // Decision 5: checked here, as this code loads, to keep the check out of the up-front bundle.
    checkOptionType(this.mechanism, 'allow', options.allow, 'boolean')
    checkOptionType(this.mechanism, 'username', options.username)
    this.#allow = options.allow ?? true
    this.#username = options.username ?? 'anonymous'
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
