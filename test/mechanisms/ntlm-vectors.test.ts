import { describe, expect, it } from 'vitest'
import vectors from '../vectors/ntlm.json' with { type: 'json' }
import { ntHash, ntlm, type ServerStep } from '../../src/index.js'
import { md4 } from '../../src/crypto/md4.js'
import {
  channelBindingsHash,
  lmv2Response,
  ntlmv2Blob,
  ntlmv2Response,
  ntowfv2,
  rc4k,
} from '../../src/mechanisms/ntlm/crypto.js'
import { createSession, sealKey, signKey } from '../../src/mechanisms/ntlm/session.js'
import { desl, keyExchangeKeyV1, lmHash, ntlmv1Responses } from '../../src/mechanisms/ntlm/legacy.js'
import {
  AvId,
  NtlmFlags,
  decodeNtlmMessage,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
  utf16le,
  type NtlmVersion,
} from '../../src/mechanisms/ntlm/messages.js'
import { encodeChallenge } from '../../src/mechanisms/ntlm/challenge.js'
import { fromHex, hex } from '../helpers/exchange.js'

type Vector = { id: string; source: string; inputs: Record<string, string | number>; expected: Record<string, string | number> }
const all = vectors.vectors as unknown as Vector[]
const byId = (id: string): Vector => {
  const v = all.find((x) => x.id === id)
  if (v === undefined) throw new Error(`missing vector ${id}`)
  return v
}
const out = (v: Vector, key: string): string => String(v.expected[key])
const title = (v: Vector): string => `${v.id} — ${v.source.split(' (')[0]}`

// MS-NLMP §4.2.1 values shared by every example.
const USER = 'User'
const DOMAIN = 'Domain'
const PASSWORD = 'Password'
const SERVER_CHALLENGE = fromHex('0123456789abcdef')
const CLIENT_CHALLENGE = fromHex('aaaaaaaaaaaaaaaa')
const RANDOM_SESSION_KEY = fromHex('55555555555555555555555555555555')
const TIME = fromHex('0000000000000000')
const CLIENT_VERSION: NtlmVersion = { major: 5, minor: 1, build: 2600, revision: 15 } // 0501280a0000000f
const SERVER_VERSION: NtlmVersion = { major: 6, minor: 0, build: 6000, revision: 15 } // 060070170000000f
const TARGET_INFO = [
  { id: AvId.MsvAvNbDomainName, value: utf16le(DOMAIN) },
  { id: AvId.MsvAvNbComputerName, value: utf16le('Server') },
]
const used = new Set<string>()
const vector = (id: string): Vector => {
  used.add(id)
  return byId(id)
}

describe('MS-NLMP §4.2.1 common values', () => {
  const v = vector('MS-NLMP 4.2.1 common values')
  it(title(v), () => {
    expect(hex(utf16le(String(v.inputs.User)))).toBe(out(v, 'User_utf16le_hex'))
    expect(hex(utf16le(String(v.inputs.UserDom)))).toBe(out(v, 'UserDom_utf16le_hex'))
    expect(hex(utf16le(String(v.inputs.Server)))).toBe(out(v, 'Server_utf16le_hex'))
    expect(hex(utf16le(String(v.inputs.Workstation)))).toBe(out(v, 'Workstation_utf16le_hex'))
  })
})

describe('MS-NLMP §4.2.2 NTLMv1 authentication', () => {
  const lmowf = lmHash(PASSWORD)!
  const ntowf = ntHash(PASSWORD)
  const v1 = ntlmv1Responses(ntowf, lmowf, SERVER_CHALLENGE, undefined)

  const lmowfVector = vector('MS-NLMP 4.2.2.1.1 LMOWFv1')
  it(title(lmowfVector), () => expect(hex(lmowf)).toBe(out(lmowfVector, 'LMOWFv1_hex')))
  const ntowfVector = vector('MS-NLMP 4.2.2.1.2 NTOWFv1')
  it(title(ntowfVector), () => expect(hex(ntowf)).toBe(out(ntowfVector, 'NTOWFv1_hex')))
  const sbk = vector('MS-NLMP 4.2.2.1.3 NTLMv1 SessionBaseKey')
  it(title(sbk), () => {
    expect(hex(md4(fromHex(String(sbk.inputs.NTOWFv1_hex))))).toBe(out(sbk, 'SessionBaseKey_hex'))
    expect(hex(v1.sessionBaseKey)).toBe(out(sbk, 'SessionBaseKey_hex'))
  })
  const ntResponse = vector('MS-NLMP 4.2.2.2.1 NTLMv1 Response')
  it(title(ntResponse), () => {
    expect(hex(desl(fromHex(String(ntResponse.inputs.NTOWFv1_hex)), SERVER_CHALLENGE))).toBe(out(ntResponse, 'NtChallengeResponse_hex'))
    expect(hex(v1.ntChallengeResponse)).toBe(out(ntResponse, 'NtChallengeResponse_hex'))
  })
  const lmResponse = vector('MS-NLMP 4.2.2.2.2 LMv1 Response')
  it(title(lmResponse), () => {
    expect(hex(v1.lmChallengeResponse)).toBe(out(lmResponse, 'LmChallengeResponse_hex'))
    // Without an LM hash (password longer than 14, or ntHash only) the LM field copies the NT response.
    expect(hex(ntlmv1Responses(ntowf, undefined, SERVER_CHALLENGE, undefined).lmChallengeResponse)).toBe(hex(v1.ntChallengeResponse))
  })

  const keyCases: Array<[string, number]> = [
    ['MS-NLMP 4.2.2.2.3 EncryptedSessionKey - KeyExchangeKey = SessionBaseKey (no LM_KEY, no NON_NT_SESSION_KEY)', 0],
    ['MS-NLMP 4.2.2.2.3 EncryptedSessionKey - NTLMSSP_REQUEST_NON_NT_SESSION_KEY', NtlmFlags.REQUEST_NON_NT_SESSION_KEY],
    ['MS-NLMP 4.2.2.2.3 EncryptedSessionKey - NTLMSSP_NEGOTIATE_LM_KEY', NtlmFlags.NEGOTIATE_LM_KEY],
  ]
  for (const [id, flags] of keyCases) {
    const v = vector(id)
    it(`${title(v)} (KXKEY derived, then RC4K)`, () => {
      const kxkey = keyExchangeKeyV1(flags, v1.sessionBaseKey, lmowf, v1.lmChallengeResponse, SERVER_CHALLENGE)
      expect(hex(kxkey)).toBe(String(v.inputs.KeyExchangeKey_hex))
      expect(hex(rc4k(kxkey, fromHex(String(v.inputs.RandomSessionKey_hex))))).toBe(out(v, 'EncryptedRandomSessionKey_hex'))
    })
  }

  const challenge = vector('MS-NLMP 4.2.2.3 CHALLENGE_MESSAGE (NTLMv1)')
  it(`${title(challenge)} (68-byte form, encode and decode)`, () => {
    const bytes = encodeChallenge({ flags: 0xe2028233, serverChallenge: SERVER_CHALLENGE, targetName: 'Server', version: SERVER_VERSION })
    expect(hex(bytes)).toBe(out(challenge, 'CHALLENGE_MESSAGE_hex'))
    expect(decodeNtlmMessage(fromHex(out(challenge, 'CHALLENGE_MESSAGE_hex')))).toEqual({
      type: 2,
      flags: 0xe2028233,
      serverChallenge: SERVER_CHALLENGE,
      targetName: 'Server',
      version: SERVER_VERSION,
    })
  })

  const authenticate = vector('MS-NLMP 4.2.2.3 AUTHENTICATE_MESSAGE (NTLMv1)')
  it(`${title(authenticate)} (encode and decode)`, () => {
    const message = {
      flags: 0xe2808235,
      lmChallengeResponse: v1.lmChallengeResponse,
      ntChallengeResponse: v1.ntChallengeResponse,
      domain: DOMAIN,
      userName: USER,
      workstation: 'COMPUTER',
      encryptedRandomSessionKey: rc4k(v1.sessionBaseKey, RANDOM_SESSION_KEY),
      version: CLIENT_VERSION,
    }
    expect(hex(encodeAuthenticate(message))).toBe(out(authenticate, 'AUTHENTICATE_MESSAGE_hex'))
    expect(decodeNtlmMessage(fromHex(out(authenticate, 'AUTHENTICATE_MESSAGE_hex')))).toEqual({ type: 3, ...message })
  })
})

describe('MS-NLMP §4.2.3 NTLMv1 with extended session security', () => {
  const ntowf = ntHash(PASSWORD)
  const ess = ntlmv1Responses(ntowf, undefined, SERVER_CHALLENGE, CLIENT_CHALLENGE)
  const kxkey = keyExchangeKeyV1(NtlmFlags.NEGOTIATE_EXTENDED_SESSIONSECURITY, ess.sessionBaseKey, undefined, ess.lmChallengeResponse, SERVER_CHALLENGE)

  const sbk = vector('MS-NLMP 4.2.3.1.2 SessionBaseKey')
  it(title(sbk), () => expect(hex(ess.sessionBaseKey)).toBe(out(sbk, 'value_hex')))
  const kx = vector('MS-NLMP 4.2.3.1.3 KeyExchangeKey')
  it(title(kx), () => expect(hex(kxkey)).toBe(out(kx, 'value_hex')))
  const lm = vector('MS-NLMP 4.2.3.2.1 LMv1 Response (ESS)')
  it(title(lm), () => expect(hex(ess.lmChallengeResponse)).toBe(out(lm, 'value_hex')))
  const nt = vector('MS-NLMP 4.2.3.2.2 NTLMv1 Response (ESS)')
  it(title(nt), () => expect(hex(ess.ntChallengeResponse)).toBe(out(nt, 'value_hex')))

  const messages = vector('MS-NLMP 4.2.3.3 CHALLENGE/AUTHENTICATE (NTLMv1 + ESS)')
  it(`${title(messages)} (encode and decode)`, () => {
    const challenge = encodeChallenge({ flags: 0x820a8233, serverChallenge: SERVER_CHALLENGE, targetName: 'Server', version: SERVER_VERSION })
    expect(hex(challenge)).toBe(out(messages, 'CHALLENGE_MESSAGE_hex'))
    const message = {
      flags: 0x82088235,
      lmChallengeResponse: ess.lmChallengeResponse,
      ntChallengeResponse: ess.ntChallengeResponse,
      domain: DOMAIN,
      userName: USER,
      workstation: 'COMPUTER',
      encryptedRandomSessionKey: new Uint8Array(0), // no KEY_EXCH: an empty field at the payload's end
      version: CLIENT_VERSION,
    }
    expect(hex(encodeAuthenticate(message))).toBe(out(messages, 'AUTHENTICATE_MESSAGE_hex'))
    expect(decodeNtlmMessage(fromHex(out(messages, 'AUTHENTICATE_MESSAGE_hex')))).toEqual({ type: 3, ...message })
  })
})

describe('MS-NLMP §4.2.4 NTLMv2 authentication', () => {
  const responseKey = ntowfv2(ntHash(PASSWORD), USER, DOMAIN)
  const blob = ntlmv2Blob(TIME, CLIENT_CHALLENGE, encodeAvPairs(TARGET_INFO))
  const v2 = ntlmv2Response(responseKey, SERVER_CHALLENGE, blob)
  const lmv2 = lmv2Response(responseKey, SERVER_CHALLENGE, CLIENT_CHALLENGE)
  const encryptedKey = rc4k(v2.sessionBaseKey, RANDOM_SESSION_KEY)

  const cases: Array<[string, () => Uint8Array]> = [
    ['MS-NLMP 4.2.4.1.1 NTOWFv2 (= LMOWFv2)', () => responseKey],
    ['MS-NLMP 4.2.4.1.2 SessionBaseKey', () => v2.sessionBaseKey],
    ['MS-NLMP 4.2.4.2.1 LMv2 Response', () => lmv2],
    ['MS-NLMP 4.2.4.2.2 NTProofStr', () => v2.ntProofStr],
    ['MS-NLMP 4.2.4.2.2 temp (blob)', () => blob],
    ['MS-NLMP 4.2.4.2.3 EncryptedSessionKey', () => encryptedKey],
  ]
  for (const [id, compute] of cases) {
    const v = vector(id)
    it(title(v), () => {
      expect(hex(encodeAvPairs(TARGET_INFO))).toBe(String(v.inputs.AV_pairs_hex))
      expect(hex(compute())).toBe(out(v, 'value_hex'))
    })
  }

  const avPairs = vector('MS-NLMP 4.2.4 AV pairs (TargetInfo)')
  it(`${title(avPairs)} (NbDomainName before NbComputerName, then MsvAvEOL)`, () => {
    expect(hex(encodeAvPairs(TARGET_INFO))).toBe(out(avPairs, 'TargetInfo_hex'))
    expect(encodeAvPairs(TARGET_INFO).length).toBe(avPairs.expected.length)
  })

  const messages = vector('MS-NLMP 4.2.4.3 CHALLENGE/AUTHENTICATE (NTLMv2)')
  it(`${title(messages)} (encode and decode)`, () => {
    const challenge = { flags: 0xe28a8233, serverChallenge: SERVER_CHALLENGE, targetName: 'Server', targetInfo: TARGET_INFO, version: SERVER_VERSION }
    expect(hex(encodeChallenge(challenge))).toBe(out(messages, 'CHALLENGE_MESSAGE_hex'))
    expect(decodeNtlmMessage(fromHex(out(messages, 'CHALLENGE_MESSAGE_hex')))).toEqual({ type: 2, ...challenge })
    const message = {
      flags: 0xe2888235,
      lmChallengeResponse: lmv2,
      ntChallengeResponse: v2.ntChallengeResponse,
      domain: DOMAIN,
      userName: USER,
      workstation: 'COMPUTER',
      encryptedRandomSessionKey: encryptedKey,
      version: CLIENT_VERSION,
    }
    expect(v2.ntChallengeResponse.length).toBe(messages.expected.NtChallengeResponse_len)
    expect(hex(encodeAuthenticate(message))).toBe(out(messages, 'AUTHENTICATE_MESSAGE_hex'))
    expect(decodeNtlmMessage(fromHex(out(messages, 'AUTHENTICATE_MESSAGE_hex')))).toEqual({ type: 3, ...message })
  })
})

describe('MS-NLMP §3.4.5 session keys', () => {
  const ess = NtlmFlags.NEGOTIATE_EXTENDED_SESSIONSECURITY
  const cases: Array<[string, () => Uint8Array]> = [
    ['MS-NLMP 3.4.5 client SignKey (ESS, key=0x55*16)', () => signKey(RANDOM_SESSION_KEY, 'client')],
    ['MS-NLMP 3.4.5 server SignKey (ESS)', () => signKey(RANDOM_SESSION_KEY, 'server')],
    ['MS-NLMP 3.4.5 client SealKey 128-bit (ESS)', () => sealKey(RANDOM_SESSION_KEY, ess | NtlmFlags.NEGOTIATE_128, 'client')],
    ['MS-NLMP 3.4.5 server SealKey 128-bit (ESS)', () => sealKey(RANDOM_SESSION_KEY, ess | NtlmFlags.NEGOTIATE_128, 'server')],
    ['MS-NLMP 3.4.5 client SealKey 56-bit (ESS)', () => sealKey(RANDOM_SESSION_KEY, ess | NtlmFlags.NEGOTIATE_56, 'client')],
    ['MS-NLMP 3.4.5 client SealKey 40-bit (ESS)', () => sealKey(RANDOM_SESSION_KEY, ess, 'client')],
    ['MS-NLMP 3.4.5 SealKey no-ESS LM_KEY/datagram 56-bit', () => sealKey(RANDOM_SESSION_KEY, NtlmFlags.NEGOTIATE_LM_KEY | NtlmFlags.NEGOTIATE_56, 'client')],
    ['MS-NLMP 3.4.5 SealKey no-ESS LM_KEY/datagram 40-bit', () => sealKey(RANDOM_SESSION_KEY, NtlmFlags.NEGOTIATE_DATAGRAM, 'client')],
  ]
  for (const [id, compute] of cases) {
    const v = vector(id)
    it(title(v), () => {
      expect(hex(fromHex(String(v.inputs.ExportedSessionKey_hex)))).toBe(hex(RANDOM_SESSION_KEY))
      expect(hex(compute())).toBe(out(v, 'key_hex'))
    })
  }
})

describe('MS-NLMP §4.2.x GSS_WrapEx examples (sealing)', () => {
  const plaintext = utf16le('Plaintext')
  const wrapCases: Array<[string, Uint8Array, number]> = [
    // §4.2.2.4: no ESS, so SealKey = ExportedSessionKey and the signature carries RC4(CRC32).
    ['MS-NLMP 4.2.2.4 GSS_WrapEx NTLMv1 (no ESS)', RANDOM_SESSION_KEY, 0xe2808235],
    // §4.2.3.4: ESS, 56-bit keys, no KEY_EXCH: the HMAC checksum is sent as is.
    ['MS-NLMP 4.2.3.4 GSS_WrapEx NTLMv1 + ESS', fromHex('eb93429a8bd952f8b89c55b87f475edc'), 0x82088235],
    // §4.2.4.4: ESS, 128-bit keys, KEY_EXCH: the checksum is RC4-encrypted after the message.
    ['MS-NLMP 4.2.4.4 GSS_WrapEx NTLMv2', RANDOM_SESSION_KEY, 0xe2888235],
  ]
  for (const [id, exportedSessionKey, flags] of wrapCases) {
    const v = vector(id)
    it(title(v), () => {
      expect(hex(plaintext)).toBe(String(v.inputs.Plaintext_hex))
      const client = createSession(exportedSessionKey, flags, 'client')
      if (v.inputs['SealKey(56-bit)_hex'] !== undefined) expect(hex(client.clientSealingKey)).toBe(String(v.inputs['SealKey(56-bit)_hex']))
      if (v.inputs.SealKey_hex !== undefined) expect(hex(client.clientSealingKey)).toBe(String(v.inputs.SealKey_hex))
      if (v.inputs.SignKey_hex !== undefined) expect(hex(client.clientSigningKey)).toBe(String(v.inputs.SignKey_hex))
      const { sealed, signature } = client.wrap(plaintext)
      expect(hex(sealed)).toBe(out(v, 'sealed_hex'))
      expect(hex(signature)).toBe(out(v, 'signature_hex'))
      // The server side unwraps it with the same keys (its receiving handle mirrors the client's).
      expect(hex(createSession(exportedSessionKey, flags, 'server').unwrap(sealed, signature))).toBe(hex(plaintext))
    })
  }
})

describe('Channel-binding hashes (MsvAvChannelBindings)', () => {
  for (const id of ['Channel bindings hash (Chromium/MS blog EPA vector)', 'Channel bindings hash (ntlm-auth vector)']) {
    const v = vector(id)
    it(title(v), () => {
      const application = fromHex(String(v.inputs.application_data_hex))
      const prefix = new TextEncoder().encode('tls-server-end-point:')
      expect(hex(application.subarray(0, prefix.length))).toBe(hex(prefix))
      const hash = channelBindingsHash({ type: 'tls-server-end-point', data: application.subarray(prefix.length) })
      expect(hex(hash)).toBe(out(v, 'MsvAvChannelBindings_hex'))
    })
  }
  const rc4Vector = vector('RC4 sanity vector (Apache HttpClient)')
  it(title(rc4Vector), () => {
    expect(hex(rc4k(fromHex(String(rc4Vector.inputs.key_hex)), fromHex(String(rc4Vector.inputs.data_hex))))).toBe(out(rc4Vector, 'output_hex'))
  })
})

describe('the MS-NLMP §4.2 messages against saslkit’s own client and server', () => {
  const serverFor = (legacy: boolean, timestampWindowMs?: number) =>
    ntlm.server({
      credentials: (user) => (user === USER ? { password: PASSWORD } : undefined),
      serverChallenge: SERVER_CHALLENGE,
      legacy,
      ...(timestampWindowMs === undefined ? {} : { timestampWindowMs }),
    })
  // The server sees a NEGOTIATE asking for what the example's AUTHENTICATE uses, then the example's AUTHENTICATE.
  const replay = async (server: ReturnType<typeof serverFor>, authenticateHex: string, flags: number): Promise<ServerStep> => {
    const challenge = await server.next(encodeNegotiate({ flags: flags | NtlmFlags.REQUEST_TARGET }))
    expect(challenge.type).toBe('challenge')
    return server.next(fromHex(authenticateHex))
  }
  const secretKey = (step: ServerStep): string =>
    step.type === 'success' ? hex(step.identity.details!.exportedSessionKey as Uint8Array) : step.type === 'failure' ? step.error.code : 'challenge'

  it('§4.2.4.3 AUTHENTICATE (NTLMv2) verifies; its Time of 1601 is stale under the default window', async () => {
    const auth = byId('MS-NLMP 4.2.4.3 CHALLENGE/AUTHENTICATE (NTLMv2)').expected.AUTHENTICATE_MESSAGE_hex as string
    const ok = await replay(serverFor(false, Infinity), auth, 0xe2888235)
    expect(secretKey(ok)).toBe(hex(RANDOM_SESSION_KEY))
    expect(ok.type === 'success' && ok.identity.details).toMatchObject({ domain: DOMAIN, workstation: 'COMPUTER', response: 'NTLMv2', micChecked: false })
    const stale = await replay(serverFor(false), auth, 0xe2888235)
    expect(stale.type === 'failure' && stale.error.reason).toBe('stale-timestamp')
  })

  it('§4.2.2.3 AUTHENTICATE (NTLMv1) verifies only with legacy', async () => {
    const auth = byId('MS-NLMP 4.2.2.3 AUTHENTICATE_MESSAGE (NTLMv1)').expected.AUTHENTICATE_MESSAGE_hex as string
    expect(secretKey(await replay(serverFor(true), auth, 0xe2808235))).toBe(hex(RANDOM_SESSION_KEY))
    expect(secretKey(await replay(serverFor(false), auth, 0xe2808235))).toBe('mechanism-too-weak')
  })

  it('§4.2.3.3 AUTHENTICATE (NTLMv1 + ESS) verifies only with legacy; ExportedSessionKey = KXKEY', async () => {
    const auth = byId('MS-NLMP 4.2.3.3 CHALLENGE/AUTHENTICATE (NTLMv1 + ESS)').expected.AUTHENTICATE_MESSAGE_hex as string
    const ok = await replay(serverFor(true), auth, 0x82088235)
    expect(secretKey(ok)).toBe('eb93429a8bd952f8b89c55b87f475edc')
    expect(ok.type === 'success' && ok.identity.details?.response).toBe('NTLMv1-ESS')
    expect(secretKey(await replay(serverFor(false), auth, 0x82088235))).toBe('mechanism-too-weak')
  })

  it('the client answers the §4.2.4.3 CHALLENGE with the example’s LMv2, NTProofStr formula and key', async () => {
    const challengeHex = byId('MS-NLMP 4.2.4.3 CHALLENGE/AUTHENTICATE (NTLMv2)').expected.CHALLENGE_MESSAGE_hex as string
    const client = ntlm.client({
      username: USER,
      password: PASSWORD,
      domain: DOMAIN,
      workstation: 'COMPUTER',
      clientChallenge: CLIENT_CHALLENGE,
      exportedSessionKey: RANDOM_SESSION_KEY,
      now: () => new Date(-11644473600000), // FILETIME 0: the example's Time
    })
    await client.start()
    const auth = decodeNtlmMessage(await client.next(fromHex(challengeHex)))
    if (auth.type !== 3) throw new Error('expected AUTHENTICATE')
    const responseKey = ntowfv2(ntHash(PASSWORD), USER, DOMAIN)
    // No MsvAvTimestamp in the example CHALLENGE: the LM field is LMv2, as in §4.2.4.2.1.
    expect(hex(auth.lmChallengeResponse)).toBe(out(byId('MS-NLMP 4.2.4.2.1 LMv2 Response'), 'value_hex'))
    const blob = auth.ntChallengeResponse.subarray(16)
    // The blob starts like the example's temp (version, Z(6), Time, ClientChallenge, Z(4), the server's pairs)…
    const exampleTemp = out(byId('MS-NLMP 4.2.4.2.2 temp (blob)'), 'value_hex')
    expect(hex(blob).startsWith(exampleTemp.slice(0, (28 + 32) * 2))).toBe(true)
    // …then adds MsvAvFlags (MIC present) and an all-zero MsvAvChannelBindings before MsvAvEOL.
    expect(hex(blob.subarray(28 + 32))).toBe('0600040002000000' + '0a001000' + '00'.repeat(16) + '00000000' + '00000000')
    const { ntProofStr, sessionBaseKey } = ntlmv2Response(responseKey, SERVER_CHALLENGE, blob)
    expect(hex(auth.ntChallengeResponse.subarray(0, 16))).toBe(hex(ntProofStr))
    expect(hex(auth.encryptedRandomSessionKey)).toBe(hex(rc4k(sessionBaseKey, RANDOM_SESSION_KEY)))
    expect(auth).toMatchObject({ domain: DOMAIN, userName: USER, workstation: 'COMPUTER' })
    expect(auth.mic?.length).toBe(16)
  })

  it('a legacy client answers the §4.2.2.3 and §4.2.3.3 CHALLENGEs with the examples’ responses', async () => {
    const run = async (challengeHex: string) => {
      const client = ntlm.client({ username: USER, password: PASSWORD, domain: DOMAIN, legacy: true, clientChallenge: CLIENT_CHALLENGE, exportedSessionKey: RANDOM_SESSION_KEY })
      await client.start()
      const auth = decodeNtlmMessage(await client.next(fromHex(challengeHex)))
      if (auth.type !== 3) throw new Error('expected AUTHENTICATE')
      return auth
    }
    const v1 = await run(byId('MS-NLMP 4.2.2.3 CHALLENGE_MESSAGE (NTLMv1)').expected.CHALLENGE_MESSAGE_hex as string)
    expect(hex(v1.lmChallengeResponse)).toBe(out(byId('MS-NLMP 4.2.2.2.2 LMv1 Response'), 'LmChallengeResponse_hex'))
    expect(hex(v1.ntChallengeResponse)).toBe(out(byId('MS-NLMP 4.2.2.2.1 NTLMv1 Response'), 'NtChallengeResponse_hex'))
    expect(hex(v1.encryptedRandomSessionKey)).toBe('518822b1b3f350c8958682ecbb3e3cb7')
    expect(v1.mic).toBeUndefined()
    const ess = await run(byId('MS-NLMP 4.2.3.3 CHALLENGE/AUTHENTICATE (NTLMv1 + ESS)').expected.CHALLENGE_MESSAGE_hex as string)
    expect(hex(ess.lmChallengeResponse)).toBe(out(byId('MS-NLMP 4.2.3.2.1 LMv1 Response (ESS)'), 'value_hex'))
    expect(hex(ess.ntChallengeResponse)).toBe(out(byId('MS-NLMP 4.2.3.2.2 NTLMv1 Response (ESS)'), 'value_hex'))
    expect(ess.encryptedRandomSessionKey.length).toBe(0) // the example CHALLENGE does not offer KEY_EXCH
  })

  it('covers every entry of test/vectors/ntlm.json', () => {
    expect(all.map((v) => v.id).filter((id) => !used.has(id))).toEqual([])
  })
})
