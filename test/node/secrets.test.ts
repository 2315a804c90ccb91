// Node-only (util.inspect): no saslkit object — client, server, step, error, identity and its
// details, security layer, SCRAM keys holder, OAuth serverError — shows a secret when printed,
// serialised or stringified, on the success path, the wrong-secret path and the unknown-user
// path. Secrets are checked as text, and byte secrets also as hex, base64 and the decimal
// list util.inspect prints for a Uint8Array.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { SaslError, type SaslClient, type SaslServer } from '../../src/index.js'
import { base64Encode, hexEncode } from '../../src/codec/index.js'
import { fixtures, type MechanismFixture } from '../fixtures/mechanisms.js'

function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 8, showHidden: false }), String(value)]
  // Getters too: a getter returning a secret would print in a debugger or a logger that walks them.
  out.push(inspect(value, { depth: 8, getters: true }))
  try {
    out.push(JSON.stringify(value) ?? '')
  } catch {
    // cyclic objects cannot be serialised, which also means they cannot leak that way
  }
  if (value instanceof Error) out.push(value.message, value.stack ?? '', String(value.cause ?? ''), inspect(value.cause))
  return out.map((text) => text.replace(/\s+/g, ' '))
}

/** The forms a secret can take in printed output. */
function forms(fixture: Pick<MechanismFixture, 'secrets' | 'secretBytes'>): string[] {
  const out = [...fixture.secrets]
  for (const bytes of fixture.secretBytes ?? []) {
    out.push(hexEncode(bytes), base64Encode(bytes).replace(/=+$/, ''), Array.from(bytes.subarray(0, 8)).join(', '))
  }
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
        seen.push(step.error, step.error.details)
        // The client reads the failure's additional data too (SCRAM e=), as XMPP carries it.
        if (step.additionalData !== undefined) await client.finish(step.additionalData).catch((e: unknown) => seen.push(e))
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
  // What a client and a server expose after the exchange (SCRAM's `keys` are handed over on
  // purpose, for the app to cache, and are not rendered; NTLM's session keys are reachable
  // by name but must not print).
  for (const side of [client, server] as unknown as Array<Record<string, unknown>>) {
    for (const name of ['serverError', 'securityLayer', 'session']) if (side[name] !== undefined) seen.push(side[name])
  }
  return seen
}

/** Key bytes reachable by name on what the exchange exposed: secrets the fixture cannot know in advance. */
function exposedKeys(client: SaslClient, server: SaslServer): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const side of [client, server] as unknown as Array<Record<string, Record<string, unknown> | undefined>>) {
    const session = side['session']
    for (const name of ['clientSigningKey', 'serverSigningKey', 'clientSealingKey', 'serverSealingKey']) {
      const value = session?.[name]
      if (value instanceof Uint8Array && value.length > 0) out.push(value)
    }
  }
  return out
}

describe('secrets never show', () => {
  for (const fixture of fixtures.filter((f) => f.secrets.length > 0 || (f.secretBytes ?? []).length > 0)) {
    it(`${fixture.name}: success, wrong-secret and unknown-user paths`, async () => {
      const [client, server] = [fixture.client(), fixture.server()]
      const seen = [...(await drive(client, server))]
      if (fixture.wrongClient) seen.push(...(await drive(fixture.wrongClient(), fixture.server())))
      if (fixture.unknownUserClient) seen.push(...(await drive(fixture.unknownUserClient(), fixture.server())))
      const secrets = [...forms(fixture), ...forms({ secrets: [], secretBytes: exposedKeys(client, server) })]
      for (const value of seen) {
        for (const text of renderings(value)) {
          for (const secret of secrets) expect(text, `${fixture.name}: ${inspect(value, { depth: 0 })}`).not.toContain(secret)
        }
      }
    })
  }

  it('a renderer that would leak is caught (the check itself works)', () => {
    const leaky = { password: 'hunter2', key: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) }
    const rendered = renderings(leaky).join('\n')
    expect(rendered).toContain('hunter2')
    expect(rendered).toContain(Array.from(leaky.key.subarray(0, 8)).join(', '))
  })
})
