// Counting spies injected through options (no module mocking): every function in an options
// object, and the methods of the objects those functions return (a GSS-API acceptor), count
// their calls, so a test can prove that a step never reached a callback or a provider.
import { _workSnapshot } from '../../src/core/work.js'

export interface Spied<T> {
  readonly options: T
  /** Calls per function name (`credentials`, `provider`, `provider.unwrap`…). */
  readonly calls: Record<string, number>
  total(): number
}

const PROVIDER_METHODS = ['step', 'wrap', 'unwrap', 'wrapSizeLimit']

function countMethods(target: object, prefix: string, calls: Record<string, number>): object {
  const record = target as Record<string, unknown>
  const proxy = Object.create(target) as Record<string, unknown>
  for (const name of PROVIDER_METHODS) {
    const method = record[name]
    if (typeof method !== 'function') continue
    proxy[name] = (...args: unknown[]) => {
      calls[`${prefix}.${name}`] = (calls[`${prefix}.${name}`] ?? 0) + 1
      return (method as (...a: unknown[]) => unknown).apply(target, args)
    }
  }
  return proxy
}

export function spyOn<T extends Record<string, unknown>>(options: T): Spied<T> {
  const calls: Record<string, number> = {}
  const spied: Record<string, unknown> = { ...options }
  for (const [name, value] of Object.entries(options)) {
    if (typeof value === 'function') {
      spied[name] = (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1
        const result = (value as (...a: unknown[]) => unknown)(...args)
        const isProvider = typeof result === 'object' && result !== null && !(result instanceof Promise) && PROVIDER_METHODS.some((m) => typeof (result as Record<string, unknown>)[m] === 'function')
        return isProvider ? countMethods(result as object, name, calls) : result
      }
    } else if (typeof value === 'object' && value !== null && PROVIDER_METHODS.some((m) => typeof (value as Record<string, unknown>)[m] === 'function')) {
      spied[name] = countMethods(value, name, calls)
    }
  }
  return { options: spied as T, calls, total: () => Object.values(calls).reduce((a, b) => a + b, 0) }
}

/** The work counters' change while `run` ran (digests, HMACs, PBKDF2, ciphers, compares). */
export async function workDuring<T>(run: () => Promise<T>): Promise<{ result: T; work: Record<string, number> }> {
  const before = _workSnapshot()
  const result = await run()
  const after = _workSnapshot()
  const work: Record<string, number> = {}
  for (const key of Object.keys(before) as Array<keyof typeof before>) work[key] = after[key] - before[key]
  return { result, work }
}

export const NO_WORK = { digest: 0, hmac: 0, pbkdf2: 0, cipher: 0, compare: 0 }

/**
 * A server whose next() calls add their work (only theirs: not the client's, which runs in
 * between) to `work`.
 */
export function measured<S extends { next(response: Uint8Array | undefined): Promise<unknown> }>(server: S): { server: S; work: Record<string, number> } {
  const work: Record<string, number> = { ...NO_WORK }
  const next = server.next.bind(server)
  const wrapped = Object.create(server) as S
  wrapped.next = (async (response: Uint8Array | undefined) => {
    const { result, work: spent } = await workDuring(() => next(response))
    for (const [key, n] of Object.entries(spent)) work[key] = (work[key] ?? 0) + n
    return result
  }) as S['next']
  return { server: wrapped, work }
}
