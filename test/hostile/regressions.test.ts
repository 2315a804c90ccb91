// Inputs that once broke something, or that sit on an edge worth pinning: each must fail
// with exactly this code. `npm run fuzz` findings go here.
import { describe, expect, it } from 'vitest'
import { fixtures } from '../fixtures/mechanisms.js'
import { fromHex } from '../helpers/exchange.js'

const cases: Array<{ mechanism: string; messages: string[]; code: string; why: string }> = [
  { mechanism: 'PLAIN', messages: ['00616c69636500'], code: 'malformed-request', why: 'empty password after the second NUL' },
  { mechanism: 'PLAIN', messages: ['c0af00616c6963650070'], code: 'incorrect-encoding', why: 'overlong UTF-8 in the authzid' },
  { mechanism: 'PLAIN', messages: ['00616c69636500ed a080'.replace(' ', '')], code: 'incorrect-encoding', why: 'UTF-16 surrogate encoded in UTF-8' },
  { mechanism: 'LOGIN', messages: ['616c69636500'], code: 'malformed-request', why: 'NUL at the end of the username' },
  { mechanism: 'EXTERNAL', messages: ['00'], code: 'malformed-request', why: 'authzid of a single NUL' },
  { mechanism: 'ANONYMOUS', messages: ['e280a8'], code: 'malformed-request', why: 'U+2028 line separator in the trace' },
  { mechanism: 'GSSAPI', messages: [''], code: 'malformed-request', why: 'an empty context token' },
  { mechanism: 'GSSAPI', messages: ['608201'], code: 'not-authorized', why: 'a truncated context token (the acceptor refuses it)' },
]

describe('hostile-input regressions', () => {
  for (const c of cases) {
    it(`${c.mechanism}: ${c.why} → ${c.code}`, async () => {
      const fixture = fixtures.find((f) => f.name === c.mechanism)
      if (fixture === undefined) throw new Error(`no fixture ${c.mechanism}`)
      const server = fixture.server()
      let step = await server.next(fromHex(c.messages[0]!))
      for (const message of c.messages.slice(1)) {
        if (step.type !== 'challenge') break
        step = await server.next(fromHex(message))
      }
      expect(step.type === 'failure' && step.error.code).toBe(c.code)
    })
  }
})
