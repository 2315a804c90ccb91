// Hostile input (property tests): random, truncated, mutated and oversized client messages
// never make a server throw or hang, always fail with an API.md code, and a mutated proof
// never authenticates. Decoders likewise. Bounded runs; `npm run fuzz` runs them longer.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SaslError, type SaslErrorCode } from '../../src/index.js'
import { base64Decode, parseGs2Header, utf8Decode, ByteReader } from '../../src/codec/index.js'
import { fixtures } from '../fixtures/mechanisms.js'

export const API_CODES: readonly SaslErrorCode[] = [
  'aborted', 'account-disabled', 'credentials-expired', 'encryption-required', 'incorrect-encoding', 'invalid-authzid',
  'invalid-mechanism', 'malformed-request', 'mechanism-too-weak', 'not-authorized', 'temporary-auth-failure',
  'server-not-verified', 'protocol-violation',
]

/** Runs per property; `npm run fuzz` raises it (FUZZ_RUNS, passed in by vitest.config.ts). */
const runs = Number((globalThis as { FUZZ_RUNS?: string }).FUZZ_RUNS ?? 60)

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'replace'; bytes: Uint8Array }
  | { kind: 'nul'; at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('replace' as const), bytes: fc.uint8Array({ maxLength: 256 }) }),
  fc.record({ kind: fc.constant('nul' as const), at: fc.nat() }),
)

/** Applies a mutation; returns undefined when it would leave the message unchanged. */
export function mutate(message: Uint8Array | undefined, m: Mutation): Uint8Array | undefined {
  const original = message ?? new Uint8Array(0)
  let out: Uint8Array
  switch (m.kind) {
    case 'flip':
      if (original.length === 0) return undefined
      out = original.slice()
      out[m.at % out.length]! ^= 1 << m.bit
      break
    case 'truncate':
      if (original.length === 0) return undefined
      out = original.slice(0, m.at % original.length)
      break
    case 'append':
      out = new Uint8Array([...original, ...m.bytes])
      break
    case 'replace':
      out = m.bytes
      break
    case 'nul':
      if (original.length === 0) return undefined
      out = original.slice()
      out[m.at % out.length] = 0
      break
  }
  if (message !== undefined && out.length === original.length && out.every((b, i) => b === original[i])) return undefined
  return out
}

function expectApiError(error: unknown): void {
  expect(error).toBeInstanceOf(SaslError)
  expect(API_CODES).toContain((error as SaslError).code)
  // A bug in saslkit must not hide behind a wrapped foreign exception.
  expect((error as SaslError).cause).toBeUndefined()
}

describe('hostile client messages against every server', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name}: a mutated message at any step never throws, never hangs, never authenticates`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 8 }), mutation, async (target, m) => {
          const client = fixture.client()
          const server = fixture.server()
          let message = await client.start()
          let mutated = false
          for (let step = 0; step < 20; step++) {
            if (step === target) {
              const changed = mutate(message, m)
              if (changed !== undefined) {
                message = changed
                mutated = true
              }
            }
            const result = await server.next(message)
            if (result.type === 'failure') {
              expectApiError(result.error)
              return
            }
            if (result.type === 'success') {
              if (mutated && fixture.mutationFails) throw new Error(`${fixture.name}: a mutated message authenticated`)
              return
            }
            try {
              message = await client.next(result.challenge)
            } catch (error) {
              expectApiError(error)
              return
            }
          }
          throw new Error(`${fixture.name}: exchange did not end within 20 steps`)
        }),
        { numRuns: runs },
      )
    })

    it(`${fixture.name}: random bytes as every message fail with an API code`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 512 }), { minLength: 1, maxLength: 6 }), async (messages) => {
          // The one genuine initial response (EXTERNAL's is empty) may of course succeed.
          const genuine = await fixture.client().start()
          const server = fixture.server()
          for (const [i, message] of messages.entries()) {
            const result = await server.next(message)
            if (result.type === 'failure') return expectApiError(result.error)
            if (result.type === 'success') {
              const isGenuine = i === 0 && genuine !== undefined && genuine.length === message.length && genuine.every((b, j) => b === message[j])
              if (fixture.mutationFails && !isGenuine) throw new Error(`${fixture.name}: random bytes authenticated`)
              return
            }
          }
        }),
        { numRuns: runs },
      )
    })

    it(`${fixture.name}: an oversized message fails with malformed-request before any work`, async () => {
      const result = await fixture.server().next(new Uint8Array(65537).fill(0x41))
      expect(result.type === 'failure' && result.error.code).toBe('malformed-request')
    })
  }
})

describe('hostile input to the decoders', () => {
  const decoders: Array<[string, fc.Arbitrary<unknown>, (input: never) => unknown]> = [
    ['base64Decode', fc.string({ maxLength: 64 }), base64Decode as (input: never) => unknown],
    ['base64Decode (base64-ish)', fc.stringMatching(/^[A-Za-z0-9+/=]{0,24}$/), base64Decode as (input: never) => unknown],
    ['utf8Decode', fc.uint8Array({ maxLength: 64 }), utf8Decode as (input: never) => unknown],
    ['parseGs2Header', fc.string({ maxLength: 64 }), parseGs2Header as (input: never) => unknown],
    ['parseGs2Header (gs2-ish)', fc.stringMatching(/^[nyp=a,xA-Z0-9-]{0,16}$/), parseGs2Header as (input: never) => unknown],
    [
      'ByteReader',
      fc.uint8Array({ maxLength: 32 }),
      ((bytes: Uint8Array) => {
        const r = new ByteReader(bytes)
        const length = r.u16le()
        const offset = r.u32le()
        return [r.at(offset, length), r.end()]
      }) as (input: never) => unknown,
    ],
  ]
  for (const [name, input, decode] of decoders) {
    it(`${name}: returns a value or throws an API SaslError`, () => {
      fc.assert(
        fc.property(input, (value) => {
          try {
            decode(value as never)
          } catch (error) {
            expectApiError(error)
          }
        }),
        { numRuns: runs * 5 },
      )
    })
  }
})
