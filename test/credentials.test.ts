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
