// Hostile input (property tests) against every server AND client state machine: random,
// truncated, mutated and oversized messages never make either side throw anything but an
// API SaslError, never hang (every run is bounded), and a changed proof, digest, MIC or
// signature never authenticates, in either direction. `npm run fuzz` runs them longer.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SaslError, type SaslClient, type SaslServer } from '../../src/index.js'
import { fixtures, type MechanismFixture, type ProofLens } from '../fixtures/mechanisms.js'
import { bounded, equalBytes, expectApiError, mutate, mutation, type Mutation } from '../helpers/hostile.js'

type Outcome =
  | { kind: 'server-failure'; error: SaslError }
  | { kind: 'client-error'; error: SaslError }
  /** The server said success; `clientError` is what the client then refused, if anything. */
  | { kind: 'success'; clientError?: SaslError }

interface Tampering {
  /** Changes the n-th client message (0: the initial response slot). */
  client?(step: number, message: Uint8Array | undefined): Uint8Array | undefined
  /** Changes the n-th server message; the success's additional data counts as a message. */
  server?(step: number, message: Uint8Array | undefined): Uint8Array | undefined
}

function asClientError(error: unknown): SaslError {
  expectApiError(error)
  return error as SaslError
}

/**
 * Runs one exchange, letting `tamper` change messages on the way. The success's additional
 * data goes to next() and then finish() without data, as SMTP/IMAP/POP3 carry it.
 */
async function exchange(client: SaslClient, server: SaslServer, tamper: Tampering = {}): Promise<Outcome> {
  let message: Uint8Array | undefined
  try {
    message = await client.start()
  } catch (error) {
    return { kind: 'client-error', error: asClientError(error) }
  }
  for (let step = 0; step < 20; step++) {
    if (tamper.client !== undefined) message = tamper.client(step, message)
    const result = await server.next(message)
    if (result.type === 'failure') {
      expectApiError(result.error)
      return { kind: 'server-failure', error: result.error }
    }
    if (result.type === 'success') {
      const data = tamper.server === undefined ? result.additionalData : tamper.server(step, result.additionalData)
      try {
        if (data !== undefined) await client.next(data)
        await client.finish()
      } catch (error) {
        return { kind: 'success', clientError: asClientError(error) }
      }
      return { kind: 'success' }
    }
    const challenge = tamper.server === undefined ? result.challenge : (tamper.server(step, result.challenge) ?? new Uint8Array(0))
    try {
      message = await client.next(challenge)
    } catch (error) {
      return { kind: 'client-error', error: asClientError(error) }
    }
  }
  throw new Error('the exchange did not end within 20 steps')
}

/** Steps of an untouched exchange: how many messages each side sends. */
async function cleanRun(fixture: MechanismFixture): Promise<{ clientMessages: number; serverMessages: number }> {
  let clientMessages = 0
  let serverMessages = 0
  const outcome = await exchange(fixture.client(), fixture.server(), {
    client: (_, m) => (clientMessages++, m),
    server: (_, m) => (serverMessages++, m),
  })
  expect(outcome).toEqual({ kind: 'success' })
  return { clientMessages, serverMessages }
}

/** How a proof's value is changed: a flipped bit (the one whose code is checked), or its length. */
type ValueChange = { kind: 'flip'; at: number; bit: number } | { kind: 'truncate'; at: number } | { kind: 'extend'; bytes: Uint8Array } | { kind: 'zero' }
const sameLengthChange: fc.Arbitrary<ValueChange> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  fc.record({ kind: fc.constant('zero' as const) }),
)
const valueChange: fc.Arbitrary<ValueChange> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('zero' as const) }),
)
function changeValue(value: Uint8Array, change: ValueChange): Uint8Array {
  switch (change.kind) {
    case 'flip': {
      const out = value.slice()
      if (out.length > 0) out[change.at % out.length]! ^= 1 << change.bit
      return out
    }
    case 'truncate':
      return value.slice(0, value.length === 0 ? 0 : change.at % value.length)
    case 'extend':
      return new Uint8Array([...value, ...change.bytes])
    case 'zero':
      return new Uint8Array(value.length)
  }
}
const lensTamper = (lens: ProofLens, change: ValueChange) => (step: number, message: Uint8Array | undefined) =>
  step === lens.message && message !== undefined ? lens.set(message, changeValue(lens.get(message), change)) : message

describe('hostile client messages against every server', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name}: a mutated message at any step never throws, never hangs, never authenticates`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 8 }), mutation, async (target, m: Mutation) => {
          let mutated = false
          const outcome = await exchange(fixture.client(), fixture.server(), {
            client(step, message) {
              if (step !== target) return message
              const changed = mutate(message, m)
              if (changed === undefined) return message
              mutated = true
              return changed
            },
          })
          if (outcome.kind === 'success' && mutated && fixture.mutationFails) throw new Error(`${fixture.name}: a mutated message authenticated`)
        }),
        bounded(),
      )
    })

    it(`${fixture.name}: random bytes as every message fail with an API code`, async () => {
      const genuine = await fixture.client().start()
      await fc.assert(
        fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 512 }), { minLength: 1, maxLength: 6 }), async (messages) => {
          const server = fixture.server()
          for (const [i, message] of messages.entries()) {
            const result = await server.next(message)
            if (result.type === 'failure') return expectApiError(result.error)
            if (result.type === 'success') {
              // The one genuine initial response (EXTERNAL's is empty) may of course succeed.
              const isGenuine = i === 0 && genuine !== undefined && equalBytes(genuine, message)
              if (fixture.mutationFails && !isGenuine) throw new Error(`${fixture.name}: random bytes authenticated`)
              return
            }
          }
        }),
        bounded(),
      )
    })

    it(`${fixture.name}: an oversized message fails with malformed-request before any work`, async () => {
      const result = await fixture.server().next(new Uint8Array(65537).fill(0x41))
      expect(result.type === 'failure' && result.error.code).toBe('malformed-request')
    })
  }
})

describe('hostile server messages against every client', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name}: a mutated challenge or success data never throws, never hangs`, async () => {
      const { serverMessages } = await cleanRun(fixture)
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: serverMessages }), mutation, async (target, m) => {
          let mutated = false
          const outcome = await exchange(fixture.client(), fixture.server(), {
            server(step, message) {
              if (step !== target) return message
              const changed = mutate(message, m)
              if (changed === undefined) return message
              mutated = true
              return changed
            },
          })
          // The server proves itself with its last message: a changed one is never believed.
          const mustFail = fixture.serverMutationFails ?? fixture.mechanism.traits.mutual
          if (mustFail && mutated && target === serverMessages - 1 && outcome.kind === 'success') {
            expect(outcome.clientError, `${fixture.name}: the client believed a changed final server message`).toBeDefined()
          }
        }),
        bounded(),
      )
    })

    it(`${fixture.name}: random bytes as every challenge fail with an API code or get an answer`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 512 }), { minLength: 1, maxLength: 6 }), fc.boolean(), async (challenges, end) => {
          const client = fixture.client()
          try {
            await client.start()
            for (const challenge of challenges) {
              const answer = await client.next(challenge)
              expect(answer).toBeInstanceOf(Uint8Array)
            }
            // A success now, after random challenges, is never believed by a mutual mechanism.
            if (end) {
              await client.finish()
              if (fixture.mechanism.traits.mutual) throw new Error(`${fixture.name}: the client believed a server that sent random bytes`)
            }
          } catch (error) {
            expectApiError(error)
          }
        }),
        bounded(),
      )
    })

    it(`${fixture.name}: an oversized challenge fails with an API code or gets an answer`, async () => {
      const client = fixture.client()
      try {
        await client.start()
        expect(await client.next(new Uint8Array(1 << 20).fill(0x41))).toBeInstanceOf(Uint8Array)
      } catch (error) {
        expectApiError(error)
      }
    })
  }
})

describe('changed proofs never authenticate', () => {
  for (const fixture of fixtures) {
    for (const lens of fixture.proofs ?? []) {
      it(`${fixture.name}: a changed ${lens.name} (client message ${lens.message}) fails${lens.code ? ` with ${lens.code}` : ''}`, async () => {
        await fc.assert(
          fc.asyncProperty(lens.fixedLength === true ? sameLengthChange : valueChange, async (change) => {
            const outcome = await exchange(fixture.client(), fixture.server(), { client: lensTamper(lens, change) })
            if (outcome.kind === 'success') throw new Error(`${fixture.name}: a changed ${lens.name} authenticated`)
            if (lens.code !== undefined && change.kind === 'flip') expect(outcome.error.code).toBe(lens.code)
          }),
          bounded(),
        )
      })
    }
    for (const lens of fixture.serverProofs ?? []) {
      it(`${fixture.name}: a changed ${lens.name} (server message ${lens.message}) is refused by the client${lens.code ? ` with ${lens.code}` : ''}`, async () => {
        await fc.assert(
          fc.asyncProperty(lens.fixedLength === true ? sameLengthChange : valueChange, async (change) => {
            const outcome = await exchange(fixture.client(), fixture.server(), { server: lensTamper(lens, change) })
            const refusal = outcome.kind === 'success' ? outcome.clientError : outcome.error
            if (refusal === undefined) throw new Error(`${fixture.name}: the client believed a changed ${lens.name}`)
            if (lens.code !== undefined && change.kind === 'flip') expect(refusal.code).toBe(lens.code)
          }),
          bounded(),
        )
      })
    }
    if (fixture.proofs !== undefined || fixture.serverProofs !== undefined) {
      it(`${fixture.name}: every lens reads the value it names from a genuine exchange`, async () => {
        // Guards the lenses themselves: each finds a non-empty value, and putting it back unchanged changes nothing.
        const seen: Array<[ProofLens, Uint8Array]> = []
        const look = (lenses: readonly ProofLens[]) => (step: number, message: Uint8Array | undefined) => {
          for (const lens of lenses) {
            if (lens.message === step && message !== undefined) {
              const value = lens.get(message)
              expect(value.length).toBeGreaterThan(0)
              expect(equalBytes(lens.set(message, value), message)).toBe(true)
              seen.push([lens, value])
            }
          }
          return message
        }
        const outcome = await exchange(fixture.client(), fixture.server(), { client: look(fixture.proofs ?? []), server: look(fixture.serverProofs ?? []) })
        expect(outcome).toEqual({ kind: 'success' })
        expect(seen.map(([lens]) => lens.name).sort()).toEqual([...(fixture.proofs ?? []), ...(fixture.serverProofs ?? [])].map((l) => l.name).sort())
      })
    }
  }
})
