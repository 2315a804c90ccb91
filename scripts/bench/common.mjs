// What every rows file shares: the built package, and a client↔server loop.
import * as saslkit from '../../dist/index.js'

export { saslkit }

/**
 * Runs `client` against `server` to the end, as a protocol with additional data on success
 * would (the server's final data goes to `finish`). Throws unless the exchange succeeds.
 */
export async function runExchange(client, server) {
  let step = await server.next(await client.start())
  while (step.type === 'challenge') step = await server.next(await client.next(step.challenge))
  if (step.type !== 'success') throw new Error(`${client.mechanism} bench exchange failed: ${step.error?.code} ${step.error?.reason ?? ''}`)
  await client.finish(step.additionalData)
  return step
}

/** A fresh client and server of `mechanism`, run to success. */
export const exchange = (mechanism, clientOptions, serverOptions) => runExchange(mechanism.client(clientOptions), mechanism.server(serverOptions))

/** Throws unless `step` is a success (for server-only contenders). */
export function expectSuccess(step) {
  if (step?.type !== 'success') throw new Error(`bench: expected success, got ${step?.type} ${step?.error?.code ?? ''} ${step?.error?.reason ?? ''}`)
  return step
}

/** Throws unless `step` is a challenge; returns its bytes. */
export function expectChallenge(step) {
  if (step?.type !== 'challenge') throw new Error(`bench: expected a challenge, got ${step?.type} ${step?.error?.code ?? ''} ${step?.error?.reason ?? ''}`)
  return step.challenge
}

export const te = new TextEncoder()
export const td = new TextDecoder()

/** Whether the build has these exports (a mechanism family not yet merged has none). */
export const has = (...names) => names.every((name) => saslkit[name] !== undefined)
