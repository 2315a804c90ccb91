import { describe, expect, it } from 'vitest'
import bearerVectors from '../vectors/oauthbearer.json' with { type: 'json' }
import xoauth2Vectors from '../vectors/xoauth2.json' with { type: 'json' }
import {
  base64Decode,
  base64Encode,
  oauthBearer,
  utf8Decode,
  xoauth2,
  type OAuthTokenRequest,
  type OAuthTokenResult,
  type SaslClient,
  type StoredCredentials,
} from '../../src/index.js'
import { failureCode, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

const TOKEN = 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=='
const GOOGLE_TOKEN = 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg'
const SCOPE_ERROR = { status: 'invalid_token', scope: 'example_scope', openidConfiguration: 'https://example.com/.well-known/openid-configuration' }

/** A token table: token → owner; 'expired' and 'down' give errors. */
function validator(owners: Record<string, string>, calls: OAuthTokenRequest[] = []) {
  return (request: OAuthTokenRequest): OAuthTokenResult => {
    calls.push(request)
    if (request.token === 'expired') return { error: { status: 'invalid_token', scope: 'mail' } }
    if (request.token === 'down') return { error: { status: '503' } }
    const owner = owners[request.token]
    return owner === undefined ? { error: { status: 'invalid_token' } } : { authcid: owner, claims: { sub: owner, scope: 'mail' } }
  }
}
const owners = { [TOKEN]: 'user@example.com', [GOOGLE_TOKEN]: 'someuser@example.com', good: 'user@example.com', offtoken: 'off@example.com', ghost: 'ghost@example.com' }
const accounts: Record<string, StoredCredentials> = { 'user@example.com': {}, 'someuser@example.com': {}, 'off@example.com': { disabled: true } }

const b64 = (bytes: Uint8Array | undefined) => base64Encode(bytes!)

describe('OAUTHBEARER vectors (RFC 7628 §4, test/vectors/oauthbearer.json)', () => {
  const byId = new Map(bearerVectors.vectors.map((v) => [v.id, v]))
  const vector = (id: string) => {
    const v = byId.get(id)
    if (v === undefined) throw new Error(`missing vector ${id}`)
    return v as unknown as { inputs: Record<string, string>; expected: Record<string, string> }
  }
  const initialResponse = async (port: number) =>
    oauthBearer.client({ username: 'user@example.com', token: TOKEN, host: 'server.example.com', port }).start()

  const cases: Record<string, () => Promise<void>> = {
    'RFC7628 s4.1 IMAP bearer initial response': async () => {
      const v = vector('RFC7628 s4.1 IMAP bearer initial response')
      expect(b64(await initialResponse(143))).toBe(v.expected['base64'])
      const calls: OAuthTokenRequest[] = []
      const step = await oauthBearer.server({ validateToken: validator(owners, calls) }).next(base64Decode(v.expected['base64']!))
      expect(step.type === 'success' && step.identity).toMatchObject({ mechanism: 'OAUTHBEARER', authcid: 'user@example.com', authzid: 'user@example.com', details: { sub: 'user@example.com' } })
      expect(calls).toEqual([{ mechanism: 'OAUTHBEARER', token: TOKEN, authzid: 'user@example.com', username: 'user@example.com', host: 'server.example.com', port: 143 }])
    },
    'RFC7628 s4.1 SMTP bearer initial response': async () => {
      const v = vector('RFC7628 s4.1 SMTP bearer initial response')
      expect(b64(await initialResponse(587))).toBe(v.expected['base64'])
      const step = await oauthBearer.server({ validateToken: validator(owners) }).next(base64Decode(v.expected['base64']!))
      expect(step.type).toBe('success')
    },
    'RFC7628 s4.3 IMAP failed exchange initial response (empty auth=)': async () => {
      // An empty token asks the server for the scope; the server answers §4.3's error.
      const v = vector('RFC7628 s4.3 IMAP failed exchange initial response (empty auth=)')
      const client = oauthBearer.client({ username: 'user@example.com', token: '', host: 'server.example.com', port: 143 })
      expect(b64(await client.start())).toBe(v.expected['base64'])
      const calls: OAuthTokenRequest[] = []
      const server = oauthBearer.server({ validateToken: (r) => (calls.push(r), { error: SCOPE_ERROR }) })
      const challenge = await server.next(base64Decode(v.expected['base64']!))
      expect(challenge.type === 'challenge' && b64(challenge.challenge)).toBe(vector('RFC7628 s4.3 server error challenge (JSON)').inputs['base64'])
      expect(calls[0]!.token).toBe('')
      const dummy = await client.next(challenge.type === 'challenge' ? challenge.challenge : new Uint8Array(0))
      expect(b64(dummy)).toBe('AQ==')
      const failure = await server.next(dummy)
      expect(failureCode(failure)).toBe('not-authorized')
      expect(failure.type === 'failure' && failure.error.reason).toBe('no-token')
    },
    'RFC7628 s4.4 SMTP failed negotiation initial response': async () => {
      // vectors.md note 2: `n,user=` is no GS2 header; a strict server refuses it.
      const v = vector('RFC7628 s4.4 SMTP failed negotiation initial response')
      const step = await oauthBearer.server({ validateToken: validator(owners) }).next(base64Decode(v.expected['base64']!))
      expect(failureCode(step)).toBe('malformed-request')
    },
    'RFC7628 s4.3 server error challenge (JSON)': async () => {
      const v = vector('RFC7628 s4.3 server error challenge (JSON)')
      const client = oauthBearer.client({ username: 'user@example.com', token: '' })
      await client.start()
      expect(b64(await client.next(base64Decode(v.inputs['base64']!)))).toBe('AQ==')
      expect(client.serverError).toEqual(JSON.parse(v.expected['decoded_json_exact']!))
      expect(utf8Decode(base64Decode(v.inputs['base64']!))).toBe(v.expected['decoded_json_exact'])
    },
    'RFC7628 s4.3 server error challenge (JSON), first exchange': async () => {
      const v = vector('RFC7628 s4.3 server error challenge (JSON), first exchange')
      const client = oauthBearer.client({ username: 'user@example.com', token: '' })
      await client.start()
      expect(b64(await client.next(base64Decode(v.inputs['base64']!)))).toBe('AQ==')
      expect(client.serverError).toMatchObject({ 'openid-configuration': 'https://example.com/.well-known/openid-config' })
      const error = await rejectsWithCode(client.finish(), 'not-authorized')
      expect(error.details).toEqual(JSON.parse(v.expected['decoded_json_exact']!))
    },
    'RFC7628 s4.4 SMTP 334 error challenge (JSON)': async () => {
      const v = vector('RFC7628 s4.4 SMTP 334 error challenge (JSON)')
      const server = oauthBearer.server({ validateToken: () => ({ error: { status: 'invalid_token', schemes: 'bearer mac', scope: 'https://mail.example.com/' } }) })
      const client = oauthBearer.client({ username: 'someuser@example.com', token: TOKEN })
      const challenge = await server.next(await client.start())
      expect(challenge.type === 'challenge' && b64(challenge.challenge)).toBe(v.inputs['base64'])
      expect(b64(await client.next(base64Decode(v.inputs['base64']!)))).toBe('AQ==')
      expect(client.serverError).toEqual({ status: 'invalid_token', schemes: 'bearer mac', scope: 'https://mail.example.com/' })
      expect(failureCode(await server.next(base64Decode('AQ==')))).toBe('not-authorized')
    },
    'RFC7628 s4.3 dummy client response %x01': async () => {
      const v = vector('RFC7628 s4.3 dummy client response %x01')
      const client = oauthBearer.client({ username: 'u', token: 'x' })
      await client.start()
      const dummy = await client.next(text('{"status":"invalid_token"}'))
      expect(b64(dummy)).toBe(v.expected['base64'])
      expect(Array.from(dummy)).toEqual([Number.parseInt(v.inputs['bytes_hex']!, 16)])
    },
    'RFC7628 s4.2 OAUTH10A initial response (decode only)': async () => {
      // Re-encoded byte-exactly in test/mechanisms/oauth1.test.ts (it needs saslkit/oauth1).
      const v = vector('RFC7628 s4.2 OAUTH10A initial response (decode only)')
      expect(v.expected['decoded']).toMatch(/^n,a=user@example\.com,\x01host=example\.com\x01port=143\x01auth=OAuth /)
    },
    'OAUTHBEARER message grammar': async () => {
      // The rule entry: the negative table below enforces it; here, what a client builds.
      const message = utf8Decode((await oauthBearer.client({ username: 'a,b=c', token: 't' }).start())!)
      expect(message).toBe('n,a=a=2Cb=3Dc,\x01auth=Bearer t\x01\x01')
    },
  }

  for (const v of bearerVectors.vectors) {
    it(`${v.id} — ${v.source}`, async () => {
      const run = cases[v.id]
      if (run === undefined) throw new Error(`no test for vector ${v.id}`)
      await run()
    })
  }
})

describe('XOAUTH2 vectors (Google, test/vectors/xoauth2.json)', () => {
  const cases: Record<string, (v: (typeof xoauth2Vectors.vectors)[number]) => Promise<void>> = {
    'Google xoauth2-protocol initial client response': async (v) => {
      const inputs = v.inputs as { user: string; access_token: string }
      const expected = v.expected as { base64: string }
      const client = xoauth2.client({ username: inputs.user, token: inputs.access_token })
      expect(b64(await client.start())).toBe(expected.base64)
      const step = await xoauth2.server({ validateToken: validator(owners) }).next(base64Decode(expected.base64))
      expect(step.type === 'success' && step.identity).toMatchObject({ mechanism: 'XOAUTH2', authcid: 'someuser@example.com', authzid: 'someuser@example.com' })
    },
    'Google xoauth2-protocol error challenge JSON': async (v) => {
      const inputs = v.inputs as { base64: string }
      const expected = v.expected as { decoded_exact: string }
      const client = xoauth2.client({ username: 'someuser@example.com', token: 'expired' })
      await client.start()
      // Google: the client answers the error with an empty response.
      expect(await client.next(base64Decode(inputs.base64))).toEqual(new Uint8Array(0))
      expect(client.serverError).toEqual(JSON.parse(expected.decoded_exact))
      // Our server sends the same JSON, without Google's trailing LF.
      const server = xoauth2.server({ validateToken: () => ({ error: { status: '401', schemes: 'bearer mac', scope: 'https://mail.google.com/' } }) })
      const challenge = await server.next(await xoauth2.client({ username: 'someuser@example.com', token: 'x' }).start())
      const google = base64Decode(inputs.base64)
      expect(google.at(-1)).toBe(0x0a)
      expect(challenge.type === 'challenge' && challenge.challenge).toEqual(google.subarray(0, -1))
      expect(failureCode(await server.next(new Uint8Array(0)))).toBe('not-authorized')
    },
    'XOAUTH2 format': async () => {
      const message = utf8Decode((await xoauth2.client({ username: 'u@example.com', token: 't.1' }).start())!)
      expect(message).toBe('user=u@example.com\x01auth=Bearer t.1\x01\x01')
    },
  }
  for (const v of xoauth2Vectors.vectors) {
    it(`${v.id} — ${v.source}`, async () => {
      const run = cases[v.id]
      if (run === undefined) throw new Error(`no test for vector ${v.id}`)
      await run(v)
    })
  }
})

describe.each([
  { mechanism: oauthBearer, dummy: [1] },
  { mechanism: xoauth2, dummy: [] },
])('$mechanism.name loopback', ({ mechanism, dummy }) => {
  const server = (extra: object = {}) => mechanism.server({ validateToken: validator(owners), credentials: (u: string) => accounts[u], ...extra })

  it('succeeds, with the claims in identity.details', async () => {
    const r = await runExchange(mechanism.client({ username: 'user@example.com', token: 'good', host: 'imap.example.com', port: 993 }), server())
    expect(r.step.type === 'success' && r.step.identity).toEqual({ mechanism: mechanism.name, authcid: 'user@example.com', authzid: 'user@example.com', details: { sub: 'user@example.com', scope: 'mail' } })
    expect(r.clientError).toBeUndefined()
  })

  it('sends an empty challenge when there is no initial response', async () => {
    const s = server()
    expect(await s.next(undefined)).toEqual({ type: 'challenge', challenge: new Uint8Array(0) })
    const step = await s.next((await mechanism.client({ username: 'user@example.com', token: 'good' }).start())!)
    expect(step.type).toBe('success')
  })

  it('expired token: JSON error, dummy, not-authorized with the JSON; a refreshed token on a new client succeeds', async () => {
    let current = 'expired'
    let calls = 0
    const token = async () => {
      calls++
      return current
    }
    const first = mechanism.client({ username: 'user@example.com', token })
    const r = await runExchange(first, server())
    expect(r.messages.map((m) => m.from)).toEqual(['C', 'S', 'C'])
    expect(Array.from(r.messages[2]!.data!)).toEqual(dummy)
    expect(failureCode(r.step)).toBe('not-authorized')
    expect(r.step.type === 'failure' && r.step.error.reason).toBe('invalid-token')
    expect(first.serverError).toEqual({ status: 'invalid_token', scope: 'mail' })
    // What a profile does with the failure reply: the JSON goes into details.
    const thrown = await rejectsWithCode(first.finish(), 'not-authorized')
    expect(thrown.details).toEqual({ status: 'invalid_token', scope: 'mail' })
    expect(calls).toBe(1)

    current = 'good'
    const retry = mechanism.client({ username: 'user@example.com', token })
    const ok = await runExchange(retry, server())
    expect(ok.step.type).toBe('success')
    expect(retry.serverError).toBeUndefined()
    expect(calls).toBe(2)
  })

  it('a 5xx status fails with temporary-auth-failure', async () => {
    const r = await runExchange(mechanism.client({ username: 'user@example.com', token: 'down' }), server())
    expect(failureCode(r.step)).toBe('temporary-auth-failure')
  })

  it('unknown user and bad token: same error sequence for the client, distinct reasons for the log', async () => {
    const unknown = await runExchange(mechanism.client({ username: 'ghost@example.com', token: 'ghost' }), server())
    const bad = await runExchange(mechanism.client({ username: 'ghost@example.com', token: 'forged' }), server())
    for (const r of [unknown, bad]) {
      expect(r.messages.map((m) => m.from)).toEqual(['C', 'S', 'C'])
      expect(failureCode(r.step)).toBe('not-authorized')
    }
    if (unknown.step.type === 'failure' && bad.step.type === 'failure') {
      expect(unknown.step.error.message).toBe(bad.step.error.message)
      expect(unknown.step.error.reason).toBe('unknown-user')
      expect(bad.step.error.reason).toBe('invalid-token')
    }
  })

  it('reports a disabled account only for a valid token', async () => {
    const r = await runExchange(mechanism.client({ username: 'off@example.com', token: 'offtoken' }), server())
    expect(failureCode(r.step)).toBe('account-disabled')
    const guess = await runExchange(mechanism.client({ username: 'off@example.com', token: 'guess' }), server())
    expect(failureCode(guess.step)).toBe('not-authorized')
  })

  it('checks the requested identity against the token owner through authorize', async () => {
    const refused = await runExchange(mechanism.client({ username: 'user@example.com', authzid: 'boss@example.com', token: 'good' }), server())
    expect(failureCode(refused.step)).toBe('invalid-authzid')
    const allowed = server({ authorize: (id: { authcid: string; authzid: string }) => id.authzid === 'boss@example.com' })
    const ok = await runExchange(mechanism.client({ username: 'user@example.com', authzid: 'boss@example.com', token: 'good' }), allowed)
    expect(ok.step.type === 'success' && ok.step.identity).toMatchObject({ authcid: 'user@example.com', authzid: 'boss@example.com' })
  })

  it('never accepts an empty token, even if validateToken would', async () => {
    const r = await runExchange(mechanism.client({ username: 'user@example.com', token: '' }), mechanism.server({ validateToken: () => ({ authcid: 'user@example.com' }) }))
    expect(failureCode(r.step)).toBe('not-authorized')
    expect(r.step.type === 'failure' && r.step.error.reason).toBe('no-token')
  })

  it('turns a throwing or wrong-shaped validateToken into temporary-auth-failure', async () => {
    const throwing = mechanism.server({
      validateToken: () => {
        throw new Error('introspection endpoint down')
      },
    })
    expect(failureCode((await runExchange(mechanism.client({ username: 'u', token: 't' }), throwing)).step)).toBe('temporary-auth-failure')
    for (const junk of [null, {}, { authcid: '' }, { error: {} }, { error: { status: 1 } }, { authcid: 'u', claims: 'x' }]) {
      const s = mechanism.server({ validateToken: () => junk as unknown as OAuthTokenResult })
      expect(failureCode((await runExchange(mechanism.client({ username: 'u', token: 't' }), s)).step)).toBe('temporary-auth-failure')
    }
  })

  it('refuses any answer but the dummy after the error', async () => {
    const s = server()
    const client = mechanism.client({ username: 'user@example.com', token: 'expired' })
    expect((await s.next(await client.start())).type).toBe('challenge')
    expect(failureCode(await s.next(text('auth=Bearer good\x01\x01')))).toBe('malformed-request')
  })

  it('keeps a failing token source from crashing: temporary-auth-failure', async () => {
    const client = mechanism.client({
      username: 'u',
      token: async () => {
        throw new Error('refresh failed')
      },
    })
    await rejectsWithCode(client.start(), 'temporary-auth-failure')
  })

  it('is plaintext in its traits (a bearer token is replayable)', () => {
    expect(mechanism.traits).toMatchObject({ clientFirst: true, plaintext: true, mutual: false, channelBinding: false })
  })
})

describe('OAuth descriptors', () => {
  it('have the strengths and legacy flags of API.md §5', () => {
    expect([oauthBearer.name, oauthBearer.traits.strength, oauthBearer.traits.legacy]).toEqual(['OAUTHBEARER', 60, false])
    expect([xoauth2.name, xoauth2.traits.strength, xoauth2.traits.legacy]).toEqual(['XOAUTH2', 55, true])
  })
})

describe('OAUTHBEARER server negative cases', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['RFC 7628 §4.4 n,user= header', text('n,user=u@example.com,\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['channel-binding flag p=', text('p=tls-unique,,\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['unknown flag', text('x,,\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['no GS2 header', text('\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['missing auth=', text('n,,\x01host=h\x01\x01'), 'malformed-request'],
    ['no pairs at all', text('n,,\x01\x01'), 'malformed-request'],
    ['Basic scheme', text('n,,\x01auth=Basic dTpw\x01\x01'), 'malformed-request'],
    ['MAC scheme', text('n,,\x01auth=MAC id="x"\x01\x01'), 'malformed-request'],
    ['Bearer without a token', text('n,,\x01auth=Bearer \x01\x01'), 'malformed-request'],
    ['token with a space', text('n,,\x01auth=Bearer a b\x01\x01'), 'malformed-request'],
    ['token with "=" inside', text('n,,\x01auth=Bearer a=b\x01\x01'), 'malformed-request'],
    ['key with a digit', text('n,,\x01h0st=x\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['empty key', text('n,,\x01=x\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['pair without "="', text('n,,\x01host\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['duplicate auth=', text('n,,\x01auth=Bearer good\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['control character in a value', text('n,,\x01host=a\x00b\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['no closing %x01', text('n,,\x01auth=Bearer good\x01'), 'malformed-request'],
    ['trailing bytes after the closing %x01', text('n,,\x01auth=Bearer good\x01\x01x'), 'malformed-request'],
    ['no %x01 after the header', text('n,,auth=Bearer good\x01\x01'), 'malformed-request'],
    ['the dummy response first', text('\x01'), 'malformed-request'],
    ['empty message', new Uint8Array(0), 'malformed-request'],
    ['port 0', text('n,,\x01port=0\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['port with a leading zero', text('n,,\x01port=0143\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['port over 65535', text('n,,\x01port=70000\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['port not a number', text('n,,\x01port=imap\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['control character in the authzid', text('n,a=us\x02er,\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['authzid over 1 KiB', text(`n,a=${'a'.repeat(1025)},\x01auth=Bearer good\x01\x01`), 'malformed-request'],
    ['message over 64 KiB', text(`n,,\x01auth=Bearer ${'a'.repeat(65536)}\x01\x01`), 'malformed-request'],
    ['invalid UTF-8', new Uint8Array([0x6e, 0x2c, 0x2c, 0x01, 0xc0, 0xaf, 0x01, 0x01]), 'incorrect-encoding'],
  ]
  for (const [name, message, code] of cases) {
    it(`${name} → ${code}`, async () => {
      expect(failureCode(await oauthBearer.server({ validateToken: validator(owners) }).next(message))).toBe(code)
    })
  }

  it('accepts the y flag, a lower-case scheme and ignores unknown keys (RFC 7628 §3.1, §4)', async () => {
    const step = await oauthBearer.server({ validateToken: validator(owners) }).next(text('y,a=user@example.com,\x01mthd=POST\x01auth=bEaReR good\x01\x01'))
    expect(step.type).toBe('success')
  })

  it('needs validateToken', async () => {
    await rejectsWithCode(() => oauthBearer.server({} as never), 'protocol-violation')
  })
})

describe('XOAUTH2 server negative cases', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['missing user=', text('auth=Bearer good\x01\x01'), 'malformed-request'],
    ['empty user=', text('user=\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['missing auth=', text('user=u\x01\x01'), 'malformed-request'],
    ['a GS2 header', text('n,,\x01user=u\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['not Bearer', text('user=u\x01auth=OAuth x\x01\x01'), 'malformed-request'],
    ['no closing %x01', text('user=u\x01auth=Bearer good\x01'), 'malformed-request'],
    ['empty message (the dummy first)', new Uint8Array(0), 'malformed-request'],
    ['a tab in user=', text('user=a\tb\x01auth=Bearer good\x01\x01'), 'malformed-request'],
    ['user over 1 KiB', text(`user=${'u'.repeat(1025)}\x01auth=Bearer good\x01\x01`), 'malformed-request'],
  ]
  for (const [name, message, code] of cases) {
    it(`${name} → ${code}`, async () => {
      expect(failureCode(await xoauth2.server({ validateToken: validator(owners) }).next(message))).toBe(code)
    })
  }

  it('refuses %x01 as the answer to its error (its dummy is empty)', async () => {
    const server = xoauth2.server({ validateToken: validator(owners) })
    await server.next(text('user=u\x01auth=Bearer expired\x01\x01'))
    expect(failureCode(await server.next(new Uint8Array([1])))).toBe('malformed-request')
  })
})

describe('OAuth clients: what the server sends never crashes them', () => {
  const started = async (client: SaslClient) => {
    await client.start()
    return client
  }
  const odd: Array<[string, Uint8Array, Record<string, unknown>]> = [
    ['not JSON', text('try again later'), { raw: 'try again later' }],
    ['a JSON array', text('[1,2]'), { raw: '[1,2]' }],
    ['JSON null', text('null'), { raw: 'null' }],
    ['an empty challenge', new Uint8Array(0), { raw: '' }],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), { raw: '{\ufffd}' }],
    ['a huge challenge', text(`{"status":"${'x'.repeat(70000)}"}`), { raw: `{"status":"${'x'.repeat(1013)}` }],
  ]
  for (const [name, challenge, expected] of odd) {
    it(`${name}: still answers the dummy; serverError = ${JSON.stringify(expected).slice(0, 40)}`, async () => {
      const client = await started(oauthBearer.client({ username: 'u', token: 't' }))
      expect(Array.from(await client.next(challenge))).toEqual([1])
      expect(client.serverError).toEqual(expected)
      await rejectsWithCode(client.finish(), 'not-authorized')
    })
  }

  it('JSON nested 20000 deep: answers the dummy and freezes it without overflowing the stack', async () => {
    const client = await started(oauthBearer.client({ username: 'u', token: 't' }))
    expect(Array.from(await client.next(text(`{"status":"x","n":${'['.repeat(20000)}${']'.repeat(20000)}}`)))).toEqual([1])
    // Engines whose JSON.parse refuses the depth give { raw }; V8 parses it.
    const error = client.serverError!
    expect(error['status'] ?? error['raw']).toBeTypeOf('string')
    if ('n' in error) {
      let inner = error['n'] as unknown[]
      for (let depth = 1; depth < 20000; depth++) inner = inner[0] as unknown[]
      expect(Object.isFrozen(inner)).toBe(true)
    }
  })

  it('freezes the parsed error', async () => {
    const client = await started(xoauth2.client({ username: 'u', token: 't' }))
    await client.next(text('{"status":"401","nested":{"a":1}}'))
    expect(Object.isFrozen(client.serverError)).toBe(true)
    expect(Object.isFrozen(client.serverError!['nested'])).toBe(true)
  })

  it('refuses a second challenge after the error', async () => {
    const client = await started(oauthBearer.client({ username: 'u', token: 't' }))
    await client.next(text('{"status":"invalid_token"}'))
    await rejectsWithCode(client.next(text('{}')), 'malformed-request')
  })

  it('finish() succeeds without an error and refuses additional data', async () => {
    const client = await started(oauthBearer.client({ username: 'u', token: 't' }))
    await rejectsWithCode(client.finish(new Uint8Array([1])), 'malformed-request')
    const ok = await started(oauthBearer.client({ username: 'u', token: 't' }))
    await expect(ok.finish()).resolves.toBeUndefined()
  })
})

describe('OAuth client option checks', () => {
  const bad: Array<[string, () => unknown, string]> = [
    ['empty username', () => oauthBearer.client({ username: '', token: 't' }), 'malformed-request'],
    ['%x01 in the username', () => xoauth2.client({ username: 'a\x01b', token: 't' }), 'malformed-request'],
    ['%x01 in the host', () => oauthBearer.client({ username: 'u', token: 't', host: 'a\x01' }), 'malformed-request'],
    // Decision 5: a number out of range is the caller's mistake.
    ['port 0', () => oauthBearer.client({ username: 'u', token: 't', port: 0 }), 'protocol-violation'],
    ['port 1.5', () => oauthBearer.client({ username: 'u', token: 't', port: 1.5 }), 'protocol-violation'],
    ['a token that is no string or function', () => oauthBearer.client({ username: 'u', token: 42 as never }), 'protocol-violation'],
  ]
  for (const [name, make, code] of bad) {
    it(`${name} → ${code}`, async () => {
      await rejectsWithCode(make, code)
    })
  }

  it('refuses a token that would break the framing, without echoing it', async () => {
    for (const token of ['secret token', 'secret\x01token', 'sécrettoken']) {
      const error = await rejectsWithCode(oauthBearer.client({ username: 'u', token }).start(), 'malformed-request')
      expect(error.message).not.toContain(token)
    }
    await rejectsWithCode(oauthBearer.client({ username: 'u', token: async () => 7 as unknown as string }).start(), 'protocol-violation')
  })

  it("omits a= when authzid is '' and escapes the saslname", async () => {
    expect(utf8Decode((await oauthBearer.client({ username: 'u', authzid: '', token: 't' }).start())!)).toBe('n,,\x01auth=Bearer t\x01\x01')
  })
})
