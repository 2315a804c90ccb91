// OAUTHBEARER (RFC 7628) and XOAUTH2: string framing only; token validation is the caller's
// `validateToken`, the same trivial lookup for every contender.
import { expectSuccess, has, runExchange, saslkit } from './common.mjs'
import { oauthBearerClientFloor, oauthBearerServerFloor, xoauth2ClientFloor, xoauth2ServerFloor } from './floors.mjs'
import { nodemailerXoauth2, nodemailerXoauth2Generator, versionOf } from './peers.mjs'

export const family = 'OAUTHBEARER, XOAUTH2'
export const available = has('oauthBearer', 'xoauth2')

const username = 'user@example.com'
const token = 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=='
const host = 'server.example.com'
const port = 143
/** Token → account: what every contender's server asks. */
const accountOf = (t) => (t === token ? username : undefined)
const validateToken = ({ token: t }) => {
  const account = accountOf(t)
  return account === undefined ? { error: { status: 'invalid_token' } } : { authcid: account }
}

export async function check() {
  const { oauthBearer, xoauth2 } = saslkit
  expectSuccess(await oauthBearer.server({ validateToken }).next(oauthBearerClientFloor(username, token, host, port)))
  oauthBearerServerFloor(await oauthBearer.client({ username, token, host, port }).start(), accountOf)
  expectSuccess(await xoauth2.server({ validateToken }).next(xoauth2ClientFloor(username, token)))
  xoauth2ServerFloor(await xoauth2.client({ username, token }).start(), accountOf)
  const fromNodemailer = Buffer.from(nodemailerXoauth2(nodemailerXoauth2Generator(username, token), token), 'base64')
  expectSuccess(await xoauth2.server({ validateToken }).next(new Uint8Array(fromNodemailer)))
}

const nodemailerName = `nodemailer ${versionOf('nodemailer')} (XOAuth2.buildXOAuth2Token)`

export async function makeRows() {
  if (!available) return []
  const { oauthBearer, xoauth2, base64Encode } = saslkit
  const bearerMessage = oauthBearerClientFloor(username, token, host, port)
  const bearerBytes = new Uint8Array(bearerMessage)
  const xoauthMessage = xoauth2ClientFloor(username, token)
  const xoauthBytes = new Uint8Array(xoauthMessage)
  const generator = nodemailerXoauth2Generator(username, token)
  return [
    {
      group: 'OAUTHBEARER',
      name: 'OAUTHBEARER full exchange',
      subject: () => runExchange(oauthBearer.client({ username, token, host, port }), oauthBearer.server({ validateToken })),
      baselines: { 'node:crypto floor': () => oauthBearerServerFloor(oauthBearerClientFloor(username, token, host, port), accountOf) },
    },
    {
      group: 'OAUTHBEARER',
      name: 'OAUTHBEARER client initial response',
      subject: () => oauthBearer.client({ username, token, host, port }).start(),
      baselines: { 'node:crypto floor': () => oauthBearerClientFloor(username, token, host, port) },
    },
    {
      group: 'OAUTHBEARER',
      name: 'OAUTHBEARER server verify',
      subject: async () => expectSuccess(await oauthBearer.server({ validateToken }).next(bearerBytes)),
      baselines: { 'node:crypto floor': () => oauthBearerServerFloor(bearerMessage, accountOf) },
    },
    {
      group: 'XOAUTH2',
      name: 'XOAUTH2 full exchange',
      subject: () => runExchange(xoauth2.client({ username, token }), xoauth2.server({ validateToken })),
      baselines: { 'node:crypto floor': () => xoauth2ServerFloor(xoauth2ClientFloor(username, token), accountOf) },
    },
    {
      group: 'XOAUTH2',
      name: 'XOAUTH2 client initial response (base64)',
      subject: async () => base64Encode(await xoauth2.client({ username, token }).start()),
      baselines: {
        'node:crypto floor': () => xoauth2ClientFloor(username, token).toString('base64'),
        [nodemailerName]: () => nodemailerXoauth2(generator, token),
      },
      note: 'nodemailer builds the string with Buffer (node-only): ratio reported, no goal.',
    },
    {
      group: 'XOAUTH2',
      name: 'XOAUTH2 server verify',
      subject: async () => expectSuccess(await xoauth2.server({ validateToken }).next(xoauthBytes)),
      baselines: { 'node:crypto floor': () => xoauth2ServerFloor(xoauthMessage, accountOf) },
    },
  ]
}
