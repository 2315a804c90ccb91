// Every mechanism of the fixture table through every protocol profile, client profile ↔ server
// profile in memory, with one line damaged on its way: as text (any character of the line), or
// as payload (the base64 it carries decoded, damaged like a SASL message, and encoded again).
// The server profile always answers with a reply and never throws; the client profile returns
// an action or throws an API SaslError; nothing hangs; and a damaged payload from a client
// whose messages carry a proof never authenticates.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base64Decode, base64Encode, type ClientExchange, type ServerExchange, type ServerResult } from '../../src/index.js'
import { fixtures, type MechanismFixture } from '../fixtures/mechanisms.js'
import { adapters, type Adapter } from '../helpers/adapters.js'
import { bounded, expectApiError, mutate, mutation, type Mutation } from '../helpers/hostile.js'

/** Where each profile's lines carry base64: the prefix, the payload, the suffix. */
const PAYLOAD: Record<Adapter['name'], RegExp> = {
  smtp: /^(AUTH \S+ |334 |)([A-Za-z0-9+/]+=*)()$/,
  imap: /^(A1 AUTHENTICATE \S+ |\+ |)([A-Za-z0-9+/]+=*)()$/,
  pop3: /^(AUTH \S+ |\+ |)([A-Za-z0-9+/]+=*)()$/,
  xmpp: /^(<[^>]*>)([A-Za-z0-9+/]+=*)(<\/[^>]+>)$/,
}

type LineDamage = { kind: 'text'; at: number; char: string; op: 'replace' | 'insert' | 'truncate' } | { kind: 'payload'; m: Mutation }
const lineDamage: fc.Arbitrary<LineDamage> = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    at: fc.nat(),
    char: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), fc.constantFrom('\0', '\r', '\n', '=', '*', '<', '"', ' ', 'é')),
    op: fc.constantFrom('replace' as const, 'insert' as const, 'truncate' as const),
  }),
  fc.record({ kind: fc.constant('payload' as const), m: mutation }),
)

/** The damaged line, and whether its payload (not just its text) was changed. */
function damage(adapter: Adapter, line: string, d: LineDamage): { line: string; payloadChanged: boolean } {
  if (d.kind === 'text') {
    const at = line.length === 0 ? 0 : d.at % line.length
    if (d.op === 'truncate') return { line: line.slice(0, at), payloadChanged: false }
    return { line: line.slice(0, at) + d.char + line.slice(at + (d.op === 'replace' ? 1 : 0)), payloadChanged: false }
  }
  const match = PAYLOAD[adapter.name].exec(line)
  if (match === null) return { line, payloadChanged: false }
  let payload: Uint8Array
  try {
    payload = base64Decode(match[2]!)
  } catch {
    return { line, payloadChanged: false }
  }
  const changed = mutate(payload, d.m)
  if (changed === undefined || changed.length === 0) return { line, payloadChanged: false }
  return { line: match[1]! + base64Encode(changed) + match[3]!, payloadChanged: true }
}

function serverFor(adapter: Adapter, fixture: MechanismFixture): ServerExchange {
  const options = fixture.serverOptions()
  const channel = (options['channel'] as MechanismFixture['channel']) ?? fixture.channel ?? { secure: true }
  return adapter.server({ mechanisms: [fixture.mechanism], mechanismOptions: { [fixture.mechanism.name]: options }, channel } as never)
}

interface Run {
  authenticated: boolean
  payloadChanged: boolean
  fromClient: boolean
}

/** One exchange through both profiles; line `target` (counting both directions) is damaged. */
async function run(adapter: Adapter, fixture: MechanismFixture, target: number, d: LineDamage): Promise<Run> {
  const client: ClientExchange = adapter.client(fixture.client())
  const server = serverFor(adapter, fixture)
  let index = 0
  let payloadChanged = false
  let fromClient = false
  const pass = (line: string, byClient: boolean): string => {
    if (index++ !== target) return line
    const out = damage(adapter, line, d)
    payloadChanged = out.payloadChanged
    fromClient = byClient
    return out.line
  }
  let out: string | undefined
  try {
    out = await client.begin()
  } catch (error) {
    expectApiError(error)
    return { authenticated: false, payloadChanged, fromClient }
  }
  for (let round = 0; round < 30 && out !== undefined; round++) {
    let result: ServerResult
    try {
      result = await server.receive(pass(out, true))
    } catch (error) {
      throw new Error(`${adapter.name} ${fixture.name}: the server profile threw ${String(error)}`)
    }
    expect(typeof result.reply).toBe('string')
    if (result.identity !== undefined) return { authenticated: true, payloadChanged, fromClient }
    if (result.done) return { authenticated: false, payloadChanged, fromClient }
    try {
      const action = await client.receive(pass(result.reply, false))
      if (action.done === true) return { authenticated: false, payloadChanged, fromClient }
      out = action.send
    } catch (error) {
      expectApiError(error)
      return { authenticated: false, payloadChanged, fromClient }
    }
  }
  return { authenticated: false, payloadChanged, fromClient }
}

describe('every mechanism through every profile, one line damaged', () => {
  for (const adapter of adapters) {
    for (const fixture of fixtures) {
      it(`${adapter.name} × ${fixture.name}: never throws a foreign error, never hangs; a damaged client payload never authenticates`, async () => {
        // The untouched exchange succeeds: the damage, not the set-up, makes the difference.
        expect((await run(adapter, fixture, -1, { kind: 'text', at: 0, char: 'x', op: 'replace' })).authenticated).toBe(true)
        await fc.assert(
          fc.asyncProperty(fc.nat({ max: 9 }), lineDamage, async (target, d) => {
            const r = await run(adapter, fixture, target, d)
            if (r.authenticated && r.payloadChanged && r.fromClient && fixture.mutationFails) {
              throw new Error(`${adapter.name} × ${fixture.name}: a damaged client payload authenticated`)
            }
          }),
          bounded(0.25),
        )
      })
    }
  }
})
