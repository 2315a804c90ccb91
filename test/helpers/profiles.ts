import { SaslError, type ClientExchange, type Mechanism, type SaslClient, type SaslServer, type ServerExchange, type ServerResult, type ServerStep } from '../../src/index.js'

export interface Conversation {
  /** Every line, prefixed `C: ` or `S: `. */
  lines: string[]
  /** The server's last answer. */
  last: ServerResult
  /** What the client's receive() threw, if anything. */
  clientError?: SaslError
}

/** Moves lines between a client profile and a server profile until the exchange ends. */
export async function converse(client: ClientExchange, server: ServerExchange): Promise<Conversation> {
  const lines: string[] = []
  let out = await client.begin()
  lines.push(`C: ${out}`)
  for (let round = 0; round < 50; round++) {
    const last = await server.receive(out)
    lines.push(`S: ${last.reply}`)
    let action
    try {
      action = await client.receive(last.reply)
    } catch (error) {
      if (!(error instanceof SaslError)) throw error
      if (!last.done) throw new Error(`client threw ${error.code} while the server goes on`)
      return { lines, last, clientError: error }
    }
    if (action.done === true) {
      if (!last.done) throw new Error('client done before the server')
      return { lines, last }
    }
    if (action.send === undefined) throw new Error('client waits for another server line')
    if (last.done) throw new Error('server done but the client goes on')
    out = action.send
    lines.push(`C: ${out}`)
  }
  throw new Error('exchange does not end')
}

/** Asserts `promise` rejects with a SaslError of `code`; returns it. */
export async function saslRejects(promise: Promise<unknown>, code: string): Promise<SaslError> {
  try {
    await promise
  } catch (error) {
    if (!(error instanceof SaslError)) throw new Error(`expected SaslError(${code}), got ${String(error)}`)
    if (error.code !== code) throw new Error(`expected SaslError(${code}), got SaslError(${error.code}): ${error.message}`)
    return error
  }
  throw new Error(`expected SaslError(${code}), but it resolved`)
}

const bytes = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? new TextEncoder().encode(s) : s)

/** A client that replays fixed messages and records what it was given. */
export function scriptedClient(
  name: string,
  script: { initial?: string | Uint8Array; responses?: Array<string | Uint8Array>; securityLayer?: SaslClient['securityLayer'] },
): SaslClient & { challenges: Uint8Array[]; finished: Array<Uint8Array | undefined> } {
  const responses = (script.responses ?? []).map(bytes)
  const client = {
    mechanism: name,
    challenges: [] as Uint8Array[],
    finished: [] as Array<Uint8Array | undefined>,
    async start() {
      return script.initial === undefined ? undefined : bytes(script.initial)
    },
    async next(challenge: Uint8Array) {
      client.challenges.push(challenge)
      const r = responses.shift()
      if (r === undefined) throw new SaslError('malformed-request', 'scripted client: no more responses')
      return r
    },
    async finish(data?: Uint8Array) {
      client.finished.push(data)
    },
    ...(script.securityLayer === undefined ? {} : { securityLayer: script.securityLayer }),
  }
  return client
}

/** A server that replays fixed steps and records the responses it was given. */
export function scriptedServer(name: string, steps: ServerStep[]): SaslServer & { responses: Array<Uint8Array | undefined> } {
  const queue = [...steps]
  const server = {
    mechanism: name,
    responses: [] as Array<Uint8Array | undefined>,
    async next(response: Uint8Array | undefined): Promise<ServerStep> {
      server.responses.push(response)
      const step = queue.shift()
      if (step === undefined) throw new SaslError('protocol-violation', 'scripted server: no more steps')
      return step
    },
  }
  return server
}

/** A descriptor around arbitrary client/server factories. */
export function fakeMechanism(
  name: string,
  sides: { client?: () => SaslClient; server?: () => SaslServer },
  traits: Partial<Mechanism['traits']> = {},
): Mechanism<unknown, unknown> {
  return {
    name,
    traits: { clientFirst: true, plaintext: false, mutual: false, channelBinding: false, strength: 50, legacy: false, ...traits },
    client: () => {
      if (sides.client === undefined) throw new Error('no client')
      return sides.client()
    },
    server: () => {
      if (sides.server === undefined) throw new Error('no server')
      return sides.server()
    },
  }
}

export const identity = (authcid: string) => ({ mechanism: 'X', authcid, authzid: authcid })
export const challenge = (s: string | Uint8Array): ServerStep => ({ type: 'challenge', challenge: bytes(s) })
export const success = (additionalData?: string | Uint8Array): ServerStep =>
  additionalData === undefined ? { type: 'success', identity: identity('user') } : { type: 'success', identity: identity('user'), additionalData: bytes(additionalData) }
export const failure = (code: SaslError['code'], reason = 'secret-reason-for-logs'): ServerStep => ({ type: 'failure', error: new SaslError(code, 'refused', { reason }) })
export { bytes }
