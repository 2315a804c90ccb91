/**
 * The GSSAPI server (RFC 4752 §3.2), loaded on its first step by `gssapi.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, concludeAuthentication } from '../core/server.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import type { GssAcceptor, GssapiServerOptions } from './gssapi.js'
import { LAYER_BITS, LAYER_NAMES, MECHANISM, callProvider, checkProvider, checkStep, checkUnwrap, layerMessage, readMaxBuffer, wrapToken } from './gssapi-common.js'

type ServerPhase = 'context' | 'acknowledge' | 'offered'

export class GssapiServer extends ServerBase {
  readonly mechanism = MECHANISM
  readonly #options: GssapiServerOptions
  readonly #offered: number
  readonly #maxBuffer: number
  #acceptor: GssAcceptor | undefined
  #phase: ServerPhase = 'context'

  /** `options`, `offered` and `maxBuffer`: what the descriptor checked and copied at construction. */
  constructor(options: GssapiServerOptions, offered: number, maxBuffer: number) {
    super(options)
    this.#offered = offered
    this.#maxBuffer = maxBuffer
    this.#options = options
  }

  protected async onNext(response: Uint8Array | undefined): Promise<ServerOutcome> {
    // Once the exchange is over, the security context (its session key) is kept only by a
    // negotiated security layer: a failed exchange, or one without a layer, lets it go.
    try {
      const outcome = await this.#step(response)
      if (outcome.type !== 'challenge' && this.securityLayer === undefined) this.#acceptor = undefined
      return outcome
    } catch (error) {
      this.#acceptor = undefined
      throw error
    }
  }

  async #step(response: Uint8Array | undefined): Promise<ServerOutcome> {
    // No initial response: RFC 4422 §5 — send an empty challenge and wait for the token.
    if (response === undefined) return { type: 'challenge', challenge: new Uint8Array(0) }
    switch (this.#phase) {
      case 'context':
        return this.#acceptContext(response)
      case 'acknowledge':
        // RFC 4752 §3.2: after the final context token "expects a reply from the client with no data".
        if (response.length !== 0) throw new SaslError('malformed-request', `${MECHANISM}: expected an empty response after the final context token`)
        return this.#offer()
      case 'offered':
        return this.#conclude(response)
    }
  }

  async #loadAcceptor(): Promise<GssAcceptor> {
    if (this.#acceptor === undefined) {
      const provider = this.#options.provider
      const acceptor = typeof provider === 'function' ? await callProvider(provider, 'temporary-auth-failure', 'the acceptor factory failed') : provider
      checkProvider(acceptor, 'server')
      this.#acceptor = acceptor
    }
    return this.#acceptor
  }

  async #acceptContext(token: Uint8Array): Promise<ServerOutcome> {
    if (token.length === 0) throw new SaslError('malformed-request', `${MECHANISM}: empty context token`)
    const acceptor = await this.#loadAcceptor()
    // RFC 4752 §3.2: GSS_Accept_sec_context until GSS_S_COMPLETE; a token it refuses means
    // the client's credentials did not check out.
    let step: { token: Uint8Array | undefined; complete: boolean }
    try {
      step = checkStep(await acceptor.step(token))
    } catch (error) {
      if (error instanceof SaslError) throw error
      throw new SaslError('not-authorized', 'authentication failed', { reason: 'gss-accept-failed', cause: error })
    }
    if (!step.complete) return { type: 'challenge', challenge: step.token ?? new Uint8Array(0) }
    if (typeof acceptor.initiatorName !== 'string' || acceptor.initiatorName === '') {
      throw new SaslError('temporary-auth-failure', `${MECHANISM}: the acceptor did not report initiatorName`)
    }
    if (step.token !== undefined && step.token.length > 0) {
      this.#phase = 'acknowledge'
      return { type: 'challenge', challenge: step.token }
    }
    return this.#offer()
  }

  // RFC 4752 §3.2: 4 octets — the layers offered and our maximum (0 without a layer) —
  // wrapped with conf_flag FALSE.
  async #offer(): Promise<ServerOutcome> {
    const maxBuffer = this.#offered === LAYER_BITS.none ? 0 : this.#maxBuffer
    const token = await wrapToken(this.#acceptor!, layerMessage(this.#offered, maxBuffer), false)
    this.#phase = 'offered'
    return { type: 'challenge', challenge: token }
  }

  async #conclude(response: Uint8Array): Promise<ServerOutcome> {
    const acceptor = this.#acceptor!
    const answer = checkUnwrap(await callProvider(() => acceptor.unwrap(response), 'malformed-request', 'the security-layer answer did not unwrap')).data
    // RFC 4752 §3.2: bit-mask of the chosen layer, the client's maximum, then the authzid.
    if (answer.length < 4) throw new SaslError('malformed-request', `${MECHANISM}: the security-layer answer is shorter than 4 octets`)
    const chosen = answer[0]!
    const layer = LAYER_NAMES.find((name) => LAYER_BITS[name] === chosen)
    if (layer === undefined) throw new SaslError('malformed-request', `${MECHANISM}: the answer must choose exactly one security layer`)
    // "The server verifies that the client has selected a security layer that was offered."
    if ((this.#offered & chosen) === 0) throw new SaslError('malformed-request', `${MECHANISM}: the client chose the '${layer}' layer, which was not offered`)
    const clientMax = readMaxBuffer(answer)
    // RFC 4752 wants 0 with no layer, but RFC 3501's example client sends 8192: any size is
    // accepted with "none"; a layer needs room for at least one token.
    if (layer !== 'none' && clientMax === 0) throw new SaslError('malformed-request', `${MECHANISM}: a security layer with a maximum buffer of 0`)
    const authzid = utf8Decode(answer.subarray(4))
    if (authzid.includes('\0')) throw new SaslError('malformed-request', `${MECHANISM}: authzid contains NUL`)
    checkIdentityLength(authzid, 'authzid')
    const principal = acceptor.initiatorName!
    const details: Record<string, unknown> = { principal, securityLayer: layer }
    if (typeof acceptor.acceptorName === 'string') details['acceptor'] = acceptor.acceptorName
    // RFC 4752 §3.2: "verify that the src_name is authorized to act as the authorization identity".
    const outcome = await concludeAuthentication(this.#options, this.mechanism, principal, authzid, undefined, details)
    if (outcome.type === 'success' && layer !== 'none') {
      this.securityLayer = new (await import('./gssapi-layer.js')).GssSecurityLayer(acceptor, layer, clientMax, this.#maxBuffer)
    }
    return outcome
  }
}
