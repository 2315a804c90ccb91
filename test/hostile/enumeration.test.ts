// Unknown user versus wrong password: a client (or an observer) must not be able to tell them
// apart. Same server messages (shape and length), the same error (code, message, details,
// additional data), the same callbacks, and the same amount of work — counted (digests, HMACs,
// PBKDF2 runs, ciphers, constant-time compares), never timed. Only the failure's `reason`,
// for the server's own log, differs.
import { describe, expect, it } from 'vitest'
import { SaslError, type SaslClient } from '../../src/index.js'
import { fixtures, type MechanismFixture } from '../fixtures/mechanisms.js'
import { measured, spyOn } from '../helpers/spy.js'

/** A message as an observer may compare it: text with every base64/hex run reduced to its length; bytes by length. */
function shape(message: Uint8Array | undefined): string {
  if (message === undefined) return 'none'
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(message)
  } catch {
    return `${message.length} bytes`
  }
  return `${message.length}: ${text.replace(/[A-Za-z0-9+/]+=*/g, (run) => `#${run.length}`)}`
}

interface Observed {
  serverMessages: string[]
  error: { code: string; message: string; details: unknown; additionalData: string }
  reason: string | undefined
  work: Record<string, number>
  calls: Record<string, number>
}

async function observe(fixture: MechanismFixture, client: SaslClient): Promise<Observed> {
  const spy = spyOn(fixture.serverOptions())
  const { server, work } = measured(fixture.serverWith(spy.options))
  const serverMessages: string[] = []
  let message = await client.start()
  for (let i = 0; i < 20; i++) {
    const step = await server.next(message)
    if (step.type === 'success') throw new Error(`${fixture.name}: the exchange succeeded`)
    if (step.type === 'failure') {
      const { error } = step
      return {
        serverMessages,
        error: { code: error.code, message: error.message, details: error.details, additionalData: shape(step.additionalData) },
        reason: error.reason,
        work,
        calls: spy.calls,
      }
    }
    serverMessages.push(shape(step.challenge))
    message = await client.next(step.challenge)
  }
  throw new Error(`${fixture.name}: the exchange did not end`)
}

describe('unknown user and wrong password look and cost the same', () => {
  const rows = fixtures.filter((f) => f.unknownUserClient !== undefined && f.wrongClient !== undefined)

  // Rows that look users up but cannot cost the same, and why (docs/security.md says so too).
  const exempt: Record<string, string> = {
    'SCRAM-SHA-256 (plaintext password stored)': 'a plaintext-stored user costs a PBKDF2 at every login, an unknown user none',
  }

  it('covers every row whose server looks users up (credentials or secrets)', () => {
    for (const f of fixtures) {
      const options = f.serverOptions()
      const looksUp = typeof options['credentials'] === 'function' || typeof options['secrets'] === 'function'
      if (looksUp && !(f.name in exempt)) expect(f.unknownUserClient, `${f.name} has no unknownUserClient`).toBeDefined()
    }
    for (const name of Object.keys(exempt)) expect(fixtures.some((f) => f.name === name)).toBe(true)
  })

  for (const fixture of rows) {
    it(`${fixture.name}: same messages, same error, same callbacks, same work; only the reason differs`, async () => {
      const wrong = await observe(fixture, fixture.wrongClient!())
      const unknown = await observe(fixture, fixture.unknownUserClient!())
      expect(unknown.serverMessages).toEqual(wrong.serverMessages)
      expect(unknown.error).toEqual(wrong.error)
      expect(unknown.calls).toEqual(wrong.calls)
      expect(unknown.work).toEqual(wrong.work)
      // Real work was counted: the comparison ran for both.
      expect(wrong.work['compare']).toBeGreaterThan(0)
      expect(wrong.reason).toBeDefined()
      expect(unknown.reason).toBeDefined()
      expect(unknown.reason).not.toBe(wrong.reason)
      expect(wrong.error.code).toBe('not-authorized')
    })
  }

  it('the error a client sees carries no reason a profile could leak by accident', async () => {
    for (const fixture of rows) {
      const { error } = await observe(fixture, fixture.unknownUserClient!())
      expect(JSON.stringify(error)).not.toMatch(/unknown|no-such|not found/i)
      expect(error.code).toBe('not-authorized')
    }
    expect(new SaslError('not-authorized').reason).toBeUndefined()
  })
})
