// Inputs that once broke something, or that sit on an edge worth pinning: each must fail
// with exactly this code. `npm run fuzz` findings go here. Messages are hex, or UTF-8 text
// with `text: true`; `null` is "no initial response" (server-first mechanisms).
import { describe, expect, it } from 'vitest'
import { fixtures } from '../fixtures/mechanisms.js'
import { fromHex } from '../helpers/exchange.js'

interface Case {
  mechanism: string
  messages: Array<string | null>
  text?: true
  code: string
  why: string
}

const directives = (n: number) => Array.from({ length: n }, (_, i) => `x${i}=1`).join(',')

const cases: Case[] = [
  { mechanism: 'PLAIN', messages: ['00616c69636500'], code: 'malformed-request', why: 'empty password after the second NUL' },
  { mechanism: 'PLAIN', messages: ['c0af00616c6963650070'], code: 'incorrect-encoding', why: 'overlong UTF-8 in the authzid' },
  { mechanism: 'PLAIN', messages: ['00616c69636500eda080'], code: 'incorrect-encoding', why: 'UTF-16 surrogate encoded in UTF-8' },
  { mechanism: 'PLAIN', messages: ['\0alice\0pw\0extra'], text: true, code: 'malformed-request', why: 'a third NUL (a NUL inside the password)' },
  { mechanism: 'LOGIN', messages: ['616c69636500'], code: 'malformed-request', why: 'NUL at the end of the username' },
  { mechanism: 'EXTERNAL', messages: ['00'], code: 'malformed-request', why: 'authzid of a single NUL' },
  { mechanism: 'ANONYMOUS', messages: ['e280a8'], code: 'malformed-request', why: 'U+2028 line separator in the trace' },
  { mechanism: 'GSSAPI', messages: [''], code: 'malformed-request', why: 'an empty context token' },
  { mechanism: 'GSSAPI', messages: ['608201'], code: 'not-authorized', why: 'a truncated context token (the acceptor refuses it)' },
  // SCRAM (RFC 5802 §5.1, §7)
  { mechanism: 'SCRAM-SHA-256', messages: ['n,,n=alice,r=abc,r=def'], text: true, code: 'malformed-request', why: 'r= given twice (a duplicated attribute)' },
  { mechanism: 'SCRAM-SHA-256', messages: ['n,,n=al\0ice,r=abcdef'], text: true, code: 'malformed-request', why: 'a NUL inside the username' },
  { mechanism: 'SCRAM-SHA-256', messages: ['n,,n=a=2Xb,r=abcdef'], text: true, code: 'malformed-request', why: 'a saslname escape other than =2C and =3D' },
  { mechanism: 'SCRAM-SHA-256', messages: ['n,a=b,c,n=alice,r=abcdef'], text: true, code: 'malformed-request', why: 'a raw comma inside the GS2 authzid' },
  { mechanism: 'SCRAM-SHA-256', messages: ['m=ext,n=alice,r=abcdef'], text: true, code: 'malformed-request', why: 'a mandatory extension in place of the GS2 header' },
  { mechanism: 'SCRAM-SHA-256', messages: ['p=tls-unique,,n=alice,r=abcdef'], text: true, code: 'malformed-request', why: 'channel binding requested of a mechanism without -PLUS' },
  { mechanism: 'SCRAM-SHA-256', messages: [`n,,n=alice,r=${'x'.repeat(1025)}`], text: true, code: 'malformed-request', why: 'a client nonce over 1024 characters' },
  { mechanism: 'SCRAM-SHA-256', messages: ['n,,n=alice,r=abc\x7f'], text: true, code: 'malformed-request', why: 'a DEL inside the nonce' },
  { mechanism: 'SCRAM-SHA-256', messages: ['n,,n=alice,r=abcdef', 'c=biws,r=abcdef,p=AAAA'], text: true, code: 'malformed-request', why: 'client-final with a nonce the server did not extend' },
  { mechanism: 'SCRAM-SHA-256-PLUS', messages: ['n,,n=alice,r=abcdef'], text: true, code: 'not-authorized', why: 'a -PLUS mechanism without channel binding' },
  { mechanism: 'SCRAM-SHA-256-PLUS', messages: ['p=tls-unique,,n=alice,r=abcdef'], text: true, code: 'not-authorized', why: 'a binding type the channel does not offer' },
  // CRAM-MD5 (RFC 2195 §2)
  { mechanism: 'CRAM-MD5', messages: ['x'], text: true, code: 'malformed-request', why: 'an initial response to a server-first mechanism' },
  { mechanism: 'CRAM-MD5', messages: [null, 'alice 0123456789ABCDEF0123456789ABCDEF'], text: true, code: 'malformed-request', why: 'an upper-case digest' },
  { mechanism: 'CRAM-MD5', messages: [null, ' 0123456789abcdef0123456789abcdef'], text: true, code: 'malformed-request', why: 'an empty username' },
  // DIGEST-MD5 (RFC 2831 §2.1.2)
  { mechanism: 'DIGEST-MD5', messages: [null, 'username="a",username="b"'], text: true, code: 'malformed-request', why: 'username given twice (a duplicated directive)' },
  { mechanism: 'DIGEST-MD5', messages: [null, directives(65)], text: true, code: 'malformed-request', why: 'more than 64 directives' },
  { mechanism: 'DIGEST-MD5', messages: [null, 'username="a\\'], text: true, code: 'malformed-request', why: 'a quoted string ending in a backslash' },
  // NTLM (MS-NLMP §2.2)
  { mechanism: 'NTLM', messages: ['4e544c4d53535000'], code: 'malformed-request', why: 'the signature alone, no message type' },
  { mechanism: 'NTLM', messages: ['4e544c4d5353500002000000'], code: 'malformed-request', why: 'a CHALLENGE_MESSAGE sent by the client' },
  { mechanism: 'NTLM', messages: ['4e544c4d535350000100000007820800ffff0000ffffffff0000000000000000'], code: 'malformed-request', why: 'a NEGOTIATE DomainName field of 65535 bytes at offset 2^32 - 1' },
]

describe('hostile-input regressions', () => {
  for (const c of cases) {
    it(`${c.mechanism}: ${c.why} → ${c.code}`, async () => {
      const fixture = fixtures.find((f) => f.name === c.mechanism)
      if (fixture === undefined) throw new Error(`no fixture ${c.mechanism}`)
      const decode = (m: string | null) => (m === null ? undefined : c.text === true ? new TextEncoder().encode(m) : fromHex(m))
      const server = fixture.server()
      let step = await server.next(decode(c.messages[0]!))
      for (const message of c.messages.slice(1)) {
        if (step.type !== 'challenge') break
        step = await server.next(decode(message))
      }
      expect(step.type === 'failure' && step.error.code).toBe(c.code)
    })
  }
})
