import { describe, expect, it } from 'vitest'
import {
  deriveCredentials,
  formatPasswordScheme,
  ntHash,
  ntlm,
  parsePasswordScheme,
  type ChannelBinding,
  type NtlmClientOptions,
  type NtlmServerOptions,
  type ServerStep,
  type StoredCredentials,
} from '../../src/index.js'
import { AvId, NtlmFlags, avString, decodeNtlmMessage, ntlmFlagNames } from '../../src/mechanisms/ntlm/index.js'
import {
  MAX_AV_PAIRS,
  MIC_OFFSET,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
  utf16le,
} from '../../src/mechanisms/ntlm/messages.js'
import { encodeChallenge } from '../../src/mechanisms/ntlm/challenge.js'
import { failureCode, fromHex, hex, rejectsWithCode, runExchange, text } from '../helpers/exchange.js'

const users: Record<string, StoredCredentials> = {
  tim: { ntHash: ntHash('tanstaaftanstaaf') },
  plain: { password: 'pencil' },
  off: { ntHash: ntHash('pw'), disabled: true },
  nohash: {},
}
const realms: Array<string | undefined> = []
const credentials = (user: string, ctx: { mechanism: string; realm?: string }) => {
  realms.push(ctx.realm)
  return users[user]
}
const certificateHash: ChannelBinding = { type: 'tls-server-end-point', data: fromHex('ea05fefecc6b0bd571dbbc5baa3ed45386d0446835f7b74c85621b9983475f95') }
const otherCertificate: ChannelBinding = { type: 'tls-server-end-point', data: new Uint8Array(32).fill(1) }

const client = (options: Partial<NtlmClientOptions> = {}) => ntlm.client({ username: 'EXAMPLE\\tim', password: 'tanstaaftanstaaf', ...options })
const server = (options: Partial<NtlmServerOptions> = {}) => ntlm.server({ credentials, netbiosDomain: 'EXAMPLE', dnsDomain: 'example.com', dnsComputer: 'mail.example.com', ...options })
const reason = (step: ServerStep): string | undefined => (step.type === 'failure' ? step.error.reason : undefined)

/** Runs NEGOTIATE and CHALLENGE, lets `edit` change the AUTHENTICATE, and returns the server's answer. */
async function withAuthenticate(edit: (auth: Uint8Array) => Uint8Array, clientOptions: Partial<NtlmClientOptions> = {}, serverOptions: Partial<NtlmServerOptions> = {}) {
  const c = client(clientOptions)
  const s = server(serverOptions)
  const challenge = await s.next(await c.start())
  if (challenge.type !== 'challenge') throw new Error('expected CHALLENGE')
  return s.next(edit(await c.next(challenge.challenge)))
}

describe('NTLM loopback', () => {
  it('NTLMv2 with a MIC by default: domain, workstation and what was checked end up in the identity', async () => {
    realms.length = 0
    const c = client({ workstation: 'LAPTOP', targetName: 'smtp/mail.example.com' })
    const r = await runExchange(c, server())
    expect(r.step.type).toBe('success')
    if (r.step.type !== 'success') return
    expect(r.step.identity).toMatchObject({ mechanism: 'NTLM', authcid: 'tim', authzid: 'tim' })
    expect(r.step.identity.details).toEqual({
      domain: 'EXAMPLE',
      workstation: 'LAPTOP',
      response: 'NTLMv2',
      micChecked: true,
      channelBindingsChecked: false,
      targetName: 'smtp/mail.example.com',
    })
    expect(realms).toEqual(['EXAMPLE'])
    // The exported session key is there, but never printed or serialised.
    const key = r.step.identity.details!.exportedSessionKey as Uint8Array
    expect(key).toBeInstanceOf(Uint8Array)
    expect(key.length).toBe(16)
    expect(JSON.stringify(r.step.identity)).not.toContain('exportedSessionKey')
    expect(Object.keys(r.step.identity.details!)).not.toContain('exportedSessionKey')
    expect(r.clientError).toBeUndefined()
    // Client-first: the initial response is the NEGOTIATE, and a zero LMv2 (the server sent a timestamp).
    const negotiate = decodeNtlmMessage(r.messages[0]!.data!)
    expect(negotiate.type).toBe(1)
    const auth = decodeNtlmMessage(r.messages[2]!.data!)
    expect(auth.type === 3 && hex(auth.lmChallengeResponse)).toBe('00'.repeat(24))
  })

  it('channel bindings that match are checked; a mismatch or their absence fails', async () => {
    const bound = await runExchange(client({ channelBinding: certificateHash }), server({ channel: { secure: true, bindings: [certificateHash] } }))
    expect(bound.step.type === 'success' && bound.step.identity.details).toMatchObject({ channelBindingsChecked: true, micChecked: true })

    const relayed = await runExchange(client({ channelBinding: otherCertificate }), server({ channel: { secure: true, bindings: [certificateHash] } }))
    expect(failureCode(relayed.step)).toBe('not-authorized')
    expect(reason(relayed.step)).toBe('channel-bindings-mismatch')

    const unbound = await runExchange(client(), server({ channel: { secure: true, bindings: [certificateHash] } }))
    expect(reason(unbound.step)).toBe('channel-bindings-missing')
    const tolerated = await runExchange(client(), server({ legacy: true, channel: { secure: true, bindings: [certificateHash] } }))
    expect(tolerated.step.type === 'success' && tolerated.step.identity.details?.channelBindingsChecked).toBe(false)

    // A server without binding data ignores what the client sent.
    const ignored = await runExchange(client({ channelBinding: certificateHash }), server({ channel: { secure: true, bindings: [{ type: 'tls-exporter', data: new Uint8Array(32) }] } }))
    expect(ignored.step.type === 'success' && ignored.step.identity.details?.channelBindingsChecked).toBe(false)
  })

  it('wrong password and unknown user fail alike for the client, distinctly in the log', async () => {
    const wrong = await runExchange(client({ password: 'nope' }), server())
    const unknown = await runExchange(client({ username: 'nobody', password: 'nope' }), server())
    const noHash = await runExchange(client({ username: 'nohash', password: 'nope' }), server())
    for (const r of [wrong, unknown, noHash]) expect(failureCode(r.step)).toBe('not-authorized')
    if (wrong.step.type === 'failure' && unknown.step.type === 'failure') expect(wrong.step.error.message).toBe(unknown.step.error.message)
    expect([reason(wrong.step), reason(unknown.step), reason(noHash.step)]).toEqual(['wrong-password', 'unknown-user', 'no-usable-credentials'])
  })

  it('a tampered MIC or a tampered message covered by the MIC fails', async () => {
    const flipMic = await withAuthenticate((auth) => {
      auth[MIC_OFFSET + 3]! ^= 0x01
      return auth
    })
    expect(failureCode(flipMic)).toBe('not-authorized')
    expect(reason(flipMic)).toBe('mic-mismatch')
    // Dropping NEGOTIATE_SEAL from the AUTHENTICATE flags (a downgrade) is caught by the MIC.
    const downgrade = await withAuthenticate((auth) => {
      const view = new DataView(auth.buffer, auth.byteOffset)
      view.setUint32(60, view.getUint32(60, true) & ~NtlmFlags.NEGOTIATE_SEAL, true)
      return auth
    })
    expect(reason(downgrade)).toBe('mic-mismatch')
    // The NT response itself is covered by NTProofStr.
    const proof = await withAuthenticate((auth) => {
      auth[auth.length - 40]! ^= 0x80
      return auth
    })
    expect(failureCode(proof)).toBe('not-authorized')
  })

  it('a stale timestamp fails; the window is configurable', async () => {
    let t = Date.UTC(2026, 0, 1)
    const now = () => new Date(t)
    const c = client()
    const s = server({ now })
    const challenge = await s.next(await c.start())
    t += 6 * 60 * 1000 // six minutes between CHALLENGE and AUTHENTICATE
    if (challenge.type !== 'challenge') throw new Error('expected CHALLENGE')
    const stale = await s.next(await c.next(challenge.challenge))
    expect(failureCode(stale)).toBe('not-authorized')
    expect(reason(stale)).toBe('stale-timestamp')

    const c2 = client()
    const s2 = server({ now, timestampWindowMs: 10 * 60 * 1000 })
    const ch2 = await s2.next(await c2.start())
    t += 9 * 60 * 1000
    if (ch2.type !== 'challenge') throw new Error('expected CHALLENGE')
    expect((await s2.next(await c2.next(ch2.challenge))).type).toBe('success')
  })

  it('without an initial response the server asks with an empty challenge (MS-SMTPNTLM `334 NTLM supported`)', async () => {
    const c = client()
    const s = server()
    const initial = await c.start()
    expect(await s.next(undefined)).toEqual({ type: 'challenge', challenge: new Uint8Array(0) })
    // A profile may hand the empty challenge to the client instead of sending the initial response itself.
    const negotiate = await c.next(new Uint8Array(0))
    expect(hex(negotiate)).toBe(hex(initial!))
    const challenge = await s.next(negotiate)
    if (challenge.type !== 'challenge') throw new Error('expected CHALLENGE')
    expect((await s.next(await c.next(challenge.challenge))).type).toBe('success')
    // An empty initial response is not a NEGOTIATE_MESSAGE.
    expect(failureCode(await server().next(new Uint8Array(0)))).toBe('malformed-request')
  })

  it('takes the domain from the option, DOMAIN\\user or user@domain, and accepts an ntHash or a stored password', async () => {
    realms.length = 0
    expect((await runExchange(client({ username: 'tim', domain: 'CORP' }), server())).step.type).toBe('success')
    expect((await runExchange(client({ username: 'tim@example.com' }), server())).step.type).toBe('success')
    expect((await runExchange(client({ username: 'tim' }), server())).step.type).toBe('success')
    expect(realms).toEqual(['CORP', 'example.com', undefined])
    const byHash = ntlm.client({ username: 'plain', ntHash: ntHash('pencil') })
    expect((await runExchange(byHash, server())).step.type).toBe('success')
    expect((await runExchange(client({ username: 'plain', password: 'pencil' }), server())).step.type).toBe('success')
  })

  it('reports a disabled account only after the proof checks out', async () => {
    expect(reason((await runExchange(client({ username: 'off', password: 'guess' }), server())).step)).toBe('wrong-password')
    expect(failureCode((await runExchange(client({ username: 'off', password: 'pw' }), server())).step)).toBe('account-disabled')
  })

  it('NTLMv1 (with ESS) only when both sides allow legacy', async () => {
    const both = await runExchange(client({ legacy: true }), server({ legacy: true }))
    expect(both.step.type === 'success' && both.step.identity.details).toMatchObject({ response: 'NTLMv1-ESS', micChecked: false })
    const refused = await runExchange(client({ legacy: true }), server())
    expect(failureCode(refused.step)).toBe('mechanism-too-weak')
    expect(reason(refused.step)).toBe('ntlmv1-refused')
    // NTLMv2 clients are accepted by legacy servers too.
    expect((await runExchange(client(), server({ legacy: true }))).step.type).toBe('success')
    const wrong = await runExchange(client({ legacy: true, password: 'nope' }), server({ legacy: true }))
    expect(reason(wrong.step)).toBe('wrong-password')
  })

  it('plain NTLMv1 and LM (no ESS, OEM strings) with legacy, as libntlm/gsasl send them', async () => {
    // A NEGOTIATE asking for OEM only and no ESS, then NTLMv1 responses built by a legacy client.
    const s = server({ legacy: true })
    const challengeStep = await s.next(encodeNegotiate({ flags: NtlmFlags.NEGOTIATE_OEM | NtlmFlags.NEGOTIATE_NTLM | NtlmFlags.REQUEST_TARGET }))
    if (challengeStep.type !== 'challenge') throw new Error('expected CHALLENGE')
    const challenge = decodeNtlmMessage(challengeStep.challenge)
    expect(challenge.type === 2 && ntlmFlagNames(challenge.flags)).toEqual(['NEGOTIATE_OEM', 'REQUEST_TARGET', 'NEGOTIATE_NTLM', 'TARGET_TYPE_DOMAIN', 'NEGOTIATE_TARGET_INFO'])
    expect(challenge.type === 2 && challenge.targetName).toBe('EXAMPLE')
    const c = ntlm.client({ username: 'plain', password: 'pencil', legacy: true, workstation: 'BOX' })
    await c.start()
    const auth = await c.next(challengeStep.challenge)
    const decoded = decodeNtlmMessage(auth)
    expect(decoded.type === 3 && decoded.flags & NtlmFlags.NEGOTIATE_UNICODE).toBe(0)
    const step = await s.next(auth)
    expect(step.type === 'success' && step.identity.details).toMatchObject({ response: 'NTLMv1', workstation: 'BOX' })

    // An LM-only response (no NT response) against a stored plaintext password.
    const s2 = server({ legacy: true })
    const ch2 = await s2.next(encodeNegotiate({ flags: NtlmFlags.NEGOTIATE_OEM | NtlmFlags.NEGOTIATE_NTLM }))
    const c2 = ntlm.client({ username: 'plain', password: 'pencil', legacy: true })
    await c2.start()
    if (ch2.type !== 'challenge') throw new Error('expected CHALLENGE')
    const full = decodeNtlmMessage(await c2.next(ch2.challenge))
    if (full.type !== 3) throw new Error('expected AUTHENTICATE')
    const lmOnly = encodeAuthenticate({ ...full, ntChallengeResponse: new Uint8Array(0) })
    const lmStep = await s2.next(lmOnly)
    expect(lmStep.type === 'success' && lmStep.identity.details?.response).toBe('LM')
  })

  it('session security: both sides derive the same keys and wrap/unwrap in both directions, in sequence', async () => {
    for (const legacy of [false, true]) {
      const c = client({ legacy })
      const s = server({ legacy })
      const r = await runExchange(c, s)
      expect(r.step.type).toBe('success')
      const cs = c.session!
      const ss = s.session!
      expect(hex(cs.clientSealingKey)).toBe(hex(ss.clientSealingKey))
      expect(hex(cs.serverSigningKey)).toBe(hex(ss.serverSigningKey))
      for (const message of ['one', 'two', 'three']) {
        const up = cs.wrap(text(message))
        expect(new TextDecoder().decode(ss.unwrap(up.sealed, up.signature))).toBe(message)
        const down = ss.wrap(text(`re: ${message}`))
        expect(new TextDecoder().decode(cs.unwrap(down.sealed, down.signature))).toBe(`re: ${message}`)
      }
      const forged = cs.wrap(text('pay 10'))
      forged.sealed[4]! ^= 1
      await rejectsWithCode(() => ss.unwrap(forged.sealed, forged.signature), 'malformed-request')
    }
  })

  it('the client session appears only after finish()', async () => {
    const c = client()
    const s = server()
    const challenge = await s.next(await c.start())
    if (challenge.type !== 'challenge') throw new Error('expected CHALLENGE')
    await s.next(await c.next(challenge.challenge))
    expect(c.session).toBeUndefined()
    await c.finish()
    expect(c.session).toBeDefined()
  })
})

describe('NTLM messages', () => {
  it('names flags, and reads the target info of a saslkit CHALLENGE', async () => {
    expect(ntlmFlagNames(0x00000201)).toEqual(['NEGOTIATE_UNICODE', 'NEGOTIATE_NTLM'])
    expect(ntlmFlagNames(0x80000008)).toEqual(['NEGOTIATE_56', '0x00000008'])
    const step = await server({ now: () => new Date(Date.UTC(2026, 0, 1)) }).next(await client().start())
    if (step.type !== 'challenge') throw new Error('expected CHALLENGE')
    const m = decodeNtlmMessage(step.challenge)
    if (m.type !== 2) throw new Error('expected CHALLENGE')
    expect(m.targetName).toBe('EXAMPLE')
    const info = m.targetInfo ?? []
    expect(info.map((p) => p.id)).toEqual([AvId.MsvAvNbDomainName, AvId.MsvAvNbComputerName, AvId.MsvAvDnsDomainName, AvId.MsvAvDnsComputerName, AvId.MsvAvTimestamp])
    expect([AvId.MsvAvNbDomainName, AvId.MsvAvNbComputerName, AvId.MsvAvDnsDomainName, AvId.MsvAvDnsComputerName].map((id) => avString(info, id))).toEqual([
      'EXAMPLE',
      'MAIL',
      'example.com',
      'mail.example.com',
    ])
    // 2026-01-01T00:00:00Z as a FILETIME: (ms + 11644473600000) * 10^4, little-endian.
    expect(hex(info[4]!.value)).toBe('00008192b17adc01')
  })

  it('uses a fresh random server challenge each time, or the injected one', async () => {
    const challengeOf = async (s: ReturnType<typeof server>) => {
      const step = await s.next(await client().start())
      const m = step.type === 'challenge' ? decodeNtlmMessage(step.challenge) : undefined
      return m?.type === 2 ? hex(m.serverChallenge) : ''
    }
    const a = await challengeOf(server())
    const b = await challengeOf(server())
    expect(a).toMatch(/^[0-9a-f]{16}$/)
    expect(a).not.toBe(b)
    expect(await challengeOf(server({ serverChallenge: fromHex('0123456789abcdef') }))).toBe('0123456789abcdef')
    expect(await challengeOf(server({ random: (n) => new Uint8Array(n).fill(9) }))).toBe('0909090909090909')
  })
})

describe('NTLM negative cases', () => {
  const negotiate = encodeNegotiate({ flags: NtlmFlags.NEGOTIATE_UNICODE | NtlmFlags.NEGOTIATE_NTLM })
  const patch = (bytes: Uint8Array, at: number, values: number[]): Uint8Array => {
    const copy = bytes.slice()
    copy.set(values, at)
    return copy
  }
  const u16 = (n: number) => [n & 0xff, n >> 8]
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24]

  const firstMessageCases: Array<[string, Uint8Array, string]> = [
    ['empty after the prompt', new Uint8Array(0), 'malformed-request'],
    ['wrong signature', patch(negotiate, 0, [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x21]), 'malformed-request'],
    ['wrong message type (3 as the first message)', patch(negotiate, 8, u32(3)), 'malformed-request'],
    ['unknown message type', patch(negotiate, 8, u32(7)), 'malformed-request'],
    ['truncated before the flags', negotiate.subarray(0, 14), 'malformed-request'],
    ['truncated inside the fields', negotiate.subarray(0, 20), 'malformed-request'],
    ['domain offset past the end', patch(negotiate, 16, [...u16(8), ...u16(8), ...u32(100)]), 'malformed-request'],
    ['huge domain length', patch(negotiate, 16, [...u16(0xffff), ...u16(0xffff), ...u32(40)]), 'malformed-request'],
    ['field pointing into the header', patch(negotiate, 24, [...u16(4), ...u16(4), ...u32(8)]), 'malformed-request'],
    ['offset overflowing 32 bits', patch(negotiate, 16, [...u16(4), ...u16(4), ...u32(0xfffffffe)]), 'malformed-request'],
    ['over 8 KiB', new Uint8Array(9000), 'malformed-request'],
    ['not NTLM at all', text('hello'), 'malformed-request'],
  ]
  for (const [name, message, code] of firstMessageCases) {
    it(`server, NEGOTIATE: ${name} → ${code}`, async () => {
      const s = server()
      await s.next(undefined)
      expect(failureCode(await s.next(message))).toBe(code)
    })
  }

  const authCases: Array<[string, (auth: Uint8Array) => Uint8Array, string]> = [
    ['truncated to 50 bytes', (a) => a.subarray(0, 50), 'malformed-request'],
    ['truncated payload', (a) => a.subarray(0, a.length - 10), 'malformed-request'],
    ['NT response offset past the end', (a) => patch(a, 24, u32(a.length + 1)), 'malformed-request'],
    ['huge NT response length', (a) => patch(a, 20, [...u16(0xfff0), ...u16(0xfff0)]), 'malformed-request'],
    ['wrong signature', (a) => patch(a, 0, [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x01]), 'malformed-request'],
    ['wrong message type (a second NEGOTIATE)', () => negotiate, 'malformed-request'],
    ['wrong message type (a CHALLENGE)', (a) => patch(a, 8, u32(2)), 'malformed-request'],
    ['garbage', () => text('*'), 'malformed-request'],
    ['over 8 KiB', (a) => new Uint8Array(9000).fill(0x41, a.length), 'malformed-request'],
  ]
  for (const [name, edit, code] of authCases) {
    it(`server, AUTHENTICATE: ${name} → ${code}`, async () => {
      expect(failureCode(await withAuthenticate(edit))).toBe(code)
    })
  }

  /** Rebuilds the client's AUTHENTICATE with some fields replaced. */
  const rebuild = (changes: Record<string, unknown>) => (auth: Uint8Array) => {
    const m = decodeNtlmMessage(auth)
    if (m.type !== 3) throw new Error('expected AUTHENTICATE')
    return encodeAuthenticate({ ...m, ...changes })
  }
  const blobWith = (pairs: Uint8Array, version = 1) =>
    new Uint8Array([...new Uint8Array(16), version, 1, 0, 0, 0, 0, 0, 0, ...new Uint8Array(8), ...new Uint8Array(8).fill(0xaa), 0, 0, 0, 0, ...pairs, 0, 0, 0, 0])
  const manyPairs = encodeAvPairs(Array.from({ length: MAX_AV_PAIRS + 1 }, () => ({ id: AvId.MsvAvDnsTreeName, value: utf16le('x') })))
  const rebuiltCases: Array<[string, Record<string, unknown>, string, string?]> = [
    ['NTLMv1 response when NTLMv2 is required', { ntChallengeResponse: new Uint8Array(24) }, 'mechanism-too-weak', 'ntlmv1-refused'],
    ['LM-only response when NTLMv2 is required', { ntChallengeResponse: new Uint8Array(0), lmChallengeResponse: new Uint8Array(24) }, 'mechanism-too-weak'],
    ['NTLMv2 response too short', { ntChallengeResponse: new Uint8Array(40) }, 'malformed-request'],
    ['odd response lengths', { ntChallengeResponse: new Uint8Array(10) }, 'malformed-request'],
    ['NTLMv2 blob of an unknown version', { ntChallengeResponse: blobWith(encodeAvPairs([]), 2) }, 'malformed-request'],
    ['NTLMv2 blob without MsvAvEOL', { ntChallengeResponse: blobWith(new Uint8Array([2, 0, 2, 0, 0x41, 0])).subarray(0, 16 + 28 + 6) }, 'malformed-request'],
    ['NTLMv2 blob with too many AV pairs', { ntChallengeResponse: blobWith(manyPairs) }, 'malformed-request'],
    ['MsvAvFlags of the wrong size', { ntChallengeResponse: blobWith(new Uint8Array([6, 0, 2, 0, 2, 0, 0, 0, 0, 0])) }, 'malformed-request'],
    ['anonymous (empty user name)', { userName: '' }, 'not-authorized', 'anonymous'],
    ['user name over 1 KiB', { userName: 'u'.repeat(1100) }, 'malformed-request'],
    ['EncryptedRandomSessionKey of the wrong size', { encryptedRandomSessionKey: new Uint8Array(5) }, 'malformed-request'],
    ['a MIC announced in MsvAvFlags but missing from the header', { mic: undefined }, 'malformed-request'],
  ]
  for (const [name, changes, code, expectedReason] of rebuiltCases) {
    it(`server, AUTHENTICATE: ${name} → ${code}`, async () => {
      const step = await withAuthenticate(rebuild(changes))
      expect(failureCode(step)).toBe(code)
      if (expectedReason !== undefined) expect(reason(step)).toBe(expectedReason)
    })
  }

  it('server, AUTHENTICATE: UTF-16 with an odd length or a lone surrogate is refused', async () => {
    const oddName = (auth: Uint8Array) => {
      // UserName field at 36: shorten its length by one byte.
      const view = new DataView(auth.buffer, auth.byteOffset)
      const length = view.getUint16(36, true)
      return patch(auth, 36, [...u16(length - 1), ...u16(length - 1)])
    }
    expect(failureCode(await withAuthenticate(oddName))).toBe('malformed-request')
    expect(failureCode(await withAuthenticate(rebuild({ userName: 'tim\ud800' })))).toBe('incorrect-encoding')
  })

  it('a step after the end is a protocol violation', async () => {
    const s = server()
    await s.next(text('junk'))
    await rejectsWithCode(s.next(text('more')), 'protocol-violation')
  })

  const challengeCases: Array<[string, () => Uint8Array, string]> = [
    ['wrong signature', () => patch(encodeChallenge({ flags: 1, serverChallenge: new Uint8Array(8) }), 0, [0x58]), 'malformed-request'],
    ['a NEGOTIATE instead of a CHALLENGE', () => negotiate, 'malformed-request'],
    ['truncated before the server challenge', () => encodeChallenge({ flags: 1, serverChallenge: new Uint8Array(8) }).subarray(0, 28), 'malformed-request'],
    [
      'target info without MsvAvEOL',
      () => {
        const c = encodeChallenge({ flags: 1, serverChallenge: new Uint8Array(8), targetInfo: [{ id: AvId.MsvAvNbDomainName, value: utf16le('D') }] })
        return patch(c, 40, [...u16(6), ...u16(6)]).subarray(0, 56 + 6)
      },
      'malformed-request',
    ],
    [
      'target info with bytes after MsvAvEOL',
      () => {
        const c = encodeChallenge({ flags: 1, serverChallenge: new Uint8Array(8), targetInfo: [] })
        return new Uint8Array([...patch(c, 40, [...u16(6), ...u16(6)]), 0, 0])
      },
      'malformed-request',
    ],
    [
      'too many AV pairs',
      () => encodeChallenge({ flags: 1, serverChallenge: new Uint8Array(8), targetInfo: Array.from({ length: 40 }, () => ({ id: AvId.MsvAvDnsTreeName, value: new Uint8Array(2) })) }),
      'malformed-request',
    ],
    ['target info offset past the end', () => patch(encodeChallenge({ flags: 1, serverChallenge: new Uint8Array(8), targetInfo: [] }), 44, u32(500)), 'malformed-request'],
    ['MsvAvTimestamp of the wrong size', () => encodeChallenge({ flags: 1, serverChallenge: new Uint8Array(8), targetInfo: [{ id: AvId.MsvAvTimestamp, value: new Uint8Array(4) }] }), 'malformed-request'],
  ]
  for (const [name, make, code] of challengeCases) {
    it(`client, CHALLENGE: ${name} → ${code}`, async () => {
      const c = client()
      await c.start()
      await rejectsWithCode(c.next(make()), code)
    })
  }

  it('client: a challenge after the AUTHENTICATE, and bad options', async () => {
    const c = client()
    const s = server()
    const challenge = await s.next(await c.start())
    if (challenge.type !== 'challenge') throw new Error('expected CHALLENGE')
    await c.next(challenge.challenge)
    await rejectsWithCode(c.next(challenge.challenge), 'malformed-request')
    await rejectsWithCode(() => ntlm.client({ username: 'tim' }), 'protocol-violation') // neither password nor ntHash: decision 5
    await rejectsWithCode(() => ntlm.client({ username: '', password: 'x' }), 'malformed-request')
    await rejectsWithCode(() => ntlm.client({ username: 'EXAMPLE\\', password: 'x' }), 'malformed-request')
    await rejectsWithCode(() => ntlm.client({ username: 'tim', ntHash: new Uint8Array(15) }), 'protocol-violation')
    await rejectsWithCode(() => ntlm.client({ username: 'tim', password: 'x', clientChallenge: new Uint8Array(4) }), 'protocol-violation')
    await rejectsWithCode(() => ntlm.client({ username: 'tim', password: 'x', channelBinding: { type: 'tls-exporter', data: new Uint8Array(32) } }), 'protocol-violation')
    await rejectsWithCode(() => ntlm.client({ username: 'tim', password: 'x', channelBinding: { type: 'tls-server-end-point', data: {} as Uint8Array } }), 'protocol-violation')
    await rejectsWithCode(() => ntlm.client({ username: 'tim', password: 'x', domain: 7 as unknown as string }), 'protocol-violation')
    const badRandom = ntlm.client({ username: 'tim', password: 'x', random: () => new Uint8Array(3) })
    const s2 = server()
    const ch = await s2.next(await badRandom.start())
    if (ch.type !== 'challenge') throw new Error('expected CHALLENGE')
    await rejectsWithCode(badRandom.next(ch.challenge), 'protocol-violation')
    await rejectsWithCode(() => ntlm.server({}), 'protocol-violation')
    await rejectsWithCode(() => ntlm.server({ credentials, serverChallenge: new Uint8Array(7) }), 'protocol-violation')
    await rejectsWithCode(() => ntlm.server({ credentials, timestampWindowMs: -1 }), 'protocol-violation')
    const early = client()
    await early.start()
    await rejectsWithCode(early.finish(), 'protocol-violation')
  })

  it('a failing credentials callback is a temporary failure', async () => {
    const s = ntlm.server({
      credentials: () => {
        throw new Error('database down')
      },
    })
    expect(failureCode((await runExchange(client(), s)).step)).toBe('temporary-auth-failure')
  })
})

describe('ntHash and the {NTLM} password scheme', () => {
  it('ntHash is MD4 of the UTF-16LE password (MS-NLMP §4.2.2.1.2; non-ASCII as UTF-16 code units)', () => {
    expect(hex(ntHash('Password'))).toBe('a4f49c406510bdcab6824ee7c30fd852')
    // OpenSSL (legacy provider) MD4 over Buffer.from('Pässwörd€', 'utf16le').
    expect(hex(ntHash('Pässwörd€'))).toBe('04e9d4087e1303bea8e5239aa5ddd064')
  })

  it('{NTLM} reads and writes the hex NT hash (Dovecot ≤ 2.2 NTLM scheme, smbpasswd case too)', () => {
    expect(formatPasswordScheme('NTLM', { ntHash: ntHash('Password') })).toBe('{NTLM}a4f49c406510bdcab6824ee7c30fd852')
    expect(hex(parsePasswordScheme('{NTLM}A4F49C406510BDCAB6824EE7C30FD852').ntHash!)).toBe('a4f49c406510bdcab6824ee7c30fd852')
  })

  it('{NTLM} refuses malformed values', async () => {
    await rejectsWithCode(() => parsePasswordScheme('{NTLM}a4f49c'), 'malformed-request')
    await rejectsWithCode(() => parsePasswordScheme('{NTLM}zzf49c406510bdcab6824ee7c30fd852'), 'malformed-request')
    await rejectsWithCode(() => formatPasswordScheme('NTLM', { password: 'x' }), 'malformed-request')
  })

  it('deriveCredentials fills ntHash, which the NTLM server accepts', async () => {
    const stored = await deriveCredentials('tanstaaftanstaaf')
    expect(hex(stored.ntHash!)).toBe(hex(ntHash('tanstaaftanstaaf')))
    const s = ntlm.server({ credentials: (u) => (u === 'tim' ? stored : undefined) })
    expect((await runExchange(client(), s)).step.type).toBe('success')
  })
})
