// Every row, saslkit client against saslkit server in memory: the table itself is sound
// (the right case succeeds with the row's identity, the wrong one fails with refusedWith)
// before any peer is involved.
import { afterEach, describe, expect, it } from 'vitest'
import { runExchange } from '../helpers/exchange.js'
import { interopContext } from './harness/context.js'
import { table } from './rows.js'

const context = interopContext()
const rows = table(context)
afterEach(() => context.cleanup())

describe('the interop table, in memory', () => {
  for (const row of rows) {
    it(`${row.label}: the right case succeeds as ${row.identity}`, async () => {
      const { step, clientError } = await runExchange(row.newClient(row.good.client), row.newServer(row.good.policy))
      expect(clientError).toBeUndefined()
      expect(step.type).toBe('success')
      if (step.type === 'success') expect(step.identity.authcid).toBe(row.identity)
    })
    it(`${row.label}: the wrong case fails with ${row.refusedWith}`, async () => {
      const { step } = await runExchange(row.newClient(row.bad.client), row.newServer(row.bad.policy))
      expect(step.type).toBe('failure')
      if (step.type === 'failure') expect(step.error.code).toBe(row.refusedWith)
    })
  }
})
