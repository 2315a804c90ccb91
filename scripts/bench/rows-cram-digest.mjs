// CRAM-MD5 (RFC 2195) and DIGEST-MD5 (RFC 2831, qop=auth): saslkit's MD5 is its own
// (src/crypto/md5.ts), node's is OpenSSL's. CRAM-MD5's server verifies from Dovecot's stored HMAC-MD5 context (two MD5
// compressions saved) — node cannot resume an HMAC, so its floor is the full HMAC from the
// password, which is what the goal compares against.
import { expectChallenge, expectSuccess, has, runExchange, saslkit, td, te } from './common.mjs'
import {
  cramMd5ChallengeFloor,
  cramMd5ClientFloor,
  cramMd5ServerFloor,
  digestMd5ChallengeFloor,
  digestMd5ClientFloor,
  digestMd5SecretFloor,
  digestMd5ServerFloor,
} from './floors.mjs'
import { loadInternals } from './internals.mjs'
import { nodemailerCramMd5, versionOf } from './peers.mjs'
import { BY_HAND } from './rows-scram.mjs'

export const family = 'CRAM-MD5, DIGEST-MD5'
export const available = has('cramMd5', 'digestMd5')

const username = 'tim'
const password = 'tanstaaftanstaaf'
const passwordOf = (user) => (user === username ? password : undefined)
const CHALLENGE = '<1896.697170952@postoffice.reston.mci.net>' // RFC 2195 §2's example

// DIGEST-MD5: RFC 2831 §4's IMAP example, with the bench's fixed nonces.
const digest = { username: 'chris', password: 'secret', service: 'imap', host: 'elwood.innosoft.com', realm: 'elwood.innosoft.com' }
const DIGEST_NONCE = 'OA6MG9tEQGm2hh'
const DIGEST_CNONCE = 'OA6MHXh6VqTrRk'

export async function check() {
  const { cramMd5, digestMd5 } = saslkit
  // CRAM-MD5: floor client ↔ saslkit server (stored context), saslkit client ↔ floor server, nodemailer.
  const stored = await saslkit.deriveCredentials(password)
  let server = cramMd5.server({ credentials: () => ({ cramMd5: stored.cramMd5 }), challenge: CHALLENGE })
  expectChallenge(await server.next(undefined))
  expectSuccess(await server.next(te.encode(cramMd5ClientFloor(username, password, CHALLENGE))))
  const client = cramMd5.client({ username, password })
  await client.start()
  cramMd5ServerFloor(td.decode(await client.next(te.encode(CHALLENGE))), CHALLENGE, passwordOf)
  const nodemailerLine = Buffer.from(nodemailerCramMd5(username, password, `334 ${Buffer.from(CHALLENGE).toString('base64')}`), 'base64').toString()
  if (nodemailerLine !== cramMd5ClientFloor(username, password, CHALLENGE)) throw new Error('nodemailer CRAM-MD5 disagrees with the floor')
  // DIGEST-MD5 both ways.
  const secret = digestMd5SecretFloor(digest.username, digest.realm, digest.password)
  server = digestMd5.server({ service: 'imap', realm: digest.realm, nonce: DIGEST_NONCE, credentials: () => ({ digestMd5: new Uint8Array(secret) }) })
  const challenge = td.decode(expectChallenge(await server.next(undefined)))
  const answer = digestMd5ClientFloor({ ...digest, cnonce: DIGEST_CNONCE }, challenge)
  const done = expectSuccess(await server.next(te.encode(answer.text)))
  if (td.decode(done.additionalData) !== answer.rspauth) throw new Error('DIGEST-MD5 rspauth disagrees with the floor')
  const dclient = digestMd5.client({ ...digest, cnonce: DIGEST_CNONCE })
  await dclient.start()
  const response = td.decode(await dclient.next(te.encode(digestMd5ChallengeFloor(digest.realm, DIGEST_NONCE).text)))
  await dclient.finish(te.encode(digestMd5ServerFloor(response, DIGEST_NONCE, 'imap', () => secret)))
}

const nodemailerName = `nodemailer ${versionOf('nodemailer')} (SMTPConnection CRAM-MD5)`

export async function makeRows() {
  if (!available) return []
  const { cramMd5, digestMd5, base64Decode, base64Encode } = saslkit
  const stored = await saslkit.deriveCredentials(password)
  const cramContext = stored.cramMd5
  const storedCredentials = () => ({ cramMd5: cramContext })
  const plaintextCredentials = () => ({ password })
  const cramResponse = te.encode(cramMd5ClientFloor(username, password, CHALLENGE))
  const cramResponseText = td.decode(cramResponse)
  const replyLine = `334 ${Buffer.from(CHALLENGE).toString('base64')}`
  const internals = await loadInternals()
  // The verify by hand on saslkit's primitive: resume the stored context, hex, compare.
  const challengeBytes = te.encode(CHALLENGE)
  const byHandVerify = () => {
    const space = cramResponseText.lastIndexOf(' ')
    const expected = Buffer.from(Buffer.from(internals.hmacMd5FromContext(cramContext, challengeBytes)).toString('hex'))
    if (!expected.equals(Buffer.from(cramResponseText.slice(space + 1)))) throw new Error('by hand: digest')
  }

  const digestSecret = digestMd5SecretFloor(digest.username, digest.realm, digest.password)
  const digestCredentials = () => ({ digestMd5: new Uint8Array(digestSecret) })
  const digestChallenge = digestMd5ChallengeFloor(digest.realm, DIGEST_NONCE).text
  const digestAnswer = digestMd5ClientFloor({ ...digest, cnonce: DIGEST_CNONCE }, digestChallenge)
  const digestAnswerBytes = te.encode(digestAnswer.text)
  const digestServerOptions = { service: 'imap', realm: digest.realm, nonce: DIGEST_NONCE, credentials: digestCredentials }

  return [
    {
      group: 'CRAM-MD5',
      name: 'CRAM-MD5 full exchange (server from password)',
      subject: () => runExchange(cramMd5.client({ username, password }), cramMd5.server({ credentials: plaintextCredentials })),
      baselines: {
        'node:crypto floor': () => {
          const challenge = cramMd5ChallengeFloor('localhost')
          return cramMd5ServerFloor(cramMd5ClientFloor(username, password, challenge), challenge, passwordOf)
        },
      },
    },
    {
      group: 'CRAM-MD5',
      name: 'CRAM-MD5 full exchange (server from stored context)',
      subject: () => runExchange(cramMd5.client({ username, password }), cramMd5.server({ credentials: storedCredentials })),
      baselines: {
        'node:crypto floor': () => {
          const challenge = cramMd5ChallengeFloor('localhost')
          return cramMd5ServerFloor(cramMd5ClientFloor(username, password, challenge), challenge, passwordOf)
        },
      },
    },
    {
      group: 'CRAM-MD5',
      name: 'CRAM-MD5 client response (base64 in and out)',
      subject: async () => {
        const client = cramMd5.client({ username, password })
        await client.start()
        return base64Encode(await client.next(base64Decode(replyLine.slice(4))))
      },
      baselines: {
        'node:crypto floor': () =>
          Buffer.from(cramMd5ClientFloor(username, password, Buffer.from(replyLine.slice(4), 'base64').toString('latin1'))).toString('base64'),
        [nodemailerName]: () => nodemailerCramMd5(username, password, replyLine),
      },
      note: 'nodemailer calls node:crypto itself: ratio reported, no goal.',
    },
    {
      group: 'CRAM-MD5',
      name: 'CRAM-MD5 server verify (stored HMAC-MD5 context)',
      subject: {
        async setup() {
          const server = cramMd5.server({ credentials: storedCredentials, challenge: CHALLENGE })
          expectChallenge(await server.next(undefined))
          return server
        },
        run: async (server) => expectSuccess(await server.next(cramResponse)),
      },
      baselines: { 'node:crypto full HMAC-MD5': () => cramMd5ServerFloor(cramResponseText, CHALLENGE, passwordOf), [BY_HAND]: byHandVerify },
      goals: { 'node:crypto full HMAC-MD5': 0.5 },
    },
    {
      group: 'CRAM-MD5',
      name: 'CRAM-MD5 server verify (plaintext password)',
      subject: {
        async setup() {
          const server = cramMd5.server({ credentials: plaintextCredentials, challenge: CHALLENGE })
          expectChallenge(await server.next(undefined))
          return server
        },
        run: async (server) => expectSuccess(await server.next(cramResponse)),
      },
      baselines: { 'node:crypto floor': () => cramMd5ServerFloor(cramResponseText, CHALLENGE, passwordOf) },
    },
    {
      group: 'CRAM-MD5',
      name: 'CRAM-MD5 server alone (challenge + verify, stored context)',
      subject: async () => {
        const server = cramMd5.server({ credentials: storedCredentials, challenge: CHALLENGE })
        expectChallenge(await server.next(undefined))
        return expectSuccess(await server.next(cramResponse))
      },
      baselines: {
        // Both sides use the fixed challenge (saslkit's `challenge` option): no randomness, no clock.
        'node:crypto floor': () => cramMd5ServerFloor(cramResponseText, CHALLENGE, passwordOf),
      },
    },
    {
      group: 'DIGEST-MD5',
      name: 'DIGEST-MD5 full exchange (server from stored H(A1) secret)',
      subject: () =>
        runExchange(
          digestMd5.client({ username: digest.username, password: digest.password, service: 'imap', host: digest.host }),
          digestMd5.server({ service: 'imap', realm: digest.realm, credentials: digestCredentials }),
        ),
      baselines: {
        'node:crypto floor': () => {
          const challenge = digestMd5ChallengeFloor(digest.realm)
          const answer = digestMd5ClientFloor(digest, challenge.text)
          const rspauth = digestMd5ServerFloor(answer.text, challenge.nonce, 'imap', () => digestSecret)
          if (rspauth !== answer.rspauth) throw new Error('floor rspauth')
        },
      },
    },
    {
      group: 'DIGEST-MD5',
      name: 'DIGEST-MD5 full exchange (server from password)',
      subject: () =>
        runExchange(
          digestMd5.client({ username: digest.username, password: digest.password, service: 'imap', host: digest.host }),
          digestMd5.server({ service: 'imap', realm: digest.realm, credentials: () => ({ password: digest.password }) }),
        ),
      baselines: {
        'node:crypto floor': () => {
          const challenge = digestMd5ChallengeFloor(digest.realm)
          const answer = digestMd5ClientFloor(digest, challenge.text)
          // The server derives H(user:realm:password) from the password first.
          const rspauth = digestMd5ServerFloor(answer.text, challenge.nonce, 'imap', (u, r) => digestMd5SecretFloor(u, r, digest.password))
          if (rspauth !== answer.rspauth) throw new Error('floor rspauth')
        },
      },
    },
    {
      group: 'DIGEST-MD5',
      name: 'DIGEST-MD5 client (response + rspauth check)',
      subject: async () => {
        const client = digestMd5.client({ username: digest.username, password: digest.password, service: 'imap', host: digest.host, cnonce: DIGEST_CNONCE })
        await client.start()
        await client.next(te.encode(digestChallenge))
        await client.finish(te.encode(digestAnswer.rspauth))
      },
      baselines: {
        'node:crypto floor': () => {
          const answer = digestMd5ClientFloor({ ...digest, cnonce: DIGEST_CNONCE }, digestChallenge)
          if (answer.rspauth !== digestAnswer.rspauth) throw new Error('floor rspauth')
        },
      },
    },
    {
      group: 'DIGEST-MD5',
      name: 'DIGEST-MD5 server verify (stored secret)',
      subject: {
        async setup() {
          const server = digestMd5.server(digestServerOptions)
          expectChallenge(await server.next(undefined))
          return server
        },
        run: async (server) => expectSuccess(await server.next(digestAnswerBytes)),
      },
      baselines: { 'node:crypto floor': () => digestMd5ServerFloor(digestAnswer.text, DIGEST_NONCE, 'imap', () => digestSecret) },
    },
    {
      group: 'DIGEST-MD5',
      name: 'DIGEST-MD5 server alone (challenge + verify)',
      subject: async () => {
        const server = digestMd5.server(digestServerOptions)
        expectChallenge(await server.next(undefined))
        return expectSuccess(await server.next(digestAnswerBytes))
      },
      baselines: {
        'node:crypto floor': () => {
          digestMd5ChallengeFloor(digest.realm, DIGEST_NONCE)
          return digestMd5ServerFloor(digestAnswer.text, DIGEST_NONCE, 'imap', () => digestSecret)
        },
      },
    },
  ]
}
