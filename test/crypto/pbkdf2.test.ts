import { afterEach, describe, expect, it } from 'vitest'
import vectors from '../vectors/pbkdf2.json' with { type: 'json' }
import { _forceNoblePbkdf2, _lastPbkdf2Path, pbkdf2 } from '../../src/crypto/pbkdf2.js'
import { SHA1, SHA256 } from '../../src/crypto/scram-keys.js'
import { fromHex, hex } from '../helpers/exchange.js'

const HASHES = { 'SHA-1': SHA1, 'SHA-256': SHA256 } as const
// Where Web Crypto exists (Node, Deno, Bun, browsers in a secure context) the default path must use it.
const DEFAULT_PATH = globalThis.crypto?.subtle === undefined ? 'noble' : 'webcrypto'

afterEach(() => _forceNoblePbkdf2(false))

describe('PBKDF2 vectors', () => {
  for (const path of ['default', 'noble'] as const) {
    for (const v of vectors.vectors) {
      // RFC 6070's 16,777,216-iteration vector takes ≈30 s on noble: that run is in test/slow.
      if (path === 'noble' && v.slow === true) continue
      it(`${v.id} — ${v.source}, ${path === 'noble' ? '@noble/hashes' : `default path (${DEFAULT_PATH})`}`, async () => {
        _forceNoblePbkdf2(path === 'noble')
        const dk = await pbkdf2(HASHES[v.inputs.hash as keyof typeof HASHES], fromHex(v.inputs.password_hex), fromHex(v.inputs.salt_hex), v.inputs.iterations, v.inputs.dkLen)
        expect(hex(dk)).toBe(v.expected.dk_hex)
        expect(_lastPbkdf2Path()).toBe(path === 'noble' ? 'noble' : DEFAULT_PATH)
      }, 60000)
    }
  }
})
