// Runs on every runtime (vitest on Node, and Deno, Bun and Chromium through scripts/runtimes):
// SCRAM's PBKDF2 must take the Web Crypto path there. The SCRAM suites compare against
// "webcrypto if crypto.subtle exists", which would pass quietly on noble if a runtime (or an
// insecure browser origin) lacked Web Crypto, or if deriveBits threw and the code fell back;
// this file insists, and also loads SCRAM's lazily imported SASLprep chunk in each runtime.
import { describe, expect, it } from 'vitest'
import sha1 from '../vectors/scram-sha-1.json' with { type: 'json' }
import sha256 from '../vectors/scram-sha-256.json' with { type: 'json' }
import sha512 from '../vectors/scram-sha-512.json' with { type: 'json' }
import { scramSha1, scramSha256, scramSha512, type ScramMechanism } from '../../src/index.js'
import { _lastPbkdf2Path, _pbkdf2Runs } from '../../src/crypto/pbkdf2.js'
import { runExchange, text } from '../helpers/exchange.js'

interface ExchangeVector {
  id: string
  source: string
  inputs: { username: string; password: string; client_nonce: string }
  expected: { client_first: string; server_first: string; client_final: string; server_final: string }
}

const str = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)
const exchange = (vectors: { vectors: unknown[] }): ExchangeVector => vectors.vectors.find((v) => 'client_final' in (v as ExchangeVector).expected) as ExchangeVector
const cases: Array<[ScramMechanism, ExchangeVector]> = [
  [scramSha1, exchange(sha1)],
  [scramSha256, exchange(sha256)],
  [scramSha512, exchange(sha512)],
]

describe('Web Crypto on this runtime', () => {
  it('crypto.subtle is there (Node ≥ 20, Deno, Bun, Chromium on a secure origin)', () => {
    expect(typeof globalThis.crypto?.subtle?.deriveBits).toBe('function')
    expect((globalThis as { isSecureContext?: boolean }).isSecureContext).not.toBe(false)
  })

  for (const [mechanism, v] of cases) {
    it(`${mechanism.name} client derives SaltedPassword with crypto.subtle — ${v.id}, ${v.source}`, async () => {
      const runs = _pbkdf2Runs()
      const client = mechanism.client({ username: v.inputs.username, password: v.inputs.password, nonce: v.inputs.client_nonce })
      expect(str(await client.start())).toBe(v.expected.client_first)
      expect(str(await client.next(text(v.expected.server_first)))).toBe(v.expected.client_final)
      expect(_pbkdf2Runs()).toBe(runs + 1)
      expect(_lastPbkdf2Path()).toBe('webcrypto')
      expect(await client.next(text(v.expected.server_final))).toEqual(new Uint8Array(0))
      await client.finish()
    })
  }

  it('SCRAM-SHA-256 with a non-ASCII password loads the SASLprep tables lazily and still derives on crypto.subtle', async () => {
    // RFC 4013 §3: U+00AA maps to "a" under NFKC; U+2168 (ROMAN NUMERAL NINE) to "IX".
    const password = 'p\u00AAss\u2168'
    const server = scramSha256.server({ credentials: (user) => (user === 'user' ? { password: 'passIX' } : undefined), iterations: 4096 })
    const result = await runExchange(scramSha256.client({ username: 'user', password }), server)
    expect(result.step.type).toBe('success')
    expect(result.clientError).toBeUndefined()
    expect(_lastPbkdf2Path()).toBe('webcrypto')
  })
})
