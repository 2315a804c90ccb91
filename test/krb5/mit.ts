// A GssInitiator / GssAcceptor backed by MIT Kerberos' libgssapi_krb5, through the test-only
// helper program gss-helper.c (one security context per process, one request per line).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { SaslError, base64Decode, base64Encode, type GssAcceptor, type GssInitiator, type GssStepResult, type GssUnwrapResult } from '../../src/index.js'
import type { Krb5Realm } from './realm.js'

/** RFC 2744 §3.9.1: the routine-error field of a major status. */
const GSS_S_CREDENTIALS_EXPIRED = 11
/** krb5 error table: KRB5KRB_AP_ERR_TKT_EXPIRED, "Ticket expired", as an unsigned minor status. */
const KRB5KRB_AP_ERR_TKT_EXPIRED = 0x96c73a20

/** What the helper reported for a failed call. */
export class GssFailure extends Error {
  constructor(
    readonly major: number,
    readonly minor: number,
    message: string,
  ) {
    super(`GSS-API: ${message}`)
  }
}

const encode = (bytes: Uint8Array | undefined) => (bytes === undefined || bytes.length === 0 ? '-' : base64Encode(bytes))
const decode = (text: string | undefined) => (text === undefined || text === '-' ? new Uint8Array(0) : base64Decode(text))
const decodeText = (text: string | undefined) => new TextDecoder().decode(decode(text))

export class MitGss implements GssInitiator, GssAcceptor {
  readonly #child: ChildProcessWithoutNullStreams
  readonly #waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = []
  #exit: Error | undefined
  initiatorName: string | undefined
  acceptorName: string | undefined

  /** An initiator towards `service@host`, with the credentials of `env.KRB5CCNAME`. */
  static initiator(realm: Krb5Realm, target: string, env: Record<string, string> = {}): MitGss {
    return new MitGss(realm, ['initiate', target], env)
  }

  /** An acceptor with the keys of `KRB5_KTNAME`, bound to `service@host` when given. */
  static acceptor(realm: Krb5Realm, target?: string, env: Record<string, string> = {}): MitGss {
    return new MitGss(realm, target === undefined ? ['accept'] : ['accept', target], env)
  }

  private constructor(realm: Krb5Realm, args: string[], env: Record<string, string>) {
    this.#child = spawn(realm.gssHelper, args, { env: { ...process.env, ...realm.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const waiter = this.#waiting.shift()
      if (waiter === undefined) stderr += `${line}\n` // a startup failure, reported before any request
      else waiter.resolve(line)
    })
    this.#child.stderr.on('data', (chunk) => (stderr += String(chunk)))
    this.#child.on('exit', (code) => {
      this.#exit = new Error(`gss-helper exited (${code}) ${stderr}`)
      for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#exit)
    })
    // A helper that failed at startup is gone; its exit rejects the waiting request.
    this.#child.stdin.on('error', () => undefined)
    this.#child.on('error', (error) => {
      this.#exit = error
      for (const waiter of this.#waiting.splice(0)) waiter.reject(error)
    })
  }

  async #request(line: string): Promise<string[]> {
    if (this.#exit !== undefined) throw this.#exit
    const answer = await new Promise<string>((resolve, reject) => {
      this.#waiting.push({ resolve, reject })
      this.#child.stdin.write(`${line}\n`)
    })
    const [status, ...fields] = answer.split(' ')
    if (status === 'ok') return fields
    const [major, minor, message] = fields
    const failure = new GssFailure(Number(major), Number(minor), decodeText(message))
    // A provider may throw its own SaslError: an expired ticket says so.
    if (((failure.major >>> 16) & 0xff) === GSS_S_CREDENTIALS_EXPIRED || failure.minor === KRB5KRB_AP_ERR_TKT_EXPIRED) {
      throw new SaslError('credentials-expired', 'the Kerberos ticket has expired', { cause: failure })
    }
    throw failure
  }

  async step(token?: Uint8Array): Promise<GssStepResult> {
    const [complete, output] = await this.#request(`step ${encode(token)}`)
    if (complete === '1') {
      const [initiator, acceptor] = await this.#request('names')
      this.initiatorName = decodeText(initiator)
      this.acceptorName = decodeText(acceptor)
    }
    return { token: output === '-' ? undefined : decode(output), complete: complete === '1' }
  }

  async wrap(data: Uint8Array, { confidential }: { readonly confidential: boolean }): Promise<Uint8Array> {
    const [token] = await this.#request(`wrap ${confidential ? 1 : 0} ${encode(data)}`)
    return decode(token)
  }

  async unwrap(token: Uint8Array): Promise<GssUnwrapResult> {
    const [confidential, data] = await this.#request(`unwrap ${encode(token)}`)
    return { data: decode(data), confidential: confidential === '1' }
  }

  async wrapSizeLimit(maxOutput: number, confidential: boolean): Promise<number> {
    const [limit] = await this.#request(`limit ${confidential ? 1 : 0} ${maxOutput}`)
    return Number(limit)
  }

  /** Ends the helper (it deletes the context on EOF) and waits for it. */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    const exited = new Promise((resolve) => this.#child.once('exit', resolve))
    this.#child.stdin.end()
    await exited
  }
}
