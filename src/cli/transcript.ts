/**
 * Annotated transcripts of SMTP, IMAP and POP3 sessions, as RFC examples print them: `C:` and
 * `S:` lines, each base64 line of an AUTH exchange followed by its decoded form. A line that
 * carries a secret or an attackable proof shows only the start of its base64 (`AHRpbQB0…`);
 * the decoded form redacts passwords and tokens and truncates proofs.
 */
import { base64Decode } from '../codec/base64.js'
import { describeMessage, renderDescription, visibleBase64, REDACTED, type Description } from './describe.js'

/** The protocols the command speaks. */
export type Protocol = 'smtp' | 'imap' | 'pop3'

/** One transcript line: who sent it, what it showed, and the decoded payload if any. */
export interface TranscriptEntry {
  readonly from: 'C' | 'S' | '*'
  readonly line: string
  readonly decoded?: Description
}

interface Exchange {
  readonly mechanism: string
  readonly tag: string | undefined
  client: number
  server: number
  previousServer: Uint8Array | undefined
  previousClient: Uint8Array | undefined
}

/** Renders an entry as text lines: `C: …` and the decoded form indented below it. */
export function renderEntry(entry: TranscriptEntry): string[] {
  const head = entry.from === '*' ? `   (${entry.line})` : `${entry.from}: ${entry.line}`
  return entry.decoded === undefined ? [head] : [head, ...renderDescription(entry.decoded, '     ')]
}

/**
 * Follows one session line by line and annotates it. `secrets` are strings never to show
 * (the password and token the probe sends, the plaintext passwords a server stores).
 */
export class Transcript {
  readonly protocol: Protocol
  readonly entries: TranscriptEntry[] = []
  readonly #secrets: string[]
  readonly #onEntry: ((entry: TranscriptEntry) => void) | undefined
  #exchange: Exchange | undefined

  constructor(protocol: Protocol, options: { secrets?: readonly string[]; onEntry?: (entry: TranscriptEntry) => void } = {}) {
    this.protocol = protocol
    this.#secrets = (options.secrets ?? []).filter((s) => s.length > 0).sort((a, b) => b.length - a.length)
    this.#onEntry = options.onEntry
  }

  /** The mechanism of the AUTH exchange in progress, if any. */
  get mechanism(): string | undefined {
    return this.#exchange?.mechanism
  }

  /** A note between lines (`TLS established: …`). */
  note(text: string): void {
    this.#add({ from: '*', line: this.#mask(text) })
  }

  /** A line the client sent. */
  client(line: string): void {
    const exchange = this.#exchange
    if (exchange === undefined) {
      const auth = this.#authCommand(line)
      if (auth === undefined) return this.#add({ from: 'C', line: this.#maskCommand(line) })
      this.#exchange = { mechanism: auth.mechanism, tag: auth.tag, client: 0, server: 0, previousServer: undefined, previousClient: undefined }
      if (auth.initial === undefined) return this.#add({ from: 'C', line })
      return this.#payload('C', auth.prefix, auth.initial === '=' ? '' : auth.initial, auth.initial === '=' ? '=' : undefined)
    }
    // RFC 4954 §4, RFC 9051 §6.2.2, RFC 5034 §4: a line with a single "*" cancels.
    if (line === '*') return this.#add({ from: 'C', line })
    this.#payload('C', '', line)
  }

  /** A line the server sent. */
  server(line: string): void {
    const exchange = this.#exchange
    if (exchange === undefined) return this.#add({ from: 'S', line: this.#mask(line) })
    const challenge = this.#challenge(line, exchange)
    if (challenge === undefined) {
      // Any other line ends the exchange, except IMAP's untagged ones and SMTP continuations.
      const continues = (this.protocol === 'imap' && line.startsWith('* ') && !/^\* BYE/i.test(line)) || (this.protocol === 'smtp' && /^\d{3}-/.test(line))
      if (!continues) this.#exchange = undefined
      return this.#add({ from: 'S', line: this.#mask(line) })
    }
    this.#payload('S', challenge.prefix, challenge.text)
  }

  #authCommand(line: string): { mechanism: string; tag?: string; initial?: string; prefix: string } | undefined {
    if (this.protocol === 'imap') {
      const m = /^(\S+) (AUTHENTICATE) (\S+)(?: (\S+))?$/i.exec(line)
      if (m === null) return undefined
      const prefix = `${m[1]} ${m[2]} ${m[3]} `
      return m[4] === undefined ? { mechanism: m[3]!.toUpperCase(), tag: m[1]!, prefix } : { mechanism: m[3]!.toUpperCase(), tag: m[1]!, initial: m[4], prefix }
    }
    const m = /^(AUTH) (\S+)(?: (\S+))?$/i.exec(line)
    if (m === null) return undefined
    const prefix = `${m[1]} ${m[2]} `
    return m[3] === undefined ? { mechanism: m[2]!.toUpperCase(), prefix } : { mechanism: m[2]!.toUpperCase(), initial: m[3], prefix }
  }

  #challenge(line: string, exchange: Exchange): { prefix: string; text: string } | undefined {
    if (this.protocol === 'smtp') {
      const m = /^334(?: (.*))?$/.exec(line)
      return m === null ? undefined : { prefix: '334 ', text: m[1] ?? '' }
    }
    void exchange
    // IMAP and POP3: "+" [SP base64]; POP3's "+OK" is the end, not a challenge.
    if (line === '+' || line.startsWith('+ ')) return { prefix: '+ ', text: line.slice(2) }
    return undefined
  }

  #payload(from: 'C' | 'S', prefix: string, text: string, shown?: string): void {
    const exchange = this.#exchange!
    let bytes: Uint8Array | undefined
    try {
      bytes = text === '' ? new Uint8Array(0) : base64Decode(text)
    } catch {
      bytes = undefined
    }
    if (bytes === undefined) {
      // Not base64: a text challenge (Exchange's "334 NTLM supported") or a broken response.
      return this.#add({ from, line: this.#mask(`${prefix}${text}`) })
    }
    const client = from === 'C'
    const described = describeMessage(bytes, {
      mechanism: exchange.mechanism,
      from: client ? 'client' : 'server',
      index: client ? exchange.client : exchange.server,
      previous: client ? exchange.previousServer : exchange.previousClient,
    })
    if (client) {
      exchange.client++
      exchange.previousClient = bytes
    } else {
      exchange.server++
      exchange.previousServer = bytes
    }
    // A known secret where the describer saw none (a message it could not parse) hides it too.
    const leak = this.#secretOffset(bytes)
    const decoded: Description =
      leak === undefined ? described : { ...described, sensitivity: 'secret', secretFrom: Math.min(leak, described.sensitivity === 'secret' ? (described.secretFrom ?? 0) : leak), fields: this.#maskFields(described) }
    this.#add({ from, line: `${prefix}${shown ?? visibleBase64(text, decoded)}`, decoded })
  }

  /** The byte offset of the first known secret in the message, if one is in it. */
  #secretOffset(bytes: Uint8Array): number | undefined {
    let first: number | undefined
    for (const secret of this.#secrets) {
      const needle = new TextEncoder().encode(secret)
      for (let i = 0; i + needle.length <= bytes.length; i++) {
        if (needle.every((b, j) => bytes[i + j] === b)) {
          if (first === undefined || i < first) first = i
          break
        }
      }
    }
    return first
  }

  #maskFields(description: Description): Description['fields'] {
    const walk = (fields: Description['fields']): Description['fields'] =>
      fields.map((f) => ({ ...f, ...(f.value === undefined ? {} : { value: this.#mask(f.value) }), ...(f.fields === undefined ? {} : { fields: walk(f.fields) }) }))
    return walk(description.fields)
  }

  /** Commands outside SASL that carry a password: IMAP LOGIN, POP3 PASS and APOP. */
  #maskCommand(line: string): string {
    if (this.protocol === 'imap') {
      const m = /^(\S+ LOGIN )(.*)$/i.exec(line)
      if (m !== null) return `${m[1]}${REDACTED}`
    }
    if (this.protocol === 'pop3') {
      const m = /^(PASS |APOP \S+ )/i.exec(line)
      if (m !== null) return `${m[1]}${REDACTED}`
    }
    return this.#mask(line)
  }

  #mask(text: string): string {
    let out = text
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED)
    return out
  }

  #add(entry: TranscriptEntry): void {
    this.entries.push(entry)
    this.#onEntry?.(entry)
  }
}
