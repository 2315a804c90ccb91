// The CLI's message describer and transcript annotator in-process: the cases the vector files
// do not reach (RFC 4121 wrap tokens, Kerberos context-token framing, NTLMv1, a secret in a
// message that does not parse) and the truncation rule that keeps secrets out of base64 lines.
import { describe, expect, it } from 'vitest'
import { describeMessage, renderDescription, visibleBase64 } from '../../../src/cli/describe.js'
import { Transcript } from '../../../src/cli/transcript.js'

const bytes = (...parts: Array<number[] | string>) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)))
const b64 = (data: Uint8Array) => Buffer.from(data).toString('base64')
const value = (d: ReturnType<typeof describeMessage>, name: string) => d.fields.find((f) => f.name === name)?.value

describe('describeMessage', () => {
  it('RFC 4121 §4.2.6.2 unsealed Wrap token: the rotation undone, the RFC 4752 §3.1 layer message read', () => {
    // Header: TOK_ID 05 04, flags SentByAcceptor, filler, EC = 12 (checksum length), RRC = 3.
    const payload = [0x07, 0x01, 0x00, 0x00] // all layers offered, 65536-octet buffer
    const checksum = Array.from({ length: 12 }, (_, i) => 0xa0 + i)
    const body = [...payload, ...checksum]
    const rotated = [...body.slice(-3), ...body.slice(0, -3)] // right-rotated by RRC = 3
    const token = bytes([0x05, 0x04, 0x01, 0xff, 0x00, 0x0c, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 7], rotated)
    const d = describeMessage(token, { mechanism: 'GSSAPI', from: 'server' })
    expect(d.message).toBe('wrapped security-layer message (RFC 4752 §3.1)')
    expect(value(d, 'layers offered')).toBe('0x07 (none, integrity, confidentiality)')
    expect(value(d, 'max buffer')).toBe('65536')
    expect(value(d, 'flags')).toBe('0x01 SentByAcceptor')
  })

  it('RFC 4121 sealed Wrap token: said to be encrypted, not guessed at', () => {
    const token = bytes([0x05, 0x04, 0x06, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], Array.from({ length: 40 }, () => 0x55))
    expect(describeMessage(token, { mechanism: 'GSSAPI' }).message).toBe('wrapped security-layer message (encrypted)')
  })

  it('RFC 2743 §3.1 framing: a Kerberos AP-REQ is recognised and treated as a proof', () => {
    const inner = [0x01, 0x00, 0x6e, 0x03, 0x02, 0x01, 0x05]
    const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]
    const token = bytes([0x60, oid.length + inner.length], oid, inner)
    const d = describeMessage(token, {})
    expect(d).toMatchObject({ mechanism: 'GSSAPI', message: 'Kerberos AP-REQ (context token)', sensitivity: 'proof' })
    expect(value(d, 'mechanism OID')).toBe('1.2.840.113554.1.2.2 (Kerberos V5)')
  })

  it('an unwrapped client layer message carries the authzid', () => {
    const d = describeMessage(bytes([0x01, 0, 0, 0], 'admin'), { mechanism: 'GSSAPI', from: 'client' })
    expect(value(d, 'layer chosen')).toBe('0x01 (none)')
    expect(value(d, 'authzid')).toBe('admin')
  })

  it('DIGEST-MD5 quoted strings with escapes; the response digest shortened', () => {
    const d = describeMessage(bytes('username="ch\\"ris",realm="x",nonce="n",cnonce="c",nc=00000001,qop=auth,digest-uri="imap/x",response=d388dad90d4bbd760a152321f2143af7'), {})
    expect(d).toMatchObject({ mechanism: 'DIGEST-MD5', message: 'digest-response', sensitivity: 'proof' })
    expect(value(d, 'username')).toBe('ch"ris')
    expect(value(d, 'response')).toBe('d388dad9…')
  })

  it('a message that fits no format, from the client of a plaintext mechanism, is hidden whole', () => {
    const d = describeMessage(bytes('one\0field-too-many\0x\0y'), { mechanism: 'PLAIN', from: 'client' })
    expect(d).toMatchObject({ sensitivity: 'secret', fields: [{ name: 'content', value: '‹redacted›' }] })
    expect(renderDescription(d).join('\n')).not.toContain('field-too-many')
  })

  it('an unknown binary message is shown as hex, an empty one as empty', () => {
    expect(describeMessage(bytes([0xde, 0xad, 0xbe, 0xef]), {})).toMatchObject({ message: 'binary', fields: [{ name: 'bytes', value: 'deadbeef' }] })
    expect(describeMessage(new Uint8Array(0), { mechanism: 'SCRAM-SHA-256' }).message).toBe('empty message')
  })
})

describe('visibleBase64: no base64 character that carries a bit of the secret', () => {
  for (const [authcid, shown] of [
    ['tim', 'AHRpbQ…'], // "\0tim\0" = 5 bytes → 6 characters
    ['alice', 'AGFsaWNl…'], // 7 bytes before the password → the 8-character cap
    ['', 'AA…'], // "\0\0" = 2 bytes → 2 characters (2.67 rounded down)
  ] as const) {
    it(`PLAIN for ${JSON.stringify(authcid)}: ${shown}`, () => {
      const message = bytes('\0', authcid, '\0', 'tanstaaftanstaaf')
      const d = describeMessage(message, { mechanism: 'PLAIN', from: 'client' })
      const visible = visibleBase64(b64(message), d)
      expect(visible).toBe(shown)
      // Every bit the shown characters carry lies before the password.
      expect((visible.length - 1) * 6).toBeLessThanOrEqual((authcid.length + 2) * 8)
    })
  }

  it('LOGIN password: nothing but the ellipsis', () => {
    const d = describeMessage(bytes('tanstaaftanstaaf'), { mechanism: 'LOGIN', from: 'client', index: 1 })
    expect(visibleBase64(b64(bytes('tanstaaftanstaaf')), d)).toBe('…')
  })

  it('XOAUTH2: cut before the auth= value', () => {
    const message = bytes('user=tim\x01auth=Bearer ya29.secret-token\x01\x01')
    const d = describeMessage(message, {})
    const shown = visibleBase64(b64(message), d)
    expect(Buffer.from(shown.slice(0, -1), 'base64').toString('latin1')).not.toMatch(/ya29|Bearer/)
  })
})

describe('Transcript', () => {
  it('a known secret inside a message the describer could not parse hides the line too', () => {
    const transcript = new Transcript('smtp', { secrets: ['tanstaaftanstaaf'] })
    transcript.client('AUTH X-CUSTOM')
    transcript.server('334 ')
    transcript.client(b64(bytes('hello tanstaaftanstaaf')))
    const entry = transcript.entries.at(-1)!
    expect(entry.line).toBe(`${b64(bytes('hello ')).slice(0, 8)}…`)
    expect(JSON.stringify(entry)).not.toContain('tanstaaftanstaaf')
  })

  it('IMAP LOGIN and POP3 PASS arguments are redacted in server transcripts', () => {
    const imap = new Transcript('imap')
    imap.client('a1 LOGIN tim tanstaaftanstaaf')
    const pop3 = new Transcript('pop3')
    pop3.client('PASS tanstaaftanstaaf')
    expect([imap.entries[0]!.line, pop3.entries[0]!.line]).toEqual(['a1 LOGIN ‹redacted›', 'PASS ‹redacted›'])
  })

  it("Exchange's '334 NTLM supported' is shown as text, and the exchange goes on", () => {
    const transcript = new Transcript('smtp')
    transcript.client('AUTH NTLM')
    transcript.server('334 NTLM supported')
    transcript.client(b64(bytes('NTLMSSP\0', [1, 0, 0, 0, 0x07, 0x82, 0x08, 0xa2], Array.from({ length: 16 }, () => 0))))
    expect(transcript.entries[1]!.line).toBe('334 NTLM supported')
    expect(transcript.entries[2]!.decoded?.message).toBe('NEGOTIATE_MESSAGE (type 1)')
  })
})
