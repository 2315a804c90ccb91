import { describe, expect, it } from 'vitest'
import { encodeGs2Header, escapeSaslname, parseGs2Header, unescapeSaslname } from '../src/codec/index.js'
import { rejectsWithCode } from './helpers/exchange.js'

describe('GS2 header (RFC 5801 §4)', () => {
  it('escapes and unescapes saslnames', () => {
    expect(escapeSaslname('a,b=c,=')).toBe('a=2Cb=3Dc=2C=3D')
    expect(unescapeSaslname('a=2Cb=3Dc=2C=3D')).toBe('a,b=c,=')
  })
  it('formats every flag', () => {
    expect(encodeGs2Header({ flag: 'n' })).toBe('n,,')
    expect(encodeGs2Header({ flag: 'y', authzid: 'a,b' })).toBe('y,a=a=2Cb,')
    expect(encodeGs2Header({ flag: 'p', cbType: 'tls-server-end-point' })).toBe('p=tls-server-end-point,,')
  })
  it('parses what it formats', () => {
    expect(parseGs2Header('n,,n=user,r=x')).toEqual({ header: { flag: 'n' }, text: 'n,,', rest: 'n=user,r=x' })
    expect(parseGs2Header('p=tls-exporter,a=us=3Der,rest')).toEqual({ header: { flag: 'p', cbType: 'tls-exporter', authzid: 'us=er' }, text: 'p=tls-exporter,a=us=3Der,', rest: 'rest' })
    expect(parseGs2Header('y,,')).toEqual({ header: { flag: 'y' }, text: 'y,,', rest: '' })
  })
  for (const [name, input] of [
    ['RFC 7628 §4.4 n,user=', 'n,user=someuser@example.com,\x01auth=Bearer x\x01\x01'],
    ['unknown flag', 'x,,'],
    ['empty p=', 'p=,,'],
    ['one comma', 'n,'],
    ['no comma', 'n'],
    ['empty a=', 'n,a=,'],
    ['bad escape', 'n,a=b=2D,'],
    ['lower-case escape', 'n,a=b=2c,'],
  ]) {
    it(`refuses ${name}`, async () => {
      await rejectsWithCode(() => parseGs2Header(input!), 'malformed-request')
    })
  }
})
