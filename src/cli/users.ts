/**
 * The users of `saslkit serve`: a JSON file of plaintext passwords or Dovecot `{SCHEME}`
 * stored forms, OAuth 2.0 bearer tokens and OAuth 1.0a credentials, turned into the server
 * options every mechanism takes (`credentials`, `validateToken`, `secrets`).
 */
import { constantTimeEqual } from '../codec/equal.js'
import { utf8Encode } from '../codec/utf8.js'
import { parsePasswordScheme } from '../credentials.js'
import { SaslError } from '../core/errors.js'
import type { StoredCredentials } from '../core/types.js'
import { usageError } from './errors.js'

/** OAuth 1.0a token credentials a user holds (OAUTH10A, XOAUTH). */
export interface OAuth1Grant {
  readonly consumerKey: string
  readonly consumerSecret: string
  readonly token: string
  readonly tokenSecret: string
}

interface UserRecord {
  readonly credentials: StoredCredentials
  readonly tokens: readonly string[]
  readonly oauth1: readonly OAuth1Grant[]
}

/** The sandbox user when no users file is given. */
export const DEFAULT_USERS = { tim: { password: 'tanstaaftanstaaf' } } as const

const SCHEME = /^\{[A-Z0-9.-]+\}/

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function merge(into: Mutable<StoredCredentials>, from: StoredCredentials): void {
  if (from.password !== undefined) into.password = from.password
  if (from.ntHash !== undefined) into.ntHash = from.ntHash
  if (from.cramMd5 !== undefined) into.cramMd5 = from.cramMd5
  if (from.digestMd5 !== undefined) into.digestMd5 = from.digestMd5
  if (from.scram !== undefined) into.scram = { ...into.scram, ...from.scram }
}

const isString = (value: unknown): value is string => typeof value === 'string'

function strings(value: unknown, what: string): string[] {
  if (value === undefined) return []
  const list = Array.isArray(value) ? value : [value]
  if (!list.every(isString) || list.some((s) => s === '')) throw usageError(`users file: ${what} must be a non-empty string or a list of them`)
  return list
}

function grant(value: unknown, user: string): OAuth1Grant {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const fields = ['consumerKey', 'consumerSecret', 'token', 'tokenSecret'] as const
  if (!fields.every((f) => isString(v[f]))) throw usageError(`users file: ${user}.oauth1 entries need consumerKey, consumerSecret, token and tokenSecret`)
  return { consumerKey: v.consumerKey as string, consumerSecret: v.consumerSecret as string, token: v.token as string, tokenSecret: v.tokenSecret as string }
}

const same = (a: string, b: string): boolean => constantTimeEqual(utf8Encode(a), utf8Encode(b))

/** The users a sandbox server knows. */
export class UserDirectory {
  readonly #users: ReadonlyMap<string, UserRecord>

  private constructor(users: Map<string, UserRecord>) {
    this.#users = users
  }

  /**
   * Reads the users file's JSON:
   * `{ "tim": { "password": "secret" | "{SCRAM-SHA-256}…" | [ … ], "tokens": [ … ],
   *   "oauth1": [ { consumerKey, consumerSecret, token, tokenSecret } ], "disabled": false } }`.
   * Errors name the user and field, never the value.
   */
  static parse(json: unknown): UserDirectory {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw usageError('users file: expected an object of users')
    const users = new Map<string, UserRecord>()
    for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw usageError(`users file: ${name} must be an object`)
      const record = entry as Record<string, unknown>
      const known = new Set(['password', 'tokens', 'oauth1', 'disabled'])
      const unknown = Object.keys(record).filter((k) => !known.has(k))
      if (unknown.length > 0) throw usageError(`users file: ${name} has unknown field ${unknown.join(', ')}`)
      const credentials: Mutable<StoredCredentials> = {}
      for (const password of strings(record.password, `${name}.password`)) {
        if (!SCHEME.test(password)) {
          merge(credentials, { password })
          continue
        }
        try {
          merge(credentials, parsePasswordScheme(password))
        } catch (error) {
          throw usageError(`users file: ${name}.password: ${error instanceof SaslError ? error.message : 'unreadable stored form'}`)
        }
      }
      if (record.disabled !== undefined && typeof record.disabled !== 'boolean') throw usageError(`users file: ${name}.disabled must be true or false`)
      if (record.disabled === true) credentials.disabled = true
      const oauth1 = record.oauth1 === undefined ? [] : Array.isArray(record.oauth1) ? record.oauth1.map((g) => grant(g, name)) : [grant(record.oauth1, name)]
      users.set(name, { credentials, tokens: strings(record.tokens, `${name}.tokens`), oauth1 })
    }
    return new UserDirectory(users)
  }

  get names(): string[] {
    return [...this.#users.keys()]
  }

  /** API.md §4 `credentials`: the stored forms, or undefined for an unknown user. */
  credentials(authcid: string): StoredCredentials | undefined {
    return this.#users.get(authcid)?.credentials
  }

  /** The owner of an OAuth 2.0 bearer token (every token compared, in constant time). */
  bearerOwner(token: string): string | undefined {
    let owner: string | undefined
    for (const [name, user] of this.#users) for (const t of user.tokens) if (same(t, token) && owner === undefined) owner = name
    return owner
  }

  /** The OAuth 1.0a grant for a consumer key and token, with its owner. */
  oauth1Grant(consumerKey: string, token: string): (OAuth1Grant & { owner: string }) | undefined {
    let found: (OAuth1Grant & { owner: string }) | undefined
    for (const [name, user] of this.#users) {
      for (const g of user.oauth1) if (same(g.consumerKey, consumerKey) && same(g.token, token) && found === undefined) found = { ...g, owner: name }
    }
    return found
  }

  /** Every plaintext secret in the file, to keep out of transcripts. */
  secrets(): string[] {
    const out: string[] = []
    for (const user of this.#users.values()) {
      if (user.credentials.password !== undefined) out.push(user.credentials.password)
      out.push(...user.tokens)
      for (const g of user.oauth1) out.push(g.consumerSecret, g.tokenSecret, g.token)
    }
    return out.filter((s) => s !== '')
  }

  /**
   * The server options every mechanism takes from the directory: stored credentials, and the
   * token checks of the OAuth mechanisms (OAuth 1.0a requests carry a consumer key).
   */
  serverOptions(): Record<string, unknown> {
    return {
      credentials: (authcid: string) => this.credentials(authcid),
      validateToken: (request: { token: string; consumerKey?: string }) => {
        const owner = request.consumerKey === undefined ? this.bearerOwner(request.token) : this.oauth1Grant(request.consumerKey, request.token)?.owner
        return owner === undefined ? { error: { status: 'invalid_token' } } : { authcid: owner }
      },
      secrets: (request: { consumerKey: string; token: string }) => {
        const g = this.oauth1Grant(request.consumerKey, request.token)
        return g === undefined ? undefined : { consumerSecret: g.consumerSecret, tokenSecret: g.tokenSecret }
      },
    }
  }
}
