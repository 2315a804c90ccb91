// Slow suite (npm run test:slow): the vectors too slow for every run of npm test.
import { afterEach, describe, expect, it } from 'vitest'
import vectors from '../vectors/pbkdf2.json' with { type: 'json' }
import { _forceNoblePbkdf2, _lastPbkdf2Path, pbkdf2 } from '../../src/crypto/pbkdf2.js'
import { SHA1, SHA256 } from '../../src/crypto/scram-keys.js'
import { fromHex, hex } from '../helpers/exchange.js'

const HASHES = { 'SHA-1': SHA1, 'SHA-256': SHA256 } as const

afterEach(() => _forceNoblePbkdf2(false))

describe('PBKDF2 slow vectors on @noble/hashes', () => {
  for (const v of vectors.vectors.filter((v) => v.slow === true)) {
    it(`${v.id} — ${v.source}, @noble/hashes`, async () => {
      _forceNoblePbkdf2(true)
      const dk = await pbkdf2(HASHES[v.inputs.hash as keyof typeof HASHES], fromHex(v.inputs.password_hex), fromHex(v.inputs.salt_hex), v.inputs.iterations, v.inputs.dkLen)
      expect(hex(dk)).toBe(v.expected.dk_hex)
      expect(_lastPbkdf2Path()).toBe('noble')
    }, 300000)
  }
})
