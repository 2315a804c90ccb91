// What each interop test tells the matrix reporter, through vitest's task meta: which cell it
// proves (mechanism × peer × direction, success case or refusal case), which cell the peer
// lacks (with the evidence), and which peer version ran.

/** saslkit as the client against the peer's server, or the peer's client against saslkit's server. */
export type Direction = 'saslkit→peer' | 'peer→saslkit'

/** Which saslkit drives the peer: the library's profiles (absent), or e.g. `saslkit probe (CLI)`. */
interface Driver {
  readonly client?: string
}

export interface CellMeta extends Driver {
  readonly kind: 'cell'
  readonly mechanism: string
  /** The row's place in the table (the matrix keeps the table's order). */
  readonly order: number
  /** Column group, e.g. `gsasl`, `cyrus`, `dovecot imap`. */
  readonly peer: string
  readonly direction: Direction
  /** `ok`: the right credentials succeed; `refused`: the wrong ones are refused. */
  readonly variant: 'ok' | 'refused'
}

export interface LackMeta extends Driver {
  readonly kind: 'lack'
  readonly mechanism: string
  readonly order: number
  readonly peer: string
  readonly direction: Direction
  /** The peer's own words or listing that shows it lacks the mechanism. */
  readonly evidence: string
}

export interface PeerMeta {
  readonly kind: 'peer'
  readonly peer: string
  /** Product name and version, as the peer reports it. */
  readonly version: string
  /** How it was launched and what it offers, one line each. */
  readonly notes: readonly string[]
}

export type InteropMeta = CellMeta | LackMeta | PeerMeta

/** Anything with vitest's `task.meta` (the test context's task). */
export interface HasMeta {
  readonly meta: object
}

/** Tags the running test with what it proves; the reporter builds the matrix from these. */
export function tag(task: HasMeta, meta: InteropMeta): void {
  ;(task.meta as { interop?: InteropMeta }).interop = meta
}

export function readTag(meta: object): InteropMeta | undefined {
  return (meta as { interop?: InteropMeta }).interop
}

/** The peers whose results make a complete report (docs/interop.md is written only then). */
export const REPORTED_PEERS = ['gsasl', 'cyrus', 'dovecot', 'mit-krb5'] as const

/** Column order of the matrix: by peer (this order, then alphabetical), saslkit→peer first. */
export const PEER_ORDER = [
  'gsasl',
  'gsasl imap',
  'gsasl imap+STARTTLS',
  'gsasl smtp',
  'gsasl smtp+STARTTLS',
  'cyrus',
  'dovecot imap',
  'dovecot imap+STARTTLS',
  'dovecot pop3',
  'dovecot pop3+STARTTLS',
  'dovecot submission',
  'dovecot submission+STARTTLS',
  // `saslkit probe` (the CLI) against Dovecot: each column after STARTTLS and with implicit TLS.
  'dovecot imap+STARTTLS, imaps',
  'dovecot pop3+STARTTLS, pop3s',
  'dovecot submission+STARTTLS, submissions',
]
