// The interop table: one entry per saslkit mechanism (GSSAPI has one per security layer and
// one for the `kerberos` adapter). Every peer test file walks it, so adding a mechanism is one
// `row(...)` here; each peer driver turns the neutral `Credentials` and `Policy` into its own
// arguments, and finds out by itself whether the peer has the mechanism.
import {
  anonymous,
  cramMd5,
  digestMd5,
  external,
  gssapi,
  login,
  ntlm,
  oauth10a,
  oauthBearer,
  plain,
  scramSha1,
  scramSha1Plus,
  scramSha256,
  scramSha256Plus,
  scramSha512,
  scramSha512Plus,
  xoauth,
  xoauth2,
  type ChannelBinding,
  type Mechanism,
  type SaslClient,
  type SaslErrorCode,
  type SaslServer,
} from '../../src/index.js'
import { join } from 'node:path'
import { kerberos, type KerberosModule } from '../../src/node/index.js'
import { MitGss } from '../krb5/mit.js'
import { REALM, type Krb5Realm } from '../krb5/realm.js'
import type { Direction } from './harness/matrix.js'

/** The one account every server in the suite knows (peers get it in their generated config). */
export const account = {
  username: 'tim',
  password: 'tanstaaf-Interop-7',
  /** The realm/domain of Cyrus's sasldb, DIGEST-MD5 and friends. */
  realm: 'example.org',
  /** GSSAPI/DIGEST-MD5 service and host names the stdio peers are told to use. */
  service: 'imap',
  host: 'localhost',
  /** What the OAuth servers accept: a bearer token, and OAuth 1.0a consumer and token secrets. */
  oauth: {
    token: 'interop-access-token-7',
    consumerKey: 'interop-consumer',
    consumerSecret: 'interop-consumer-secret',
    tokenSecret: 'interop-token-secret',
  },
} as const

export const WRONG_TOKEN = 'revoked-access-token'

/** Channel-binding data for -PLUS where there is no TLS connection to bind to (stdio peers). */
export const SYNTHETIC_BINDING: ChannelBinding = {
  type: 'tls-exporter',
  data: new Uint8Array(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff)),
}

export const WRONG_PASSWORD = 'not-the-password'

/** What the client side presents in one case; drivers turn it into peer arguments. */
export interface Credentials {
  readonly username?: string
  readonly password?: string
  /** Act as this identity (empty or absent: as the authenticated one). */
  readonly authzid?: string
  /** ANONYMOUS trace. */
  readonly trace?: string
  /** OAuth access token (OAuth 1.0a: `oauth_token`). */
  readonly token?: string
  /** GSSAPI: the service whose ticket the client gets (`service@host`, host = account.host). */
  readonly service?: string
}

/** What the server side allows in one case (peers get the same policy in their own terms). */
export interface Policy {
  /** ANONYMOUS logins allowed. */
  readonly anonymous: boolean
}

export interface Case {
  readonly client: Credentials
  readonly policy: Policy
}

export interface Row {
  /** The mechanism name, as peers are told. */
  readonly name: string
  /** The matrix row: the name, or the name and what sets this row apart (`GSSAPI, integrity`). */
  readonly label: string
  /** Directions this row applies to (default both); others show `—`. */
  readonly directions?: readonly Direction[]
  readonly mechanism: Mechanism<never, never>
  /** A saslkit client presenting these credentials. */
  newClient(credentials: Credentials): SaslClient
  /** A saslkit server that knows {@link account} and applies this policy (GSSAPI: as `service`). */
  newServer(policy: Policy, service?: string): SaslServer
  /** The same server's options, for a protocol profile's server (which builds the mechanism itself). */
  serverOptions(policy: Policy, service?: string): object
  /** Must succeed end to end. */
  readonly good: Case
  /** Must be refused (wrong password, token, authzid or policy). */
  readonly bad: Case
  /** The code saslkit's server refuses `bad` with. */
  readonly refusedWith: SaslErrorCode
  /** The authcid saslkit's server reports for `good`. */
  readonly identity: string
  /** -PLUS rows: the synthetic binding data both sides are given. */
  readonly channelBinding?: ChannelBinding
  /** GSSAPI rows: the security layer the saslkit client asks for and the saslkit server offers. */
  readonly securityLayer?: 'none' | 'integrity' | 'confidentiality'
  /** NTLM rows: both saslkit sides accept LM/NTLMv1 (`legacy`). */
  readonly legacy?: boolean
}

/** What rows need at run time: the Kerberos realm, the in-process addon, and cleanup. */
export interface RowContext {
  readonly krb5?: Krb5Realm
  readonly kerberosModule?: KerberosModule
  /** Registers something to close after the case (MIT helper processes). */
  defer(cleanup: () => Promise<void>): void
}

const allowAll: Policy = { anonymous: true }
const goodPassword: Case = { client: { username: account.username, password: account.password }, policy: allowAll }
const badPassword: Case = { client: { username: account.username, password: WRONG_PASSWORD }, policy: allowAll }

/** The stored credentials lookup every saslkit server in the suite uses. */
export const credentials = (authcid: string) => (authcid === account.username ? { password: account.password } : undefined)

interface RowDefinition<C, S> {
  readonly mechanism: Mechanism<C, S>
  readonly label?: string
  readonly directions?: readonly Direction[]
  readonly securityLayer?: 'none' | 'integrity' | 'confidentiality'
  readonly legacy?: boolean
  readonly client: (credentials: Credentials) => C
  readonly server: (policy: Policy, service: string) => S
  readonly good?: Case
  readonly bad?: Case
  readonly refusedWith?: SaslErrorCode
  readonly identity?: string
  readonly channelBinding?: ChannelBinding
}

/** One table entry. Defaults: the account's password succeeds, a wrong one is `not-authorized`. */
function row<C, S>(definition: RowDefinition<C, S>): Row {
  const { mechanism } = definition
  return {
    name: mechanism.name,
    label: definition.label ?? mechanism.name,
    ...(definition.directions === undefined ? {} : { directions: definition.directions }),
    ...(definition.securityLayer === undefined ? {} : { securityLayer: definition.securityLayer }),
    ...(definition.legacy === undefined ? {} : { legacy: definition.legacy }),
    mechanism: mechanism as unknown as Mechanism<never, never>,
    newClient: (c) => mechanism.client(definition.client(c)),
    newServer: (p, service = account.service) => mechanism.server(definition.server(p, service)),
    serverOptions: (p, service = account.service) => definition.server(p, service) as object,
    good: definition.good ?? goodPassword,
    bad: definition.bad ?? badPassword,
    refusedWith: definition.refusedWith ?? 'not-authorized',
    identity: definition.identity ?? account.username,
    ...(definition.channelBinding === undefined ? {} : { channelBinding: definition.channelBinding }),
  }
}

const required = (value: string | undefined, what: string): string => {
  if (value === undefined) throw new Error(`this case has no ${what}`)
  return value
}

const goodToken: Case = { client: { username: account.username, token: account.oauth.token }, policy: allowAll }
const badToken: Case = { client: { username: account.username, token: WRONG_TOKEN }, policy: allowAll }

/** OAuth 2.0 servers: the account's token belongs to the account, any other is invalid. */
const bearerServer = () => ({
  validateToken: ({ token }: { token: string }) =>
    token === account.oauth.token ? { authcid: account.username } : { error: { status: 'invalid_token', scope: 'mail' } },
})

/** OAuth 1.0a servers: secrets for the account's consumer and token, then its owner. */
const oauth1Server = () => ({
  secrets: ({ consumerKey, token }: { consumerKey: string; token: string }) =>
    consumerKey === account.oauth.consumerKey && token === account.oauth.token
      ? { consumerSecret: account.oauth.consumerSecret, tokenSecret: account.oauth.tokenSecret }
      : undefined,
  validateToken: () => ({ authcid: account.username }),
})

const passwordClient = (c: Credentials) => ({
  username: required(c.username, 'username'),
  password: required(c.password, 'password'),
  ...(c.authzid === undefined ? {} : { authzid: c.authzid }),
})

/** The table, bound to what this run has (rows that need Kerberos appear only with a realm). */
export function table(context: RowContext): readonly Row[] {
  return [...baseRows, ...gssapiRows(context)]
}

const baseRows: readonly Row[] = [
  row({ mechanism: plain, client: passwordClient, server: () => ({ credentials }) }),
  row({
    mechanism: login,
    client: (c) => ({ username: required(c.username, 'username'), password: required(c.password, 'password') }),
    server: () => ({ credentials }),
  }),
  // ANONYMOUS has no secret: the refusal case is a server that does not allow anonymous logins.
  row({
    mechanism: anonymous,
    client: (c) => (c.trace === undefined ? {} : { trace: c.trace }),
    server: (p) => ({ allow: p.anonymous }),
    good: { client: { trace: 'interop@example.org' }, policy: allowAll },
    bad: { client: { trace: 'interop@example.org' }, policy: { anonymous: false } },
    refusedWith: 'mechanism-too-weak',
    identity: 'anonymous',
  }),
  // EXTERNAL: the transport established `tim`; asking to act as someone else is refused.
  row({
    mechanism: external,
    client: (c) => (c.authzid === undefined ? {} : { authzid: c.authzid }),
    server: () => ({ identity: account.username }),
    good: { client: { authzid: '' }, policy: allowAll },
    bad: { client: { authzid: 'root' }, policy: allowAll },
    refusedWith: 'invalid-authzid',
  }),
  row({ mechanism: cramMd5, client: (c) => ({ username: required(c.username, 'username'), password: required(c.password, 'password') }), server: () => ({ credentials }) }),
  // DIGEST-MD5's digest-uri is service/host: each driver names its protocol's service (imap,
  // pop, smtp); the client takes the realm the server offers (Cyrus and gsasl: example.org,
  // Dovecot: none).
  row({
    mechanism: digestMd5,
    client: (c) => ({ ...passwordClient(c), service: c.service ?? account.service, host: account.host }),
    server: (_policy, service) => ({ credentials, service, host: account.host, realm: account.realm }),
  }),
  ...[scramSha1, scramSha256, scramSha512].map((mechanism) => row({ mechanism, client: passwordClient, server: () => ({ credentials }) })),
  // -PLUS with the same synthetic tls-exporter data on both sides (stdio peers have no TLS);
  // over STARTTLS the network drivers bind to the real connection instead.
  ...[scramSha1Plus, scramSha256Plus, scramSha512Plus].map((mechanism) =>
    row({
      mechanism,
      channelBinding: SYNTHETIC_BINDING,
      client: (c) => ({ ...passwordClient(c), channelBinding: SYNTHETIC_BINDING }),
      server: () => ({ credentials, channel: { secure: true, bindings: [SYNTHETIC_BINDING] } }),
    }),
  ),
  // NTLMv2 (saslkit's default on both sides) and, for peers that speak only LM/NTLMv1
  // (gsasl's libntlm, Cyrus's sample client), the same with `legacy` on both sides.
  row({
    mechanism: ntlm,
    client: (c) => ({ username: required(c.username, 'username'), password: required(c.password, 'password') }),
    server: () => ({ credentials }),
  }),
  row({
    mechanism: ntlm,
    label: 'NTLM, legacy (LM/NTLMv1)',
    legacy: true,
    client: (c) => ({ username: required(c.username, 'username'), password: required(c.password, 'password'), legacy: true }),
    server: () => ({ credentials, legacy: true }),
  }),
  row({
    mechanism: oauthBearer,
    client: (c) => ({ username: required(c.username, 'username'), token: required(c.token, 'token'), host: account.host, port: 143 }),
    server: bearerServer,
    good: goodToken,
    bad: badToken,
  }),
  row({
    mechanism: xoauth2,
    client: (c) => ({ username: required(c.username, 'username'), token: required(c.token, 'token') }),
    server: bearerServer,
    good: goodToken,
    bad: badToken,
  }),
  row({
    mechanism: oauth10a,
    client: (c) => ({
      username: required(c.username, 'username'),
      host: account.host,
      port: 143,
      consumerKey: account.oauth.consumerKey,
      consumerSecret: account.oauth.consumerSecret,
      token: required(c.token, 'token'),
      tokenSecret: account.oauth.tokenSecret,
    }),
    server: oauth1Server,
    good: goodToken,
    bad: badToken,
  }),
  row({
    mechanism: xoauth,
    client: (c) => ({
      username: required(c.username, 'username'),
      protocol: account.service,
      consumerKey: account.oauth.consumerKey,
      consumerSecret: account.oauth.consumerSecret,
      token: required(c.token, 'token'),
      tokenSecret: account.oauth.tokenSecret,
    }),
    server: oauth1Server,
    good: goodToken,
    bad: badToken,
  }),
]

/** The label of the GSSAPI row that runs saslkit/node's `kerberos()` (the addon) as initiator. */
export const KERBEROS_ADDON_ROW = 'GSSAPI, kerberos addon'

/** The principal the realm's client holds tickets for, as saslkit's server reports it. */
export const KRB5_CLIENT = `alice@${REALM}`
// The right ticket is for the server's own service (each driver knows which: imap, pop, smtp).
const goodTicket: Case = { client: {}, policy: allowAll }
// A ticket for ldap/localhost: the KDC knows it (harness/krb5-setup.ts), no server holds its keys.
const badTicket: Case = { client: { service: 'ldap' }, policy: allowAll }

function gssapiRows(context: RowContext): Row[] {
  const realm = context.krb5
  if (realm === undefined) return []
  const target = (c: Credentials) => `${c.service ?? account.service}@${account.host}`
  const mit = (c: Credentials) => {
    const provider = MitGss.initiator(realm, target(c))
    context.defer(() => provider.close())
    return provider
  }
  // An acceptor for service@localhost with that service's keys (the realm keeps <service>.keytab).
  const acceptor = (service: string) => () => {
    const provider = MitGss.acceptor(realm, `${service}@${account.host}`, { KRB5_KTNAME: `FILE:${join(realm.dir, `${service}.keytab`)}` })
    context.defer(() => provider.close())
    return provider
  }
  const layered = (layer: 'none' | 'integrity' | 'confidentiality') =>
    row({
      mechanism: gssapi,
      label: layer === 'none' ? 'GSSAPI' : `GSSAPI, ${layer}`,
      securityLayer: layer,
      client: (c) => ({ provider: mit(c), securityLayer: layer }),
      server: (_policy, service) => ({ provider: acceptor(service), securityLayers: [layer] }),
      good: goodTicket,
      bad: badTicket,
      identity: KRB5_CLIENT,
    })
  const rows = [layered('none'), layered('integrity'), layered('confidentiality')]
  const kerberosModule = context.kerberosModule
  if (kerberosModule !== undefined) {
    // saslkit/node's kerberos() is an initiator only: this row has no peer→saslkit cases.
    rows.push(
      row({
        mechanism: gssapi,
        label: KERBEROS_ADDON_ROW,
        directions: ['saslkit→peer'],
        securityLayer: 'none',
        client: (c) => ({ provider: kerberos({ service: target(c), module: kerberosModule }) }),
        server: (_policy, service) => ({ provider: acceptor(service), securityLayers: ['none' as const] }),
        good: goodTicket,
        bad: badTicket,
        identity: KRB5_CLIENT,
      }),
    )
  }
  return rows
}
