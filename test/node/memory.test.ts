// Node-only (a real garbage collector: --expose-gc, switched on here through V8's flags):
//  - saslkit never holds on to the caller's options objects: they are collected while the
//    client and server they configured live on;
//  - a finished, failed or abandoned server exchange keeps no reference to the secrets it was
//    given (the stored credentials record, OAuth 1.0a secrets, the GSS-API acceptor and its
//    session key), even while the app still holds the server object.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { SaslServer } from '../../src/index.js'
import { fixtures, type MechanismFixture } from '../fixtures/mechanisms.js'
import { runExchange } from '../helpers/exchange.js'

setFlagsFromString('--expose-gc')
const gc = ((globalThis as { gc?: () => void }).gc ?? runInNewContext('gc')) as () => void

/** True once every target is gone; a WeakRef keeps its target alive until the current job ends, so wait between tries. */
async function collected(refs: ReadonlyArray<WeakRef<object>>): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 0))
    gc()
    if (refs.every((ref) => ref.deref() === undefined)) return true
  }
  return false
}

/** Objects with methods (a GSS-API acceptor) are tracked as they are; data records are cloned, so only saslkit can hold the copy. */
function fresh<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Object.values(value).some((v) => typeof v === 'function')) return value
  return structuredClone(value)
}

/**
 * Server options whose secret sources — credentials(), secrets(), the GSS-API acceptor
 * factory — hand out fresh objects, each tracked by a WeakRef.
 */
function trackedServerOptions(fixture: MechanismFixture, refs: Array<WeakRef<object>>): Record<string, unknown> {
  const options = fixture.serverOptions()
  for (const name of SECRET_SOURCES) {
    const source = options[name]
    if (typeof source !== 'function') continue
    options[name] = async (...args: unknown[]) => {
      const value = fresh(await (source as (...a: unknown[]) => unknown)(...args))
      if (typeof value === 'object' && value !== null) {
        refs.push(new WeakRef(value))
        for (const inner of Object.values(value)) if (inner instanceof Uint8Array) refs.push(new WeakRef(inner))
      }
      return value
    }
  }
  return options
}

const SECRET_SOURCES = ['credentials', 'secrets', 'provider']
const hasSecretSource = (fixture: MechanismFixture) => SECRET_SOURCES.some((name) => typeof fixture.serverOptions()[name] === 'function')

// Each scenario runs in its own function so that no local of the test keeps anything alive.
async function optionsScenario(fixture: MechanismFixture) {
  const refs: Array<WeakRef<object>> = []
  const make = () => {
    const clientOptions = fixture.clientOptions()
    const serverOptions = fixture.serverOptions()
    refs.push(new WeakRef(clientOptions), new WeakRef(serverOptions))
    return { client: fixture.clientWith(clientOptions), server: fixture.serverWith(serverOptions) }
  }
  return { refs, ...make() }
}

async function endedScenario(fixture: MechanismFixture, client: 'right' | 'wrong') {
  const refs: Array<WeakRef<object>> = []
  const server = fixture.serverWith(trackedServerOptions(fixture, refs))
  const { step } = await runExchange(client === 'right' ? fixture.client() : fixture.wrongClient!(), server)
  return { refs, server, type: step.type }
}

async function abandonedScenario(fixture: MechanismFixture) {
  const refs: Array<WeakRef<object>> = []
  const server = fixture.serverWith(trackedServerOptions(fixture, refs))
  const client = fixture.client()
  // The first exchange of messages, then the connection drops.
  const step = await server.next(await client.start())
  refs.push(new WeakRef(server), new WeakRef(client))
  return { refs, type: step.type }
}

describe('no reference outlives its use', () => {
  it('the garbage collector is on', async () => {
    const ref = new WeakRef({ canary: true })
    expect(await collected([ref])).toBe(true)
  })

  for (const fixture of fixtures) {
    it(`${fixture.name}: the caller's options objects are not kept`, async () => {
      const { refs, client, server } = await optionsScenario(fixture)
      expect(await collected(refs)).toBe(true)
      // …and the client and server still work without them.
      expect((await runExchange(client, server)).step.type).toBe('success')
    })

    it(`${fixture.name}: a finished exchange keeps no secret`, async () => {
      const { refs, server, type } = await endedScenario(fixture, 'right')
      expect(type).toBe('success')
      expect(refs.length > 0).toBe(hasSecretSource(fixture))
      // A negotiated security layer needs its GSS-API context for as long as the connection lasts.
      if (server.securityLayer !== undefined) return expect(await collected(refs)).toBe(false)
      expect(await collected(refs)).toBe(true)
      keep(server)
    })

    if (fixture.wrongClient !== undefined) {
      it(`${fixture.name}: a failed exchange keeps no secret`, async () => {
        const { refs, server, type } = await endedScenario(fixture, 'wrong')
        expect(type).toBe('failure')
        expect(refs.length > 0).toBe(hasSecretSource(fixture))
        expect(await collected(refs)).toBe(true)
        keep(server)
      })
    }

    it(`${fixture.name}: an abandoned exchange leaves nothing behind`, async () => {
      const { refs } = await abandonedScenario(fixture)
      expect(await collected(refs)).toBe(true)
    })
  }
})

/** Holds the server until here: the app keeps it, and saslkit must have let go of the secrets anyway. */
function keep(server: SaslServer): void {
  expect(server.mechanism).toBeTypeOf('string')
}
