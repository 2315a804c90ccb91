/**
 * The EXTERNAL server (RFC 4422 Appendix A), loaded on its first step by `external.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, checkOptionType, concludeAuthentication, lookupCredentials, notAuthorized } from '../core/server.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import type { ExternalServerOptions } from './external.js'

export class ExternalServer extends ServerBase {
  readonly mechanism = 'EXTERNAL'
  readonly #options: ExternalServerOptions

  /** `options` is the descriptor's copy. */
  constructor(options: ExternalServerOptions) {
    super(options)
    // Decision 5: checked here, as this code loads, to keep the check out of the up-front bundle.
    checkOptionType(this.mechanism, 'identity', options.identity)
    this.#options = options
  }

  protected async onNext(response: Uint8Array | undefined): Promise<ServerOutcome> {
    if (response === undefined) return { type: 'challenge', challenge: new Uint8Array(0) }
    const authzid = utf8Decode(response)
    checkIdentityLength(authzid, 'authzid')
    if (authzid.includes('\0')) throw new SaslError('malformed-request', 'EXTERNAL: authzid contains NUL')
    const established = this.#options.identity
    if (established === undefined || established === '') return { type: 'failure', error: notAuthorized('no-external-identity') }
    const stored = await lookupCredentials(this.#options, established, this.mechanism)
    return concludeAuthentication(this.#options, this.mechanism, established, authzid, stored)
  }
}
