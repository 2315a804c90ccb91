/**
 * The PLAIN server (RFC 4616 §2), loaded on its first step by `plain.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, checkOptionType, checkPlaintextPassword, concludeAuthentication, notAuthorized } from '../core/server.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import type { PlainServerOptions } from './plain.js'

export class PlainServer extends ServerBase {
  readonly mechanism = 'PLAIN'
  readonly #options: PlainServerOptions

  /** `options` is the descriptor's checked copy. */
  constructor(options: PlainServerOptions) {
    super(options)
    // Decision 5: checked as this code loads, to keep the check out of the up-front bundle.
    checkOptionType(this.mechanism, 'prepare', options.prepare, 'function')
    this.#options = options
  }

  protected async onNext(response: Uint8Array | undefined): Promise<ServerOutcome> {
    // No initial response: RFC 4422 §5 — send an empty challenge and wait for it.
    if (response === undefined) return { type: 'challenge', challenge: new Uint8Array(0) }
    // RFC 4616 §2: [authzid] NUL authcid NUL passwd, authcid and passwd not empty.
    const [authzid, rawAuthcid, rawPassword, ...rest] = utf8Decode(response).split('\0') as [string, string?, string?, ...string[]]
    if (!rawAuthcid || !rawPassword || rest.length) throw new SaslError('malformed-request', 'PLAIN: expected authzid NUL authcid NUL passwd')
    checkIdentityLength(authzid, 'authzid')
    checkIdentityLength(rawAuthcid, 'authcid')
    const prepare = this.#options.prepare ?? ((s: string) => s)
    const authcid = prepare(rawAuthcid)
    const checked = await checkPlaintextPassword(this.#options, this.mechanism, authcid, prepare(rawPassword))
    if (!checked.ok) return { type: 'failure', error: notAuthorized(checked.reason) }
    return concludeAuthentication(this.#options, this.mechanism, authcid, authzid, checked.stored)
  }
}
