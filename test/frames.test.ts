import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FrameDecoder, MAX_FRAME_BYTES, concatBytes, encodeFrame } from '../src/codec/index.js'
import { SaslError } from '../src/index.js'
import { fromHex, hex, rejectsWithCode } from './helpers/exchange.js'

/** Cuts `bytes` at the given offsets (sorted, deduplicated, inside the array). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let from = 0
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p))
    from = p
  }
  return chunks
}

describe('security-layer frames (RFC 4422 §3.7, RFC 4752 §3.3)', () => {
  it('encodeFrame writes a 4-octet big-endian length, then the buffer', () => {
    expect(hex(encodeFrame(fromHex('cafe')))).toBe('00000002cafe')
    expect(hex(encodeFrame(new Uint8Array(0x010203)).subarray(0, 4))).toBe('00010203')
  })

  it('encodeFrame refuses an empty buffer and one over 2^24 - 1 bytes', async () => {
    await rejectsWithCode(() => encodeFrame(new Uint8Array(0)), 'protocol-violation')
    await rejectsWithCode(() => encodeFrame(new Uint8Array(MAX_FRAME_BYTES + 1)), 'protocol-violation')
  })

  it('emits every frame a chunk completes, several at once (the Cyrus decoder, not GNU SASL’s)', () => {
    const decoder = new FrameDecoder(16)
    const stream = concatBytes(encodeFrame(fromHex('01')), encodeFrame(fromHex('0203')), encodeFrame(fromHex('040506')))
    expect(decoder.decode(stream).map(hex)).toEqual(['01', '0203', '040506'])
    expect(decoder.pending).toBe(0)
  })

  it('buffers a partial length prefix and a partial body, byte by byte', () => {
    const decoder = new FrameDecoder(16)
    const stream = concatBytes(encodeFrame(fromHex('aabbcc')), encodeFrame(fromHex('dd')))
    const out: string[] = []
    const pendings: number[] = []
    for (const byte of stream) {
      out.push(...decoder.decode(new Uint8Array([byte])).map(hex))
      pendings.push(decoder.pending)
    }
    expect(out).toEqual(['aabbcc', 'dd'])
    expect(pendings).toEqual([1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 0])
  })

  it('reassembles any stream of frames however it is cut (random chunking)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (messages, offsets) => {
          const decoder = new FrameDecoder(300)
          const stream = concatBytes(...messages.map(encodeFrame))
          const out = cut(stream, offsets).flatMap((chunk) => decoder.decode(chunk))
          expect(out.map(hex)).toEqual(messages.map(hex))
          expect(decoder.pending).toBe(0)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('returns copies: reusing the chunk buffer does not change a returned frame', () => {
    const decoder = new FrameDecoder(16)
    const chunk = encodeFrame(fromHex('0102'))
    const [frame] = decoder.decode(chunk)
    chunk.fill(0xff)
    expect(hex(frame!)).toBe('0102')
  })

  it('accepts a frame of exactly the maximum', () => {
    const decoder = new FrameDecoder(5)
    expect(decoder.decode(encodeFrame(new Uint8Array(5)))).toHaveLength(1)
  })

  const refused: Array<[string, number, Uint8Array]> = [
    ['a frame one byte over the maximum, seen from its prefix alone', 5, fromHex('00000006')],
    ['a 4 GiB length', 65536, fromHex('ffffffff')],
    ['a zero length ("should never happen", Cyrus)', 16, fromHex('00000000')],
    ['a bad prefix after a good frame in the same chunk', 16, fromHex('0000000101ffffffff')],
  ]
  for (const [name, max, chunk] of refused) {
    it(`refuses ${name} → malformed-request, and stays broken`, async () => {
      const decoder = new FrameDecoder(max)
      await rejectsWithCode(() => decoder.decode(chunk), 'malformed-request')
      await rejectsWithCode(() => decoder.decode(encodeFrame(fromHex('01'))), 'malformed-request')
    })
  }

  it('refuses a bad maximum and a chunk that is not bytes → protocol-violation', async () => {
    for (const max of [0, -1, 1.5, MAX_FRAME_BYTES + 1, Number.NaN]) {
      await rejectsWithCode(() => new FrameDecoder(max), 'protocol-violation')
    }
    const error = await rejectsWithCode(() => new FrameDecoder(4).decode('0001' as unknown as Uint8Array), 'protocol-violation')
    expect(error).toBeInstanceOf(SaslError)
  })
})
