import { SaslError, type SaslClient, type SaslServer, type ServerStep } from '../../src/index.js'

export interface ExchangeResult {
  /** The server's final step. */
  step: ServerStep
  /** Every message, in order: who sent it and its bytes (`undefined`: no initial response). */
  messages: Array<{ from: 'C' | 'S'; data: Uint8Array | undefined }>
  /** What the client's finish() threw, if anything. */
  clientError?: SaslError
}

/**
 * Drives a client against a server in memory, as a protocol without "additional data with
 * success" would (the server's final data goes to next(), then finish() without data), or,
 * with `successData: true`, as XMPP does (finish(additionalData)).
 */
export async function runExchange(client: SaslClient, server: SaslServer, options: { successData?: boolean; maxRounds?: number } = {}): Promise<ExchangeResult> {
  const messages: ExchangeResult['messages'] = []
  const initial = await client.start()
  messages.push({ from: 'C', data: initial })
  let step = await server.next(initial)
  for (let round = 0; step.type === 'challenge'; round++) {
    if (round > (options.maxRounds ?? 20)) throw new Error('exchange does not end')
    messages.push({ from: 'S', data: step.challenge })
    const response = await client.next(step.challenge)
    messages.push({ from: 'C', data: response })
    step = await server.next(response)
  }
  const result: ExchangeResult = { step, messages }
  if (step.type === 'success') {
    try {
      if (step.additionalData === undefined) await client.finish()
      else if (options.successData === true) await client.finish(step.additionalData)
      else {
        messages.push({ from: 'S', data: step.additionalData })
        const empty = await client.next(step.additionalData)
        if (empty.length !== 0) throw new Error('client answered final data with a non-empty response')
        await client.finish()
      }
    } catch (error) {
      if (!(error instanceof SaslError)) throw error
      result.clientError = error
    }
  }
  return result
}

/** Asserts a promise rejects with a SaslError of the given code; returns the error. */
export async function rejectsWithCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<SaslError> {
  let error: unknown
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (e) {
    error = e
  }
  if (!(error instanceof SaslError)) throw new Error(`expected SaslError(${code}), got ${String(error)}`)
  if (error.code !== code) throw new Error(`expected SaslError(${code}), got SaslError(${error.code}): ${error.message}`)
  return error
}

/** The failure step's error code, or a thrown Error if the step is not a failure. */
export function failureCode(step: ServerStep): string {
  if (step.type !== 'failure') throw new Error(`expected a failure step, got ${step.type}`)
  return step.error.code
}

export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
export const fromHex = (text: string): Uint8Array => new Uint8Array((text.match(/../g) ?? []).map((h) => parseInt(h, 16)))
export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
