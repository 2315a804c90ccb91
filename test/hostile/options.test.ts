// saslkit copies what it needs from the caller's options when a client or server is made:
// changing every value of the options afterwards — strings, numbers, callbacks, nested data,
// and bytes changed in place — changes nothing in the exchange. (test/node/memory.test.ts
// proves with a garbage collector that the options object itself is not kept.)
import { describe, expect, it } from 'vitest'
import { fixtures } from '../fixtures/mechanisms.js'
import { runExchange } from '../helpers/exchange.js'

const hasMethods = (value: object) => Object.values(value).some((v) => typeof v === 'function')

/** Changes every value reachable from `target` in place; objects with methods (providers) are replaced, not entered. */
function vandalize(target: Record<string, unknown> | unknown[], seen = new Set<object>()): void {
  if (seen.has(target)) return
  seen.add(target)
  const entries = Array.isArray(target) ? target.map((v, i) => [i, v] as const) : Object.entries(target)
  for (const [key, value] of entries) {
    let replacement: unknown = value
    if (typeof value === 'string') replacement = `${value}-changed`
    else if (typeof value === 'number') replacement = value + 1
    else if (typeof value === 'boolean') replacement = !value
    else if (typeof value === 'function') {
      replacement = () => {
        throw new Error('an option was used after construction')
      }
    } else if (value instanceof Uint8Array) value.fill(0x5a)
    else if (typeof value === 'object' && value !== null) {
      if (hasMethods(value)) replacement = {}
      else vandalize(value as Record<string, unknown>, seen)
    }
    ;(target as Record<string | number, unknown>)[key] = replacement
  }
}

describe('the caller may change its options after construction', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name}: changing every option value afterwards changes nothing`, async () => {
      const reference = await runExchange(fixture.client(), fixture.server())
      expect(reference.step.type).toBe('success')
      const clientOptions = fixture.clientOptions()
      const serverOptions = fixture.serverOptions()
      const client = fixture.clientWith(clientOptions)
      const server = fixture.serverWith(serverOptions)
      vandalize(clientOptions)
      vandalize(serverOptions)
      const { step, clientError } = await runExchange(client, server)
      expect(clientError).toBeUndefined()
      expect(step.type).toBe('success')
      if (step.type === 'success' && reference.step.type === 'success') {
        expect({ ...step.identity }).toEqual({ ...reference.step.identity })
      }
    })
  }
})
