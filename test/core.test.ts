import { describe, expect, it } from 'vitest'
import { anonymous, external, login, negotiate, plain, SaslError, type Mechanism, type SaslServer } from '../src/index.js'
import { ClientBase, lazyServer } from '../src/core/guard.js'
import { ServerBase } from '../src/core/server.js'
import { rejectsWithCode } from './helpers/exchange.js'

const fake = (name: string, strength: number, traits: Partial<Mechanism['traits']> = {}): Mechanism<never, never> => ({
  name,
  traits: { clientFirst: true, plaintext: false, mutual: true, channelBinding: false, strength, legacy: false, ...traits },
  client: () => {
    throw new Error('unused')
  },
  server: () => {
    throw new Error('unused')
  },
})
const scram256 = fake('SCRAM-SHA-256', 70)
const scram256Plus = fake('SCRAM-SHA-256-PLUS', 95, { channelBinding: true })
const cram = fake('CRAM-MD5', 25, { legacy: true })

describe('SaslError', () => {
  it('carries code, details, reply, reason and cause', () => {
    const cause = new Error('x')
    const e = new SaslError('not-authorized', 'nope', { details: { e: 'invalid-proof' }, reply: { code: 535, enhanced: '5.7.8', text: 't' }, reason: 'wrong-password', cause })
    expect(e).toBeInstanceOf(Error)
    expect(e).toMatchObject({ name: 'SaslError', code: 'not-authorized', message: 'nope', details: { e: 'invalid-proof' }, reply: { code: 535 }, reason: 'wrong-password', cause })
    expect(new SaslError('aborted').message).toBe('aborted')
  })
})

describe('negotiate (API.md §5)', () => {
  const all = [plain, login, anonymous, external, scram256, scram256Plus, cram]
  it('picks the strongest common mechanism', () => {
    expect(negotiate(['PLAIN', 'CRAM-MD5', 'SCRAM-SHA-256'], all).name).toBe('SCRAM-SHA-256')
    expect(negotiate(['login', 'cram-md5'], all).name).toBe('CRAM-MD5')
  })
  it('refuses plaintext mechanisms on an unprotected channel', async () => {
    const e = await rejectsWithCode(() => negotiate(['PLAIN', 'LOGIN'], all), 'mechanism-too-weak')
    expect(e.message).toContain('PLAIN LOGIN')
    expect(negotiate(['PLAIN', 'LOGIN'], all, { secure: true }).name).toBe('PLAIN')
    expect(negotiate(['LOGIN'], all, { allowPlaintext: true }).name).toBe('LOGIN')
  })
  it('picks -PLUS only with binding data', () => {
    expect(negotiate(['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'], all).name).toBe('SCRAM-SHA-256')
    const channelBinding = { type: 'tls-exporter' as const, data: new Uint8Array(32) }
    expect(negotiate(['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'], all, { channelBinding }).name).toBe('SCRAM-SHA-256-PLUS')
  })
  it('lets the caller preference win among acceptable ones', () => {
    expect(negotiate(['PLAIN', 'SCRAM-SHA-256'], all, { secure: true, prefer: ['plain'] }).name).toBe('PLAIN')
    expect(negotiate(['CRAM-MD5', 'SCRAM-SHA-256'], all, { prefer: ['PLAIN', 'CRAM-MD5'] }).name).toBe('CRAM-MD5')
  })
  it('chooses EXTERNAL and ANONYMOUS only when preferred', async () => {
    await rejectsWithCode(() => negotiate(['EXTERNAL', 'ANONYMOUS'], all), 'mechanism-too-weak')
    expect(negotiate(['EXTERNAL', 'SCRAM-SHA-256'], all, { prefer: ['EXTERNAL'] }).name).toBe('EXTERNAL')
    expect(negotiate(['ANONYMOUS'], all, { prefer: ['ANONYMOUS'] }).name).toBe('ANONYMOUS')
  })
  it('says so when nothing was offered', async () => {
    const e = await rejectsWithCode(() => negotiate([], all), 'mechanism-too-weak')
    expect(e.message).toContain('no mechanism')
  })
})

class EchoClient extends ClientBase {
  readonly mechanism = 'ECHO'
  release: (() => void) | undefined
  protected onStart() {
    return new Uint8Array([1])
  }
  protected override async onNext(challenge: Uint8Array) {
    await new Promise<void>((resolve) => (this.release = resolve))
    return challenge
  }
}

class ThrowingServer extends ServerBase {
  readonly mechanism = 'THROW'
  constructor(private readonly error: unknown) {
    super({ maxMessageBytes: 8 })
  }
  protected onNext(): never {
    throw this.error
  }
}

describe('step guard', () => {
  it('client: next before start, finish before start, double start', async () => {
    await rejectsWithCode(new EchoClient().next(new Uint8Array(0)), 'protocol-violation')
    await rejectsWithCode(new EchoClient().finish(), 'protocol-violation')
    const c = new EchoClient()
    await c.start()
    await rejectsWithCode(c.start(), 'protocol-violation')
  })
  it('client: a second concurrent step', async () => {
    const c = new EchoClient()
    await c.start()
    const pending = c.next(new Uint8Array([2]))
    await rejectsWithCode(c.next(new Uint8Array([3])), 'protocol-violation')
    c.release!()
    expect(await pending).toEqual(new Uint8Array([2]))
  })
  it('client: anything after finish, and after a failed step', async () => {
    const c = plain.client({ username: 'a', password: 'b' })
    await c.start()
    await c.finish()
    await rejectsWithCode(c.next(new Uint8Array(0)), 'protocol-violation')
    await rejectsWithCode(c.finish(), 'protocol-violation')
    const d = plain.client({ username: 'a', password: 'b' })
    await d.start()
    await rejectsWithCode(d.next(new Uint8Array(0)), 'malformed-request')
    await rejectsWithCode(d.finish(), 'protocol-violation')
  })
  it('client: a step whose hook answers at once is settled when it returns (no extra turn)', async () => {
    const c = plain.client({ username: 'a', password: 'b' })
    let settled = false
    void c.start().then(() => (settled = true))
    // The reaction above was queued at once because the promise was already fulfilled; one
    // turn runs it. A step that awaited its hook's plain value would still be pending here.
    await null
    expect(settled).toBe(true)
    // …and the next step may follow at once.
    await rejectsWithCode(c.next(new Uint8Array(0)), 'malformed-request')
  })
  it('client: a non-bytes challenge is misuse', async () => {
    const c = new EchoClient()
    await c.start()
    await rejectsWithCode(c.next('abc' as unknown as Uint8Array), 'protocol-violation')
  })
  it('client: unexpected additional data with success', async () => {
    const c = plain.client({ username: 'a', password: 'b' })
    await c.start()
    await rejectsWithCode(c.finish(new Uint8Array([1])), 'malformed-request')
  })
  it('server: steps after the end, undefined after the first step, non-bytes', async () => {
    const s = plain.server({ verifyPassword: () => true })
    await s.next(undefined)
    await rejectsWithCode(s.next(undefined), 'protocol-violation')
    await s.next(new TextEncoder().encode('\0a\0b'))
    await rejectsWithCode(s.next(new Uint8Array(0)), 'protocol-violation')
    await rejectsWithCode(plain.server({ verifyPassword: () => true }).next('x' as unknown as Uint8Array), 'protocol-violation')
  })
  it('server: concurrent step', async () => {
    let release!: () => void
    const s = plain.server({ verifyPassword: () => new Promise<boolean>((r) => (release = () => r(true))) })
    const pending = s.next(new TextEncoder().encode('\0a\0b'))
    await rejectsWithCode(s.next(new Uint8Array(0)), 'protocol-violation')
    await new Promise((r) => setTimeout(r, 0))
    release()
    expect((await pending).type).toBe('success')
  })
  it('server: errors become failure steps; foreign errors are temporary failures; size limit first', async () => {
    const a = await new ThrowingServer(new SaslError('malformed-request')).next(new Uint8Array(1))
    expect(a.type === 'failure' && a.error.code).toBe('malformed-request')
    const b = await new ThrowingServer(new TypeError('boom')).next(new Uint8Array(1))
    expect(b.type === 'failure' && b.error.code).toBe('temporary-auth-failure')
    const c = await new ThrowingServer(new TypeError('never reached')).next(new Uint8Array(9))
    expect(c.type === 'failure' && c.error.code).toBe('malformed-request')
  })
})

describe('lazily loaded servers', () => {
  it('import the server module once, build the real server on the first step, and pass its steps and security layer through', async () => {
    let loads = 0
    const module = { make: () => plain.server({ verifyPassword: () => true }) }
    const importModule = async () => {
      loads++
      return module
    }
    const lazy = lazyServer('LAZY-TEST', importModule, (m) => m.make())
    expect(loads).toBe(0)
    expect(lazy.mechanism).toBe('LAZY-TEST')
    expect(lazy.securityLayer).toBeUndefined()
    const first = lazy.next(undefined)
    // A second step while the code loads is misuse, as it is for any running step.
    await rejectsWithCode(lazy.next(new Uint8Array(0)), 'protocol-violation')
    expect((await first).type).toBe('challenge')
    expect((await lazy.next(new TextEncoder().encode('\0a\0b'))).type).toBe('success')
    await rejectsWithCode(lazy.next(new Uint8Array(0)), 'protocol-violation')
    // The next server of the mechanism finds the module loaded, and is a fresh server.
    expect((await lazyServer('LAZY-TEST', importModule, (m) => m.make()).next(undefined)).type).toBe('challenge')
    expect(loads).toBe(1)
  })
  it('forget a failed import: that server fails, the next server of the mechanism imports again and keeps what loaded', async () => {
    let loads = 0
    const module = { make: () => plain.server({ verifyPassword: () => true }) }
    // A chunk that fails once (a lost connection, a CDN's 503), then loads.
    const importModule = async () => {
      if (++loads === 1) throw new TypeError('Failed to fetch dynamically imported module')
      return module
    }
    const first = lazyServer('LAZY-RETRY', importModule, (m) => m.make())
    const error = await rejectsWithCode(first.next(undefined), 'temporary-auth-failure')
    expect(error.message).toBe('LAZY-RETRY: server did not load')
    expect(error.cause).toBeInstanceOf(TypeError)
    // That exchange is over: its next step fails the same way and does not import again.
    await rejectsWithCode(first.next(undefined), 'temporary-auth-failure')
    expect(loads).toBe(1)
    const second = lazyServer('LAZY-RETRY', importModule, (m) => m.make())
    expect((await second.next(undefined)).type).toBe('challenge')
    expect((await second.next(new TextEncoder().encode('\0a\0b'))).type).toBe('success')
    expect(loads).toBe(2)
    expect((await lazyServer('LAZY-RETRY', importModule, (m) => m.make()).next(undefined)).type).toBe('challenge')
    expect(loads).toBe(2)
  })
  it('share one pending import between servers, whether it loads or fails', async () => {
    let loads = 0
    let settle: { resolve: (m: { make: () => SaslServer }) => void; reject: (e: unknown) => void } | undefined
    const importModule = () => {
      loads++
      return new Promise<{ make: () => SaslServer }>((resolve, reject) => (settle = { resolve, reject }))
    }
    const build = (m: { make: () => SaslServer }) => m.make()
    // Two servers start while one import is pending: one import, and both fail with it.
    const failed = [lazyServer('LAZY-SHARED', importModule, build).next(undefined), lazyServer('LAZY-SHARED', importModule, build).next(undefined)]
    expect(loads).toBe(1)
    settle!.reject(new TypeError('Failed to fetch dynamically imported module'))
    for (const step of failed) await rejectsWithCode(step, 'temporary-auth-failure')
    // The next two import again, once, and both run on what it loaded.
    const loaded = [lazyServer('LAZY-SHARED', importModule, build).next(undefined), lazyServer('LAZY-SHARED', importModule, build).next(undefined)]
    expect(loads).toBe(2)
    settle!.resolve({ make: () => plain.server({ verifyPassword: () => true }) })
    for (const step of loaded) expect((await step).type).toBe('challenge')
    expect((await lazyServer('LAZY-SHARED', importModule, build).next(undefined)).type).toBe('challenge')
    expect(loads).toBe(2)
  })
  it('reject with temporary-auth-failure when the code cannot load, on every step', async () => {
    const lazy = lazyServer('LAZY-FAILURE', () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')), (server: SaslServer) => server)
    const error = await rejectsWithCode(lazy.next(undefined), 'temporary-auth-failure')
    expect(error.cause).toBeInstanceOf(TypeError)
    await rejectsWithCode(lazy.next(undefined), 'temporary-auth-failure')
  })
})

