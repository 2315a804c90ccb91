// Hostile input to every decoder on its own: random input, input built from the grammar's
// own tokens (so that deep paths are reached), and mutations of valid samples. Each returns a
// value or throws an API SaslError, never anything else; where a decoder has an encoder, what
// it returns encodes back to what it read.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ByteReader,
  FrameDecoder,
  base64Decode,
  base64Encode,
  encodeFrame,
  encodeGs2Header,
  hexDecode,
  parseGs2Header,
  unescapeSaslname,
  utf8Decode,
  utf8Encode,
} from '../../src/codec/index.js'
import { parseServerError } from '../../src/mechanisms/oauth-error.js'
import { parseBearer, parseKvPairs, parsePort } from '../../src/mechanisms/oauth-server-framing.js'
import { parseAuthParams, parseForm, percentDecode } from '../../src/mechanisms/oauth1-parse.js'
import { gssapi } from '../../src/index.js'
import { decodeAvPairs, decodeNtlmMessage, encodeAvPairs } from '../../src/mechanisms/ntlm/messages.js'
import { fixtures } from '../fixtures/mechanisms.js'
import { runExchange } from '../helpers/exchange.js'
import { bounded, boundedSync, equalBytes, expectApiError, mutate, mutation } from '../helpers/hostile.js'

/** Strings made of a grammar's tokens: reaches the paths random text never gets to. */
const tokens = (alphabet: readonly string[], maxLength = 24) => fc.array(fc.constantFrom(...alphabet), { maxLength }).map((t) => t.join(''))

/** Valid samples, damaged by the shared mutations and read back as (lossy) text. */
const damaged = (samples: readonly string[]) =>
  fc.tuple(fc.constantFrom(...samples), mutation).map(([sample, m]) => new TextDecoder().decode(mutate(utf8Encode(sample), m) ?? utf8Encode(sample)))

const textInputs = (alphabet: readonly string[], samples: readonly string[]) =>
  fc.oneof(fc.string({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 32 }), tokens(alphabet), damaged(samples))

interface Decoder {
  readonly name: string
  readonly input: fc.Arbitrary<unknown>
  decode(input: never): unknown
  /** Checked on every value the decoder returns. */
  roundTrip?(input: never, output: never): void
}

const M = 'TEST'
const KV = '\x01'

const decoders: Decoder[] = [
  {
    name: 'base64Decode',
    input: textInputs(['A', 'Q', 'g', '/', '+', '=', '==', 'AA', 'AAA', 'AAAA', ' ', '\n', '-', '_'], ['AHRpbQB0YW5zdGFhZnRhbnN0YWFm', 'YQ==', 'YWI=', '']),
    decode: base64Decode as (input: never) => unknown,
    // Strict: only canonical base64 decodes, so encoding gives the input back.
    roundTrip: ((input: string, output: Uint8Array) => expect(base64Encode(output)).toBe(input)) as Decoder['roundTrip'],
  },
  {
    name: 'utf8Decode',
    input: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: 'grapheme', maxLength: 16 }).map((s) => utf8Encode(s)).chain((b) => mutation.map((m) => mutate(b, m) ?? b))),
    decode: utf8Decode as (input: never) => unknown,
    roundTrip: ((input: Uint8Array, output: string) => expect(equalBytes(utf8Encode(output), input)).toBe(true)) as Decoder['roundTrip'],
  },
  {
    name: 'hexDecode',
    input: textInputs(['0', '9', 'a', 'f', 'A', 'F', 'g', ' ', 'x'], ['cafe', 'CAFE', '00', '']),
    decode: hexDecode as (input: never) => unknown,
  },
  {
    name: 'parseGs2Header',
    input: textInputs(['n', 'y', 'p', '=', ',', 'a', 'a=', '=2C', '=3D', '=3d', 'tls-exporter', 'user', '\0', 'é'], ['n,,n=user,r=abc', 'y,a=admin,', 'p=tls-exporter,a=a=2Cb,', 'n,a=bob,\x01auth=Bearer x\x01\x01']),
    decode: parseGs2Header as (input: never) => unknown,
    // What parses re-encodes to the header text it was read from (a=… unescaped and escaped again).
    roundTrip: ((_: string, output: ReturnType<typeof parseGs2Header>) => expect(encodeGs2Header(output.header)).toBe(output.text)) as Decoder['roundTrip'],
  },
  {
    name: 'unescapeSaslname',
    input: textInputs(['=', '=2C', '=3D', '=2c', ',', 'a', '=2', '=3'], ['a=2Cb=3Dc', 'user']),
    decode: unescapeSaslname as (input: never) => unknown,
  },
  {
    name: 'ByteReader (NTLM-style security buffers: length, offset past the end)',
    input: fc.uint8Array({ maxLength: 48 }),
    decode: ((bytes: Uint8Array) => {
      const r = new ByteReader(bytes, 'hostile')
      const length = r.u16le('length')
      r.u16le('max length')
      const offset = r.u32le('offset')
      const field = r.at(offset, length, 'payload')
      r.bytes(r.u8('count'), 'counted')
      r.u32be('big-endian')
      r.rest()
      r.end()
      return field
    }) as (input: never) => unknown,
  },
  {
    name: 'FrameDecoder (any chunks, any length prefixes)',
    input: fc.array(fc.uint8Array({ maxLength: 24 }), { maxLength: 8 }),
    decode: ((chunks: Uint8Array[]) => {
      const frames = new FrameDecoder(16)
      const out: Uint8Array[] = []
      for (const chunk of chunks) out.push(...frames.decode(chunk))
      // Never holds more than one frame's worth: a prefix over the maximum is refused before any body is kept.
      expect(frames.pending).toBeLessThanOrEqual(4 + 16)
      return out
    }) as (input: never) => unknown,
  },
  {
    name: 'OAuth parseKvPairs (RFC 7628 §3.1)',
    input: textInputs(['auth', 'host', 'port', 'user', '=', KV, 'Bearer ', 'x', '\0', '\x7f', ' ', '\r\n', 'é', 'auth=a' + KV], [
      `auth=Bearer abc${KV}${KV}`,
      `host=server.example.com${KV}port=143${KV}auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==${KV}${KV}`,
      `user=someuser@example.com${KV}auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg${KV}${KV}`,
    ]),
    decode: ((text: string) => parseKvPairs(M, text)) as (input: never) => unknown,
    // Every key once (a duplicated pair is refused, never a silent overwrite).
    roundTrip: ((text: string, pairs: Map<string, string>) => {
      const keys = text.split(KV).filter((item) => item !== '').map((item) => item.slice(0, item.indexOf('=')))
      expect(new Set(keys).size).toBe(keys.length)
      expect(pairs.size).toBe(keys.length)
    }) as Decoder['roundTrip'],
  },
  {
    name: 'OAuth parsePort',
    input: fc.oneof(fc.constant(undefined), textInputs(['0', '1', '9', '65535', '65536', '-', '+', ' ', 'e'], ['143', '993', '0143'])),
    decode: ((text: string | undefined) => parsePort(M, text)) as (input: never) => unknown,
    roundTrip: ((text: string | undefined, port: number | undefined) => {
      if (text !== undefined) expect(String(port)).toBe(text)
    }) as Decoder['roundTrip'],
  },
  {
    name: 'OAuth parseBearer (RFC 6750 §2.1)',
    input: fc.oneof(fc.constant(undefined), textInputs(['Bearer', 'bearer', ' ', 'abc', '=', '==', '~', '.', '"', '\t'], ['Bearer abc', 'BEARER a.b~c=='])),
    decode: ((text: string | undefined) => parseBearer(M, text)) as (input: never) => unknown,
  },
  {
    name: 'OAuth parseServerError (the client never throws on the error challenge)',
    input: fc.oneof(
      fc.uint8Array({ maxLength: 128 }),
      fc.json({ maxDepth: 4 }).map((j) => utf8Encode(j)),
      // Deeply nested JSON: freezing it must not overflow the stack.
      fc.integer({ min: 1, max: 20000 }).map((depth) => utf8Encode('['.repeat(depth) + ']'.repeat(depth))),
      fc.integer({ min: 1, max: 20000 }).map((depth) => utf8Encode('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
    ),
    decode: ((bytes: Uint8Array) => {
      const parsed = parseServerError(bytes)
      expect(Object.isFrozen(parsed)).toBe(true)
      return parsed
    }) as (input: never) => unknown,
  },
  {
    name: 'OAuth 1.0a percentDecode (RFC 5849 §3.6, strict and form)',
    input: fc.tuple(textInputs(['%', '%2', '%20', '%zz', '%C3%A9', '%FF', '+', 'a', '~', ' '], ['a%20b', 'caf%C3%A9', 'x+y']), fc.boolean()),
    decode: (([text, strict]: [string, boolean]) => percentDecode(M, text, strict)) as (input: never) => unknown,
  },
  {
    name: 'OAuth 1.0a parseForm',
    input: textInputs(['&', '=', 'a', '%', '%41', '+', '&&', '=='], ['a=1&b=2', 'xoauth_requestor_id=user%40example.com']),
    decode: ((text: string) => parseForm(M, text)) as (input: never) => unknown,
  },
  {
    name: 'OAuth 1.0a parseAuthParams (RFC 5849 §3.5.1)',
    input: textInputs(['oauth_token', '=', '"', ',', ' ', '\t', 'x', '\\', '%22', 'realm'], [
      'oauth_consumer_key="k",oauth_signature="c2ln%3D"',
      'realm="Example", oauth_nonce="n"',
    ]),
    decode: ((text: string) => parseAuthParams(M, text)) as (input: never) => unknown,
  },
]

describe('hostile input to every decoder', () => {
  for (const d of decoders) {
    it(`${d.name}: returns a value or throws an API SaslError`, () => {
      fc.assert(
        fc.property(d.input, (value) => {
          let output: unknown
          try {
            output = d.decode(value as never)
          } catch (error) {
            expectApiError(error)
            return
          }
          d.roundTrip?.(value as never, output as never)
        }),
        boundedSync(5),
      )
    })
  }

  it('FrameDecoder: frames split anywhere come back whole; a prefix over the maximum fails before any body is kept', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 16 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (bodies, cuts) => {
        const stream = new Uint8Array(bodies.reduce((n, b) => n + 4 + b.length, 0))
        let at = 0
        for (const body of bodies) {
          stream.set(encodeFrame(body), at)
          at += 4 + body.length
        }
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b)
        const frames = new FrameDecoder(16)
        const out: Uint8Array[] = []
        let from = 0
        for (const p of [...points, stream.length]) {
          out.push(...frames.decode(stream.subarray(from, p)))
          from = p
        }
        expect(out.map((b) => Array.from(b))).toEqual(bodies.map((b) => Array.from(b)))
        expect(frames.pending).toBe(0)
      }),
      boundedSync(5),
    )
    const frames = new FrameDecoder(65536)
    let refused: unknown
    try {
      frames.decode(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2, 3]))
    } catch (error) {
      refused = error
    }
    expectApiError(refused)
    expect((refused as { code: string }).code).toBe('malformed-request')
    expect(frames.pending).toBeLessThanOrEqual(4)
  })
})

/** The three messages of a genuine NTLMv2 exchange, as the fixture's client and server make them. */
async function ntlmMessages(): Promise<{ negotiate: Uint8Array; challenge: Uint8Array; authenticate: Uint8Array }> {
  const row = fixtures.find((f) => f.name === 'NTLM')!
  const { messages } = await runExchange(row.client(), row.server())
  const [negotiate, challenge, authenticate] = messages.map((m) => m.data!)
  return { negotiate: negotiate!, challenge: challenge!, authenticate: authenticate! }
}

// MS-NLMP §2.2.1: where each message keeps its (Len u16, MaxLen u16, BufferOffset u32) fields.
const SECURITY_BUFFERS: Readonly<Record<1 | 2 | 3, readonly number[]>> = { 1: [16, 24], 2: [12, 40], 3: [12, 20, 28, 36, 44, 52] }

/** One security-buffer field of a message set to a hostile length or offset. */
interface NtlmFieldDamage {
  readonly field: number
  readonly part: 'length' | 'maxLength' | 'offset' | 'both'
  readonly value: 'zero' | 'max' | 'end' | 'past-end' | 'into-header' | 'wrap' | number
}
const ntlmFieldDamage: fc.Arbitrary<NtlmFieldDamage> = fc.record({
  field: fc.nat(),
  part: fc.constantFrom<NtlmFieldDamage['part']>('length', 'maxLength', 'offset', 'both'),
  value: fc.oneof(fc.constantFrom<NtlmFieldDamage['value']>('zero', 'max', 'end', 'past-end', 'into-header', 'wrap'), fc.nat({ max: 0xffffffff })),
})
function damageNtlmField(message: Uint8Array, type: 1 | 2 | 3, d: NtlmFieldDamage): Uint8Array {
  const out = message.slice()
  const view = new DataView(out.buffer)
  const at = SECURITY_BUFFERS[type][d.field % SECURITY_BUFFERS[type].length]!
  const pick = (max: number): number => {
    if (typeof d.value === 'number') return d.value % (max + 1)
    return { zero: 0, max, end: out.length, 'past-end': out.length + 1, 'into-header': 8, wrap: max - 1 }[d.value] & max
  }
  if (d.part === 'length' || d.part === 'both') view.setUint16(at, pick(0xffff), true)
  if (d.part === 'maxLength') view.setUint16(at + 2, pick(0xffff), true)
  if (d.part === 'offset' || d.part === 'both') view.setUint32(at + 4, pick(0xffffffff) >>> 0, true)
  return out
}

describe('hostile NTLM messages (MS-NLMP §2.2)', () => {
  it('decodeNtlmMessage: random bytes, random bytes after the signature, and damaged genuine messages', async () => {
    const genuine = await ntlmMessages()
    const signature = utf8Encode('NTLMSSP\0')
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 128 }),
          fc.tuple(fc.constantFrom(1, 2, 3, 4), fc.uint8Array({ maxLength: 120 })).map(([type, rest]) => new Uint8Array([...signature, type, 0, 0, 0, ...rest])),
          fc.tuple(fc.constantFrom(genuine.negotiate, genuine.challenge, genuine.authenticate), mutation).map(([m, change]) => mutate(m, change) ?? m),
        ),
        (bytes) => {
          try {
            decodeNtlmMessage(bytes)
          } catch (error) {
            expectApiError(error)
            // A UTF-16 string with a lone surrogate is incorrect-encoding; everything else malformed-request.
            expect(['malformed-request', 'incorrect-encoding']).toContain((error as { code: string }).code)
          }
        },
      ),
      boundedSync(10),
    )
  })

  for (const [type, name] of [[1, 'NEGOTIATE'], [2, 'CHALLENGE'], [3, 'AUTHENTICATE']] as const) {
    it(`${name}: a length or offset set huge, to the end, past the end or into the header is refused or read in bounds`, async () => {
      const genuine = await ntlmMessages()
      const message = type === 1 ? genuine.negotiate : type === 2 ? genuine.challenge : genuine.authenticate
      fc.assert(
        fc.property(ntlmFieldDamage, (d) => {
          const damaged = damageNtlmField(message, type, d)
          try {
            const decoded = decodeNtlmMessage(damaged)
            expect(decoded.type).toBe(type)
          } catch (error) {
            expectApiError(error)
            // A UTF-16 string with a lone surrogate is incorrect-encoding; everything else malformed-request.
            expect(['malformed-request', 'incorrect-encoding']).toContain((error as { code: string }).code)
          }
        }),
        boundedSync(10),
      )
    })
  }

  it('AUTHENTICATE with a damaged field never authenticates; CHALLENGE with one never gets an answer that does', async () => {
    const row = fixtures.find((f) => f.name === 'NTLM')!
    await fc.assert(
      fc.asyncProperty(ntlmFieldDamage, fc.boolean(), async (d, toServer) => {
        const client = row.client()
        const server = row.server()
        const challenge = await server.next(await client.start())
        if (challenge.type !== 'challenge') throw new Error('no CHALLENGE')
        const challengeBytes = toServer ? challenge.challenge : damageNtlmField(challenge.challenge, 2, d)
        let authenticate: Uint8Array
        try {
          authenticate = await client.next(challengeBytes)
        } catch (error) {
          return expectApiError(error)
        }
        const sent = toServer ? damageNtlmField(authenticate, 3, d) : authenticate
        const step = await server.next(sent)
        const unchanged = equalBytes(sent, authenticate) && equalBytes(challengeBytes, challenge.challenge)
        if (step.type === 'failure') return expectApiError(step.error)
        expect(step.type === 'success' && unchanged).toBe(true)
      }),
      bounded(2),
    )
  })

  it('decodeAvPairs: any list, with lengths past the end and more pairs than allowed', () => {
    const pair = fc.record({ id: fc.integer({ min: 0, max: 12 }), value: fc.uint8Array({ maxLength: 20 }) })
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 96 }),
          fc.array(pair, { maxLength: 40 }).map((pairs) => encodeAvPairs(pairs)),
          fc.tuple(fc.array(pair, { maxLength: 8 }), mutation).map(([pairs, m]) => mutate(encodeAvPairs(pairs), m) ?? encodeAvPairs(pairs)),
        ),
        (bytes) => {
          try {
            const { pairs, end } = decodeAvPairs(bytes, 'hostile')
            expect(pairs.length).toBeLessThanOrEqual(32)
            expect(end).toBeLessThanOrEqual(bytes.length)
          } catch (error) {
            expectApiError(error)
          }
        },
      ),
      boundedSync(10),
    )
  })
})

describe('hostile frames to the GSSAPI security layer (RFC 4752 §3.3)', () => {
  const row = fixtures.find((f) => f.name === 'GSSAPI')!
  for (const layer of ['integrity', 'confidentiality'] as const) {
    it(`${layer}: a changed frame never yields changed data; it fails with an API code`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), mutation, fc.boolean(), async (data, m, toServer) => {
          const client = gssapi.client({ ...row.clientOptions(), securityLayer: layer } as never)
          const server = row.server()
          const { step } = await runExchange(client, server)
          expect(step.type).toBe('success')
          const [from, to] = toServer ? [client.securityLayer!, server.securityLayer!] : [server.securityLayer!, client.securityLayer!]
          const frames = await from.encode(data)
          const changed = mutate(frames, m) ?? frames
          try {
            const received = await to.decode(changed)
            // Whatever comes out is what was sent, whole; a changed frame comes out as nothing.
            for (const message of received) expect(equalBytes(message, data)).toBe(true)
            if (received.length > 0) expect(equalBytes(changed.subarray(0, frames.length), frames)).toBe(true)
          } catch (error) {
            expectApiError(error)
          }
        }),
        bounded(),
      )
    })
  }
})
