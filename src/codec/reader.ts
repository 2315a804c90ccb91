import { SaslError } from '../core/errors.js'

/**
 * A bounded reader over one message: every read is length-checked first, and a read past
 * the end throws `SaslError('malformed-request')` naming the field, never a RangeError.
 *
 * @example
 * ```ts
 * const r = new ByteReader(message, 'NTLM CHALLENGE')
 * const signature = r.bytes(8, 'signature')
 * const type = r.u32le('message type')
 * ```
 */
export class ByteReader {
  readonly #bytes: Uint8Array
  readonly #view: DataView
  readonly #what: string
  #offset = 0

  constructor(bytes: Uint8Array, what = 'message') {
    this.#bytes = bytes
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.#what = what
  }

  /** Bytes already read. */
  get offset(): number {
    return this.#offset
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.#bytes.length - this.#offset
  }

  /** The whole message length. */
  get length(): number {
    return this.#bytes.length
  }

  u8(field = 'byte'): number {
    const at = this.#advance(1, field)
    return this.#bytes[at]!
  }

  u16le(field = 'uint16'): number {
    return this.#view.getUint16(this.#advance(2, field), true)
  }

  u32le(field = 'uint32'): number {
    return this.#view.getUint32(this.#advance(4, field), true)
  }

  u16be(field = 'uint16'): number {
    return this.#view.getUint16(this.#advance(2, field), false)
  }

  u32be(field = 'uint32'): number {
    return this.#view.getUint32(this.#advance(4, field), false)
  }

  /** The next `length` bytes (a view, not a copy). */
  bytes(length: number, field = 'bytes'): Uint8Array {
    const at = this.#advance(length, field)
    return this.#bytes.subarray(at, at + length)
  }

  /** Everything not yet read. */
  rest(): Uint8Array {
    const at = this.#offset
    this.#offset = this.#bytes.length
    return this.#bytes.subarray(at)
  }

  /**
   * A range addressed by an absolute offset and length (NTLM's payload fields), checked
   * against the message before it is read.
   */
  at(offset: number, length: number, field = 'field'): Uint8Array {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.#bytes.length) {
      throw this.#error(`${field} points outside the message`)
    }
    return this.#bytes.subarray(offset, offset + length)
  }

  /** Refuses trailing garbage. */
  end(): void {
    if (this.#offset !== this.#bytes.length) throw this.#error('trailing bytes')
  }

  #advance(length: number, field: string): number {
    if (!Number.isInteger(length) || length < 0 || this.#offset + length > this.#bytes.length) {
      throw this.#error(`truncated at ${field}`)
    }
    const at = this.#offset
    this.#offset += length
    return at
  }

  #error(message: string): SaslError {
    return new SaslError('malformed-request', `${this.#what}: ${message}`)
  }
}

/**
 * A growable byte writer: little- and big-endian integers and byte strings.
 *
 * @example
 * ```ts
 * const w = new ByteWriter()
 * w.u32be(4).bytes(token)
 * const framed = w.finish()
 * ```
 */
export class ByteWriter {
  #buffer: Uint8Array
  #view: DataView
  #length = 0

  constructor(initialCapacity = 64) {
    this.#buffer = new Uint8Array(initialCapacity)
    this.#view = new DataView(this.#buffer.buffer)
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length
  }

  u8(value: number): this {
    const at = this.#reserve(1)
    this.#buffer[at] = value
    return this
  }

  u16le(value: number): this {
    const at = this.#reserve(2) // before reading #view: reserving may replace it
    this.#view.setUint16(at, value, true)
    return this
  }

  u32le(value: number): this {
    const at = this.#reserve(4) // before reading #view: reserving may replace it
    this.#view.setUint32(at, value, true)
    return this
  }

  u16be(value: number): this {
    const at = this.#reserve(2) // before reading #view: reserving may replace it
    this.#view.setUint16(at, value, false)
    return this
  }

  u32be(value: number): this {
    const at = this.#reserve(4) // before reading #view: reserving may replace it
    this.#view.setUint32(at, value, false)
    return this
  }

  bytes(data: Uint8Array): this {
    const at = this.#reserve(data.length)
    this.#buffer.set(data, at)
    return this
  }

  /** Overwrites a little-endian uint16 already written (for offsets patched later). */
  setU16le(at: number, value: number): this {
    this.#view.setUint16(at, value, true)
    return this
  }

  /** Overwrites a little-endian uint32 already written. */
  setU32le(at: number, value: number): this {
    this.#view.setUint32(at, value, true)
    return this
  }

  /** The bytes written (a copy sized exactly). */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length)
  }

  #reserve(n: number): number {
    const at = this.#length
    if (at + n > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(this.#buffer.length * 2, at + n))
      grown.set(this.#buffer.subarray(0, at))
      this.#buffer = grown
      this.#view = new DataView(grown.buffer)
    }
    this.#length = at + n
    return at
  }
}
