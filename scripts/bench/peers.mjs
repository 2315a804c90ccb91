// The peers: what a user would pick instead of saslkit, each called the way its own code calls
// it (read from its installed source under node_modules). Every function here does one
// mechanism step and returns what the peer would put on the wire, so the rows can check it
// against a server before timing it.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('../../', import.meta.url))

/** Installed version of a package (from its package.json). */
export function versionOf(name) {
  try {
    return JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')).version
  } catch {
    return 'n/a'
  }
}

// ── saslmechanisms + sasl-plain, sasl-scram-sha-1 ────────────────────────────────────────
// saslmechanisms' Factory picks a mechanism class; the class's `response(cred)` and
// `challenge(text)` are the whole API (sasl-scram-sha-1's `response` is async since 1.4).

const Factory = require('saslmechanisms')
const PlainMechanism = require('sasl-plain')
const ScramSha1Mechanism = require('sasl-scram-sha-1')

const plainFactory = new Factory().use(PlainMechanism)
const scramFactory = new Factory().use(ScramSha1Mechanism)

/** sasl-plain through saslmechanisms: the initial response bytes. */
export function saslPlainResponse(username, password) {
  const mech = plainFactory.create(['PLAIN'])
  return new TextEncoder().encode(mech.response({ username, password }))
}

/**
 * A SCRAM-SHA-1 client exchange with sasl-scram-sha-1 through saslmechanisms, against
 * `server` ({ first(text) → text, final(text) → text }, see floors.mjs).
 */
export async function saslScramSha1Exchange(server, username, password) {
  const mech = scramFactory.create(['SCRAM-SHA-1'])
  const cred = { username, password }
  const serverFirst = server.first(await mech.response(cred))
  mech.challenge(serverFirst)
  const serverFinal = server.final(await mech.response(cred))
  // sasl-scram-sha-1 keeps the signature it expects (its final stage does not check it:
  // "TODO: Signal errors"); check it here as an application using it must.
  mech.challenge(serverFinal)
  if (mech._verifier !== Buffer.from(mech._serverSignature).toString('base64')) throw new Error('sasl-scram-sha-1: server signature')
}

/** sasl-scram-sha-1's PBKDF2 (its `Hi`: one Web Crypto HMAC call per iteration). */
export const saslScramSha1Hi = require('sasl-scram-sha-1/lib/bitops').Hi

// ── @xmpp/sasl-scram-sha-1 ───────────────────────────────────────────────────────────────
// The plugin registers sasl-scram-sha-1 into xmpp.js's SASL factory (a saslmechanisms
// Factory); @xmpp/sasl then drives it with base64 from @xmpp/base64, as in its authenticate().

const { default: xmppScramPlugin } = await import('@xmpp/sasl-scram-sha-1')
const xmppBase64 = await import('@xmpp/base64')
const xmppFactory = new Factory()
xmppScramPlugin(xmppFactory)

/** One XMPP SCRAM-SHA-1 exchange the way @xmpp/sasl runs it (base64 element text in and out). */
export async function xmppScramSha1Exchange(server, username, password) {
  const mech = xmppFactory.create(['SCRAM-SHA-1'])
  const creds = { username, password, server: 'example.com', host: 'example.com', realm: 'example.com', serviceType: 'xmpp', serviceName: 'example.com' }
  const auth = xmppBase64.encode(await mech.response(creds))
  const challenge = xmppBase64.encode(server.first(xmppBase64.decode(auth)))
  await mech.challenge(xmppBase64.decode(challenge))
  const response = xmppBase64.encode(await mech.response(creds))
  // <success> carries v=…; @xmpp/sasl calls done() without showing it to the mechanism.
  xmppBase64.encode(server.final(xmppBase64.decode(response)))
}

// ── pg: SCRAM-SHA-256 client (pg/lib/crypto/sasl) ────────────────────────────────────────
// pg's Client calls startSession(mechanisms, stream), continueSession(session, password,
// serverData, stream) and finalizeSession(session, serverData); stream undefined = no TLS.

const pgSasl = require('pg/lib/crypto/sasl')

/** One SCRAM-SHA-256 client exchange with pg's SASL code (username `*`, as pg sends). */
export async function pgScramSha256Exchange(server, password) {
  const session = pgSasl.startSession(['SCRAM-SHA-256'])
  const serverFirst = server.first(session.response)
  await pgSasl.continueSession(session, password, serverFirst)
  pgSasl.finalizeSession(session, server.final(session.response))
}

// ── nodemailer: CRAM-MD5 and XOAUTH2 ─────────────────────────────────────────────────────
// CRAM-MD5 lives in SMTPConnection#_actionAUTH_CRAM_MD5 (reply line in, base64 command out);
// it is called here on a stand-in `this` that captures the command instead of writing it.

const SMTPConnection = require('nodemailer/lib/smtp-connection')
const XOAuth2 = require('nodemailer/lib/xoauth2')

/** nodemailer's CRAM-MD5 answer to a `334 <base64 challenge>` line: the base64 command it sends. */
export function nodemailerCramMd5(username, password, replyLine) {
  let sent
  const connection = {
    _auth: { credentials: { user: username, pass: password } },
    _responseActions: [],
    _sendCommand(command) {
      sent = command
    },
    _formatError(message) {
      return new Error(message)
    },
  }
  SMTPConnection.prototype._actionAUTH_CRAM_MD5.call(connection, replyLine, (error) => {
    if (error) throw error
  })
  return sent
}

/** nodemailer's XOAUTH2 initial response (base64), from an XOAuth2 token generator. */
export function nodemailerXoauth2(generator, token) {
  return generator.buildXOAuth2Token(token)
}

/** The XOAuth2 generator nodemailer keeps per transport (created once, as nodemailer does). */
export const nodemailerXoauth2Generator = (user, accessToken) => new XOAuth2({ user, accessToken })

// ── NTLM: ntlm-client and httpntlm type-3 generation ─────────────────────────────────────
// Both take the server's `WWW-Authenticate: NTLM <base64>` value and return `NTLM <base64>`.
// ntlm-client hashes with node:crypto (MD4 through the legacy provider, HMAC-MD5);
// httpntlm with js-md4 and des.js in JavaScript plus node's HMAC-MD5. Neither sends a MIC,
// and both draw the client challenge from Math.random.

const ntlmClient = require('ntlm-client')
const httpntlm = require('httpntlm/ntlm')

/** ntlm-client: decodeType2Message + createType3Message. */
export function ntlmClientType3(header, { user, password, domain, workstation = '' }) {
  return ntlmClient.createType3Message(ntlmClient.decodeType2Message(header), user, password, workstation, domain)
}

/** ntlm-client's NEGOTIATE header value (`NTLM <base64>`). */
export const ntlmClientType1 = () => ntlmClient.createType1Message('', '')

/** httpntlm: parseType2Message + createType3Message. */
export function httpntlmType3(header, { user, password, domain, workstation = '' }) {
  const type2 = httpntlm.parseType2Message(header, (error) => {
    throw error
  })
  return httpntlm.createType3Message(type2, { username: user, password, domain, workstation })
}

/** httpntlm's NEGOTIATE header value. */
export const httpntlmType1 = () => httpntlm.createType1Message({ domain: '', workstation: '' })

/** Versions for docs/benchmarks.md. */
export const PEER_PACKAGES = ['sasl-plain', 'saslmechanisms', 'sasl-scram-sha-1', '@xmpp/sasl-scram-sha-1', '@xmpp/sasl', 'pg', 'nodemailer', 'ntlm-client', 'httpntlm']
