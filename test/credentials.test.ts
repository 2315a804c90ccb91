import { describe, expect, it } from 'vitest'
import { deriveCredentials, formatPasswordScheme, parsePasswordScheme } from '../src/index.js'
import { rejectsWithCode } from './helpers/exchange.js'

describe('password schemes (Dovecot syntax)', () => {
  it('PLAIN round-trips', () => {
    expect(parsePasswordScheme('{PLAIN}pen{c}il')).toEqual({ password: 'pen{c}il' })
    expect(formatPasswordScheme('PLAIN', { password: 'pencil' })).toBe('{PLAIN}pencil')
  })
  it('refuses unknown schemes and missing braces', async () => {
    await rejectsWithCode(() => parsePasswordScheme('{BLF-CRYPT}$2y$'), 'malformed-request')
    await rejectsWithCode(() => parsePasswordScheme('pencil'), 'malformed-request')
    await rejectsWithCode(() => formatPasswordScheme('PLAIN', {}), 'malformed-request')
  })
  it('deriveCredentials refuses an empty password', async () => {
    await rejectsWithCode(deriveCredentials(''), 'malformed-request')
  })
})

describe('password schemes: CRAM-MD5 and DIGEST-MD5 (Dovecot syntax)', () => {
  it('deriveCredentials always makes cramMd5, and digestMd5 only with username and realm', async () => {
    const bare = await deriveCredentials('pencil')
    expect(bare.cramMd5).toHaveLength(32)
    expect(bare.digestMd5).toBeUndefined()
    expect((await deriveCredentials('pencil', { username: 'user' })).digestMd5).toBeUndefined()
    expect((await deriveCredentials('pencil', { username: 'user', realm: '' })).digestMd5).toHaveLength(16)
    expect(bare.password).toBeUndefined()
  })
  it('round-trips, reading either hex case', () => {
    const cram = `{CRAM-MD5}${'ab'.repeat(32)}`
    expect(formatPasswordScheme('CRAM-MD5', parsePasswordScheme(cram))).toBe(cram)
    expect(formatPasswordScheme('CRAM-MD5', parsePasswordScheme(cram.toUpperCase()))).toBe(cram)
    const digest = `{DIGEST-MD5}${'0f'.repeat(16)}`
    expect(formatPasswordScheme('DIGEST-MD5', parsePasswordScheme(digest))).toBe(digest)
  })
  const bad: Array<[string, string]> = [
    ['CRAM-MD5 too short', `{CRAM-MD5}${'ab'.repeat(31)}`],
    ['CRAM-MD5 too long', `{CRAM-MD5}${'ab'.repeat(33)}`],
    ['CRAM-MD5 not hex', `{CRAM-MD5}${'zz'.repeat(32)}`],
    ['DIGEST-MD5 odd length', `{DIGEST-MD5}${'a'.repeat(31)}`],
    ['DIGEST-MD5 empty', '{DIGEST-MD5}'],
  ]
  for (const [name, value] of bad) {
    it(`refuses ${name}`, async () => {
      await rejectsWithCode(() => parsePasswordScheme(value), 'malformed-request')
    })
  }
  it('refuses to format what is missing or the wrong size', async () => {
    await rejectsWithCode(() => formatPasswordScheme('CRAM-MD5', { password: 'x' }), 'malformed-request')
    await rejectsWithCode(() => formatPasswordScheme('CRAM-MD5', { cramMd5: new Uint8Array(16) }), 'malformed-request')
    await rejectsWithCode(() => formatPasswordScheme('DIGEST-MD5', { digestMd5: new Uint8Array(32) }), 'malformed-request')
  })
})
