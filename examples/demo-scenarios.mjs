// The demo's exchanges, one per landed mechanism (plus the wrong-password run last).
// Each: the mechanism, both sides' options, the secrets to redact from the transcript.
// demo.mjs runs them through the SMTP profile: smtp.client(mechanism.client(client)) against
// smtp.server({ mechanisms: [mechanism], channel: { secure: true }, ...server }) — so a
// scenario may set its own `channel` (e.g. bindings for -PLUS) in `server`.
import { anonymous, cramMd5, deriveCredentials, digestMd5, external, gssapi, login, ntHash, ntlm, oauthBearer, plain, scramSha256, xoauth2 } from '../dist/index.js'
import { memoryKerberos } from './memory-gss.mjs'

const users = { tim: { password: 'tanstaaftanstaaf' } }
// NTLM servers store the NT hash (MD4 of the UTF-16LE password), never the password.
const ntlmUsers = { tim: { ntHash: ntHash('tanstaaftanstaaf') } }
const credentials = (user) => users[user]
// SCRAM servers store { salt, iterations, storedKey, serverKey }, never the password.
const scramUsers = { user: await deriveCredentials('pencil') }
// GSSAPI needs Kerberos: the demo plugs in a deterministic in-memory GSS-API provider instead.
const kdc = memoryKerberos()

// OAuth: the server asks its authorization server who a token belongs to (here, a table).
const accessToken = 'ya29.demo-access-token-3f9a1c'
const validateToken = ({ token }) => (token === accessToken ? { authcid: 'tim@example.com', claims: { scope: 'mail' } } : { error: { status: 'invalid_token', scope: 'mail' } })

// Each scenario: the mechanism, both sides' options, the secrets to redact from the output, and
// whether the client presents tim's TLS client certificate (clientCertificate).
export const scenarios = [
  { mechanism: plain, client: { username: 'tim', password: 'tanstaaftanstaaf' }, server: { credentials }, secrets: ['tanstaaftanstaaf'] },
  { mechanism: login, client: { username: 'tim', password: 'tanstaaftanstaaf' }, server: { credentials }, secrets: ['tanstaaftanstaaf'] },
  { mechanism: anonymous, client: { trace: 'sirhc' }, server: {}, secrets: [] },
  { mechanism: external, client: {}, server: {}, clientCertificate: true, secrets: [], note: 'identity from the TLS client certificate CN=tim' },
  { mechanism: cramMd5, client: { username: 'tim', password: 'tanstaaftanstaaf' }, server: { credentials, hostname: 'mail.example.org' }, secrets: ['tanstaaftanstaaf'] },
  {
    mechanism: digestMd5,
    client: { username: 'tim', password: 'tanstaaftanstaaf', service: 'smtp', host: 'mail.example.org' },
    server: { credentials, service: 'smtp', host: 'mail.example.org', realm: 'example.org' },
    secrets: ['tanstaaftanstaaf'],
    note: 'rspauth proves the server',
  },
  {
    mechanism: ntlm,
    client: { username: 'EXAMPLE\\tim', password: 'tanstaaftanstaaf', workstation: 'LAPTOP', targetName: 'smtp/mail.example.com' },
    server: { credentials: (user) => ntlmUsers[user], netbiosDomain: 'EXAMPLE', dnsDomain: 'example.com', dnsComputer: 'mail.example.com' },
    secrets: [],
    note: 'NTLMv2 with MIC: NEGOTIATE, CHALLENGE, AUTHENTICATE',
  },
  { mechanism: oauthBearer, client: { username: 'tim@example.com', token: async () => accessToken, host: 'mail.example.com', port: 587 }, server: { validateToken }, secrets: [accessToken] },
  { mechanism: xoauth2, client: { username: 'tim@example.com', token: accessToken }, server: { validateToken }, secrets: [accessToken] },
  { mechanism: scramSha256, client: { username: 'user', password: 'pencil' }, server: { credentials: (user) => scramUsers[user] }, secrets: ['pencil'], note: 'the server proves itself with v=' },
  {
    mechanism: gssapi,
    client: { provider: kdc.initiator({ principal: 'tim', service: 'smtp/mail.example.com' }), securityLayer: 'confidentiality' },
    server: { provider: () => kdc.acceptor({ service: 'smtp/mail.example.com' }) },
    secrets: [],
    note: 'in-memory GSS-API provider, not real Kerberos; confidentiality layer',
  },
  { mechanism: plain, client: { username: 'tim', password: 'wrong-password' }, server: { credentials }, secrets: ['wrong-password'], note: 'wrong password' },
]

