/**
 * The LOGIN server (draft-murchison-sasl-login-00), loaded on its first step by `login.server()`.
 */
import { SaslError } from '../core/errors.js'
import { ServerBase, type ServerOutcome, checkIdentityLength, checkOptionType, checkPlaintextPassword, concludeAuthentication, notAuthorized } from '../core/server.js'
import { utf8Encode } from '../codec/utf8.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import type { LoginServerOptions } from './login.js'

export class LoginServer extends ServerBase {
  readonly mechanism = 'LOGIN'
  readonly #options: LoginServerOptions
  readonly #prompts: { username: Uint8Array; password: Uint8Array }
  #username: string | undefined

  /** `options` is the descriptor's checked copy, prompts copied as given. */
  constructor(options: LoginServerOptions) {
    super(options)
    this.#options = options
    // The descriptor copied the caller's prompts as given (a JS caller may leave one out).
    const prompts = options.prompts
    // Decision 5: checked here, as this code loads, to keep the check out of the up-front bundle.
    checkOptionType(this.mechanism, 'a prompt', prompts?.username)
    checkOptionType(this.mechanism, 'a prompt', prompts?.password)
    checkOptionType(this.mechanism, 'prepare', options.prepare, 'function')
    this.#prompts = { username: utf8Encode(prompts?.username ?? 'Username:'), password: utf8Encode(prompts?.password ?? 'Password:') }
  }

  protected async onNext(response: Uint8Array | undefined, first: boolean): Promise<ServerOutcome> {
    if (first && response === undefined) return { type: 'challenge', challenge: this.#prompts.username.slice() }
    // [MS-XLOGIN]: some clients send the username as the initial response.
    if (this.#username === undefined) {
      const username = utf8Decode(response!)
      if (username === '' || username.includes('\0')) throw new SaslError('malformed-request', 'LOGIN: invalid username')
      checkIdentityLength(username, 'username')
      this.#username = username
      return { type: 'challenge', challenge: this.#prompts.password.slice() }
    }
    const password = utf8Decode(response!)
    if (password === '') throw new SaslError('malformed-request', 'LOGIN: empty password')
    const prepare = this.#options.prepare ?? ((s: string) => s)
    const authcid = prepare(this.#username)
    const checked = await checkPlaintextPassword(this.#options, this.mechanism, authcid, prepare(password))
    if (!checked.ok) return { type: 'failure', error: notAuthorized(checked.reason) }
    return concludeAuthentication(this.#options, this.mechanism, authcid, '', checked.stored)
  }
}
