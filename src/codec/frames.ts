import { SaslError } from '../core/errors.js'

/** RFC 4422 §3.7 / RFC 4752 §3.3: the length prefix of a security-layer frame, in octets. */
const LENGTH_BYTES = 4

/**
 * The largest frame RFC 4752 can negotiate: its maximum-size field has 3 octets (16777215).
 *
 * @example
 * ```ts
 * const frames = new FrameDecoder(MAX_FRAME_BYTES) // accept whatever RFC 4752 allows
 * ```
 */
export const MAX_FRAME_BYTES = 0xffffff

/**
 * Frames one security-layer buffer: a 4-octet big-endian length, then the buffer
 * (RFC 4422 §3.7).
 *
 * @example
 * ```ts
 * encodeFrame(wrappedToken) // Uint8Array [0, 0, 0, n, …wrappedToken]
 * ```
 */
export function encodeFrame(body: Uint8Array): Uint8Array {
  if (body.length === 0 || body.length > MAX_FRAME_BYTES) {
    throw new SaslError('protocol-violation', `a frame holds 1 to ${MAX_FRAME_BYTES} bytes`)
  }
  const frame = new Uint8Array(LENGTH_BYTES + body.length)
  new DataView(frame.buffer).setUint32(0, body.length, false)
  frame.set(body, LENGTH_BYTES)
  return frame
}

/**
 * The incremental reader of security-layer frames (RFC 4422 §3.7: a 4-octet big-endian length,
 * then that many octets), modelled on Cyrus SASL's `_plug_decode`: it takes the bytes of a
 * stream in chunks of any size, keeps a partial length prefix or body until the rest arrives,
 * and returns every frame a chunk completes — several at once if the chunk holds several
 * (GNU SASL's decoder drops all but the first). A frame longer than `maxFrameBytes` (the
 * maximum this side announced) or of length zero is `SaslError('malformed-request')`, found
 * from the prefix alone, before any body is buffered; after that the stream is out of step
 * and every later call fails the same way.
 *
 * @example
 * ```ts
 * const frames = new FrameDecoder(65536)
 * socket.on('data', (chunk) => {
 *   for (const body of frames.decode(chunk)) handle(body) // complete frames only
 * })
 * ```
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number
  readonly #prefix = new Uint8Array(LENGTH_BYTES)
  #prefixFilled = 0
  #body: Uint8Array | undefined
  #bodyFilled = 0
  #failure: SaslError | undefined

  /** `maxFrameBytes`: the largest frame body accepted, 1 to 16777215 (RFC 4752's limit). */
  constructor(maxFrameBytes: number) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1 || maxFrameBytes > MAX_FRAME_BYTES) {
      throw new SaslError('protocol-violation', `maxFrameBytes must be an integer from 1 to ${MAX_FRAME_BYTES}`)
    }
    this.#maxFrameBytes = maxFrameBytes
  }

  /** Bytes held back: a partial length prefix and the partial body after it. */
  get pending(): number {
    return this.#prefixFilled + this.#bodyFilled
  }

  /** Takes the next chunk of the stream; returns the bodies of the frames it completed. */
  decode(chunk: Uint8Array): Uint8Array[] {
    if (!(chunk instanceof Uint8Array)) throw new SaslError('protocol-violation', 'decode() takes a Uint8Array')
    if (this.#failure !== undefined) throw this.#failure
    const frames: Uint8Array[] = []
    let at = 0
    while (at < chunk.length) {
      if (this.#body === undefined) {
        const take = Math.min(LENGTH_BYTES - this.#prefixFilled, chunk.length - at)
        this.#prefix.set(chunk.subarray(at, at + take), this.#prefixFilled)
        this.#prefixFilled += take
        at += take
        if (this.#prefixFilled < LENGTH_BYTES) break
        const length = new DataView(this.#prefix.buffer).getUint32(0, false)
        // Cyrus: a zero length "should never happen"; a length over the maximum is refused
        // before anything is allocated for it.
        if (length === 0 || length > this.#maxFrameBytes) {
          this.#failure = new SaslError(
            'malformed-request',
            length === 0 ? 'security layer: empty frame' : `security layer: frame of ${length} bytes exceeds the negotiated ${this.#maxFrameBytes}`,
          )
          throw this.#failure
        }
        this.#body = new Uint8Array(length)
        this.#bodyFilled = 0
      }
      const take = Math.min(this.#body.length - this.#bodyFilled, chunk.length - at)
      this.#body.set(chunk.subarray(at, at + take), this.#bodyFilled)
      this.#bodyFilled += take
      at += take
      if (this.#bodyFilled === this.#body.length) {
        frames.push(this.#body)
        this.#body = undefined
        this.#bodyFilled = 0
        this.#prefixFilled = 0
      }
    }
    return frames
  }
}
