import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import sha1Vectors from '../vectors/scram-sha-1.json' with { type: 'json' }
import sha256Vectors from '../vectors/scram-sha-256.json' with { type: 'json' }
import sha512Vectors from '../vectors/scram-sha-512.json' with { type: 'json' }
import {
  base64Decode,
  base64Encode,
  deriveCredentials,
  scramSha1,
  scramSha1Plus,
  scramSha256,
  scramSha256Plus,
  scramSha512,
  scramSha512Plus,
  type ChannelBinding,
  type ScramKeys,
  type ScramMechanism,
  type ScramServerOptions,
  type ServerStep,
  type StoredCredentials,
} from '../../src/index.js'
import { _forceNoblePbkdf2, _lastPbkdf2Path, _pbkdf2Runs } from '../../src/crypto/pbkdf2.js'
import { failureCode, fromHex, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

const str = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)
const HASH_OF: Record<string, 'SHA-1' | 'SHA-256' | 'SHA-512'> = {
  'SCRAM-SHA-1': 'SHA-1',
  'SCRAM-SHA-256': 'SHA-256',
  'SCRAM-SHA-512': 'SHA-512',
  'SCRAM-SHA-1-PLUS': 'SHA-1',
  'SCRAM-SHA-256-PLUS': 'SHA-256',
  'SCRAM-SHA-512-PLUS': 'SHA-512',
}
const ALL: ScramMechanism[] = [scramSha1, scramSha256, scramSha512, scramSha1Plus, scramSha256Plus, scramSha512Plus]
const DEFAULT_PATH = globalThis.crypto?.subtle === undefined ? 'noble' : 'webcrypto'
const EXPORTER: ChannelBinding = { type: 'tls-exporter', data: fromHex('a0'.repeat(32)) }
const END_POINT: ChannelBinding = { type: 'tls-server-end-point', data: fromHex('b1'.repeat(32)) }

afterEach(() => _forceNoblePbkdf2(false))

interface ScramVector {
  id: string
  source: string
  inputs: {
    username: string
    password: string
    client_nonce: string
    server_nonce_suffix: string
    salt_base64: string
    iterations: number
    authzid?: string
    channel_binding?: { type: string; data_hex: string }
  }
  expected: {
    client_first: string
    server_first: string
    client_final: string
    server_final: string
    intermediates_computed_here: Record<string, string>
  }
}

const exchangeVectors: Array<{ mechanism: ScramMechanism; v: ScramVector }> = [
  ...sha1Vectors.vectors.filter((v) => 'client_first' in v.expected).map((v) => ({ mechanism: scramSha1, v: v as unknown as ScramVector })),
  ...(sha256Vectors.vectors as unknown as ScramVector[]).map((v) => ({ mechanism: v.inputs.channel_binding ? scramSha256Plus : scramSha256, v })),
  ...(sha512Vectors.vectors as unknown as ScramVector[]).map((v) => ({ mechanism: scramSha512, v })),
]

function bindingOf(v: ScramVector): ChannelBinding | undefined {
  const cb = v.inputs.channel_binding
  return cb === undefined ? undefined : { type: cb.type as ChannelBinding['type'], data: fromHex(cb.data_hex) }
}

describe('SCRAM vectors: client', () => {
  for (const { mechanism, v } of exchangeVectors) {
    for (const path of ['default', 'noble'] as const) {
      it(`${v.id} — ${v.source} (${mechanism.name}, PBKDF2 on ${path === 'noble' ? 'noble' : DEFAULT_PATH})`, async () => {
        _forceNoblePbkdf2(path === 'noble')
        const binding = bindingOf(v)
        const client = mechanism.client({
          username: v.inputs.username,
          password: v.inputs.password,
          nonce: v.inputs.client_nonce,
          ...(v.inputs.authzid === undefined ? {} : { authzid: v.inputs.authzid }),
          ...(binding === undefined ? {} : { channelBinding: binding }),
        })
        expect(str(await client.start())).toBe(v.expected.client_first)
        expect(str(await client.next(text(v.expected.server_first)))).toBe(v.expected.client_final)
        expect(_lastPbkdf2Path()).toBe(path === 'noble' ? 'noble' : DEFAULT_PATH)
        expect(client.keys).toBeUndefined() // not before the server proved itself
        expect(await client.next(text(v.expected.server_final))).toEqual(new Uint8Array(0))
        await client.finish()
        const keys = client.keys!
        const i = v.expected.intermediates_computed_here
        expect(hex(keys.saltedPassword!)).toBe(i['SaltedPassword_hex'])
        expect(hex(keys.clientKey)).toBe(i['ClientKey_hex'])
        expect(hex(keys.serverKey)).toBe(i['ServerKey_hex'])
        expect(base64Encode(keys.salt)).toBe(v.inputs.salt_base64)
        expect(keys.iterations).toBe(v.inputs.iterations)
      })
    }
  }
})

describe('SCRAM vectors: server', () => {
  for (const { mechanism, v } of exchangeVectors) {
    it(`${v.id} — ${v.source} (${mechanism.name}, from stored keys, no PBKDF2)`, async () => {
      const i = v.expected.intermediates_computed_here
      const record = {
        salt: base64Decode(v.inputs.salt_base64),
        iterations: v.inputs.iterations,
        storedKey: fromHex(i['StoredKey_hex']!),
        serverKey: fromHex(i['ServerKey_hex']!),
      }
      const binding = bindingOf(v)
      const server = mechanism.server({
        credentials: (user) => (user === (i['SASLprep_username'] ?? v.inputs.username) ? { scram: { [HASH_OF[mechanism.name]!]: record } } : undefined),
        nonce: v.inputs.server_nonce_suffix,
        authorize: () => true,
        ...(binding === undefined ? {} : { channel: { secure: true, bindings: [END_POINT, binding] } }),
      })
      const runs = _pbkdf2Runs()
      const first = await server.next(text(v.expected.client_first))
      expect(first.type === 'challenge' && str(first.challenge)).toBe(v.expected.server_first)
      const final = await server.next(text(v.expected.client_final))
      expect(final.type).toBe('success')
      if (final.type === 'success') {
        expect(str(final.additionalData)).toBe(v.expected.server_final)
        expect(final.identity.authcid).toBe(i['SASLprep_username'] ?? v.inputs.username)
        expect(final.identity.authzid).toBe(v.inputs.authzid ?? final.identity.authcid)
      }
      expect(_pbkdf2Runs()).toBe(runs)
    })
  }
})

describe('SCRAM GS2 header and c= (RFC 5802 §5.1, §7)', () => {
  for (const v of sha1Vectors.vectors.filter((v) => 'c_attribute' in v.expected)) {
    const header = (v.inputs as { gs2_header: string }).gs2_header
    it(`${v.id} — ${v.source}`, async () => {
      const client = scramSha1.client({
        username: 'user',
        saltedPassword: new Uint8Array(20),
        nonce: 'abc',
        ...(header.startsWith('y') ? { channelBinding: EXPORTER } : {}),
        ...(header.includes('a=') ? { authzid: 'user@example.com' } : {}),
      })
      expect(str(await client.start())).toBe(`${header}n=user,r=abc`)
      const final = str(await client.next(text('r=abcdef,s=QSXCR+Q6sek8bf92,i=4096')))
      expect(final.split(',')[0]).toBe((v.expected as { c_attribute: string }).c_attribute)
    })
  }

  it('escapes = and , in the username and authzid (RFC 5802 §5.1 saslname)', async () => {
    const client = scramSha256.client({ username: 'a=b,c', authzid: 'x,y=z', password: 'p', nonce: 'n0nce' })
    expect(str(await client.start())).toBe('n,a=x=2Cy=3Dz,n=a=3Db=2Cc,r=n0nce')
  })
})

// ---------------------------------------------------------------------------------------------

let stored: StoredCredentials
const users: Record<string, StoredCredentials> = {}
const credentials = (user: string) => users[user]

beforeAll(async () => {
  stored = await deriveCredentials('pencil')
  users['user'] = stored
  users['plain'] = { password: 'pencil' }
  users['off'] = { ...stored, disabled: true }
  users['ünïcødé'] = { password: 'pa\u0308sswo\u0308rd\u2168' } // decomposed; SASLprep composes it
  users['empty'] = {}
})

function serverOptions(mechanism: ScramMechanism, extra: Partial<ScramServerOptions> = {}): ScramServerOptions {
  return { credentials, ...(mechanism.traits.channelBinding ? { channel: { secure: true, bindings: [END_POINT, EXPORTER] } } : {}), ...extra }
}
function clientBinding(mechanism: ScramMechanism): { channelBinding?: ChannelBinding } {
  return mechanism.traits.channelBinding ? { channelBinding: EXPORTER } : {}
}

describe('SCRAM loopback', () => {
  for (const mechanism of ALL) {
    it(`${mechanism.name}: stored keys, v= as a challenge and as success data, keys reused without PBKDF2`, async () => {
      const client = mechanism.client({ username: 'user', password: 'pencil', ...clientBinding(mechanism) })
      const r = await runExchange(client, mechanism.server(serverOptions(mechanism)))
      expect(r.step.type).toBe('success')
      expect(r.clientError).toBeUndefined()
      if (r.step.type === 'success') {
        expect(r.step.identity).toMatchObject({ mechanism: mechanism.name, authcid: 'user', authzid: 'user' })
        expect(r.step.identity.details).toEqual(mechanism.traits.channelBinding ? { channelBinding: 'tls-exporter' } : undefined)
      }
      const keys = client.keys as ScramKeys
      expect(keys.iterations).toBe(4096)
      expect(keys.salt).toEqual(stored.scram![HASH_OF[mechanism.name]!]!.salt)

      const runs = _pbkdf2Runs()
      const again = mechanism.client({ username: 'user', ...keys, ...clientBinding(mechanism) })
      const r2 = await runExchange(again, mechanism.server(serverOptions(mechanism)), { successData: true })
      expect(r2.step.type).toBe('success')
      expect(r2.clientError).toBeUndefined()
      expect(_pbkdf2Runs()).toBe(runs) // neither side derived anything
    })

    it(`${mechanism.name}: plaintext password on the server`, async () => {
      const r = await runExchange(mechanism.client({ username: 'plain', password: 'pencil', ...clientBinding(mechanism) }), mechanism.server(serverOptions(mechanism)))
      expect(r.step.type).toBe('success')
      expect(r.clientError).toBeUndefined()
    })

    it(`${mechanism.name}: wrong password fails with e=invalid-proof, which the client reports`, async () => {
      const client = mechanism.client({ username: 'user', password: 'wrong', ...clientBinding(mechanism) })
      const r = await runExchange(client, mechanism.server(serverOptions(mechanism)))
      expect(failureCode(r.step)).toBe('not-authorized')
      expect(r.step.type === 'failure' && str(r.step.additionalData)).toBe('e=invalid-proof')
      const error = await rejectsWithCode(client.next((r.step as { additionalData: Uint8Array }).additionalData), 'not-authorized')
      expect(error.details).toEqual({ serverError: 'invalid-proof' })
    })
  }

  it('SASLprep on both sides: non-ASCII username and password (tables loaded lazily)', async () => {
    const r = await runExchange(scramSha256.client({ username: 'ünïcødé', password: 'pässwörd\u2168' }), scramSha256.server({ credentials }))
    expect(r.step.type === 'success' && r.step.identity.authcid).toBe('ünïcødé')
  })

  it('server speaks first: an empty challenge, then client-first', async () => {
    const server = scramSha256.server({ credentials })
    expect(await server.next(undefined)).toEqual({ type: 'challenge', challenge: new Uint8Array(0) })
    const client = scramSha256.client({ username: 'user', password: 'pencil' })
    let step = await server.next((await client.start())!)
    step = await server.next(await client.next((step as { challenge: Uint8Array }).challenge))
    expect(step.type).toBe('success')
    await client.finish((step as { additionalData: Uint8Array }).additionalData)
  })

  it('reports a disabled account only after the proof checks out', async () => {
    const bad = await runExchange(scramSha256.client({ username: 'off', password: 'guess' }), scramSha256.server({ credentials }))
    expect(failureCode(bad.step)).toBe('not-authorized')
    const good = await runExchange(scramSha256.client({ username: 'off', password: 'pencil' }), scramSha256.server({ credentials }))
    expect(failureCode(good.step)).toBe('account-disabled')
  })

  it('authzid: refused by default, accepted by authorize()', async () => {
    const refused = await runExchange(scramSha256.client({ username: 'user', password: 'pencil', authzid: 'admin' }), scramSha256.server({ credentials }))
    expect(failureCode(refused.step)).toBe('invalid-authzid')
    const server = scramSha256.server({ credentials, authorize: (id) => id.authcid === 'user' && id.authzid === 'ad,min' })
    const ok = await runExchange(scramSha256.client({ username: 'user', password: 'pencil', authzid: 'ad,min' }), server)
    expect(ok.step.type === 'success' && ok.step.identity).toMatchObject({ authcid: 'user', authzid: 'ad,min' })
  })

  it('a failing credentials() is temporary-auth-failure with e=other-error', async () => {
    const server = scramSha256.server({
      credentials: () => {
        throw new Error('database down')
      },
    })
    const step = await server.next((await scramSha256.client({ username: 'user', password: 'x' }).start())!)
    expect(failureCode(step)).toBe('temporary-auth-failure')
    expect(step.type === 'failure' && str(step.additionalData)).toBe('e=other-error')
  })

  it('invalid stored keys are the server’s problem: temporary-auth-failure', async () => {
    const server = scramSha256.server({ credentials: () => ({ scram: { 'SHA-256': { salt: new Uint8Array(16), iterations: 4096, storedKey: new Uint8Array(5), serverKey: new Uint8Array(32) } } }) })
    const step = await server.next((await scramSha256.client({ username: 'user', password: 'x' }).start())!)
    expect(failureCode(step)).toBe('temporary-auth-failure')
  })
})

describe('SCRAM cached keys', () => {
  it('a saltedPassword alone (no salt/iterations given) is used as is', async () => {
    const first = scramSha256.client({ username: 'user', password: 'pencil' })
    await runExchange(first, scramSha256.server({ credentials }))
    const r = await runExchange(scramSha256.client({ username: 'user', saltedPassword: first.keys!.saltedPassword! }), scramSha256.server({ credentials }))
    expect(r.step.type).toBe('success')
    expect(r.clientError).toBeUndefined()
  })

  it('keys for another salt: credentials-expired without a password, the password otherwise', async () => {
    const first = scramSha256.client({ username: 'user', password: 'pencil' })
    await runExchange(first, scramSha256.server({ credentials }))
    const keys = first.keys!
    const reRegistered = await deriveCredentials('pencil')
    const server = () => scramSha256.server({ credentials: () => reRegistered })
    const client = scramSha256.client({ username: 'user', ...keys })
    const step = await server().next((await client.start())!)
    await rejectsWithCode(client.next((step as { challenge: Uint8Array }).challenge), 'credentials-expired')
    const r = await runExchange(scramSha256.client({ username: 'user', password: 'pencil', ...keys }), server())
    expect(r.step.type).toBe('success')
  })
})

// ---------------------------------------------------------------------------------------------

describe('SCRAM client negative cases (server-first-message)', () => {
  const salt = 'QSXCR+Q6sek8bf92'
  const cases: Array<[string, string | Uint8Array, string]> = [
    ['nonce without the client prefix', `r=xyzDEF,s=${salt},i=4096`, 'malformed-request'],
    ['nonce without a server part', `r=abc,s=${salt},i=4096`, 'malformed-request'],
    ['nonce with a space', `r=abcD F,s=${salt},i=4096`, 'malformed-request'],
    ['i=1', `r=abcDEF,s=${salt},i=1`, 'mechanism-too-weak'],
    ['i=4095, below minIterations', `r=abcDEF,s=${salt},i=4095`, 'mechanism-too-weak'],
    ['i=10000001, above maxIterations', `r=abcDEF,s=${salt},i=10000001`, 'malformed-request'],
    ['i huge', `r=abcDEF,s=${salt},i=99999999999999999999999`, 'malformed-request'],
    ['i=0', `r=abcDEF,s=${salt},i=0`, 'malformed-request'],
    ['i negative', `r=abcDEF,s=${salt},i=-4096`, 'malformed-request'],
    ['i with a leading zero', `r=abcDEF,s=${salt},i=04096`, 'malformed-request'],
    ['i not a number', `r=abcDEF,s=${salt},i=0x1000`, 'malformed-request'],
    ['salt not base64', `r=abcDEF,s=!!!!,i=4096`, 'incorrect-encoding'],
    ['salt with a bad length', `r=abcDEF,s=QSXCR+Q6sek8bf9,i=4096`, 'incorrect-encoding'],
    ['salt empty', `r=abcDEF,s=,i=4096`, 'malformed-request'],
    ['missing s=', `r=abcDEF,i=4096`, 'malformed-request'],
    ['missing i=', `r=abcDEF,s=${salt}`, 'malformed-request'],
    ['missing r=', `s=${salt},i=4096`, 'malformed-request'],
    ['duplicate i=', `r=abcDEF,s=${salt},i=4096,i=4096`, 'malformed-request'],
    ['duplicate r=', `r=abcDEF,r=abcDEF,s=${salt},i=4096`, 'malformed-request'],
    ['attributes out of order', `s=${salt},r=abcDEF,i=4096`, 'malformed-request'],
    ['mandatory extension m=', `m=ext,r=abcDEF,s=${salt},i=4096`, 'malformed-request'],
    ['trailing comma', `r=abcDEF,s=${salt},i=4096,`, 'malformed-request'],
    ['empty message', '', 'malformed-request'],
    ['invalid UTF-8', new Uint8Array([0x72, 0x3d, 0xc0, 0xaf]), 'incorrect-encoding'],
    ['over 64 KiB', `r=abcDEF,s=${salt},i=4096,x=${'a'.repeat(65536)}`, 'malformed-request'],
    ['e=other-error instead of server-first', 'e=other-error', 'not-authorized'],
  ]
  for (const [name, message, code] of cases) {
    it(`${name} → ${code}, and no PBKDF2 starts`, async () => {
      const client = scramSha256.client({ username: 'user', password: 'pencil', nonce: 'abc' })
      await client.start()
      const runs = _pbkdf2Runs()
      await rejectsWithCode(client.next(typeof message === 'string' ? text(message) : message), code)
      expect(_pbkdf2Runs()).toBe(runs)
      await rejectsWithCode(client.next(text(`r=abcDEF,s=${salt},i=4096`)), 'protocol-violation') // the exchange is over
    })
  }

  it('unknown extensions after i= are ignored (RFC 5802 §5.1)', async () => {
    const client = scramSha256.client({ username: 'user', password: 'pencil', nonce: 'abc' })
    await client.start()
    expect(str(await client.next(text(`r=abcDEF,s=${salt},i=4096,x=whatever,y=1`)))).toMatch(/^c=biws,r=abcDEF,p=/)
  })

  it('minIterations/maxIterations options move the bounds', async () => {
    const low = scramSha256.client({ username: 'user', saltedPassword: new Uint8Array(32), nonce: 'abc', minIterations: 1 })
    await low.start()
    expect(str(await low.next(text(`r=abcDEF,s=${salt},i=1`)))).toMatch(/^c=biws/)
    const high = scramSha256.client({ username: 'user', saltedPassword: new Uint8Array(32), nonce: 'abc', maxIterations: 5000 })
    await high.start()
    await rejectsWithCode(high.next(text(`r=abcDEF,s=${salt},i=5001`)), 'malformed-request')
  })
})

/** A client that has sent client-final to a real server, and the server's success step. */
async function clientAwaitingFinal(): Promise<{ client: ReturnType<ScramMechanism['client']>; success: Extract<ServerStep, { type: 'success' }> }> {
  const client = scramSha256.client({ username: 'user', password: 'pencil' })
  const server = scramSha256.server({ credentials })
  const first = await server.next((await client.start())!)
  const final = await server.next(await client.next((first as { challenge: Uint8Array }).challenge))
  if (final.type !== 'success') throw new Error('setup failed')
  return { client, success: final }
}

describe('SCRAM client negative cases (server-final-message)', () => {
  const flip = (v: string) => {
    const sig = base64Decode(v.slice(2))
    sig[0] = sig[0]! ^ 1
    return `v=${base64Encode(sig)}`
  }
  const cases: Array<[string, (good: string) => string, string, Record<string, unknown>?]> = [
    ['wrong ServerSignature', flip, 'server-not-verified'],
    ['v= not base64', () => 'v=!!!!', 'server-not-verified'],
    ['v= missing', () => 'x=abc', 'server-not-verified'],
    ['duplicate v=', (good) => `${good},${good}`, 'server-not-verified'],
    ['empty', () => '', 'server-not-verified'],
    ['e=invalid-proof', () => 'e=invalid-proof', 'not-authorized', { serverError: 'invalid-proof' }],
    ['e=channel-bindings-dont-match', () => 'e=channel-bindings-dont-match', 'not-authorized', { serverError: 'channel-bindings-dont-match' }],
    ['e=no-resources', () => 'e=no-resources', 'temporary-auth-failure', { serverError: 'no-resources' }],
    ['e=invalid-encoding', () => 'e=invalid-encoding', 'incorrect-encoding', { serverError: 'invalid-encoding' }],
    ['e=something-new', () => 'e=something-new', 'not-authorized', { serverError: 'something-new' }],
    ['e=extensions-not-supported', () => 'e=extensions-not-supported', 'malformed-request', { serverError: 'extensions-not-supported' }],
    // RFC 5802 §7: a value-ext the client does not know; it names a property of every object.
    ['e=constructor', () => 'e=constructor', 'not-authorized', { serverError: 'constructor' }],
  ]
  for (const [name, make, code, details] of cases) {
    it(`${name} as a challenge → ${code}`, async () => {
      const { client, success } = await clientAwaitingFinal()
      const error = await rejectsWithCode(client.next(text(make(str(success.additionalData)))), code)
      if (details !== undefined) expect(error.details).toEqual(details)
      expect(client.keys).toBeUndefined()
    })
    if (code === 'server-not-verified' && name !== 'empty') {
      it(`${name} as success data → ${code}`, async () => {
        const { client, success } = await clientAwaitingFinal()
        await rejectsWithCode(client.finish(text(make(str(success.additionalData)))), code)
      })
    }
  }

  it('success without any v= → server-not-verified', async () => {
    const { client } = await clientAwaitingFinal()
    await rejectsWithCode(client.finish(), 'server-not-verified')
  })

  it('success right after client-first → server-not-verified', async () => {
    const client = scramSha256.client({ username: 'user', password: 'pencil' })
    await client.start()
    await rejectsWithCode(client.finish(), 'server-not-verified')
  })

  it('extensions after v= are ignored; a challenge after it is malformed-request', async () => {
    const { client, success } = await clientAwaitingFinal()
    expect(await client.next(text(`${str(success.additionalData)},x=1`))).toEqual(new Uint8Array(0))
    await rejectsWithCode(client.next(text('anything')), 'malformed-request')
  })
})

/** SCRAM-SHA-256 proof for user/pencil against `stored`, computed here with noble directly. */
function proofFor(authMessage: string, storedKeys: { storedKey: Uint8Array }, saltedPassword: Uint8Array): string {
  const clientKey = hmac(sha256, saltedPassword, text('Client Key'))
  const signature = hmac(sha256, storedKeys.storedKey, text(authMessage))
  return base64Encode(clientKey.map((b, i) => b ^ signature[i]!))
}

describe('SCRAM server negative cases', () => {
  const first: Array<[string, string | Uint8Array, string, string | undefined, ScramMechanism?, Partial<ScramServerOptions>?]> = [
    ['empty message', '', 'malformed-request', 'other-error'],
    ['bad channel-binding flag', 'x,,n=user,r=abc', 'malformed-request', 'other-error'],
    ['mandatory extension m=', 'n,,m=ext,n=user,r=abc', 'malformed-request', 'extensions-not-supported'],
    ['missing r=', 'n,,n=user', 'malformed-request', 'other-error'],
    ['r= before n=', 'n,,r=abc,n=user', 'malformed-request', 'other-error'],
    ['duplicate r=', 'n,,n=user,r=abc,r=def', 'malformed-request', 'other-error'],
    ['duplicate n=', 'n,,n=user,n=user,r=abc', 'malformed-request', 'other-error'],
    ['bad saslname escape', 'n,,n=us=2Ger,r=abc', 'malformed-request', 'invalid-username-encoding'],
    ['username SASLprep refuses (C.2.1)', 'n,,n=us\u0007er,r=abc', 'malformed-request', 'invalid-username-encoding'],
    ['username empty after SASLprep', 'n,,n=\u00ad,r=abc', 'malformed-request', 'invalid-username-encoding'],
    ['username over 1 KiB', `n,,n=${'u'.repeat(1025)},r=abc`, 'malformed-request', 'invalid-username-encoding'],
    ['authzid over 1 KiB', `n,a=${'z'.repeat(1025)},n=user,r=abc`, 'malformed-request', 'other-error'],
    ['nonce with a space', 'n,,n=user,r=a c', 'malformed-request', 'other-error'],
    ['invalid UTF-8', new Uint8Array([0x6e, 0x2c, 0x2c, 0x6e, 0x3d, 0xff, 0x2c, 0x72, 0x3d, 0x61]), 'incorrect-encoding', 'invalid-encoding'],
    ['message over 64 KiB', `n,,n=user,r=${'a'.repeat(65536)}`, 'malformed-request', undefined],
    ['p= on a mechanism without -PLUS', 'p=tls-exporter,,n=user,r=abc', 'malformed-request', 'channel-binding-not-supported'],
    ['y while the server has binding data (downgrade)', 'y,,n=user,r=abc', 'not-authorized', 'server-does-support-channel-binding', scramSha256, { channel: { secure: true, bindings: [EXPORTER] } }],
    ['-PLUS with n', 'n,,n=user,r=abc', 'not-authorized', 'channel-bindings-dont-match', scramSha256Plus, { channel: { secure: true, bindings: [EXPORTER] } }],
    ['-PLUS with y', 'y,,n=user,r=abc', 'not-authorized', 'channel-bindings-dont-match', scramSha256Plus, { channel: { secure: true, bindings: [EXPORTER] } }],
    ['-PLUS with a type the server lacks', 'p=tls-unique,,n=user,r=abc', 'not-authorized', 'unsupported-channel-binding-type', scramSha256Plus, { channel: { secure: true, bindings: [EXPORTER] } }],
    ['-PLUS on a server without binding data', 'p=tls-exporter,,n=user,r=abc', 'not-authorized', 'channel-binding-not-supported', scramSha256Plus, { channel: { secure: true } }],
  ]
  for (const [name, message, code, e, mechanism = scramSha256, extra = {}] of first) {
    it(`client-first: ${name} → ${code}${e === undefined ? '' : `, e=${e}`}`, async () => {
      const step = await mechanism.server({ credentials, ...extra }).next(typeof message === 'string' ? text(message) : message)
      expect(failureCode(step)).toBe(code)
      expect(step.type === 'failure' && step.additionalData !== undefined ? str(step.additionalData) : undefined).toBe(e === undefined ? undefined : `e=${e}`)
    })
  }

  it('client-first: y on a server without binding data is accepted', async () => {
    const step = await scramSha256.server({ credentials }).next(text('y,,n=user,r=abc'))
    expect(step.type).toBe('challenge')
  })

  // client-final cases: the server has answered r=abcSRV for n,,n=user,r=abc.
  let saltedPassword: Uint8Array
  beforeAll(async () => {
    const c = scramSha256.client({ username: 'user', password: 'pencil' })
    await runExchange(c, scramSha256.server({ credentials }))
    saltedPassword = c.keys!.saltedPassword!
  })
  async function serverAtFinal() {
    const server = scramSha256.server({ credentials, nonce: 'SRV' })
    const step = await server.next(text('n,,n=user,r=abc'))
    const serverFirst = str((step as { challenge: Uint8Array }).challenge)
    const prove = (withoutProof: string) => proofFor(`n=user,r=abc,${serverFirst},${withoutProof}`, stored.scram!['SHA-256']!, saltedPassword)
    return { server, prove }
  }
  const zeros = base64Encode(new Uint8Array(32))
  const final: Array<[string, (prove: (w: string) => string) => string, string, string]> = [
    ['wrong proof', () => `c=biws,r=abcSRV,p=${zeros}`, 'not-authorized', 'invalid-proof'],
    ['proof of the wrong length', () => `c=biws,r=abcSRV,p=${base64Encode(new Uint8Array(16))}`, 'not-authorized', 'invalid-proof'],
    ['proof not base64', () => 'c=biws,r=abcSRV,p=!!!!', 'incorrect-encoding', 'invalid-encoding'],
    ['missing p=', () => 'c=biws,r=abcSRV', 'malformed-request', 'other-error'],
    ['p= not last', (prove) => `c=biws,p=${prove('c=biws,r=abcSRV')},r=abcSRV`, 'malformed-request', 'other-error'],
    ['duplicate p=', (prove) => `c=biws,r=abcSRV,p=${zeros},p=${prove('c=biws,r=abcSRV')}`, 'malformed-request', 'other-error'],
    ['c= does not echo the GS2 header', (prove) => `c=eSws,r=abcSRV,p=${prove('c=eSws,r=abcSRV')}`, 'not-authorized', 'channel-bindings-dont-match'],
    ['c= not base64', () => `c=biw,r=abcSRV,p=${zeros}`, 'incorrect-encoding', 'invalid-encoding'],
    ['missing c=', () => `r=abcSRV,p=${zeros}`, 'malformed-request', 'other-error'],
    ['r= before c=', () => `r=abcSRV,c=biws,p=${zeros}`, 'malformed-request', 'other-error'],
    ['nonce differs', (prove) => `c=biws,r=abcXYZ,p=${prove('c=biws,r=abcXYZ')}`, 'malformed-request', 'other-error'],
    ['duplicate r=', () => `c=biws,r=abcSRV,r=abcSRV,p=${zeros}`, 'malformed-request', 'other-error'],
  ]
  for (const [name, make, code, e] of final) {
    it(`client-final: ${name} → ${code}, e=${e}`, async () => {
      const { server, prove } = await serverAtFinal()
      const step = await server.next(text(make(prove)))
      expect(failureCode(step)).toBe(code)
      expect(step.type === 'failure' && str(step.additionalData)).toBe(`e=${e}`)
    })
  }

  it('client-final: a correct proof with an unknown extension succeeds (RFC 5802 §5.1)', async () => {
    const { server, prove } = await serverAtFinal()
    const step = await server.next(text(`c=biws,r=abcSRV,x=ext,p=${prove('c=biws,r=abcSRV,x=ext')}`))
    expect(step.type).toBe('success')
  })
})

describe('SCRAM: unknown user and wrong password are indistinguishable (RFC 5802 §9)', () => {
  async function attempt(username: string, secret: string, mechanism: ScramMechanism = scramSha256) {
    const server = mechanism.server({ credentials, secret, nonce: 'SRV' })
    const client = mechanism.client({ username, password: 'wrong', nonce: 'CLI' })
    const first = await server.next((await client.start())!)
    const serverFirst = str((first as { challenge: Uint8Array }).challenge)
    const final = await server.next(await client.next(text(serverFirst)))
    if (final.type !== 'failure') throw new Error('expected a failure')
    return { serverFirst, final }
  }

  it('same server-first shape, same failure, same e=; only the log reason differs', async () => {
    const wrong = await attempt('user', 'cluster-secret')
    const unknown = await attempt('nobody', 'cluster-secret')
    const noKeys = await attempt('empty', 'cluster-secret')
    const shape = /^r=CLISRV,s=[A-Za-z0-9+/]{22}==,i=4096$/
    for (const a of [wrong, unknown, noKeys]) {
      expect(a.serverFirst).toMatch(shape)
      expect(a.final.error.code).toBe('not-authorized')
      expect(a.final.error.message).toBe(wrong.final.error.message)
      expect(a.final.error.details).toEqual({ serverError: 'invalid-proof' })
      expect(str(a.final.additionalData)).toBe('e=invalid-proof')
    }
    expect(wrong.final.error.reason).toBe('wrong-password')
    expect(unknown.final.error.reason).toBe('unknown-user')
    expect(noKeys.final.error.reason).toBe('no-usable-credentials')
  })

  it('the fake salt is deterministic per secret and username, and the same for every hash', async () => {
    const salt = (a: { serverFirst: string }) => a.serverFirst.split(',')[1]
    const a = await attempt('nobody', 'cluster-secret')
    expect(salt(await attempt('nobody', 'cluster-secret'))).toBe(salt(a))
    expect(salt(await attempt('nobody', 'cluster-secret', scramSha1))).toBe(salt(a))
    expect(salt(await attempt('nobody', 'other-secret'))).not.toBe(salt(a))
    expect(salt(await attempt('somebody', 'cluster-secret'))).not.toBe(salt(a))
  })

  it('without a secret, one random secret per process: stable within the process', async () => {
    const run = async () => {
      const first = await scramSha256.server({ credentials, nonce: 'S' }).next(text('n,,n=ghost,r=c'))
      return str((first as { challenge: Uint8Array }).challenge)
    }
    expect(await run()).toBe(await run())
  })
})

describe('SCRAM channel binding and downgrades (RFC 5802 §6)', () => {
  it('-PLUS with matching binding data succeeds, with mismatched data fails with not-authorized', async () => {
    const ok = await runExchange(scramSha256Plus.client({ username: 'user', password: 'pencil', channelBinding: EXPORTER }), scramSha256Plus.server(serverOptions(scramSha256Plus)))
    expect(ok.step.type).toBe('success')
    const other: ChannelBinding = { type: 'tls-exporter', data: fromHex('c2'.repeat(32)) }
    const client = scramSha256Plus.client({ username: 'user', password: 'pencil', channelBinding: other })
    const bad = await runExchange(client, scramSha256Plus.server(serverOptions(scramSha256Plus)))
    expect(failureCode(bad.step)).toBe('not-authorized')
    expect(bad.step.type === 'failure' && str(bad.step.additionalData)).toBe('e=channel-bindings-dont-match')
    expect(bad.step.type === 'failure' && bad.step.error.reason).toBe('channel-binding-mismatch')
    await rejectsWithCode(client.next((bad.step as { additionalData: Uint8Array }).additionalData), 'not-authorized')
  })

  it('a client able to bind uses y on a plain variant: refused by a server that could bind, accepted by one that cannot', async () => {
    const refused = await runExchange(scramSha256.client({ username: 'user', password: 'pencil', channelBinding: EXPORTER }), scramSha256.server({ credentials, channel: { secure: true, bindings: [EXPORTER] } }))
    expect(failureCode(refused.step)).toBe('not-authorized')
    expect(refused.step.type === 'failure' && str(refused.step.additionalData)).toBe('e=server-does-support-channel-binding')
    const accepted = await runExchange(scramSha256.client({ username: 'user', password: 'pencil', channelBinding: EXPORTER }), scramSha256.server({ credentials }))
    expect(accepted.step.type).toBe('success')
  })

  /** Runs an exchange with a man in the middle rewriting the client's two messages. */
  async function tampered(mechanism: ScramMechanism, clientOptions: object, serverExtra: Partial<ScramServerOptions>, rewriteFirst: (s: string) => string, rewriteFinal: (s: string) => string) {
    const client = mechanism.client({ username: 'user', password: 'pencil', ...clientOptions })
    const server = mechanism.server({ credentials, ...serverExtra })
    const first = await server.next(text(rewriteFirst(str((await client.start())!))))
    if (first.type !== 'challenge') return first
    return server.next(text(rewriteFinal(str(await client.next(first.challenge)))))
  }
  const same = (s: string) => s

  it('MITM turns y into n in client-first only: c= no longer matches → channel-bindings-dont-match', async () => {
    const step = await tampered(scramSha256, { channelBinding: EXPORTER }, { channel: { secure: true, bindings: [EXPORTER] } }, (s) => s.replace(/^y,/, 'n,'), same)
    expect(failureCode(step)).toBe('not-authorized')
    expect(step.type === 'failure' && str(step.additionalData)).toBe('e=channel-bindings-dont-match')
  })

  it('MITM turns y into n in both messages: the proof covers c= → invalid-proof', async () => {
    const step = await tampered(scramSha256, { channelBinding: EXPORTER }, { channel: { secure: true, bindings: [EXPORTER] } }, (s) => s.replace(/^y,/, 'n,'), (s) => s.replace('c=eSws', 'c=biws'))
    expect(failureCode(step)).toBe('not-authorized')
    expect(step.type === 'failure' && str(step.additionalData)).toBe('e=invalid-proof')
  })

  it('MITM strips p= from a -PLUS client-first → refused', async () => {
    const step = await tampered(scramSha256Plus, { channelBinding: EXPORTER }, { channel: { secure: true, bindings: [EXPORTER] } }, (s) => s.replace(/^p=tls-exporter,/, 'n,'), same)
    expect(failureCode(step)).toBe('not-authorized')
  })

  it('MITM switches the binding type the server also has → channel-bindings-dont-match', async () => {
    const step = await tampered(scramSha256Plus, { channelBinding: EXPORTER }, { channel: { secure: true, bindings: [EXPORTER, END_POINT] } }, (s) => s.replace('p=tls-exporter', 'p=tls-server-end-point'), same)
    expect(failureCode(step)).toBe('not-authorized')
    expect(step.type === 'failure' && str(step.additionalData)).toBe('e=channel-bindings-dont-match')
  })
})

describe('SCRAM misuse', () => {
  it('a -PLUS client without channel binding is refused before anything is sent', async () => {
    for (const mechanism of [scramSha1Plus, scramSha256Plus, scramSha512Plus]) {
      await rejectsWithCode(() => mechanism.client({ username: 'user', password: 'pencil' }), 'protocol-violation')
    }
  })

  // Decision 5: the program's mistakes (missing, contradictory, mistyped, out-of-range options)
  // are protocol-violation; text the wire format cannot carry is malformed-request.
  it('bad client options', async () => {
    await rejectsWithCode(() => scramSha256.client({ username: 'user' }), 'protocol-violation')
    await rejectsWithCode(() => scramSha256.client({ username: 'user', clientKey: new Uint8Array(32) }), 'protocol-violation')
    // Text is SASLprep's to judge, by start(), before anything is sent.
    await rejectsWithCode(scramSha256.client({ username: '', password: 'p' }).start(), 'malformed-request')
    await rejectsWithCode(scramSha256.client({ username: 'u', password: '' }).start(), 'malformed-request')
    await rejectsWithCode(() => scramSha256.client({ username: 42 as unknown as string, password: 'p' }), 'protocol-violation')
    await rejectsWithCode(() => scramSha256.client({ username: 'u', password: 'p', authzid: 42 as unknown as string }), 'protocol-violation')
    await rejectsWithCode(() => scramSha256.client({ username: 'u', saltedPassword: new Uint8Array(20) }), 'protocol-violation')
    await rejectsWithCode(() => scramSha256.client({ username: 'u', password: 'p', minIterations: 10, maxIterations: 5 }), 'protocol-violation')
    await rejectsWithCode(() => scramSha256.client({ username: 'u', password: 'p', channelBinding: { type: 'tls-foo' as 'tls-unique', data: new Uint8Array(1) } }), 'protocol-violation')
    await rejectsWithCode(() => scramSha256Plus.client({ username: 'u', password: 'p', channelBinding: { type: 'tls-unique', data: new Uint8Array(0) } }), 'protocol-violation')
    await rejectsWithCode(() => scramSha256.client({ username: 'u', password: 'p', nonce: 'a,b' }), 'malformed-request')
    await rejectsWithCode(scramSha256.client({ username: 'u\u0007', password: 'p' }).start(), 'malformed-request')
    await rejectsWithCode(scramSha256.client({ username: 'u', password: 'p\u0221' }).start(), 'malformed-request') // unassigned in a stored string
  })

  it('a server needs credentials(); steps after the end are protocol-violation', async () => {
    await rejectsWithCode(() => scramSha256.server({}), 'protocol-violation')
    const server = scramSha256.server({ credentials })
    await server.next(text('garbage'))
    await rejectsWithCode(server.next(text('n,,n=user,r=abc')), 'protocol-violation')
    const client = scramSha256.client({ username: 'user', password: 'pencil' })
    await rejectsWithCode(client.next(text('r=x')), 'protocol-violation')
  })

  it('descriptors: names, traits and strengths (API.md §5)', () => {
    expect(ALL.map((m) => [m.name, m.traits.strength, m.traits.channelBinding])).toEqual([
      ['SCRAM-SHA-1', 65, false],
      ['SCRAM-SHA-256', 70, false],
      ['SCRAM-SHA-512', 75, false],
      ['SCRAM-SHA-1-PLUS', 90, true],
      ['SCRAM-SHA-256-PLUS', 95, true],
      ['SCRAM-SHA-512-PLUS', 100, true],
    ])
    for (const m of ALL) expect(m.traits).toMatchObject({ clientFirst: true, plaintext: false, mutual: true, legacy: false })
  })
})
