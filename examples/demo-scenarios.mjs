// The demo's exchanges, one per landed mechanism (plus the wrong-password run last).
// Each: the mechanism, both sides' options, the secrets to redact from the transcript.
import { anonymous, external, gssapi, login, plain } from '../dist/index.js'
import { memoryKerberos } from './memory-gss.mjs'

const users = { tim: { password: 'tanstaaftanstaaf' } }
const credentials = (user) => users[user]
// GSSAPI needs Kerberos: the demo plugs in a deterministic in-memory GSS-API provider instead.
const kdc = memoryKerberos()

// Each scenario: the mechanism, both sides' options, and the secrets to redact from the output.
export const scenarios = [
  { mechanism: plain, client: { username: 'tim', password: 'tanstaaftanstaaf' }, server: { credentials }, secrets: ['tanstaaftanstaaf'] },
  { mechanism: login, client: { username: 'tim', password: 'tanstaaftanstaaf' }, server: { credentials }, secrets: ['tanstaaftanstaaf'] },
  { mechanism: anonymous, client: { trace: 'sirhc' }, server: {}, secrets: [] },
  { mechanism: external, client: {}, server: { identity: 'CN=tim,O=Example' }, secrets: [], note: 'identity from a TLS client certificate' },
  {
    mechanism: gssapi,
    client: { provider: kdc.initiator({ principal: 'tim', service: 'smtp/mail.example.com' }), securityLayer: 'confidentiality' },
    server: { provider: () => kdc.acceptor({ service: 'smtp/mail.example.com' }) },
    secrets: [],
    note: 'in-memory GSS-API provider, not real Kerberos; confidentiality layer',
  },
  { mechanism: plain, client: { username: 'tim', password: 'wrong-password' }, server: { credentials }, secrets: ['wrong-password'], note: 'wrong password' },
]

