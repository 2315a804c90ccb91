import { describe, expect, it } from 'vitest'
import vectors from '../vectors/gssapi.json' with { type: 'json' }
import {
  SaslError,
  base64Decode,
  gssapi,
  utf8Decode,
  utf8Encode,
  type GssAcceptor,
  type GssInitiator,
  type GssapiClientOptions,
  type GssapiServerOptions,
  type SaslClient,
  type SaslServer,
  type ServerStep,
} from '../../src/index.js'
import { concatBytes, encodeFrame } from '../../src/codec/index.js'
import { memoryKerberos } from '../../examples/memory-gss.mjs'
import { failureCode, fromHex, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

const SERVICE = 'imap/mail.example.com'
const realm = () => memoryKerberos({ principals: ['alice', 'bob', SERVICE, 'smtp/mail.example.com'] })

function pair(options: { client?: Partial<GssapiClientOptions>; server?: Partial<GssapiServerOptions>; principal?: string; service?: string; mutual?: boolean } = {}) {
  const kdc = realm()
  const initiator = kdc.initiator({ principal: options.principal ?? 'alice', service: options.service ?? SERVICE, mutual: options.mutual ?? true })
  const acceptor = kdc.acceptor({ service: SERVICE })
  const client = gssapi.client({ provider: initiator, ...options.client })
  const server = gssapi.server({ provider: acceptor, ...options.server })
  return { kdc, initiator, acceptor, client, server }
}

/** Runs the context exchange up to the server's wrapped offer; returns that challenge. */
async function untilOffer(client: SaslClient, server: SaslServer): Promise<Uint8Array> {
  let step = await server.next(await client.start())
  expect(step.type).toBe('challenge') // the AP-REP
  step = await server.next(await client.next((step as { challenge: Uint8Array }).challenge))
  if (step.type !== 'challenge') throw new Error(`expected the offer, got ${step.type}`)
  return step.challenge
}

/**
 * A stand-in for the RFC 3501/9051 example's context, which used RFC 1964 (DES) tokens whose
 * keys are unknown: unwrap() checks the token's structure (RFC 2743 §3.1 framing, RFC 1964
 * §1.2.2 Wrap token with SEAL_ALG "none") and returns its cleartext — the checksum cannot be
 * verified without the session key. wrap() records what saslkit asked to wrap.
 */
function rfc1964Context(initiatorName: string) {
  const wrapped: Array<{ data: string; confidential: boolean }> = []
  const context = {
    initiatorName,
    step: () => ({ complete: true }),
    wrap: (data: Uint8Array, { confidential }: { confidential: boolean }) => {
      wrapped.push({ data: hex(data), confidential })
      return concatBytes(text('wrapped:'), data)
    },
    unwrap: (token: Uint8Array) => ({ data: rfc1964Cleartext(token).plaintext, confidential: false }),
  }
  return { context, wrapped }
}

function rfc1964Cleartext(token: Uint8Array) {
  // RFC 2743 §3.1: 0x60, DER length, 0x06 0x09 + the Kerberos V5 OID 1.2.840.113554.1.2.2.
  expect(hex(token.subarray(0, 13))).toBe(`60${(token.length - 2).toString(16)}06092a864886f712010202`)
  const body = token.subarray(13)
  const pad = body[body.length - 1]!
  return {
    TOK_ID: hex(body.subarray(0, 2)),
    SGN_ALG: hex(body.subarray(2, 4)),
    SEAL_ALG: hex(body.subarray(4, 6)),
    filler: hex(body.subarray(6, 8)),
    SND_SEQ: hex(body.subarray(8, 16)),
    SGN_CKSUM: hex(body.subarray(16, 24)),
    confounder: hex(body.subarray(24, 32)),
    // RFC 1964 §1.2.2.3: 1 to 8 octets of padding, each holding the pad length.
    plaintext: body.subarray(32, body.length - pad),
    padding: hex(body.subarray(body.length - pad)),
  }
}

type ExampleExpected = {
  token_hex: string
  TOK_ID: string
  SGN_ALG: string
  SEAL_ALG: string
  filler: string
  SND_SEQ_encrypted_hex: string
  SGN_CKSUM_hex: string
  confounder_hex: string
  plaintext_hex: string
  padding_hex: string
  security_layer_bitmask: number
  max_buffer_size: number
  authzid: string
}
const byId = (id: string) => {
  const v = vectors.vectors.find((x) => x.id === id)
  if (v === undefined) throw new Error(`vector ${id} missing`)
  return v
}
const serverWrapVector = byId('RFC 9051 s6.2.2 / RFC 3501 s6.2.2 GSSAPI example - server_wrap RFC1964 Wrap token')
const clientWrapVector = byId('RFC 9051 s6.2.2 / RFC 3501 s6.2.2 GSSAPI example - client_wrap RFC1964 Wrap token')
const layoutVector = byId('RFC 4752 security-layer message layout')
const rfc1964LayoutVector = byId('RFC 1964 (legacy) Wrap token layout as seen in the RFC 3501/9051 example')

describe('GSSAPI vectors', () => {
  for (const v of [serverWrapVector, clientWrapVector]) {
    const e = v.expected as unknown as ExampleExpected
    it(`${v.id}: the token's layout — ${v.source}`, () => {
      const token = base64Decode(v.inputs.base64 as string)
      expect(hex(token)).toBe(e.token_hex)
      const parsed = rfc1964Cleartext(token)
      expect(parsed).toMatchObject({
        TOK_ID: e.TOK_ID.slice(0, 5).replace(' ', ''),
        SGN_ALG: e.SGN_ALG.slice(0, 5).replace(' ', ''),
        SEAL_ALG: e.SEAL_ALG.slice(0, 5).replace(' ', ''),
        filler: e.filler.replace(' ', ''),
        SND_SEQ: e.SND_SEQ_encrypted_hex,
        SGN_CKSUM: e.SGN_CKSUM_hex,
        confounder: e.confounder_hex,
        padding: e.padding_hex,
      })
      expect(hex(parsed.plaintext)).toBe(e.plaintext_hex)
      // RFC 4752 layout of the cleartext: bit-mask, 24-bit maximum, authzid.
      expect(parsed.plaintext[0]).toBe(e.security_layer_bitmask)
      expect((parsed.plaintext[1]! << 16) | (parsed.plaintext[2]! << 8) | parsed.plaintext[3]!).toBe(e.max_buffer_size)
      expect(utf8Decode(parsed.plaintext.subarray(4))).toBe(e.authzid)
    })
  }

  it(`${serverWrapVector.id}: saslkit's client takes the offer ("none" with 8192, vectors.md note 5) and answers 01 000000 mrc`, async () => {
    const { context, wrapped } = rfc1964Context('mrc@EXAMPLE.COM')
    const client = gssapi.client({ provider: context, authzid: 'mrc' })
    expect(await client.start()).toEqual(new Uint8Array(0))
    const answer = await client.next(base64Decode(serverWrapVector.inputs.base64 as string))
    // RFC 4752 §3.1: max buffer 0 with no layer (the RFC 3501 client sent 8192); conf_flag FALSE.
    expect(wrapped).toEqual([{ data: '01000000' + hex(text('mrc')), confidential: false }])
    expect(utf8Decode(answer)).toBe(`wrapped:\x01\0\0\0mrc`)
    await client.finish()
    expect(client.securityLayer).toBeUndefined()
  })

  it(`${clientWrapVector.id}: saslkit's server takes the answer ("none" with 8192) and authorizes mrc`, async () => {
    const { context, wrapped } = rfc1964Context('mrc@EXAMPLE.COM')
    const server = gssapi.server({
      provider: context,
      securityLayers: ['none'],
      authorize: (id) => id.authcid === 'mrc@EXAMPLE.COM' && id.authzid === 'mrc',
    })
    const offer = await server.next(fromHex('6082')) // any context token: this context completes at once
    expect(offer.type).toBe('challenge')
    // RFC 4752 §3.2: offering only "none" means a maximum of 0 (the RFC 3501 server sent 8192).
    expect(wrapped).toEqual([{ data: '01000000', confidential: false }])
    const step = await server.next(base64Decode(clientWrapVector.inputs.base64 as string))
    expect(step.type === 'success' && step.identity).toEqual({
      mechanism: 'GSSAPI',
      authcid: 'mrc@EXAMPLE.COM',
      authzid: 'mrc',
      details: { principal: 'mrc@EXAMPLE.COM', securityLayer: 'none' },
    })
    expect(server.securityLayer).toBeUndefined()
  })

  it(`${rfc1964LayoutVector.id} — ${rfc1964LayoutVector.source}`, () => {
    const e = rfc1964LayoutVector.expected as unknown as Record<string, string>
    for (const v of [serverWrapVector, clientWrapVector]) {
      const token = base64Decode(v.inputs.base64 as string)
      expect(hex(token.subarray(0, 13))).toBe(e['framing']!.replaceAll(' ', '').toLowerCase())
      expect(hex(token.subarray(13, 15))).toBe(e['0-1']!.slice(7, 12).replace(' ', ''))
    }
  })

  const layout = layoutVector.expected as unknown as Record<string, string>
  it(`${layoutVector.id}: server offering all layers with 64 KiB sends ${layout['example_server_offers_all_64k']} — ${layoutVector.source}`, async () => {
    const { context, wrapped } = rfc1964Context('alice@EXAMPLE.COM')
    await gssapi.server({ provider: context, maxBuffer: 65536 }).next(fromHex('6082'))
    // The server message is exactly 4 octets, wrapped with conf_flag FALSE.
    expect(wrapped).toEqual([{ data: layout['example_server_offers_all_64k']!.replace(' ', ''), confidential: false }])
  })

  it(`${layoutVector.id}: client without a layer answers ${layout['example_no_layer_client']} — ${layoutVector.source}`, async () => {
    for (const authzid of ['', 'shared@EXAMPLE.COM', 'Zoë']) {
      const { context, wrapped } = rfc1964Context('alice@EXAMPLE.COM')
      context.unwrap = () => ({ data: fromHex('07010000'), confidential: false })
      const client = gssapi.client({ provider: context, authzid })
      await client.start()
      await client.next(fromHex('00'))
      // 4 + len(authzid) octets: bit-mask 01, maximum 000000, the UTF-8 authzid without NUL.
      expect(wrapped).toEqual([{ data: '01000000' + hex(utf8Encode(authzid)), confidential: false }])
    }
  })

  it(`${layoutVector.id}: a chosen layer carries the client's maximum (02/04 + 24-bit size) — ${layoutVector.source}`, async () => {
    for (const [layer, bit] of [['integrity', '02'], ['confidentiality', '04']] as const) {
      const { context, wrapped } = rfc1964Context('alice@EXAMPLE.COM')
      context.unwrap = () => ({ data: fromHex('07010000'), confidential: false })
      const client = gssapi.client({ provider: context, securityLayer: layer, maxBuffer: 0x123456 })
      await client.start()
      await client.next(fromHex('00'))
      expect(wrapped).toEqual([{ data: `${bit}123456`, confidential: false }])
    }
  })
})

describe('GSSAPI loopback (in-memory provider)', () => {
  for (const layer of ['none', 'integrity', 'confidentiality'] as const) {
    it(`authenticates with security layer '${layer}'`, async () => {
      const { client, server } = pair({ client: { securityLayer: layer } })
      const r = await runExchange(client, server)
      expect(r.clientError).toBeUndefined()
      // C: AP-REQ, S: AP-REP, C: empty, S: wrapped offer, C: wrapped answer.
      expect(r.messages.map((m) => `${m.from}${m.data?.length === 0 ? ':empty' : ''}`)).toEqual(['C', 'S', 'C:empty', 'S', 'C'])
      expect(r.step.type === 'success' && r.step.identity).toEqual({
        mechanism: 'GSSAPI',
        authcid: 'alice@EXAMPLE.COM',
        authzid: 'alice@EXAMPLE.COM',
        details: { principal: 'alice@EXAMPLE.COM', acceptor: 'imap/mail.example.com@EXAMPLE.COM', securityLayer: layer },
      })
      expect(client.securityLayer === undefined).toBe(layer === 'none')
      expect(server.securityLayer === undefined).toBe(layer === 'none')
    })
  }

  for (const layer of ['integrity', 'confidentiality'] as const) {
    it(`carries messages both ways through the '${layer}' layer`, async () => {
      const { client, server } = pair({ client: { securityLayer: layer } })
      await runExchange(client, server)
      const up = await client.securityLayer!.encode(text('a001 NOOP\r\n'))
      const up2 = await client.securityLayer!.encode(text('a002 LOGOUT\r\n'))
      expect((await server.securityLayer!.decode(concatBytes(up, up2))).map(utf8Decode)).toEqual(['a001 NOOP\r\n', 'a002 LOGOUT\r\n'])
      const down = await server.securityLayer!.encode(text('* OK done\r\n'))
      expect((await client.securityLayer!.decode(down)).map(utf8Decode)).toEqual(['* OK done\r\n'])
      // Integrity leaves the text readable on the wire; confidentiality hides it.
      expect(hex(up).includes(hex(text('NOOP')))).toBe(layer === 'integrity')
    })
  }

  it('splits a long message into frames within the peer’s maximum (wrapSizeLimit) and joins them', async () => {
    const { client, server } = pair({ client: { securityLayer: 'confidentiality', maxBuffer: 100 }, server: { maxBuffer: 300 } })
    await runExchange(client, server)
    const message = new Uint8Array(1000).map((_, i) => i & 0xff)
    const wire = await server.securityLayer!.encode(message)
    // 100-byte frames: 27 bytes of wrap overhead leave 73 bytes of data each.
    const frames: number[] = []
    for (let at = 0; at < wire.length; ) {
      const length = (wire[at]! << 24) | (wire[at + 1]! << 16) | (wire[at + 2]! << 8) | wire[at + 3]!
      frames.push(length)
      at += 4 + length
    }
    expect(frames).toHaveLength(Math.ceil(1000 / 73))
    expect(Math.max(...frames)).toBeLessThanOrEqual(100)
    const out: Uint8Array[] = []
    for (let at = 0; at < wire.length; at += 37) out.push(...(await client.securityLayer!.decode(wire.subarray(at, at + 37))))
    expect(hex(concatBytes(...out))).toBe(hex(message))
    const back = await server.securityLayer!.decode(await client.securityLayer!.encode(message))
    expect(back).toHaveLength(Math.ceil(1000 / 273)) // the server accepts 300-byte frames
    expect(hex(concatBytes(...back))).toBe(hex(message))
  })

  it('keeps 128 bytes per frame for the overhead when the provider has no wrapSizeLimit', async () => {
    const kdc = realm()
    const initiator = kdc.initiator({ principal: 'alice', service: SERVICE })
    const bare: GssInitiator = {
      step: (t) => initiator.step(t),
      wrap: (d, o) => initiator.wrap(d, o),
      unwrap: (t) => initiator.unwrap(t),
    }
    const client = gssapi.client({ provider: bare, securityLayer: 'integrity' })
    const server = gssapi.server({ provider: kdc.acceptor({ service: SERVICE }), maxBuffer: 200 })
    await runExchange(client, server)
    const wire = await client.securityLayer!.encode(new Uint8Array(144))
    expect(hex(wire.subarray(0, 4))).toBe(hex(new Uint8Array([0, 0, 0, 72 + 27])))
    expect((await server.securityLayer!.decode(wire)).map((m) => m.length)).toEqual([72, 72])
  })

  it('refuses to encode when the peer’s maximum cannot hold a wrapped byte', async () => {
    const { client, server } = pair({ client: { securityLayer: 'integrity' }, server: { maxBuffer: 27 } })
    await runExchange(client, server)
    await rejectsWithCode(client.securityLayer!.encode(text('x')), 'malformed-request')
  })

  it('keeps call order for concurrent encodes with an async provider', async () => {
    const kdc = realm()
    const initiator = kdc.initiator({ principal: 'alice', service: SERVICE })
    let delay = 5
    const slow: GssInitiator = {
      step: async (t) => initiator.step(t),
      wrap: async (d, o) => {
        await new Promise((resolve) => setTimeout(resolve, (delay = 5 - delay)))
        return initiator.wrap(d, o)
      },
      unwrap: async (t) => initiator.unwrap(t),
      wrapSizeLimit: async (m, c) => initiator.wrapSizeLimit(m, c),
    }
    const client = gssapi.client({ provider: slow, securityLayer: 'confidentiality' })
    const server = gssapi.server({ provider: async () => kdc.acceptor({ service: SERVICE }) })
    await runExchange(client, server)
    const wires = await Promise.all(['one', 'two', 'three', 'four'].map((m) => client.securityLayer!.encode(text(m))))
    expect((await server.securityLayer!.decode(concatBytes(...wires))).map(utf8Decode)).toEqual(['one', 'two', 'three', 'four'])
  })

  it('encodes nothing for an empty buffer', async () => {
    const { client, server } = pair({ client: { securityLayer: 'integrity' } })
    await runExchange(client, server)
    expect(await client.securityLayer!.encode(new Uint8Array(0))).toEqual(new Uint8Array(0))
  })

  it('works without mutual authentication: the offer is the first challenge', async () => {
    const { client, server } = pair({ mutual: false, client: { securityLayer: 'integrity' } })
    const r = await runExchange(client, server)
    expect(r.messages.map((m) => m.from)).toEqual(['C', 'S', 'C'])
    expect(r.step.type).toBe('success')
  })

  it('answers an empty challenge before the offer with an empty response (Dovecot sends one)', async () => {
    const { client, server } = pair({ mutual: false })
    const apReq = await client.start()
    // Dovecot answers a completed context with a challenge holding the (here empty) final token.
    expect(await client.next(new Uint8Array(0))).toEqual(new Uint8Array(0))
    const offer = await server.next(apReq)
    const done = await server.next(await client.next((offer as { challenge: Uint8Array }).challenge))
    expect(done.type).toBe('success')
    await client.finish()
  })

  it('waits for the initial response when none was sent (RFC 4422 §5)', async () => {
    const { client, server } = pair()
    expect(await server.next(undefined)).toEqual({ type: 'challenge', challenge: new Uint8Array(0) })
    let step: ServerStep = await server.next((await client.start())!)
    while (step.type === 'challenge') step = await server.next(await client.next(step.challenge))
    expect(step.type).toBe('success')
  })

  it('accepts an authorized authzid and refuses it by default', async () => {
    const allowed = pair({ client: { authzid: 'shared' }, server: { authorize: (id) => id.authcid === 'alice@EXAMPLE.COM' && id.authzid === 'shared' } })
    const ok = await runExchange(allowed.client, allowed.server)
    expect(ok.step.type === 'success' && ok.step.identity.authzid).toBe('shared')
    const refused = pair({ client: { authzid: 'shared', securityLayer: 'integrity' } })
    const no = await runExchange(refused.client, refused.server)
    expect(failureCode(no.step)).toBe('invalid-authzid')
    expect(refused.server.securityLayer).toBeUndefined()
  })

  it('fails for a client principal the realm does not know (client start → not-authorized)', async () => {
    const { client } = pair({ principal: 'mallory' })
    await rejectsWithCode(client.start(), 'not-authorized')
  })

  it('fails when the ticket is for another service (server → not-authorized, reason gss-accept-failed)', async () => {
    const { client, server } = pair({ service: 'smtp/mail.example.com' })
    const r = await runExchange(client, server)
    expect(failureCode(r.step)).toBe('not-authorized')
    expect(r.step.type === 'failure' && r.step.error.reason).toBe('gss-accept-failed')
  })

  it('fails when the AP-REP does not verify (client → server-not-verified)', async () => {
    const { client, server } = pair()
    const step = await server.next(await client.start())
    const apRep = (step as { challenge: Uint8Array }).challenge.slice()
    apRep[apRep.length - 1]! ^= 1
    await rejectsWithCode(client.next(apRep), 'server-not-verified')
  })
})

describe('GSSAPI negotiation failures', () => {
  it('a requested layer that is not offered → mechanism-too-weak, naming the offer', async () => {
    const { client, server } = pair({ client: { securityLayer: 'confidentiality' }, server: { securityLayers: ['none', 'integrity'] } })
    const offer = await untilOffer(client, server)
    const error = await rejectsWithCode(client.next(offer), 'mechanism-too-weak')
    expect(error.details).toEqual({ offered: ['none', 'integrity'], requested: 'confidentiality' })
  })

  it("the default 'none' against a server that requires a layer → mechanism-too-weak", async () => {
    const { client, server } = pair({ server: { securityLayers: ['confidentiality'] } })
    await rejectsWithCode(client.next(await untilOffer(client, server)), 'mechanism-too-weak')
  })

  const offers: Array<[string, string, string, string?]> = [
    ['an offer of 3 octets', '070100', 'malformed-request'],
    ['an offer of 5 octets', '0701000000', 'malformed-request'],
    ['an empty offer', '', 'malformed-request'],
    ['an offer of integrity with a maximum of 0', '02000000', 'malformed-request', 'integrity'],
    ['an offer without any known layer', 'f8010000', 'mechanism-too-weak'],
  ]
  for (const [name, plaintext, code, layer] of offers) {
    it(`client: ${name} → ${code}`, async () => {
      const { client, acceptor } = pair({ client: { securityLayer: (layer ?? 'none') as 'none' }, mutual: false })
      await acceptor.step((await client.start())!) // established without the server object: we wrap the offer
      await rejectsWithCode(client.next(await acceptor.wrap(fromHex(plaintext), { confidential: false })), code)
    })
  }

  it('client: an offer that does not unwrap → server-not-verified', async () => {
    const { client, server } = pair()
    const offer = (await untilOffer(client, server)).slice()
    offer[offer.length - 1]! ^= 0x80
    await rejectsWithCode(client.next(offer), 'server-not-verified')
  })

  it('client: a challenge after its answer → malformed-request', async () => {
    const { client, server } = pair()
    await client.next(await untilOffer(client, server))
    await rejectsWithCode(client.next(fromHex('00')), 'malformed-request')
  })

  it('client: success before the answer → server-not-verified; data with success → malformed-request', async () => {
    const early = pair()
    await untilOffer(early.client, early.server)
    await rejectsWithCode(early.client.finish(), 'server-not-verified')
    const late = pair()
    await late.client.next(await untilOffer(late.client, late.server))
    await rejectsWithCode(late.client.finish(fromHex('00')), 'malformed-request')
  })

  // RFC 4752 §3.2: every malformed final message is refused.
  const answers: Array<[string, Uint8Array, string, GssapiServerOptions['securityLayers']?]> = [
    ['empty', new Uint8Array(0), 'malformed-request'],
    ['shorter than 4 octets', fromHex('010000'), 'malformed-request'],
    ['no layer bit', fromHex('00000000'), 'malformed-request'],
    ['two layer bits', fromHex('03010000'), 'malformed-request'],
    ['all layer bits', fromHex('07010000'), 'malformed-request'],
    ['an unknown bit', fromHex('08010000'), 'malformed-request'],
    ['an unknown bit with a known one', fromHex('81000000'), 'malformed-request'],
    ['a layer that was not offered', fromHex('04010000'), 'malformed-request', ['none', 'integrity']],
    ['"none" when only layers were offered', fromHex('01000000'), 'malformed-request', ['integrity', 'confidentiality']],
    ['a layer with a maximum of 0', fromHex('02000000'), 'malformed-request'],
    ['an authzid with NUL', concatBytes(fromHex('01000000'), text('a\0b')), 'malformed-request'],
    ['an authzid that is not UTF-8', fromHex('01000000c0af'), 'incorrect-encoding'],
    ['an authzid over 1 KiB', concatBytes(fromHex('01000000'), text('a'.repeat(1025))), 'malformed-request'],
  ]
  for (const [name, plaintext, code, layers] of answers) {
    it(`server: an answer with ${name} → ${code}`, async () => {
      const { client, server, initiator } = pair(layers === undefined ? {} : { server: { securityLayers: layers } })
      await untilOffer(client, server)
      const step = await server.next(await initiator.wrap(plaintext, { confidential: false }))
      expect(failureCode(step)).toBe(code)
      expect(server.securityLayer).toBeUndefined()
    })
  }

  it('server: an answer that does not unwrap, or is the server’s own offer reflected → malformed-request', async () => {
    const garbled = pair()
    const offer = await untilOffer(garbled.client, garbled.server)
    const answer = (await garbled.client.next(offer)).slice()
    answer[20]! ^= 1
    expect(failureCode(await garbled.server.next(answer))).toBe('malformed-request')
    const reflected = pair()
    expect(failureCode(await reflected.server.next(await untilOffer(reflected.client, reflected.server)))).toBe('malformed-request')
  })

  it('server: a non-empty response where the empty acknowledgement belongs → malformed-request', async () => {
    const { client, server } = pair()
    await server.next(await client.start())
    expect(failureCode(await server.next(fromHex('00')))).toBe('malformed-request')
  })

  it('server: an empty context token → malformed-request', async () => {
    expect(failureCode(await pair().server.next(new Uint8Array(0)))).toBe('malformed-request')
  })
})

describe('GSSAPI security-layer failures', () => {
  async function layered(layer: 'integrity' | 'confidentiality') {
    const p = pair({ client: { securityLayer: layer } })
    await runExchange(p.client, p.server)
    return p
  }

  it('a tampered frame → malformed-request, and the direction stays broken', async () => {
    const { client, server } = await layered('integrity')
    const wire = await client.securityLayer!.encode(text('hello'))
    wire[wire.length - 1]! ^= 1
    await rejectsWithCode(server.securityLayer!.decode(wire), 'malformed-request')
    await rejectsWithCode(server.securityLayer!.decode(await client.securityLayer!.encode(text('next'))), 'malformed-request')
  })

  it('a replayed frame → malformed-request', async () => {
    const { client, server } = await layered('confidentiality')
    const wire = await client.securityLayer!.encode(text('hello'))
    await server.securityLayer!.decode(wire)
    await rejectsWithCode(server.securityLayer!.decode(wire), 'malformed-request')
  })

  it('a frame over the negotiated maximum → malformed-request before it is unwrapped', async () => {
    const { server } = await layered('integrity')
    await rejectsWithCode(server.securityLayer!.decode(fromHex('00010001')), 'malformed-request')
  })

  it('a frame without confidentiality on a confidentiality layer → mechanism-too-weak', async () => {
    const { server, initiator } = await layered('confidentiality')
    const token = await initiator.wrap(text('plain'), { confidential: false })
    await rejectsWithCode(server.securityLayer!.decode(encodeFrame(token)), 'mechanism-too-weak')
  })

  it('encode/decode take bytes only → protocol-violation', async () => {
    const { client } = await layered('integrity')
    await rejectsWithCode(client.securityLayer!.encode('x' as unknown as Uint8Array), 'protocol-violation')
    await rejectsWithCode(client.securityLayer!.decode('x' as unknown as Uint8Array), 'protocol-violation')
  })
})

describe('GSSAPI providers', () => {
  const base = { wrap: () => fromHex('00'), unwrap: () => ({ data: fromHex('01000000'), confidential: false }) }

  it('a SaslError thrown by a provider keeps its code; other throws get the step’s code', async () => {
    const expired: GssInitiator = { ...base, step: () => Promise.reject(new SaslError('credentials-expired', 'ticket expired')) }
    await rejectsWithCode(gssapi.client({ provider: expired }).start(), 'credentials-expired')
    const broken: GssAcceptor = { ...base, step: () => Promise.reject(new Error('keytab unreadable')) }
    const step = await gssapi.server({ provider: broken }).next(fromHex('60'))
    expect(failureCode(step)).toBe('not-authorized')
    expect(step.type === 'failure' && (step.error.cause as Error).message).toBe('keytab unreadable')
  })

  it('an acceptor factory that throws → temporary-auth-failure; one that resolves later works', async () => {
    const failing = gssapi.server({
      provider: () => {
        throw new Error('no keytab')
      },
    })
    expect(failureCode(await failing.next(fromHex('60')))).toBe('temporary-auth-failure')
    const kdc = realm()
    const client = gssapi.client({ provider: kdc.initiator({ principal: 'bob', service: SERVICE }) })
    const r = await runExchange(client, gssapi.server({ provider: () => Promise.resolve(kdc.acceptor({ service: SERVICE })) }))
    expect(r.step.type === 'success' && r.step.identity.authcid).toBe('bob@EXAMPLE.COM')
  })

  it('an acceptor that completes without initiatorName → temporary-auth-failure', async () => {
    const anonymous: GssAcceptor = { ...base, step: () => ({ complete: true }) }
    expect(failureCode(await gssapi.server({ provider: anonymous }).next(fromHex('60')))).toBe('temporary-auth-failure')
  })

  it('a provider returning nonsense → temporary-auth-failure', async () => {
    const odd = { ...base, step: () => ({ token: 'AAAA', complete: 'yes' }) } as unknown as GssInitiator
    await rejectsWithCode(gssapi.client({ provider: odd }).start(), 'temporary-auth-failure')
    const noToken = { ...base, step: () => ({ complete: true }), wrap: () => undefined } as unknown as GssInitiator
    const client = gssapi.client({ provider: noToken })
    await client.start()
    await rejectsWithCode(client.next(fromHex('00')), 'temporary-auth-failure')
  })

  it('refuses bad options → protocol-violation (NUL in authzid → malformed-request)', async () => {
    const provider = realm().initiator({ principal: 'alice', service: SERVICE })
    const bad: Array<() => unknown> = [
      () => gssapi.client({} as never),
      () => gssapi.client({ provider, securityLayer: 'privacy' as never }),
      () => gssapi.client({ provider, maxBuffer: 0 }),
      () => gssapi.client({ provider, maxBuffer: 0x1000000 }),
      () => gssapi.client({ provider, maxBuffer: 1.5 }),
      () => gssapi.server({ provider: {} as never }),
      () => gssapi.server({ provider: realm().acceptor({ service: SERVICE }), securityLayers: [] }),
      () => gssapi.server({ provider: realm().acceptor({ service: SERVICE }), securityLayers: ['none', 'auth-int' as never] }),
      () => gssapi.server({ provider: realm().acceptor({ service: SERVICE }), maxBuffer: -1 }),
    ]
    for (const make of bad) await rejectsWithCode(make, 'protocol-violation')
    await rejectsWithCode(() => gssapi.client({ provider, authzid: 'a\0b' }), 'malformed-request')
  })

  it('declares its traits (RFC 4752: client first, mutual; strength 80)', () => {
    expect(gssapi.name).toBe('GSSAPI')
    expect(gssapi.traits).toEqual({ clientFirst: true, plaintext: false, mutual: true, channelBinding: false, strength: 80, legacy: false })
  })
})
