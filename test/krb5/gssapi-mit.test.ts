// saslkit's GSSAPI client ↔ saslkit's GSSAPI server with MIT Kerberos (libgssapi_krb5) on both
// sides and a real KDC (test/krb5/realm.ts): every layer, messages through each layer both ways,
// and clean failures for a wrong service principal and an absent or expired ticket.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import vectors from '../vectors/gssapi.json' with { type: 'json' }
import { SaslError, gssapi, utf8Decode, type GssapiClientOptions, type GssapiServerOptions } from '../../src/index.js'
import { concatBytes } from '../../src/codec/index.js'
import { failureCode, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'
import { MitGss } from './mit.js'

const realm = inject('krb5')
const open: MitGss[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((context) => context.close()))
})

function initiator(target = 'imap@localhost', env: Record<string, string> = {}): MitGss {
  const context = MitGss.initiator(realm, target, env)
  open.push(context)
  return context
}

function acceptor(target?: string): MitGss {
  const context = MitGss.acceptor(realm, target)
  open.push(context)
  return context
}

function pair(client: Partial<GssapiClientOptions> = {}, server: Partial<GssapiServerOptions> = {}) {
  const init = initiator()
  return {
    init,
    client: gssapi.client({ provider: init, ...client }),
    server: gssapi.server({ provider: () => acceptor('imap@localhost'), ...server }),
  }
}

/** Splits a stream of frames into their bodies (the wrapped tokens), for inspection. */
function frameBodies(wire: Uint8Array): Uint8Array[] {
  const bodies: Uint8Array[] = []
  for (let at = 0; at < wire.length; ) {
    const length = new DataView(wire.buffer, wire.byteOffset + at, 4).getUint32(0)
    bodies.push(wire.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  return bodies
}

const frame = (token: Uint8Array) => concatBytes(new Uint8Array([0, 0, token.length >> 8, token.length & 0xff]), token)

/** Feeds `wire` to `decode` in pieces of varying size; returns every message. */
async function decodeInPieces(decode: (chunk: Uint8Array) => Promise<Uint8Array[]>, wire: Uint8Array): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  const sizes = [1, 3, 4, 5, 17, 250, 1024, 4099]
  for (let at = 0, i = 0; at < wire.length; i++) {
    const size = sizes[i % sizes.length]!
    out.push(...(await decode(wire.subarray(at, at + size))))
    at += size
  }
  return out
}

describe('GSSAPI, MIT Kerberos on both sides', () => {
  for (const layer of ['none', 'integrity', 'confidentiality'] as const) {
    it(`authenticates alice to imap/localhost with security layer '${layer}'`, async () => {
      const { client, server } = pair({ securityLayer: layer })
      const r = await runExchange(client, server)
      expect(r.clientError).toBeUndefined()
      // RFC 4752 §3.1/§3.2: AP-REQ, AP-REP, empty response, wrapped offer, wrapped answer.
      expect(r.messages.map((m) => `${m.from}${m.data?.length === 0 ? ':empty' : ''}`)).toEqual(['C', 'S', 'C:empty', 'S', 'C'])
      expect(r.step.type === 'success' && r.step.identity).toEqual({
        mechanism: 'GSSAPI',
        authcid: 'alice@SASLKIT.TEST',
        authzid: 'alice@SASLKIT.TEST',
        details: { principal: 'alice@SASLKIT.TEST', acceptor: 'imap/localhost@SASLKIT.TEST', securityLayer: layer },
      })
      expect(client.securityLayer === undefined).toBe(layer === 'none')
      expect(server.securityLayer === undefined).toBe(layer === 'none')
    })
  }

  for (const layer of ['integrity', 'confidentiality'] as const) {
    it(`carries messages both ways through the '${layer}' layer, split to the peer's maximum`, async () => {
      const { client, server } = pair({ securityLayer: layer, maxBuffer: 4096 }, { maxBuffer: 1000 })
      await runExchange(client, server)
      const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff)
      const messages = [text('a001 NOOP\r\n'), big, text('a002 LOGOUT\r\n')]

      const up = concatBytes(...(await Promise.all(messages.map((m) => client.securityLayer!.encode(m)))))
      // MIT's GSS_Wrap_size_limit keeps every token within the server's 1000 bytes.
      expect(Math.max(...frameBodies(up).map((b) => b.length))).toBeLessThanOrEqual(1000)
      const received = await decodeInPieces((c) => server.securityLayer!.decode(c), up)
      expect(hex(concatBytes(...received))).toBe(hex(concatBytes(...messages)))
      expect(utf8Decode(received[0]!)).toBe('a001 NOOP\r\n')
      expect(utf8Decode(received[received.length - 1]!)).toBe('a002 LOGOUT\r\n')

      const down = await server.securityLayer!.encode(big)
      expect(Math.max(...frameBodies(down).map((b) => b.length))).toBeLessThanOrEqual(4096)
      expect(frameBodies(down).length).toBeGreaterThan(big.length / 4096)
      const back = await decodeInPieces((c) => client.securityLayer!.decode(c), down)
      expect(hex(concatBytes(...back))).toBe(hex(big))
      // Integrity leaves the data readable on the wire; confidentiality does not.
      const probe = await client.securityLayer!.encode(text('PLAINLY-VISIBLE'))
      expect(hex(probe).includes(hex(text('PLAINLY-VISIBLE')))).toBe(layer === 'integrity')
      expect((await server.securityLayer!.decode(probe)).map(utf8Decode)).toEqual(['PLAINLY-VISIBLE'])
    })
  }

  const tokenLayouts = vectors.vectors.find((v) => v.id === 'RFC 4121 per-message token layouts')!
  it(`MIT's wrap tokens follow ${tokenLayouts.id} — ${tokenLayouts.source}`, async () => {
    for (const layer of ['integrity', 'confidentiality'] as const) {
      const { client, server } = pair({ securityLayer: layer })
      await runExchange(client, server)
      const fromClient = frameBodies(await client.securityLayer!.encode(text('ping')))[0]!
      const fromServer = frameBodies(await server.securityLayer!.encode(text('pong')))[0]!
      for (const [token, sentByAcceptor] of [[fromClient, 0], [fromServer, 1]] as const) {
        // 0-1 TOK_ID 05 04 | 2 Flags | 3 Filler FF | 4-5 EC | 6-7 RRC | 8-15 SND_SEQ.
        expect(hex(token.subarray(0, 2))).toBe('0504')
        expect(token[2]! & 0x01).toBe(sentByAcceptor) // SentByAcceptor
        expect((token[2]! & 0x02) >> 1).toBe(layer === 'confidentiality' ? 1 : 0) // Sealed
        expect(token[3]).toBe(0xff)
        // Unsealed: EC is the checksum length, 12 for aes*-cts-hmac-sha1-96.
        if (layer === 'integrity') expect((token[4]! << 8) | token[5]!).toBe(12)
      }
      // 8-15 SND_SEQ: each side counts its own tokens up from a random start (RFC 4121 §4.2.6.1).
      const sequence = (token: Uint8Array) => new DataView(token.buffer, token.byteOffset + 8, 8).getBigUint64(0)
      const nextFromClient = frameBodies(await client.securityLayer!.encode(text('again')))[0]!
      expect(sequence(nextFromClient)).toBe(sequence(fromClient) + 1n)
      await server.securityLayer!.decode(concatBytes(...[fromClient, nextFromClient].map(frame)))
    }
  })

  it(`the context tokens carry RFC 2743 §3.1 framing and the RFC 4121 TOK_IDs (${tokenLayouts.id})`, async () => {
    const { client, server } = pair()
    const r = await runExchange(client, server)
    const apReq = r.messages[0]!.data!
    const apRep = r.messages[1]!.data!
    const krb5Oid = '06092a864886f712010202'
    expect(hex(apReq.subarray(0, 1))).toBe('60')
    expect(hex(apReq)).toMatch(new RegExp(`^60(8[1-4][0-9a-f]{2,8}|[0-7][0-9a-f])${krb5Oid}0100`))
    expect(hex(apRep)).toMatch(new RegExp(`^60(8[1-4][0-9a-f]{2,8}|[0-7][0-9a-f])${krb5Oid}0200`))
  })

  it('accepts an authorized authzid, refuses one by default (invalid-authzid)', async () => {
    const allowed = pair({ authzid: 'shared' }, { authorize: (id) => id.authcid === 'alice@SASLKIT.TEST' && id.authzid === 'shared' })
    const ok = await runExchange(allowed.client, allowed.server)
    expect(ok.step.type === 'success' && ok.step.identity).toMatchObject({ authcid: 'alice@SASLKIT.TEST', authzid: 'shared' })
    const refused = pair({ authzid: 'root' })
    expect(failureCode((await runExchange(refused.client, refused.server)).step)).toBe('invalid-authzid')
  })

  it('a layer the server does not offer → mechanism-too-weak on the client', async () => {
    const { client, server } = pair({ securityLayer: 'confidentiality' }, { securityLayers: ['none', 'integrity'] })
    const error = await runExchange(client, server).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SaslError)
    expect((error as SaslError).code).toBe('mechanism-too-weak')
  })

  it('a tampered or replayed frame → malformed-request', async () => {
    const tampered = pair({ securityLayer: 'integrity' })
    await runExchange(tampered.client, tampered.server)
    const wire = await tampered.client.securityLayer!.encode(text('transfer 10 EUR'))
    wire[wire.length - 20]! ^= 0x01
    await rejectsWithCode(tampered.server.securityLayer!.decode(wire), 'malformed-request')

    const replayed = pair({ securityLayer: 'confidentiality' })
    await runExchange(replayed.client, replayed.server)
    const once = await replayed.client.securityLayer!.encode(text('once'))
    expect((await replayed.server.securityLayer!.decode(once)).map(utf8Decode)).toEqual(['once'])
    await rejectsWithCode(replayed.server.securityLayer!.decode(once), 'malformed-request')
  })
})

describe('GSSAPI with MIT Kerberos: clean failures', () => {
  it('a service principal the KDC does not know → the client fails to start (not-authorized)', async () => {
    const client = gssapi.client({ provider: initiator('nosuch@localhost') })
    const error = await rejectsWithCode(client.start(), 'not-authorized')
    expect(String((error.cause as Error).message)).toMatch(/not found in Kerberos database/)
  })

  it('a ticket for another service principal → the server fails (not-authorized), the client is told', async () => {
    const client = gssapi.client({ provider: initiator('smtp@localhost') })
    const server = gssapi.server({ provider: acceptor('imap@localhost') })
    const r = await runExchange(client, server)
    expect(failureCode(r.step)).toBe('not-authorized')
    expect(r.step.type === 'failure' && r.step.error.reason).toBe('gss-accept-failed')
    expect(r.messages.map((m) => m.from)).toEqual(['C'])
  })

  it('an acceptor without credentials for the service (no such keytab entry) fails cleanly', async () => {
    const server = gssapi.server({ provider: () => acceptor('smtp@localhost') })
    const r = await runExchange(gssapi.client({ provider: initiator('smtp@localhost') }), server)
    expect(r.step.type).toBe('failure')
    expect(r.step.type === 'failure' && r.step.error).toBeInstanceOf(SaslError)
  })

  it('no ticket at all → the client fails to start (not-authorized)', async () => {
    const client = gssapi.client({ provider: initiator('imap@localhost', { KRB5CCNAME: `FILE:${join(realm.dir, 'absent.ccache')}` }) })
    const error = await rejectsWithCode(client.start(), 'not-authorized')
    expect(String((error.cause as Error).message)).toMatch(/credentials cache|No Kerberos credentials/i)
  })

  it('an expired ticket → the client fails to start (credentials-expired)', async () => {
    const ccache = `FILE:${join(realm.dir, `short-${Date.now()}.ccache`)}`
    const env = { ...process.env, ...realm.env, KRB5CCNAME: ccache }
    execFileSync('kinit', ['-l', '2s', '-k', '-t', realm.aliceKeytab, 'alice@SASLKIT.TEST'], { env, stdio: 'pipe' })
    // klist -s fails once no ticket in the cache is valid any more.
    for (let waited = 0; ; waited += 250) {
      try {
        execFileSync('klist', ['-s'], { env, stdio: 'pipe' })
      } catch {
        break
      }
      if (waited > 10_000) throw new Error('the ticket did not expire')
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    // klist's test is endtime > now, the library's now > endtime, both in whole seconds.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const client = gssapi.client({ provider: initiator('imap@localhost', { KRB5CCNAME: ccache }) })
    await rejectsWithCode(client.start(), 'credentials-expired')
  })

  it('a context token that is not Kerberos → the server fails (not-authorized)', async () => {
    const server = gssapi.server({ provider: acceptor('imap@localhost') })
    const step = await server.next(text('this is not an AP-REQ'))
    expect(failureCode(step)).toBe('not-authorized')
  })
})
