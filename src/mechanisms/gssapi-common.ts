/**
 * What the GSSAPI client and server share (RFC 4752): the security-layer negotiation message,
 * checks of what a provider returns, and the security layer itself (RFC 4752 §3.3).
 */
import { SaslError, asSaslError, type SaslErrorCode } from '../core/errors.js'
import type { SecurityLayer } from '../core/types.js'
import { concatBytes } from '../codec/bytes.js'
import { FrameDecoder, MAX_FRAME_BYTES, encodeFrame } from '../codec/frames.js'
import type { GssContext, GssInitiator, GssSecurityLayerName, GssStepResult, GssUnwrapResult } from './gssapi.js'

export const MECHANISM = 'GSSAPI'
/** Cyrus SASL's default maximum buffer. */
export const DEFAULT_MAX_BUFFER = 65536
/** Room left for the wrap overhead when the provider has no wrapSizeLimit. */
const DEFAULT_WRAP_OVERHEAD = 128

// RFC 4752 §3.3: the security-layer bit-mask.
export const LAYER_BITS: Readonly<Record<GssSecurityLayerName, number>> = { none: 1, integrity: 2, confidentiality: 4 }
export const LAYER_NAMES: readonly GssSecurityLayerName[] = ['none', 'integrity', 'confidentiality']

export function layerNames(mask: number): GssSecurityLayerName[] {
  return LAYER_NAMES.filter((name) => (mask & LAYER_BITS[name]) !== 0)
}

export function isLayerName(value: unknown): value is GssSecurityLayerName {
  return typeof value === 'string' && (LAYER_NAMES as readonly string[]).includes(value)
}

export function checkMaxBuffer(value: number | undefined): number {
  const max = value ?? DEFAULT_MAX_BUFFER
  if (!Number.isInteger(max) || max < 1 || max > MAX_FRAME_BYTES) {
    throw new SaslError('protocol-violation', `${MECHANISM}: maxBuffer must be an integer from 1 to ${MAX_FRAME_BYTES}`)
  }
  return max
}

/** The 4 octets of RFC 4752 §3.1/§3.2: bit-mask, then a 24-bit big-endian maximum. */
export function layerMessage(mask: number, maxBuffer: number, authzid?: Uint8Array): Uint8Array {
  const head = new Uint8Array([mask, (maxBuffer >>> 16) & 0xff, (maxBuffer >>> 8) & 0xff, maxBuffer & 0xff])
  return authzid === undefined ? head : concatBytes(head, authzid)
}

export function readMaxBuffer(message: Uint8Array): number {
  return (message[1]! << 16) | (message[2]! << 8) | message[3]!
}

/** Runs a provider call; what it throws becomes a SaslError with `code` (a SaslError stays). */
export async function callProvider<T>(run: () => T | Promise<T>, code: SaslErrorCode, message: string): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw asSaslError(error, code, `${MECHANISM}: ${message}`)
  }
}

export function checkStep(result: unknown): { token: Uint8Array | undefined; complete: boolean } {
  const r = result as Partial<GssStepResult> | null | undefined
  if (typeof r !== 'object' || r === null || typeof r.complete !== 'boolean' || !(r.token === undefined || r.token instanceof Uint8Array)) {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's step() returned no { token?, complete }`)
  }
  return { token: r.token, complete: r.complete }
}

export function checkUnwrap(result: unknown): GssUnwrapResult {
  const r = result as Partial<GssUnwrapResult> | null | undefined
  if (typeof r !== 'object' || r === null || !(r.data instanceof Uint8Array) || typeof r.confidential !== 'boolean') {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's unwrap() returned no { data, confidential }`)
  }
  return { data: r.data, confidential: r.confidential }
}

export async function wrapToken(context: GssContext, data: Uint8Array, confidential: boolean): Promise<Uint8Array> {
  const token = await callProvider(() => context.wrap(data, { confidential }), 'temporary-auth-failure', 'GSS_Wrap failed')
  if (!(token instanceof Uint8Array) || token.length === 0) {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's wrap() returned no token`)
  }
  return token
}

export function checkProvider(provider: unknown, side: string): void {
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
