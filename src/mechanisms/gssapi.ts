/**
 * GSSAPI (RFC 4752): Kerberos V5 through the GSS-API, with the optional integrity or
 * confidentiality security layer. The SASL part is pure and runs in every runtime; the
 * Kerberos part is a provider you plug in — {@link GssInitiator} on the client,
 * {@link GssAcceptor} on the server — backed by MIT/Heimdal GSS-API through a native addon
 * (`kerberos(…)` from `saslkit/node` is one), a child process, or a token broker on your
 * server when the client runs in a browser.
 *
 * @module saslkit/gssapi
 */
import { SaslError } from '../core/errors.js'
import { ClientBase, lazyServer } from '../core/guard.js'
import type { Mechanism, SaslServer, SecurityLayer, ServerOptions } from '../core/types.js'
import { utf8Encode } from '../codec/utf8.js'
import {
  LAYER_BITS,
  LAYER_NAMES,
  MECHANISM,
  callProvider,
  checkMaxBuffer,
  checkProvider,
  checkStep,
  checkUnwrap,
  isLayerName,
  layerMessage,
  layerNames,
  readMaxBuffer,
  wrapToken,
} from './gssapi-common.js'

/**
 * The RFC 4752 §3.3 security layers: none, integrity (GSS_Wrap without confidentiality) or
 * confidentiality (GSS_Wrap with it).
 *
 * @example
 * ```ts
 * const layer: GssSecurityLayerName = 'confidentiality'
 * ```
 */
export type GssSecurityLayerName = 'none' | 'integrity' | 'confidentiality'

/**
 * What one context-establishment step of a provider returns: the token to send (absent or
 * empty: nothing) and whether the security context is now established (GSS_S_COMPLETE
 * rather than GSS_S_CONTINUE_NEEDED).
 *
 * @example
 * ```ts
 * const first: GssStepResult = { token: apReq, complete: false }
 * ```
 */
export interface GssStepResult {
  readonly token?: Uint8Array | undefined
  readonly complete: boolean
}

/**
 * What GSS_Unwrap returns: the data, and whether it was encrypted (`conf_state`).
 *
 * @example
 * ```ts
 * const unwrapped: GssUnwrapResult = { data: plaintext, confidential: true }
 * ```
 */
export interface GssUnwrapResult {
  readonly data: Uint8Array
  readonly confidential: boolean
}

/**
 * The per-message half of a GSS-API security context, shared by both sides. Every method
 * may return a Promise; whatever it throws becomes a `SaslError` (a `SaslError` it throws
 * keeps its code).
 *
 * @example
 * ```ts
 * const token = await context.wrap(utf8Encode('hello'), { confidential: true })
 * const { data } = await peer.unwrap(token)
 * ```
 */
export interface GssContext {
  /** GSS_Wrap: protects `data`, encrypting it when `confidential` (conf_req_flag). */
  wrap(data: Uint8Array, options: { readonly confidential: boolean }): Uint8Array | Promise<Uint8Array>
  /** GSS_Unwrap: checks and opens a token from the peer; throws when it does not verify. */
  unwrap(token: Uint8Array): GssUnwrapResult | Promise<GssUnwrapResult>
  /**
   * GSS_Wrap_size_limit: the largest input whose wrapped token fits in `maxOutput` bytes.
   * Optional; without it saslkit keeps 128 bytes per frame for the wrap overhead (MIT's
   * AES tokens need 60).
   */
  wrapSizeLimit?(maxOutput: number, confidential: boolean): number | Promise<number>
  /** The client principal (`alice@EXAMPLE.COM`), once the context is established. */
  readonly initiatorName?: string | undefined
  /** The service principal (`imap/mail.example.com@EXAMPLE.COM`), once established, if known. */
  readonly acceptorName?: string | undefined
}

/**
 * The client side of a GSS-API security context (GSS_Init_sec_context), as the GSSAPI
 * client needs it. `step()` is first called without a token, then with each token the
 * server sends (possibly empty), until it reports `complete`. Request mutual authentication
 * (RFC 4752 §3.1): the client trusts the server once the wrapped security-layer offer
 * unwraps. Anything that can run GSS-API can back it: a native addon, a child process, or —
 * for a browser app — a server-side broker that holds the user's Kerberos credentials and
 * answers these calls over HTTPS.
 *
 * @example
 * ```ts
 * const broker: GssInitiator = {
 *   step: (token) => post('/gss/step', token),          // → { token, complete }
 *   wrap: (data, { confidential }) => post('/gss/wrap', data, confidential),
 *   unwrap: (token) => post('/gss/unwrap', token),      // → { data, confidential }
 * }
 * const client = gssapi.client({ provider: broker })
 * ```
 */
export interface GssInitiator extends GssContext {
  step(token?: Uint8Array): GssStepResult | Promise<GssStepResult>
}

/**
 * The server side of a GSS-API security context (GSS_Accept_sec_context). `step()` takes
 * each context token the client sends; once `complete`, `initiatorName` must name the
 * authenticated client principal.
 *
 * @example
 * ```ts
 * const acceptor: GssAcceptor = {
 *   step: (token) => native.accept(token),              // → { token, complete }
 *   wrap: (data, { confidential }) => native.wrap(data, confidential),
 *   unwrap: (token) => native.unwrap(token),
 *   get initiatorName() { return native.sourceName() },
 * }
 * ```
 */
export interface GssAcceptor extends GssContext {
  step(token: Uint8Array): GssStepResult | Promise<GssStepResult>
}

/**
 * GSSAPI client options.
 *
 * @example
 * ```ts
 * const options: GssapiClientOptions = { provider: kerberos({ service: 'imap@mail.example.com' }), authzid: 'shared-mailbox' }
 * ```
 */
export interface GssapiClientOptions {
  readonly provider: GssInitiator
  /** Act as this identity (absent or empty: as the authenticated principal). */
  readonly authzid?: string
  /**
   * The exact layer to use; an offer without it fails with `mechanism-too-weak`.
   * Default `'none'`.
   */
  readonly securityLayer?: GssSecurityLayerName
  /** The largest wrapped token this client accepts in a frame, 1 to 16777215; default 65536. */
  readonly maxBuffer?: number
}

/**
 * GSSAPI server options.
 *
 * @example
 * ```ts
 * const options: GssapiServerOptions = {
 *   provider: () => newAcceptor(),                       // one security context per exchange
 *   securityLayers: ['integrity', 'confidentiality'],
 *   authorize: (id) => id.authzid === id.authcid || admins.has(id.authcid),
 * }
 * ```
 */
export interface GssapiServerOptions extends Pick<ServerOptions, 'authorize' | 'maxMessageBytes'> {
  /** The acceptor, or a function that makes one for this exchange. */
  readonly provider: GssAcceptor | (() => GssAcceptor | Promise<GssAcceptor>)
  /** The layers offered; default all three. */
  readonly securityLayers?: readonly GssSecurityLayerName[]
  /** The largest wrapped token this server accepts in a frame, 1 to 16777215; default 65536. */
  readonly maxBuffer?: number
}

type ClientPhase = 'context' | 'offer' | 'answered'

class GssapiClient extends ClientBase {
  readonly mechanism = MECHANISM
  readonly #provider: GssInitiator
  readonly #authzid: Uint8Array
  readonly #layer: GssSecurityLayerName
  readonly #maxBuffer: number
  #phase: ClientPhase = 'context'
  #negotiated: SecurityLayer | undefined

  constructor(options: GssapiClientOptions) {
    super()
    checkProvider(options.provider, 'client')
    this.#provider = options.provider
    const authzid = options.authzid ?? ''
    if (typeof authzid !== 'string') throw new SaslError('protocol-violation', `${MECHANISM}: authzid must be a string`)
    // RFC 4752 §3.1: the authzid is UTF-8 and not NUL-terminated, so it cannot hold a NUL.
    if (authzid.includes('\0')) throw new SaslError('malformed-request', `${MECHANISM}: authzid contains NUL`)
    this.#authzid = utf8Encode(authzid)
    const layer = options.securityLayer ?? 'none'
    if (!isLayerName(layer)) throw new SaslError('protocol-violation', `${MECHANISM}: securityLayer must be 'none', 'integrity' or 'confidentiality'`)
    this.#layer = layer
    this.#maxBuffer = checkMaxBuffer(options.maxBuffer)
  }

  // RFC 4752 §3.1: the first GSS_Init_sec_context token is the initial response.
  protected async onStart(): Promise<Uint8Array> {
    const step = checkStep(await callProvider(() => this.#provider.step(), 'not-authorized', 'GSS_Init_sec_context failed'))
    if (step.complete) this.#phase = 'offer'
    return step.token ?? new Uint8Array(0)
  }

  protected override async onNext(challenge: Uint8Array): Promise<Uint8Array> {
    switch (this.#phase) {
      case 'context': {
        // Each server token (even an empty one) goes to GSS_Init_sec_context until the
        // context is established; a token it fails on means the server did not prove itself.
        const step = checkStep(
          await callProvider(() => this.#provider.step(challenge), 'server-not-verified', 'GSS_Init_sec_context failed on the server token'),
        )
        if (step.complete) this.#phase = 'offer'
        return step.token ?? new Uint8Array(0)
      }
      case 'offer':
        // A server may send an empty challenge before its offer (its final, empty context
        // token, as Dovecot does); RFC 4752 §3.1: answer it with no data.
        if (challenge.length === 0) return new Uint8Array(0)
        return this.#answerOffer(challenge)
      case 'answered':
        throw new SaslError('malformed-request', `${MECHANISM}: a challenge after the security-layer answer`)
    }
  }

  async #answerOffer(challenge: Uint8Array): Promise<Uint8Array> {
    // RFC 4752 §3.1: unwrap the offer; only the real acceptor can wrap it, so once it unwraps
    // the server is authenticated.
    const offer = checkUnwrap(
      await callProvider(() => this.#provider.unwrap(challenge), 'server-not-verified', 'the security-layer offer did not unwrap'),
    ).data
    // "If the resulting cleartext is not 4 octets long, the client fails the negotiation."
    if (offer.length !== 4) throw new SaslError('malformed-request', `${MECHANISM}: the security-layer offer is not 4 octets`)
    const offered = offer[0]! & 0x07
    const serverMax = readMaxBuffer(offer)
    // Note: RFC 4752 says the server's maximum is 0 when it offers no layer, yet RFC 3501's
    // own example offers "none" with 8192; any size is accepted with "none".
    if ((offered & LAYER_BITS[this.#layer]) === 0) {
      throw new SaslError('mechanism-too-weak', `${MECHANISM}: the server does not offer the '${this.#layer}' security layer`, {
        details: { offered: layerNames(offered), requested: this.#layer },
      })
    }
    if (this.#layer !== 'none') {
      if (serverMax === 0) throw new SaslError('malformed-request', `${MECHANISM}: the server offers a security layer with a maximum buffer of 0`)
      // The layer's code loads only now, for an exchange that negotiated one.
      this.#negotiated = new (await import('./gssapi-layer.js')).GssSecurityLayer(this.#provider, this.#layer, serverMax, this.#maxBuffer)
    }
    // RFC 4752 §3.1: chosen bit, our maximum (which MUST be 0 without a layer), authzid;
    // wrapped with conf_flag FALSE.
    const answer = layerMessage(LAYER_BITS[this.#layer], this.#layer === 'none' ? 0 : this.#maxBuffer, this.#authzid)
    const token = await wrapToken(this.#provider, answer, false)
    this.#phase = 'answered'
    return token
  }

  protected override onFinish(additionalData: Uint8Array | undefined): void {
    super.onFinish(additionalData)
    // The server is verified only by an offer that unwrapped; success before it is a lie.
    if (this.#phase !== 'answered') {
      throw new SaslError('server-not-verified', `${MECHANISM}: success before the security layer was negotiated`)
    }
    if (this.#negotiated !== undefined) this.securityLayer = this.#negotiated
  }
}

/**
 * The GSSAPI mechanism (RFC 4752) over a pluggable GSS-API provider. Strength 80; mutual
 * (the client trusts the server once its wrapped offer unwraps). After success with
 * `securityLayer: 'integrity'` or `'confidentiality'`, the client and the server carry a
 * `securityLayer` whose `encode`/`decode` frame the rest of the connection.
 *
 * @example
 * ```ts
 * import { gssapi } from 'saslkit/gssapi'
 * import { kerberos } from 'saslkit/node'
 *
 * const client = gssapi.client({ provider: kerberos({ service: 'imap@mail.example.com' }) })
 * const server = gssapi.server({ provider: () => myAcceptor(), securityLayers: ['none', 'confidentiality'] })
 * // …run the exchange; then, if a layer was chosen:
 * socket.write(await server.securityLayer!.encode(utf8Encode('* OK\r\n')))
 * ```
 */
export const gssapi: Mechanism<GssapiClientOptions, GssapiServerOptions> = {
  name: MECHANISM,
  traits: { clientFirst: true, plaintext: false, mutual: true, channelBinding: false, strength: 80, legacy: false },
  // Copies first: a missing options object is then a missing option (decision 5).
  client: (options) => new GssapiClient({ ...options }),
  server: (options) => {
    const copy = { ...options }
    const provider = copy.provider as unknown
    if (typeof provider !== 'function') checkProvider(provider, 'server')
    const layers = copy.securityLayers ?? LAYER_NAMES
    if (!Array.isArray(layers) || layers.length === 0 || !layers.every(isLayerName)) {
      throw new SaslError('protocol-violation', `${MECHANISM}: securityLayers must list 'none', 'integrity' and/or 'confidentiality'`)
    }
    const offered = layers.reduce((mask: number, name: GssSecurityLayerName) => mask | LAYER_BITS[name], 0)
    const maxBuffer = checkMaxBuffer(copy.maxBuffer)
    let server: SaslServer | undefined
    const lazy = lazyServer(MECHANISM, () => import('./gssapi-server.js'), (module) => (server = new module.GssapiServer(copy, offered, maxBuffer)))
    // The negotiated layer lives on the real server.
    return Object.defineProperty(lazy, 'securityLayer', { get: () => server?.securityLayer })
  },
}
