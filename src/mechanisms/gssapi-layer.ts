/**
 * The GSSAPI security layer (RFC 4752 §3.3), loaded by the client or server only when the
 * exchange negotiated integrity or confidentiality.
 */
import { SaslError, asSaslError } from '../core/errors.js'
import type { SecurityLayer } from '../core/types.js'
import { concatBytes } from '../codec/bytes.js'
import { FrameDecoder, encodeFrame } from '../codec/frames.js'
import type { GssContext } from './gssapi.js'
import { MECHANISM, callProvider, checkUnwrap, wrapToken } from './gssapi-common.js'

/** Room left for the wrap overhead when the provider has no wrapSizeLimit. */
const DEFAULT_WRAP_OVERHEAD = 128

/**
 * The RFC 4752 §3.3 security layer over an established context: each buffer is split to
 * what the peer can receive, wrapped, and framed with a 4-octet length (RFC 4422 §3.7);
 * received bytes go through the incremental {@link FrameDecoder} and are unwrapped frame by
 * frame. Calls in each direction run one at a time, in call order, so the GSS sequence
 * numbers match the order of the bytes. A failure breaks that direction for good.
 */
export class GssSecurityLayer implements SecurityLayer {
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
