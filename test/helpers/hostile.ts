// Shared by the hostile-input suites: the API codes, the mutations, the bounded run settings.
import fc from 'fast-check'
import { expect } from 'vitest'
import { SaslError, type SaslErrorCode } from '../../src/index.js'
import { ProviderFailure } from '../fixtures/mechanisms.js'

export const API_CODES: readonly SaslErrorCode[] = [
  'aborted', 'account-disabled', 'credentials-expired', 'encryption-required', 'incorrect-encoding', 'invalid-authzid',
  'invalid-mechanism', 'malformed-request', 'mechanism-too-weak', 'not-authorized', 'temporary-auth-failure',
  'server-not-verified', 'protocol-violation',
]

/** Runs per property; `npm run fuzz` raises it (FUZZ_RUNS, passed in by vitest.config.ts). */
export const runs = Number((globalThis as { FUZZ_RUNS?: string }).FUZZ_RUNS ?? 60)
/** When `npm run fuzz` must stop (ms since the epoch; FUZZ_DEADLINE), else 0. */
const deadline = Number((globalThis as { FUZZ_DEADLINE?: string }).FUZZ_DEADLINE ?? 0)

/**
 * `factor` times `runs` runs; under `npm run fuzz`, a property stops (without failing) when the
 * fuzzing time is up, and one that starts after it runs once (fast-check fails a property
 * interrupted before its first run).
 */
function runCount(factor: number): { numRuns: number; interruptAfterTimeLimit?: number; markInterruptAsFailure?: boolean } {
  const numRuns = Math.max(1, Math.round(runs * factor))
  if (deadline === 0) return { numRuns }
  const left = deadline - Date.now()
  return left < 500 ? { numRuns: 1 } : { numRuns, interruptAfterTimeLimit: left, markInterruptAsFailure: false }
}

/**
 * fast-check settings of every async property: `runs` runs, and each run fails if it takes
 * longer than `timeout` ms, so a hang is a failure with a counterexample, not a stuck suite.
 */
export const bounded = (factor = 1, timeout = 5000) => ({ ...runCount(factor), timeout })

/** fast-check settings of a synchronous property (a decoder): `factor` times `runs` runs. */
export const boundedSync = (factor = 5) => runCount(factor)

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'replace'; bytes: Uint8Array }
  | { kind: 'nul'; at: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'max-field'; at: number; width: 2 | 4 }
  | { kind: 'past-end'; at: number; width: 2 | 4; beyond: number }

/** Every kind of damage a message can take: the generic ones and the structural ones. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('replace' as const), bytes: fc.uint8Array({ maxLength: 256 }) }),
  fc.record({ kind: fc.constant('nul' as const), at: fc.nat() }),
  // A slice repeated in place: duplicated attributes, directives, AV pairs, key/value pairs.
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 48 }) }),
  // A length or offset field set to its largest value, in either byte order.
  fc.record({ kind: fc.constant('max-field' as const), at: fc.nat(), width: fc.constantFrom(2 as const, 4 as const) }),
  // A little-endian length or offset (NTLM's security buffers) pointing just past the end.
  fc.record({ kind: fc.constant('past-end' as const), at: fc.nat(), width: fc.constantFrom(2 as const, 4 as const), beyond: fc.integer({ min: 1, max: 64 }) }),
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
    case 'duplicate': {
      if (original.length === 0) return undefined
      const at = m.at % original.length
      const slice = original.subarray(at, Math.min(original.length, at + m.length))
      out = new Uint8Array([...original.subarray(0, at + slice.length), ...slice, ...original.subarray(at + slice.length)])
      break
    }
    case 'max-field':
    case 'past-end': {
      if (original.length < m.width) return undefined
      const at = m.at % (original.length - m.width + 1)
      out = original.slice()
      const value = m.kind === 'max-field' ? 0xffffffff : original.length + m.beyond
      for (let i = 0; i < m.width; i++) out[at + i] = (value >>> (8 * i)) & 0xff
      break
    }
  }
  if (message !== undefined && equalBytes(out, original)) return undefined
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** A SaslError with an API.md §6 code, raised by saslkit itself (no wrapped foreign exception). */
export function expectApiError(error: unknown): void {
  if (!(error instanceof SaslError)) throw error
  expect(API_CODES).toContain(error.code)
  // A bug in saslkit must not hide behind a wrapped foreign exception; what a pluggable
  // provider refused is the one foreign cause expected.
  if (!(error.cause instanceof ProviderFailure)) expect(error.cause).toBeUndefined()
}
