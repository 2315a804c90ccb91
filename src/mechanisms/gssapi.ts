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
import { SaslError, asSaslError, type SaslErrorCode } from '../core/errors.js'
import { ClientBase, ServerBase, type ServerOutcome } from '../core/guard.js'
import { checkIdentityLength, concludeAuthentication } from '../core/server.js'
import type { Mechanism, SecurityLayer, ServerOptions } from '../core/types.js'
import { concatBytes } from '../codec/bytes.js'
import { FrameDecoder, MAX_FRAME_BYTES, encodeFrame } from '../codec/frames.js'
import { utf8Decode, utf8Encode } from '../codec/utf8.js'

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

const MECHANISM = 'GSSAPI'
/** Cyrus SASL's default maximum buffer. */
const DEFAULT_MAX_BUFFER = 65536
/** Room left for the wrap overhead when the provider has no wrapSizeLimit. */
const DEFAULT_WRAP_OVERHEAD = 128

// RFC 4752 §3.3: the security-layer bit-mask.
const LAYER_BITS: Readonly<Record<GssSecurityLayerName, number>> = { none: 1, integrity: 2, confidentiality: 4 }
const LAYER_NAMES: readonly GssSecurityLayerName[] = ['none', 'integrity', 'confidentiality']

function layerNames(mask: number): GssSecurityLayerName[] {
  return LAYER_NAMES.filter((name) => (mask & LAYER_BITS[name]) !== 0)
}

function isLayerName(value: unknown): value is GssSecurityLayerName {
  return typeof value === 'string' && (LAYER_NAMES as readonly string[]).includes(value)
}

function checkMaxBuffer(value: number | undefined): number {
  const max = value ?? DEFAULT_MAX_BUFFER
  if (!Number.isInteger(max) || max < 1 || max > MAX_FRAME_BYTES) {
    throw new SaslError('protocol-violation', `${MECHANISM}: maxBuffer must be an integer from 1 to ${MAX_FRAME_BYTES}`)
  }
  return max
}

/** The 4 octets of RFC 4752 §3.1/§3.2: bit-mask, then a 24-bit big-endian maximum. */
function layerMessage(mask: number, maxBuffer: number, authzid?: Uint8Array): Uint8Array {
  const head = new Uint8Array([mask, (maxBuffer >>> 16) & 0xff, (maxBuffer >>> 8) & 0xff, maxBuffer & 0xff])
  return authzid === undefined ? head : concatBytes(head, authzid)
}

function readMaxBuffer(message: Uint8Array): number {
  return (message[1]! << 16) | (message[2]! << 8) | message[3]!
}

/** Runs a provider call; what it throws becomes a SaslError with `code` (a SaslError stays). */
async function callProvider<T>(run: () => T | Promise<T>, code: SaslErrorCode, message: string): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw asSaslError(error, code, `${MECHANISM}: ${message}`)
  }
}

function checkStep(result: unknown): { token: Uint8Array | undefined; complete: boolean } {
  const r = result as Partial<GssStepResult> | null | undefined
  if (typeof r !== 'object' || r === null || typeof r.complete !== 'boolean' || !(r.token === undefined || r.token instanceof Uint8Array)) {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's step() returned no { token?, complete }`)
  }
  return { token: r.token, complete: r.complete }
}

function checkUnwrap(result: unknown): GssUnwrapResult {
  const r = result as Partial<GssUnwrapResult> | null | undefined
  if (typeof r !== 'object' || r === null || !(r.data instanceof Uint8Array) || typeof r.confidential !== 'boolean') {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's unwrap() returned no { data, confidential }`)
  }
  return { data: r.data, confidential: r.confidential }
}

async function wrapToken(context: GssContext, data: Uint8Array, confidential: boolean): Promise<Uint8Array> {
  const token = await callProvider(() => context.wrap(data, { confidential }), 'temporary-auth-failure', 'GSS_Wrap failed')
  if (!(token instanceof Uint8Array) || token.length === 0) {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's wrap() returned no token`)
  }
  return token
}

function checkProvider(provider: unknown, side: string): void {
  const p = provider as Partial<GssInitiator> | null | undefined
  if (typeof p !== 'object' || p === null || typeof p.step !== 'function' || typeof p.wrap !== 'function' || typeof p.unwrap !== 'function') {
    throw new SaslError('protocol-violation', `${MECHANISM}: the ${side} provider needs step(), wrap() and unwrap()`)
  }
}

/**
 * The RFC 4752 §3.3 security layer over an established context: each buffer is split to
 * what the peer can receive, wrapped, and framed with a 4-octet length (RFC 4422 §3.7);
 * received bytes go through the incremental {@link FrameDecoder} and are unwrapped frame by
 * frame. Calls in each direction run one at a time, in call order, so the GSS sequence
 * numbers match the order of the bytes. A failure breaks that direction for good.
 */
class GssSecurityLayer implements SecurityLayer {
  readonly #context: GssContext
  readonly #confidential: boolean
  readonly #peerMaxBuffer: number
  readonly #frames: FrameDecoder
  #chunkBytes: number | undefined
  #sending: Promise<unknown> = Promise.resolve()
  #receiving: Promise<unknown> = Promise.resolve()
  #sendFailure: SaslError | undefined
  #receiveFailure: SaslError | undefined

  constructor(context: GssContext, layer: 'integrity' | 'confidentiality', peerMaxBuffer: number, ownMaxBuffer: number) {
    this.#context = context
    this.#confidential = layer === 'confidentiality'
    this.#peerMaxBuffer = peerMaxBuffer
    this.#frames = new FrameDecoder(ownMaxBuffer)
  }

  encode(data: Uint8Array): Promise<Uint8Array> {
    if (!(data instanceof Uint8Array)) return Promise.reject(new SaslError('protocol-violation', 'encode() takes a Uint8Array'))
    const run = this.#sending.then(() => this.#encode(data))
    this.#sending = run.catch(() => undefined)
    return run
  }

  decode(chunk: Uint8Array): Promise<Uint8Array[]> {
    if (!(chunk instanceof Uint8Array)) return Promise.reject(new SaslError('protocol-violation', 'decode() takes a Uint8Array'))
    const run = this.#receiving.then(() => this.#decode(chunk))
    this.#receiving = run.catch(() => undefined)
    return run
  }

  async #encode(data: Uint8Array): Promise<Uint8Array> {
    if (this.#sendFailure !== undefined) throw this.#sendFailure
    if (data.length === 0) return new Uint8Array(0)
    try {
      const chunkBytes = await this.#chunkSize()
      const frames: Uint8Array[] = []
      for (let at = 0; at < data.length; at += chunkBytes) {
        const token = await wrapToken(this.#context, data.subarray(at, at + chunkBytes), this.#confidential)
        // RFC 4752 §3.3: never send more than the peer said it can receive.
        if (token.length > this.#peerMaxBuffer) {
          throw new SaslError('temporary-auth-failure', `${MECHANISM}: a wrapped token of ${token.length} bytes exceeds the peer's maximum of ${this.#peerMaxBuffer}`)
        }
        frames.push(encodeFrame(token))
      }
      return concatBytes(...frames)
    } catch (error) {
      this.#sendFailure = asSaslError(error, 'temporary-auth-failure', `${MECHANISM}: security layer encoding failed`)
      throw this.#sendFailure
    }
  }

  async #decode(chunk: Uint8Array): Promise<Uint8Array[]> {
    if (this.#receiveFailure !== undefined) throw this.#receiveFailure
    try {
      const messages: Uint8Array[] = []
      for (const token of this.#frames.decode(chunk)) {
        const unwrapped = checkUnwrap(await callProvider(() => this.#context.unwrap(token), 'malformed-request', 'a security-layer frame did not unwrap'))
        if (this.#confidential && !unwrapped.confidential) {
          throw new SaslError('mechanism-too-weak', `${MECHANISM}: a frame arrived without the negotiated confidentiality`)
        }
        messages.push(unwrapped.data)
      }
      return messages
    } catch (error) {
      this.#receiveFailure = asSaslError(error, 'malformed-request', `${MECHANISM}: security layer decoding failed`)
      throw this.#receiveFailure
    }
  }

  /** The most plaintext per frame: GSS_Wrap_size_limit when the provider has it. */
  async #chunkSize(): Promise<number> {
    if (this.#chunkBytes === undefined) {
      const context = this.#context
      let limit = this.#peerMaxBuffer - DEFAULT_WRAP_OVERHEAD
      if (context.wrapSizeLimit !== undefined) {
        const peerMax = this.#peerMaxBuffer
        const confidential = this.#confidential
        limit = await callProvider(() => context.wrapSizeLimit!(peerMax, confidential), 'temporary-auth-failure', 'GSS_Wrap_size_limit failed')
        if (!Number.isInteger(limit) || limit < 0 || limit > peerMax) {
          throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's wrapSizeLimit() returned no size within the peer's maximum`)
        }
      }
      if (limit < 1) {
        throw new SaslError('malformed-request', `${MECHANISM}: the peer's maximum buffer of ${this.#peerMaxBuffer} bytes cannot hold a wrapped token`)
      }
      this.#chunkBytes = limit
    }
    return this.#chunkBytes
  }
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

  protected async onNext(challenge: Uint8Array): Promise<Uint8Array> {
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
      this.#negotiated = new GssSecurityLayer(this.#provider, this.#layer, serverMax, this.#maxBuffer)
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

type ServerPhase = 'context' | 'acknowledge' | 'offered'

class GssapiServer extends ServerBase {
  readonly mechanism = MECHANISM
  readonly #options: GssapiServerOptions
  readonly #offered: number
  readonly #maxBuffer: number
  #acceptor: GssAcceptor | undefined
  #phase: ServerPhase = 'context'

  constructor(options: GssapiServerOptions) {
    super(options.maxMessageBytes)
    const provider = options.provider as unknown
    if (typeof provider !== 'function') checkProvider(provider, 'server')
    const layers = options.securityLayers ?? LAYER_NAMES
    if (!Array.isArray(layers) || layers.length === 0 || !layers.every(isLayerName)) {
      throw new SaslError('protocol-violation', `${MECHANISM}: securityLayers must list 'none', 'integrity' and/or 'confidentiality'`)
    }
    this.#offered = layers.reduce((mask: number, name: GssSecurityLayerName) => mask | LAYER_BITS[name], 0)
    this.#maxBuffer = checkMaxBuffer(options.maxBuffer)
    this.#options = { ...options }
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
    if (outcome.type === 'success' && layer !== 'none') this.securityLayer = new GssSecurityLayer(acceptor, layer, clientMax, this.#maxBuffer)
    return outcome
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
  client: (options) => new GssapiClient(options),
  server: (options) => new GssapiServer(options),
}
