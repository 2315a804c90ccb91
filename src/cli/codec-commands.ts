/**
 * `saslkit encode`, `decode` and `hash`: SASL messages to type by hand, SASL messages read
 * back, and the stored password forms a server keeps.
 */
import { base64Decode, base64Encode } from '../codec/base64.js'
import { deriveCredentials, formatPasswordScheme, type PasswordScheme } from '../credentials.js'
import { SaslError } from '../core/errors.js'
import { describeMessage, truncate, visibleBase64, type Description, type MessageContext } from './describe.js'
import { usageError } from './errors.js'
import { findMechanism } from './mechanisms.js'

/**
 * The mechanisms whose every message can be written without the server: the ones a person
 * types into `openssl s_client`. (The others answer challenges, which only a live exchange has.)
 */
export const ENCODABLE = ['PLAIN', 'LOGIN', 'XOAUTH2', 'OAUTHBEARER', 'EXTERNAL', 'ANONYMOUS'] as const

/** Options of `encode`. */
export interface EncodeOptions {
  readonly user?: string | undefined
  readonly password?: string | undefined
  readonly token?: string | undefined
  readonly authzid?: string | undefined
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly trace?: string | undefined
}

/**
 * The base64 lines of a mechanism's messages, in order (`=` for an empty one, as SMTP, IMAP
 * and POP3 write it). LOGIN gives two: the username and the password.
 */
export async function encodeMessages(name: string, options: EncodeOptions): Promise<string[]> {
  const mechanism = findMechanism(name)
  if (mechanism === undefined || !(ENCODABLE as readonly string[]).includes(mechanism.name)) {
    throw usageError(`encode takes ${ENCODABLE.map((m) => m.toLowerCase()).join(', ')} (not ${name})`)
  }
  const clientOptions: Record<string, unknown> = {}
  if (options.user !== undefined) clientOptions.username = options.user
  if (options.password !== undefined) clientOptions.password = options.password
  if (options.token !== undefined) clientOptions.token = options.token
  if (options.authzid !== undefined) clientOptions.authzid = options.authzid
  if (options.host !== undefined) clientOptions.host = options.host
  if (options.port !== undefined) clientOptions.port = options.port
  if (options.trace !== undefined) clientOptions.trace = options.trace
  const messages: Uint8Array[] = []
  try {
    const client = mechanism.client(clientOptions)
    const initial = await client.start()
    if (initial !== undefined) messages.push(initial)
    else {
      // Server-first (LOGIN): the answers to its prompts, which a client must not read.
      for (let i = 0; i < 8; i++) {
        try {
          messages.push(await client.next(new Uint8Array(0)))
        } catch {
          break
        }
      }
    }
  } catch (error) {
    throw usageError(`${mechanism.name}: ${error instanceof SaslError ? error.message : 'missing or invalid options'} (see saslkit encode --help)`)
  }
  return messages.map((m) => (m.length === 0 ? '=' : base64Encode(m)))
}

/** One message to decode, and what its line said about it. */
export interface DecodeInput {
  readonly base64: string
  readonly context: MessageContext
}

/**
 * Reads one line the way people paste them: bare base64, or a protocol line around it
 * (`334 …`, `+ …`, `AUTH PLAIN …`, `A1 AUTHENTICATE PLAIN …`), optionally after `C:` / `S:`.
 * `state.mechanism` carries the mechanism of an AUTH line to the lines after it.
 */
export function parseDecodeLine(raw: string, defaults: { mechanism?: string | undefined; from?: 'client' | 'server' | undefined }, state: { mechanism?: string | undefined }): DecodeInput | undefined {
  let line = raw.trim()
  let from = defaults.from
  const said = /^([CS]):\s*/.exec(line)
  if (said !== null) {
    from = said[1] === 'C' ? 'client' : 'server'
    line = line.slice(said[0].length)
  }
  if (line === '') return undefined
  const auth = /^(?:\S+ AUTHENTICATE|AUTH) (\S+)(?: (\S+))?$/i.exec(line)
  if (auth !== null) {
    state.mechanism = auth[1]!.toUpperCase()
    if (auth[2] === undefined) return undefined
    return { base64: auth[2] === '=' ? '' : auth[2], context: { mechanism: defaults.mechanism ?? state.mechanism, from: 'client' } }
  }
  const challenge = /^(?:334|\+)(?: (.*))?$/.exec(line)
  if (challenge !== null) return { base64: challenge[1] ?? '', context: { mechanism: defaults.mechanism ?? state.mechanism, from: 'server' } }
  return { base64: line === '=' ? '' : line, context: { mechanism: defaults.mechanism ?? state.mechanism, from } }
}

/** A decoded message for `--json`: the input (shortened when it holds a secret or proof) and its description. */
export interface DecodedMessage extends Description {
  readonly input: string
}

/** Decodes one message; bad base64 is a usage error naming the problem, never the input. */
export function decodeMessage(input: DecodeInput): DecodedMessage {
  let bytes: Uint8Array
  try {
    bytes = input.base64 === '' ? new Uint8Array(0) : base64Decode(input.base64)
  } catch {
    throw usageError(`not base64 (RFC 4648): ${truncate(input.base64, 12)}`)
  }
  const description = describeMessage(bytes, input.context)
  return { input: visibleBase64(input.base64, description), ...description }
}

/** Dovecot scheme names, the ones `formatPasswordScheme` can write are offered by `hash`. */
const DOVECOT_SCHEMES = ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'CRAM-MD5', 'DIGEST-MD5', 'NTLM', 'PLAIN'] as const

/** Options of `hash`. */
export interface HashOptions {
  readonly scheme: string
  readonly iterations?: number | undefined
  readonly user?: string | undefined
  readonly realm?: string | undefined
}

/** The stored form of a password in Dovecot's `{SCHEME}value` syntax. */
export async function hashPassword(password: string, options: HashOptions): Promise<string> {
  const scheme = options.scheme.toUpperCase()
  if (scheme === 'PLAIN') throw usageError('{PLAIN} stores the password itself: nothing to hash')
  const derive = { ...(options.iterations === undefined ? {} : { iterations: options.iterations }), ...(options.user === undefined ? {} : { username: options.user }), ...(options.realm === undefined ? {} : { realm: options.realm }) }
  let stored
  try {
    stored = await deriveCredentials(password, derive)
  } catch (error) {
    throw usageError(`cannot hash: ${error instanceof SaslError ? error.message : 'invalid options'}`)
  }
  try {
    return formatPasswordScheme(scheme as PasswordScheme, stored)
  } catch {
    const supported = await supportedSchemes()
    if (supported.includes(scheme) || scheme === 'DIGEST-MD5') throw usageError(`${scheme} needs ${scheme === 'DIGEST-MD5' ? '--user and --realm' : 'other options'}`)
    throw usageError(`unsupported scheme ${options.scheme} (supported: ${supported.join(', ')})`)
  }
}

let supported: Promise<string[]> | undefined

/** The Dovecot schemes this build can write (found by trying: each mechanism family adds its own). */
export function supportedSchemes(): Promise<string[]> {
  supported ??= (async () => {
    const stored = await deriveCredentials('saslkit', { username: 'user', realm: 'realm', iterations: 4096 })
    return DOVECOT_SCHEMES.filter((scheme) => {
      try {
        formatPasswordScheme(scheme as PasswordScheme, stored)
        return true
      } catch {
        return false
      }
    })
  })()
  return supported
}
