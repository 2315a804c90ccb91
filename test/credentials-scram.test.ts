import { describe, expect, it } from 'vitest'
import schemes from './vectors/scram-password-schemes.json' with { type: 'json' }
import sha256Vectors from './vectors/scram-sha-256.json' with { type: 'json' }
import {
  base64Encode,
  deriveCredentials,
  formatPasswordScheme,
  parsePasswordScheme,
  scramSha1,
  scramSha256,
  scramSha512,
  type PasswordScheme,
  type ScramMechanism,
} from '../src/index.js'
import { fromHex, hex, rejectsWithCode, runExchange } from './helpers/exchange.js'

const MECHANISMS: Record<string, ScramMechanism> = { 'SCRAM-SHA-1': scramSha1, 'SCRAM-SHA-256': scramSha256, 'SCRAM-SHA-512': scramSha512 }

describe('SCRAM password schemes written by Dovecot and GNU SASL', () => {
  for (const v of schemes.vectors) {
    it(`${v.id} — ${v.source}: parsed, accepted by the server for 'pencil', written back`, async () => {
      const stored = parsePasswordScheme(v.expected.scheme_text)
      const mechanism = MECHANISMS[v.inputs.mechanism]!
      const hash = v.inputs.mechanism.slice('SCRAM-'.length) as 'SHA-1' | 'SHA-256'
      expect(stored.scram?.[hash]?.iterations).toBe(v.expected.iterations)
      const ok = await runExchange(mechanism.client({ username: 'u', password: v.inputs.password }), mechanism.server({ credentials: () => stored }))
      expect(ok.step.type).toBe('success')
      expect(ok.clientError).toBeUndefined()
      const wrong = await runExchange(mechanism.client({ username: 'u', password: 'pencil2' }), mechanism.server({ credentials: () => stored }))
      expect(wrong.step.type).toBe('failure')
      // Written back in Dovecot's four-field form (GNU SASL's optional fifth field is not kept).
      expect(formatPasswordScheme(v.inputs.mechanism as PasswordScheme, stored)).toBe(v.expected.scheme_text.split(',').slice(0, 4).join(','))
    }, 60000)
  }

  it('refuses malformed SCRAM schemes', async () => {
    const good = schemes.vectors[0]!.expected.scheme_text
    const [head, salt, storedKey, serverKey] = good.split(',') as [string, string, string, string]
    const iterations = head.slice(head.indexOf('}') + 1)
    const bad: Array<[string, string]> = [
      ['{SCRAM-SHA-256}', 'malformed-request'],
      [`{SCRAM-SHA-256}${iterations},${salt},${storedKey}`, 'malformed-request'],
      [`{SCRAM-SHA-256}0,${salt},${storedKey},${serverKey}`, 'malformed-request'],
      [`{SCRAM-SHA-256}x,${salt},${storedKey},${serverKey}`, 'malformed-request'],
      [`{SCRAM-SHA-256}${iterations},,${storedKey},${serverKey}`, 'malformed-request'],
      [`{SCRAM-SHA-256}${iterations},${salt},${storedKey}x,${serverKey}`, 'incorrect-encoding'],
      [`{SCRAM-SHA-1}${iterations},${salt},${storedKey},${serverKey}`, 'malformed-request'], // SHA-256 keys under SHA-1
      [`{SCRAM-SHA-256}${iterations},${salt},${storedKey},${serverKey},${'00'.repeat(32)}`, 'malformed-request'], // salted password that does not match
      [`{SCRAM-SHA-256}${iterations},${salt},${storedKey},${serverKey},a,b`, 'malformed-request'],
    ]
    for (const [text, code] of bad) await rejectsWithCode(() => parsePasswordScheme(text), code)
    await rejectsWithCode(() => formatPasswordScheme('SCRAM-SHA-512', { password: 'x' }), 'malformed-request')
  })
})

describe('deriveCredentials: SCRAM records', () => {
  it('reproduces the RFC 7677 §3 StoredKey and ServerKey from its salt and iterations', async () => {
    const v = sha256Vectors.vectors[0]!
    const stored = await deriveCredentials(v.inputs.password, { salt: fromHex(v.inputs.salt_hex), iterations: v.inputs.iterations })
    const record = stored.scram!['SHA-256']!
    expect(hex(record.storedKey)).toBe(v.expected.intermediates_computed_here.StoredKey_hex)
    expect(hex(record.serverKey)).toBe(v.expected.intermediates_computed_here.ServerKey_hex)
    expect(record.iterations).toBe(4096)
  })

  it('fills SHA-1, SHA-256 and SHA-512 with one random 16-byte salt and 4096 iterations by default; each logs in', async () => {
    const stored = await deriveCredentials('pencil')
    expect(Object.keys(stored.scram!).sort()).toEqual(['SHA-1', 'SHA-256', 'SHA-512'])
    for (const [name, mechanism] of Object.entries(MECHANISMS)) {
      const record = stored.scram![name.slice('SCRAM-'.length) as 'SHA-1']!
      expect(record.salt.length).toBe(16)
      expect(record.iterations).toBe(4096)
      const r = await runExchange(mechanism.client({ username: 'u', password: 'pencil' }), mechanism.server({ credentials: () => stored }))
      expect(r.step.type).toBe('success')
    }
    const other = await deriveCredentials('pencil')
    expect(base64Encode(other.scram!['SHA-256']!.salt)).not.toBe(base64Encode(stored.scram!['SHA-256']!.salt))
  })

  it('SASLprep applies: a password and its NFKC form give the same keys', async () => {
    const salt = new Uint8Array(16)
    const a = await deriveCredentials('IX', { salt, iterations: 4096 })
    const b = await deriveCredentials('\u2168', { salt, iterations: 4096 })
    expect(a.scram).toEqual(b.scram)
  })

  it('SCRAM-SHA-512 round-trips through its scheme (same layout as Dovecot’s SCRAM-SHA-256)', async () => {
    const stored = await deriveCredentials('pencil', { iterations: 4096 })
    const text = formatPasswordScheme('SCRAM-SHA-512', stored)
    expect(text).toMatch(/^\{SCRAM-SHA-512\}4096,[A-Za-z0-9+/=]{24},[A-Za-z0-9+/=]{88},[A-Za-z0-9+/=]{88}$/)
    expect(parsePasswordScheme(text).scram!['SHA-512']).toEqual(stored.scram!['SHA-512'])
  })

  // Decision 5: options out of range are the caller's mistake; a password SASLprep refuses is not.
  it('refuses bad options and passwords SASLprep refuses', async () => {
    await rejectsWithCode(deriveCredentials('pencil', { iterations: 0 }), 'protocol-violation')
    await rejectsWithCode(deriveCredentials('pencil', { iterations: 1.5 }), 'protocol-violation')
    await rejectsWithCode(deriveCredentials('pencil', { salt: new Uint8Array(0) }), 'protocol-violation')
    await rejectsWithCode(deriveCredentials('pen\u0007cil'), 'malformed-request')
    await rejectsWithCode(deriveCredentials('\u00ad'), 'malformed-request')
  })
})
