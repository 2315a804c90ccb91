// The demo's exchanges, one per landed mechanism (plus the wrong-password run last).
// Each: the mechanism, both sides' options, the secrets to redact from the transcript.
import { anonymous, external, gssapi, login, oauthBearer, plain, xoauth2 } from '../dist/index.js'
import { memoryKerberos } from './memory-gss.mjs'

const users = { tim: { password: 'tanstaaftanstaaf' } }
const credentials = (user) => users[user]
// GSSAPI needs Kerberos: the demo plugs in a deterministic in-memory GSS-API provider instead.
const kdc = memoryKerberos()

// OAuth: the server asks its authorization server who a token belongs to (here, a table).
const accessToken = 'ya29.demo-access-token-3f9a1c'
const validateToken = ({ token }) => (token === accessToken ? { authcid: 'tim@example.com', claims: { scope: 'mail' } } : { error: { status: 'invalid_token', scope: 'mail' } })

// Each scenario: the mechanism, both sides' options, and the secrets to redact from the output.
export const scenarios = [
  { mechanism: plain, client: { username: 'tim', password: 'tanstaaftanstaaf' }, server: { credentials }, secrets: ['tanstaaftanstaaf'] },
  { mechanism: login, client: { username: 'tim', password: 'tanstaaftanstaaf' }, server: { credentials }, secrets: ['tanstaaftanstaaf'] },
  { mechanism: anonymous, client: { trace: 'sirhc' }, server: {}, secrets: [] },
  { mechanism: external, client: {}, server: { identity: 'CN=tim,O=Example' }, secrets: [], note: 'identity from a TLS client certificate' },
  { mechanism: oauthBearer, client: { username: 'tim@example.com', token: async () => accessToken, host: 'mail.example.com', port: 587 }, server: { validateToken }, secrets: [accessToken] },
  { mechanism: xoauth2, client: { username: 'tim@example.com', token: accessToken }, server: { validateToken }, secrets: [accessToken] },
  {
    mechanism: gssapi,
    client: { provider: kdc.initiator({ principal: 'tim', service: 'smtp/mail.example.com' }), securityLayer: 'confidentiality' },
    server: { provider: () => kdc.acceptor({ service: 'smtp/mail.example.com' }) },
    secrets: [],
    note: 'in-memory GSS-API provider, not real Kerberos; confidentiality layer',
  },
  { mechanism: plain, client: { username: 'tim', password: 'wrong-password' }, server: { credentials }, secrets: ['wrong-password'], note: 'wrong password' },
]

