/**
 * saslkit: SASL (RFC 4422) client and server state machines for every runtime.
 *
 * Each mechanism is also its own subpath (`saslkit/plain`, `saslkit/scram`, …) so that a
 * bundle holds only what it imports; so is each protocol profile (`saslkit/smtp`,
 * `saslkit/imap`, `saslkit/pop3`, `saslkit/xmpp`), re-exported here as a namespace.
 *
 * @module saslkit
 */
export * from './core/index.js'
export { base64Decode, base64Encode, constantTimeEqual, utf8Decode, utf8Encode } from './codec/index.js'
export { plain } from './mechanisms/plain.js'
export type { PlainClientOptions, PlainServerOptions } from './mechanisms/plain.js'
export { login } from './mechanisms/login.js'
export type { LoginClientOptions, LoginServerOptions } from './mechanisms/login.js'
export { anonymous } from './mechanisms/anonymous.js'
export type { AnonymousClientOptions, AnonymousServerOptions } from './mechanisms/anonymous.js'
export { external } from './mechanisms/external.js'
export type { ExternalClientOptions, ExternalServerOptions } from './mechanisms/external.js'
export { cramMd5 } from './mechanisms/cram-md5.js'
export type { CramMd5ClientOptions, CramMd5ServerOptions } from './mechanisms/cram-md5.js'
export { digestMd5 } from './mechanisms/digest-md5.js'
export type { DigestMd5ClientOptions, DigestMd5ServerOptions } from './mechanisms/digest-md5.js'
export { ntlm, ntHash } from './mechanisms/ntlm/index.js'
export type { NtlmClient, NtlmClientOptions, NtlmMechanism, NtlmServer, NtlmServerOptions, NtlmSession } from './mechanisms/ntlm/index.js'
export { oauthBearer, xoauth2 } from './mechanisms/oauth.js'
export type { OAuthClientOptions, OAuthError, OAuthServerOptions, OAuthTokenRequest, OAuthTokenResult, TokenSource } from './mechanisms/oauth.js'
export { oauth10a, xoauth } from './mechanisms/oauth1.js'
export type {
  OAuth10aClientOptions,
  OAuth1Secrets,
  OAuth1ServerOptions,
  OAuth1SigningOptions,
  OAuth1TokenRequest,
  XOAuthClientOptions,
} from './mechanisms/oauth1.js'
export { scramSha1, scramSha256, scramSha512, scramSha1Plus, scramSha256Plus, scramSha512Plus } from './mechanisms/scram.js'
export type { ScramClient, ScramClientOptions, ScramKeys, ScramMechanism, ScramServerOptions } from './mechanisms/scram.js'
export { saslprep } from './codec/saslprep.js'
export type { SaslprepOptions, SaslprepRule } from './codec/saslprep.js'
export * as smtp from './profiles/smtp.js'
export * as imap from './profiles/imap.js'
export * as pop3 from './profiles/pop3.js'
export * as xmpp from './profiles/xmpp.js'
export type {
  AnyMechanism,
  ClientAction,
  ClientExchange,
  MechanismServerOptions,
  ProfileServerOptions,
  ServerExchange,
  ServerResult,
} from './profiles/common.js'
export { deriveCredentials, formatPasswordScheme, parsePasswordScheme } from './credentials.js'
export type { DeriveOptions, PasswordScheme } from './credentials.js'
export { gssapi } from './mechanisms/gssapi.js'
export type {
  GssAcceptor,
  GssContext,
  GssInitiator,
  GssSecurityLayerName,
  GssStepResult,
  GssUnwrapResult,
  GssapiClientOptions,
  GssapiServerOptions,
} from './mechanisms/gssapi.js'
