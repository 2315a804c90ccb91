// Node-only (util.inspect): no saslkit object — client, server, step, error, identity — shows
// a secret when printed, serialised or stringified, on success and on failure.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { SaslError, type SaslClient, type SaslServer } from '../../src/index.js'
import { fixtures } from '../fixtures/mechanisms.js'

function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 8 }), String(value)]
  try {
    out.push(JSON.stringify(value) ?? '')
  } catch {
    // cyclic objects cannot be serialised, which also means they cannot leak that way
  }
  if (value instanceof Error) out.push(value.message, value.stack ?? '', String(value.cause ?? ''))
  return out
}

async function drive(client: SaslClient, server: SaslServer): Promise<unknown[]> {
  const seen: unknown[] = [client, server]
  try {
    let message = await client.start()
    for (let i = 0; i < 20; i++) {
      const step = await server.next(message)
      seen.push(step)
      if (step.type === 'failure') {
        seen.push(step.error)
        break
      }
      if (step.type === 'success') {
        seen.push(step.identity, step.identity.details)
        if (step.additionalData !== undefined) await client.next(step.additionalData)
        await client.finish()
        break
      }
      message = await client.next(step.challenge)
    }
  } catch (error) {
    if (!(error instanceof SaslError)) throw error
    seen.push(error)
  }
  return seen
}

describe('secrets never show', () => {
  for (const fixture of fixtures.filter((f) => f.secrets.length > 0)) {
    it(`${fixture.name}: success and failure paths`, async () => {
      const seen = [...(await drive(fixture.client(), fixture.server()))]
      if (fixture.wrongClient) seen.push(...(await drive(fixture.wrongClient(), fixture.server())))
      for (const value of seen) {
        for (const text of renderings(value)) {
          for (const secret of fixture.secrets) expect(text).not.toContain(secret)
        }
      }
    })
  }
})
