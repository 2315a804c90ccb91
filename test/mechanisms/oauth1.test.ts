import { afterEach, describe, expect, it } from 'vitest'
import vectors from '../vectors/oauth1.json' with { type: 'json' }
import hmacVectors from '../vectors/hmac-sha1.json' with { type: 'json' }
import {
  base64Decode,
  base64Encode,
  oauth10a,
  utf8Decode,
  xoauth,
  type OAuth1Secrets,
  type OAuth1TokenRequest,
  type OAuthTokenResult,
  type StoredCredentials,
} from '../../src/index.js'
import { encodeGs2Header } from '../../src/codec/gs2.js'
import { parseGs2Header } from '../../src/codec/gs2-parse.js'
import { hmacSha1 } from '../../src/crypto/hmac-sha1.js'
import { _forceNoblePbkdf2 } from '../../src/crypto/pbkdf2.js'
import { encodeKvMessage } from '../../src/mechanisms/oauth-framing.js'
import { parseKvPairs } from '../../src/mechanisms/oauth-server-framing.js'
import { baseStringUri, formatAuthParams, hmacSha1Signature, percentEncode, signatureBaseString, type Param } from '../../src/mechanisms/oauth1-signature.js'
import { parseAuthParams, parseForm, percentDecode } from '../../src/mechanisms/oauth1-parse.js'
import { failureCode, fromHex, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

type Vector = (typeof vectors.vectors)[number]

/** RFC 5849 §3.4.1.3.1: query, Authorization header (no realm, no signature) and form body parameters. */
function requestParams(uri: URL, oauthParams: readonly Param[], body: string): Param[] {
  return [...parseForm('test', uri.search.slice(1)), ...oauthParams, ...parseForm('test', body)]
}
function baseUriOf(uri: URL): string {
  const scheme = uri.protocol === 'https:' ? 'https' : 'http'
  return baseStringUri(scheme, uri.hostname, uri.port === '' ? (scheme === 'http' ? 80 : 443) : Number(uri.port), uri.pathname)
}

// The secrets of RFC 5849 §3.1 (and of our RFC 7628 §3.3 derivation).
const RFC5849_SECRETS: OAuth1Secrets = { consumerSecret: 'j49sk3j29djd', tokenSecret: 'dh893hdasih9' }
const secretsFor = (table: Record<string, OAuth1Secrets>) => ({ consumerKey, token }: { consumerKey: string; token: string }) => table[`${consumerKey}/${token}`]
const rfcSecrets = secretsFor({
  '9djdj82h48djs9d2/kkk9d7dh3k39sjv7': RFC5849_SECRETS,
  'dpf43f3p2l4k3l03/nnch734d00sl2jdk': { consumerSecret: 'kd94hf93k423kf44', tokenSecret: 'pfkkdhi9sl3r4s00' },
  'anonymous/k99hfs9dh': { consumerSecret: 'anonymous', tokenSecret: 'sd9fhidfskfj' },
  'example.com/': { consumerSecret: 'sd9fhidfskfj', tokenSecret: '' },
})
const owner = (calls: OAuth1TokenRequest[] = []) => (request: OAuth1TokenRequest): OAuthTokenResult => {
  calls.push(request)
  return { authcid: request.username === '' ? 'nobody' : request.username }
}

describe('HMAC-SHA1 (RFC 2202 §3, test/vectors/hmac-sha1.json)', () => {
  afterEach(() => _forceNoblePbkdf2(false))
  // Web Crypto where the runtime has it, and the noble fallback an insecure browser context takes.
  for (const path of ['default', 'noble'] as const) {
    for (const v of hmacVectors.vectors) {
      it(`${v.id} — ${v.source} (${path === 'noble' ? '@noble/hashes SHA-1' : 'default path'})`, async () => {
        _forceNoblePbkdf2(path === 'noble')
        expect(hex(await hmacSha1(fromHex(v.inputs.key_hex), fromHex(v.inputs.data_hex)))).toBe(v.expected.digest_hex)
      })
    }
  }
})

describe('OAuth 1.0a vectors (test/vectors/oauth1.json)', () => {
  const signedRequest = async (v: Vector) => {
    const inputs = v.inputs as { method: string; uri: string; body: string; oauth_params: string[][]; consumer_secret: string; token_secret: string }
    const expected = v.expected as { base_string: string; signature: string; printed_in_rfc?: string }
    const uri = new URL(inputs.uri)
    const params = requestParams(uri, inputs.oauth_params as unknown as Param[], inputs.body)
    const baseString = signatureBaseString(inputs.method, baseUriOf(uri), params)
    expect(baseString).toBe(expected.base_string)
    expect(await hmacSha1Signature(baseString, inputs.consumer_secret, inputs.token_secret)).toBe(expected.signature)
    return { inputs, expected, uri }
  }

  /** The same request as an OAUTH10A message, with RFC 7628 §3.1.1's mthd/path/qs/post. */
  const asOauth10a = (inputs: { method: string; body: string; oauth_params: string[][] }, uri: URL, signature: string) => {
    const auth = `OAuth realm="Example",${formatAuthParams([...(inputs.oauth_params as unknown as Param[]), ['oauth_signature', signature]])}`
    const pairs: Array<[string, string]> = [
      ['host', uri.hostname],
      ['port', uri.port === '' ? '80' : uri.port],
      ['mthd', inputs.method],
      ['path', uri.pathname],
      ['qs', uri.search.slice(1)],
      ['post', inputs.body],
      ['auth', auth],
    ]
    return encodeKvMessage(`n,a=jane,\x01`, pairs)
  }
  const accepts = async (message: Uint8Array) => (await oauth10a.server({ secrets: rfcSecrets, validateToken: owner() }).next(message)).type

  const cases: Record<string, (v: Vector) => Promise<void> | void> = {
    'RFC5849 s1.2 temporary credentials request': async (v) => void (await signedRequest(v)),
    'RFC5849 s1.2 token request': async (v) => void (await signedRequest(v)),
    'RFC5849 s1.2 protected resource request': async (v) => {
      const { inputs, expected, uri } = await signedRequest(v)
      // An http request, so RFC 7628's OAUTH10A (scheme http) can carry it verbatim.
      expect(await accepts(asOauth10a(inputs, uri, expected.signature))).toBe('success')
    },
    'RFC5849 s3.1 request with query and form body': async (v) => {
      const { inputs, expected, uri } = await signedRequest(v)
      expect(expected.printed_in_rfc).toBe('bYT5CMsGcbgUdFHObYMEfcx6bsw=')
      expect(expected.signature).not.toBe(expected.printed_in_rfc)
      // RFC 5849 §3.4.1.3.2's decoded parameter table, as our form/percent decoding reads it.
      expect(requestParams(uri, [], inputs.body)).toEqual([['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'], ['c2', ''], ['a3', '2 q']])
      expect(await accepts(asOauth10a(inputs, uri, expected.signature))).toBe('success')
      expect(failureCode(await refusedThenFailed(asOauth10a(inputs, uri, expected.printed_in_rfc!)))).toBe('not-authorized')
    },
    'RFC7628 s4.2 OAUTH10A initial response': async (v) => {
      const expected = v.expected as unknown as { decoded: string; authzid: string; host: string; port: number; realm: string; oauth_signature: string } & Record<string, string>
      const bytes = base64Decode((v.inputs as { base64: string }).base64)
      const message = utf8Decode(bytes)
      expect(message).toBe(expected.decoded)
      // Decode into its parts …
      const { header, rest } = parseGs2Header(message)
      const pairs = parseKvPairs('OAUTH10A', rest.slice(1))
      const auth = pairs.get('auth')!
      expect(auth.startsWith('OAuth ')).toBe(true)
      const params = parseAuthParams('OAUTH10A', auth.slice('OAuth '.length))
      const decoded = params.map(([name, value]) => [name, name === 'realm' ? value : percentDecode('OAUTH10A', value, true)] as const)
      expect(header).toEqual({ flag: 'n', authzid: expected.authzid })
      expect([pairs.get('host'), Number(pairs.get('port'))]).toEqual([expected.host, expected.port])
      expect(Object.fromEntries(decoded)).toEqual({
        realm: expected.realm,
        oauth_consumer_key: expected['oauth_consumer_key'],
        oauth_token: expected['oauth_token'],
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: expected['oauth_timestamp'],
        oauth_nonce: expected['oauth_nonce'],
        oauth_signature: expected.oauth_signature,
      })
      // … and build it again, byte for byte.
      const realm = decoded.find(([name]) => name === 'realm')![1]
      const reencoded = encodeKvMessage(`${encodeGs2Header(header)}\x01`, [
        ['host', pairs.get('host')!],
        ['port', pairs.get('port')!],
        ['auth', `OAuth realm="${realm}",${formatAuthParams(decoded.filter(([name]) => name !== 'realm'))}`],
      ])
      expect(base64Encode(reencoded)).toBe((v.inputs as { base64: string }).base64)
      // The client frames it identically; only the (here real) signature differs.
      const client = oauth10a.client({ username: 'user@example.com', host: 'example.com', port: 143, realm: 'Example', consumerKey: '9djdj82h48djs9d2', token: 'kkk9d7dh3k39sjv7', ...RFC5849_SECRETS, timestamp: 137131201, nonce: '7d8f3e4a' })
      const ours = utf8Decode((await client.start())!)
      expect(ours.replace(/oauth_signature="[^"]*"/, 'oauth_signature="Tm90IGEgcmVhbCBzaWduYXR1cmU%3D"')).toBe(message)
      // "Not a real signature": the server reports the error, then fails.
      const server = oauth10a.server({ secrets: rfcSecrets, validateToken: owner() })
      const step = await server.next(bytes)
      expect(step.type === 'challenge' && utf8Decode(step.challenge)).toBe('{"status":"invalid_token"}')
      const failure = await server.next(new Uint8Array([1]))
      expect(failureCode(failure)).toBe('not-authorized')
      expect(failure.type === 'failure' && failure.error.reason).toBe('bad-signature')
    },
    'RFC7628 s3.3 OAUTH10A signature base string, signed': async (v) => {
      const inputs = v.inputs as { host: string; port: number; authzid: string; realm: string; consumer_key: string; consumer_secret: string; token: string; token_secret: string; timestamp: number; nonce: string }
      const expected = v.expected as { base_string: string; printed_in_rfc: string; signature: string; base64: string }
      const params: Param[] = [
        ['oauth_consumer_key', inputs.consumer_key],
        ['oauth_token', inputs.token],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', String(inputs.timestamp)],
        ['oauth_nonce', inputs.nonce],
      ]
      const baseString = signatureBaseString('POST', baseStringUri('http', inputs.host, inputs.port, '/'), params)
      expect(baseString).toBe(expected.base_string)
      // RFC 5849 §3.6 encodes the ':' that RFC 7628 §3.3 prints raw.
      expect(expected.printed_in_rfc.replace('example.com:143', 'example.com%3A143')).toBe(baseString)
      const client = oauth10a.client({
        username: inputs.authzid, host: inputs.host, port: inputs.port, realm: inputs.realm,
        consumerKey: inputs.consumer_key, consumerSecret: inputs.consumer_secret, token: inputs.token, tokenSecret: inputs.token_secret,
        timestamp: inputs.timestamp, nonce: inputs.nonce,
      })
      const initial = (await client.start())!
      expect(base64Encode(initial)).toBe(expected.base64)
      const calls: OAuth1TokenRequest[] = []
      const step = await oauth10a.server({ secrets: rfcSecrets, validateToken: owner(calls) }).next(initial)
      expect(step.type === 'success' && step.identity).toMatchObject({ mechanism: 'OAUTH10A', authcid: 'user@example.com', authzid: 'user@example.com' })
      expect(calls).toEqual([{
        mechanism: 'OAUTH10A', token: inputs.token, authzid: 'user@example.com', username: 'user@example.com', host: 'example.com', port: 143,
        consumerKey: inputs.consumer_key, nonce: inputs.nonce, timestamp: inputs.timestamp, realm: 'Example',
      }])
    },
    'OAUTH10A with mthd, path and qs': async (v) => {
      const expected = v.expected as { base_string: string; signature: string; decoded: string; base64: string }
      expect(base64Encode(text(expected.decoded))).toBe(expected.base64)
      const step = await oauth10a.server({ secrets: rfcSecrets, validateToken: owner() }).next(base64Decode(expected.base64))
      expect(step.type).toBe('success')
      // One bit of the query changed: the signature no longer holds.
      const tampered = expected.decoded.replace('qs=a=1+2', 'qs=a=1+3')
      expect(failureCode(await refusedThenFailed(text(tampered)))).toBe('not-authorized')
    },
    'XOAUTH three-legged IMAP': (v) => xoauthVector(v),
    'XOAUTH two-legged SMTP with xoauth_requestor_id': (v) => xoauthVector(v),
  }

  async function xoauthVector(v: Vector) {
    const inputs = v.inputs as { username: string; protocol: string; consumer_key: string; consumer_secret: string; nonce: string; timestamp: number; token?: string; token_secret?: string; requestor_id?: string }
    const expected = v.expected as { base_string: string; decoded: string; base64: string }
    const client = xoauth.client({
      username: inputs.username, protocol: inputs.protocol, consumerKey: inputs.consumer_key, consumerSecret: inputs.consumer_secret,
      nonce: inputs.nonce, timestamp: inputs.timestamp,
      ...(inputs.token === undefined ? {} : { token: inputs.token, tokenSecret: inputs.token_secret! }),
      ...(inputs.requestor_id === undefined ? {} : { requestorId: inputs.requestor_id }),
    })
    const initial = (await client.start())!
    expect(utf8Decode(initial)).toBe(expected.decoded)
    expect(base64Encode(initial)).toBe(expected.base64)
    const calls: OAuth1TokenRequest[] = []
    const step = await xoauth.server({ secrets: rfcSecrets, validateToken: owner(calls) }).next(base64Decode(expected.base64))
    expect(step.type === 'success' && step.identity).toMatchObject({ mechanism: 'XOAUTH', authcid: inputs.username })
    expect(calls[0]).toMatchObject({ host: 'mail.google.com', port: 443, protocol: inputs.protocol, nonce: inputs.nonce, timestamp: inputs.timestamp, token: inputs.token ?? '' })
    expect(calls[0]!.requestorId).toBe(inputs.requestor_id)
  }

  for (const v of vectors.vectors) {
    it(`${v.id} — ${v.source}`, async () => {
      const run = cases[v.id]
      if (run === undefined) throw new Error(`no test for vector ${v.id}`)
      await run(v)
    })
  }
})

/** A message the server refuses: the JSON error challenge, then the failure the dummy brings. */
async function refusedThenFailed(message: Uint8Array) {
  const server = oauth10a.server({ secrets: rfcSecrets, validateToken: owner() })
  const step = await server.next(message)
  if (step.type !== 'challenge') throw new Error(`expected the error challenge, got ${step.type}`)
  expect(JSON.parse(utf8Decode(step.challenge))).toEqual({ status: 'invalid_token' })
  return server.next(new Uint8Array([1]))
}

describe('RFC 5849 §3.6 percent-encoding', () => {
  it('leaves only the unreserved set, upper-case hex, UTF-8 first', () => {
    expect(percentEncode('Ladies + Gentlemen')).toBe('Ladies%20%2B%20Gentlemen')
    expect(percentEncode('An encoded string!')).toBe('An%20encoded%20string%21')
    expect(percentEncode('Dogs, Cats & Mice')).toBe('Dogs%2C%20Cats%20%26%20Mice')
    expect(percentEncode('☃')).toBe('%E2%98%83')
    expect(percentEncode('-._~AZaz09')).toBe('-._~AZaz09')
  })
  it('decodes strictly in the Authorization header, as a form elsewhere', async () => {
    expect(percentDecode('t', '%E2%98%83%2b', true)).toBe('☃+')
    expect(percentDecode('t', 'a+b%20c', false)).toBe('a b c')
    for (const bad of ['a b', 'a/b', '%2', '%zz', 'a+b']) await rejectsWithCode(() => percentDecode('t', bad, true), 'malformed-request')
    await rejectsWithCode(() => percentDecode('t', '%C0%AF', true), 'incorrect-encoding')
  })
  it('places the port only when it is not the default (RFC 5849 §3.4.1.2)', () => {
    expect(baseStringUri('http', 'EXAMPLE.COM', 80, '/r%20v/X')).toBe('http://example.com/r%20v/X')
    expect(baseStringUri('https', 'www.example.net', 8080, '/')).toBe('https://www.example.net:8080/')
    expect(baseStringUri('https', 'mail.google.com', 443, '/')).toBe('https://mail.google.com/')
  })
})

describe('OAUTH10A loopback', () => {
  const accounts: Record<string, StoredCredentials> = { 'user@example.com': {}, 'off@example.com': { disabled: true } }
  const table = secretsFor({ 'ck/tok': { consumerSecret: 'cs', tokenSecret: 'ts' }, 'ck/offtok': { consumerSecret: 'cs', tokenSecret: 'ts2' } })
  const owners: Record<string, string> = { tok: 'user@example.com', offtok: 'off@example.com' }
  const seen = new Set<string>()
  const validateToken = (r: OAuth1TokenRequest): OAuthTokenResult => {
    // RFC 5849 §3.2: replay protection is the application's.
    if (seen.has(r.nonce)) return { error: { status: 'invalid_token' } }
    seen.add(r.nonce)
    return { authcid: owners[r.token]!, claims: { consumer: r.consumerKey } }
  }
  const server = (extra: object = {}) => oauth10a.server({ secrets: table, validateToken, credentials: (u: string) => accounts[u], ...extra })
  const client = (extra: object = {}) =>
    oauth10a.client({ username: 'user@example.com', host: 'imap.example.com', port: 993, consumerKey: 'ck', consumerSecret: 'cs', token: 'tok', tokenSecret: 'ts', ...extra })

  it('succeeds with a fresh random nonce and the current time', async () => {
    const randoms: number[] = []
    const c = client({ random: (n: number) => (randoms.push(n), new Uint8Array(n).fill(7)), now: () => new Date(1_700_000_000_500) })
    const initial = utf8Decode((await c.start())!)
    expect(randoms).toEqual([16])
    expect(initial).toContain('oauth_nonce="07070707070707070707070707070707"')
    expect(initial).toContain('oauth_timestamp="1700000000"')
    const step = await server().next(text(initial))
    expect(step.type === 'success' && step.identity).toEqual({ mechanism: 'OAUTH10A', authcid: 'user@example.com', authzid: 'user@example.com', details: { consumer: 'ck' } })
    const r = await runExchange(client(), server())
    expect(r.step.type).toBe('success')
  })

  it('a replayed message fails (the nonce check in validateToken)', async () => {
    const initial = (await client({ nonce: 'once-only', timestamp: 1_700_000_000 }).start())!
    expect((await server().next(initial)).type).toBe('success')
    const again = server()
    expect((await again.next(initial)).type).toBe('challenge')
    expect(failureCode(await again.next(new Uint8Array([1])))).toBe('not-authorized')
  })

  it('wrong secret and unknown consumer: same error sequence, distinct reasons', async () => {
    const wrong = await runExchange(client({ consumerSecret: 'guess' }), server())
    const unknown = await runExchange(client({ consumerKey: 'nobody' }), server())
    for (const r of [wrong, unknown]) {
      expect(r.messages.map((m) => m.from)).toEqual(['C', 'S', 'C'])
      expect(Array.from(r.messages[2]!.data!)).toEqual([1])
      expect(failureCode(r.step)).toBe('not-authorized')
    }
    expect(wrong.step.type === 'failure' && wrong.step.error.reason).toBe('bad-signature')
    expect(unknown.step.type === 'failure' && unknown.step.error.reason).toBe('unknown-credentials')
  })

  it('reports a disabled account after the signature checks out', async () => {
    const r = await runExchange(client({ username: 'off@example.com', token: 'offtok', tokenSecret: 'ts2' }), server())
    expect(failureCode(r.step)).toBe('account-disabled')
  })

  it('passes authzid through authorize', async () => {
    const r = await runExchange(client({ authzid: 'root' }), server())
    expect(failureCode(r.step)).toBe('invalid-authzid')
  })

  it('turns a failing secrets() into temporary-auth-failure', async () => {
    const s = oauth10a.server({
      secrets: () => {
        throw new Error('db down')
      },
      validateToken,
    })
    expect(failureCode((await runExchange(client(), s)).step)).toBe('temporary-auth-failure')
    const junk = oauth10a.server({ secrets: () => ({ consumerSecret: 1 }) as never, validateToken })
    expect(failureCode((await runExchange(client(), junk)).step)).toBe('temporary-auth-failure')
  })

  it('is legacy, not plaintext (the secrets never travel), strength 12', () => {
    expect(oauth10a.traits).toEqual({ clientFirst: true, plaintext: false, mutual: false, channelBinding: false, strength: 12, legacy: true })
    expect(xoauth.traits).toEqual({ clientFirst: true, plaintext: false, mutual: false, channelBinding: false, strength: 11, legacy: true })
  })

  it('needs secrets and validateToken', async () => {
    await rejectsWithCode(() => oauth10a.server({ validateToken } as never), 'protocol-violation')
    await rejectsWithCode(() => xoauth.server({ secrets: table } as never), 'protocol-violation')
  })
})

describe('OAUTH10A server negative cases', () => {
  const ok = 'oauth_consumer_key="ck",oauth_token="tok",oauth_signature_method="HMAC-SHA1",oauth_timestamp="137131201",oauth_nonce="n",oauth_signature="c2ln"'
  const msg = (pairs: string, header = 'n,,') => text(`${header}\x01${pairs}\x01`)
  const cases: Array<[string, Uint8Array, string]> = [
    ['missing host=', msg(`port=143\x01auth=OAuth ${ok}\x01`), 'malformed-request'],
    ['missing port=', msg(`host=h\x01auth=OAuth ${ok}\x01`), 'malformed-request'],
    ['missing auth=', msg('host=h\x01port=143\x01'), 'malformed-request'],
    ['Bearer instead of OAuth', msg('host=h\x01port=143\x01auth=Bearer abc\x01'), 'malformed-request'],
    ['PLAINTEXT signature method', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace('HMAC-SHA1', 'PLAINTEXT')}\x01`), 'malformed-request'],
    ['oauth_version 2.0', msg(`host=h\x01port=143\x01auth=OAuth ${ok},oauth_version="2.0"\x01`), 'malformed-request'],
    ['duplicate parameter', msg(`host=h\x01port=143\x01auth=OAuth ${ok},oauth_nonce="m"\x01`), 'malformed-request'],
    ['duplicate realm', msg(`host=h\x01port=143\x01auth=OAuth realm="a",realm="b",${ok}\x01`), 'malformed-request'],
    ['unquoted value', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace('"n"', 'n')}\x01`), 'malformed-request'],
    ['unencoded "/" in a value', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace('"c2ln"', '"a/b="')}\x01`), 'malformed-request'],
    ['broken percent-encoding', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace('"c2ln"', '"ab%3"')}\x01`), 'malformed-request'],
    ['a parameter that is not oauth_*', msg(`host=h\x01port=143\x01auth=OAuth ${ok},foo="bar"\x01`), 'malformed-request'],
    ['trailing comma', msg(`host=h\x01port=143\x01auth=OAuth ${ok},\x01`), 'malformed-request'],
    ['missing nonce', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace(',oauth_nonce="n"', '')}\x01`), 'malformed-request'],
    ['missing consumer key', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace('oauth_consumer_key="ck",', '')}\x01`), 'malformed-request'],
    ['missing signature', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace(',oauth_signature="c2ln"', '')}\x01`), 'malformed-request'],
    ['timestamp 0', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace('137131201', '0')}\x01`), 'malformed-request'],
    ['timestamp not a number', msg(`host=h\x01port=143\x01auth=OAuth ${ok.replace('137131201', '1e9')}\x01`), 'malformed-request'],
    ['lower-case mthd=', msg(`host=h\x01port=143\x01mthd=get\x01auth=OAuth ${ok}\x01`), 'malformed-request'],
    ['path= without a leading "/"', msg(`host=h\x01port=143\x01path=INBOX\x01auth=OAuth ${ok}\x01`), 'malformed-request'],
    ['broken percent-encoding in qs=', msg(`host=h\x01port=143\x01qs=a=%G1\x01auth=OAuth ${ok}\x01`), 'malformed-request'],
    ['a host with a "/"', msg(`host=h/x\x01port=143\x01auth=OAuth ${ok}\x01`), 'malformed-request'],
    ['channel-binding flag', msg(`host=h\x01port=143\x01auth=OAuth ${ok}\x01`, 'p=tls-unique,,'), 'malformed-request'],
    ['the dummy response first', text('\x01'), 'malformed-request'],
  ]
  for (const [name, message, code] of cases) {
    it(`${name} → ${code}`, async () => {
      const step = await oauth10a.server({ secrets: () => ({ consumerSecret: 'cs', tokenSecret: 'ts' }), validateToken: owner() }).next(message)
      expect(failureCode(step)).toBe(code)
    })
  }

  it('the well-formed message of this table only fails its signature', async () => {
    const server = oauth10a.server({ secrets: () => ({ consumerSecret: 'cs', tokenSecret: 'ts' }), validateToken: owner() })
    expect((await server.next(msg(`host=h\x01port=143\x01auth=oauth  ${ok}\x01`))).type).toBe('challenge')
    expect(failureCode(await server.next(text('\x01\x01')))).toBe('malformed-request')
  })
})

describe('XOAUTH loopback and negative cases', () => {
  const table = secretsFor({ 'anonymous/tok': { consumerSecret: 'anonymous', tokenSecret: 'ts' } })
  const client = (extra: object = {}) => xoauth.client({ username: 'user@example.com', protocol: 'smtp', token: 'tok', tokenSecret: 'ts', ...extra })
  const server = () => xoauth.server({ secrets: table, validateToken: owner() })

  it('succeeds', async () => {
    const r = await runExchange(client(), server())
    expect(r.step.type === 'success' && r.step.identity).toMatchObject({ mechanism: 'XOAUTH', authcid: 'user@example.com' })
    expect(utf8Decode(r.messages[0]!.data!)).toMatch(/^GET https:\/\/mail\.google\.com\/mail\/b\/user@example\.com\/smtp\/ oauth_consumer_key="anonymous",oauth_nonce="[0-9a-f]{32}",/)
  })

  it('a wrong secret fails at once, with no error challenge', async () => {
    const r = await runExchange(client({ tokenSecret: 'guess' }), server())
    expect(r.messages.map((m) => m.from)).toEqual(['C'])
    expect(failureCode(r.step)).toBe('not-authorized')
    expect(r.step.type === 'failure' && r.step.error.reason).toBe('bad-signature')
  })

  it('a refusal from validateToken fails at once too', async () => {
    const s = xoauth.server({ secrets: table, validateToken: () => ({ error: { status: '503' } }) })
    const r = await runExchange(client(), s)
    expect(r.messages.map((m) => m.from)).toEqual(['C'])
    expect(failureCode(r.step)).toBe('temporary-auth-failure')
  })

  const line = 'oauth_consumer_key="anonymous",oauth_nonce="n",oauth_signature="c2ln",oauth_signature_method="HMAC-SHA1",oauth_timestamp="1",oauth_token="tok"'
  const cases: Array<[string, string]> = [
    ['no method', `https://mail.google.com/mail/b/u/imap/ ${line}`],
    ['lower-case method', `get https://mail.google.com/mail/b/u/imap/ ${line}`],
    ['two spaces', `GET  https://mail.google.com/mail/b/u/imap/ ${line}`],
    ['not an http(s) URL', `GET ftp://mail.google.com/mail/b/u/imap/ ${line}`],
    ['another path', `GET https://mail.google.com/mail/u/imap/ ${line}`],
    ['no trailing "/"', `GET https://mail.google.com/mail/b/u/imap ${line}`],
    ['user info in the URL', `GET https://x@mail.google.com/mail/b/u/imap/ ${line}`],
    ['a port over 65535', `GET https://mail.google.com:99999/mail/b/u/imap/ ${line}`],
    ['no parameters', 'GET https://mail.google.com/mail/b/u/imap/ '],
    ['a control character in the URL', `GET https://mail.google.com/mail/b/u\x01/imap/ ${line}`],
    ['a line break', `GET https://mail.google.com/mail/b/u/imap/ ${line}\r\n`],
    ['PLAINTEXT', `GET https://mail.google.com/mail/b/u/imap/ ${line.replace('HMAC-SHA1', 'PLAINTEXT')}`],
  ]
  for (const [name, message] of cases) {
    it(`${name} → malformed-request`, async () => {
      expect(failureCode(await server().next(text(message)))).toBe('malformed-request')
    })
  }
})

describe('OAuth 1.0a client option checks', () => {
  const base = { username: 'u', host: 'h', port: 143, consumerKey: 'ck', consumerSecret: 'cs' }
  const bad: Array<[string, () => unknown, string]> = [
    ['OAUTH10A without a host', () => oauth10a.client({ ...base, host: '' }), 'malformed-request'],
    ['OAUTH10A with a host holding "/"', () => oauth10a.client({ ...base, host: 'h/x' }), 'malformed-request'],
    // Decision 5: a missing or out-of-range number is the caller's mistake; bad text is not.
    ['OAUTH10A without a port', () => oauth10a.client({ ...base, port: undefined as never }), 'protocol-violation'],
    ['a realm with a quote', () => oauth10a.client({ ...base, realm: 'a"b' }), 'malformed-request'],
    ['timestamp 0', () => oauth10a.client({ ...base, timestamp: 0 }), 'protocol-violation'],
    ['an empty nonce', () => oauth10a.client({ ...base, nonce: '' }), 'malformed-request'],
    ['no consumer key', () => oauth10a.client({ ...base, consumerKey: '' }), 'malformed-request'],
    ['a consumer secret that is no string', () => oauth10a.client({ ...base, consumerSecret: 5 as never }), 'protocol-violation'],
    ['XOAUTH username with "/"', () => xoauth.client({ username: 'a/b', protocol: 'imap' }), 'malformed-request'],
    ['XOAUTH protocol with a space', () => xoauth.client({ username: 'u', protocol: 'im ap' }), 'malformed-request'],
  ]
  for (const [name, make, code] of bad) {
    it(`${name} → ${code}`, async () => {
      await rejectsWithCode(make, code)
    })
  }

  it('a challenge makes the client answer the dummy and remember the error', async () => {
    const c = oauth10a.client(base)
    await c.start()
    expect(Array.from(await c.next(text('{"status":"invalid_token"}')))).toEqual([1])
    expect(c.serverError).toEqual({ status: 'invalid_token' })
    const x = xoauth.client({ username: 'u', protocol: 'imap' })
    await x.start()
    expect(await x.next(text('{"status":"401"}'))).toEqual(new Uint8Array(0))
    await rejectsWithCode(x.finish(), 'not-authorized')
  })
})
