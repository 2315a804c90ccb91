/// <reference types="node" />
/**
 * A line-oriented client connection (CRLF lines, as SMTP, IMAP and POP3 use) over `node:net`,
 * upgraded in place to `node:tls` for STARTTLS; every read has a deadline.
 */
import net from 'node:net'
import tls from 'node:tls'
import { CliError, EXIT, networkError } from './errors.js'

/** Longest line read from a server (a 64 KiB GSSAPI token in base64 is ~87,400 characters). */
export const MAX_LINE = 262144

/** TLS settings of a client connection. */
export interface ClientTlsOptions {
  /** Trusted CA certificates (PEM), instead of the system's. */
  readonly ca?: readonly string[] | undefined
  /** Accept any certificate: for test servers only. */
  readonly insecure?: boolean | undefined
  /** A client certificate and its key (PEM), for EXTERNAL. */
  readonly cert?: string | undefined
  readonly key?: string | undefined
}

/** What a TLS handshake established, for the transcript. */
export interface TlsSummary {
  readonly protocol: string
  readonly cipher: string
  /** The server certificate's subject CN (or the whole subject), if any. */
  readonly subject: string | undefined
  readonly verified: boolean
  /** Why the certificate did not verify, with --insecure. */
  readonly verifyError: string | undefined
}

/** Splits a byte stream into lines (CRLF, or a bare LF from a sloppy peer). */
export class LineSplitter {
  readonly #decoder = new TextDecoder()
  readonly #maxLine: number
  #buffer = ''

  constructor(maxLine = MAX_LINE) {
    this.#maxLine = maxLine
  }

  /** The complete lines in this chunk; throws when a line grows past the limit. */
  push(chunk: Uint8Array): string[] {
    this.#buffer += this.#decoder.decode(chunk, { stream: true })
    const lines: string[] = []
    for (let end; (end = this.#buffer.indexOf('\n')) >= 0; ) {
      const line = this.#buffer.slice(0, end)
      this.#buffer = this.#buffer.slice(end + 1)
      lines.push(line.endsWith('\r') ? line.slice(0, -1) : line)
    }
    if (this.#buffer.length > this.#maxLine) throw new Error(`line longer than ${this.#maxLine} characters`)
    return lines
  }

  /** Bytes received after the last complete line. */
  get pending(): boolean {
    return this.#buffer.length > 0
  }
}

interface Waiter {
  readonly resolve: (line: string) => void
  readonly reject: (error: CliError) => void
  readonly timer: NodeJS.Timeout
}

/** Seconds, as the transcript and messages say them. */
export const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`

/** A client connection that reads lines with a deadline and upgrades to TLS in place. */
export class LineConnection {
  readonly endpoint: string
  readonly host: string
  readonly #timeoutMs: number
  #socket: net.Socket
  #splitter = new LineSplitter()
  #lines: string[] = []
  #waiter: Waiter | undefined
  #failure: CliError | undefined
  #handshaking = false
  #onData = (chunk: Buffer) => this.#receive(chunk)
  #onError = (error: Error) => this.#fail(networkError(error, this.endpoint, this.#handshaking))
  #onClose = () => this.#fail(new CliError(EXIT.network, `connection closed by the server (${this.endpoint})`))

  private constructor(socket: net.Socket, host: string, port: number, timeoutMs: number) {
    this.#socket = socket
    this.host = host
    this.endpoint = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`
    this.#timeoutMs = timeoutMs
    this.#attach(socket)
  }

  /** Connects (with TLS from the start when `tlsOptions` is given: smtps, imaps, pop3s). */
  static async open(host: string, port: number, timeoutMs: number, tlsOptions?: ClientTlsOptions): Promise<{ connection: LineConnection; tls?: TlsSummary }> {
    const endpoint = `${host}:${port}`
    const socket = tlsOptions === undefined ? net.connect({ host, port }) : tls.connect({ host, port, ...tlsSettings(host, tlsOptions) })
    const ready = tlsOptions === undefined ? 'connect' : 'secureConnect'
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new CliError(EXIT.timeout, `timeout: no connection to ${endpoint} within ${seconds(timeoutMs)}`))
      }, timeoutMs)
      socket.once(ready, () => {
        clearTimeout(timer)
        socket.off('error', onError)
        resolve()
      })
      // A TLS error before secureConnect is a handshake failure unless the TCP connect failed.
      let connected = false
      socket.once('connect', () => (connected = true))
      const onError = (error: Error) => {
        clearTimeout(timer)
        socket.destroy()
        reject(networkError(error, endpoint, tlsOptions !== undefined && connected))
      }
      socket.once('error', onError)
    })
    // Lines are small and every one waits for an answer: no Nagle delay.
    socket.setNoDelay(true)
    const connection = new LineConnection(socket, host, port, timeoutMs)
    if (tlsOptions === undefined) return { connection }
    return { connection, tls: summarize(socket as tls.TLSSocket) }
  }

  /** The socket as it is now (a TLSSocket after `upgrade`). */
  get socket(): net.Socket {
    return this.#socket
  }

  get secure(): boolean {
    return this.#socket instanceof tls.TLSSocket
  }

  /** The address of our end, for EHLO's address literal. */
  get localAddress(): string | undefined {
    return this.#socket.localAddress
  }

  write(line: string): void {
    if (this.#failure === undefined) this.#socket.write(`${line}\r\n`)
  }

  /** The next line; rejects on timeout, close or error. `what` names what we wait for. */
  readLine(what: string): Promise<string> {
    const queued = this.#lines.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    if (this.#failure !== undefined) return Promise.reject(this.#closedDuring(what))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined
        reject(new CliError(EXIT.timeout, `timeout: no reply from ${this.endpoint} within ${seconds(this.#timeoutMs)} (waiting for ${what})`))
        this.close()
      }, this.#timeoutMs)
      this.#waiter = { resolve, reject: (error) => reject(this.#closedDuring(what, error)), timer }
    })
  }

  /** STARTTLS: the handshake over the same socket. Nothing may be pending (RFC 3207 §4.2). */
  async upgrade(options: ClientTlsOptions): Promise<TlsSummary> {
    // Lines the server sent before the handshake would be read as if they came over TLS:
    // the response-injection attack of CVE-2011-0411 (and its client-side twin).
    if (this.#lines.length > 0 || this.#splitter.pending) throw new CliError(EXIT.tls, 'TLS: the server sent data after its STARTTLS reply (injection attempt?)')
    const raw = this.#socket
    this.#detach(raw)
    this.#handshaking = true
    const secure = tls.connect({ socket: raw, ...tlsSettings(this.host, options) })
    this.#socket = secure
    this.#splitter = new LineSplitter()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        secure.destroy()
        reject(new CliError(EXIT.timeout, `timeout: TLS handshake with ${this.endpoint} took longer than ${seconds(this.#timeoutMs)}`))
      }, this.#timeoutMs)
      const onError = (error: Error) => {
        clearTimeout(timer)
        secure.destroy()
        reject(networkError(error, this.endpoint, true))
      }
      secure.once('error', onError)
      secure.once('secureConnect', () => {
        clearTimeout(timer)
        secure.off('error', onError)
        resolve()
      })
    })
    this.#handshaking = false
    this.#attach(secure)
    return summarize(secure)
  }

  close(): void {
    this.#failure ??= new CliError(EXIT.network, 'connection closed')
    this.#socket.destroy()
  }

  #attach(socket: net.Socket): void {
    socket.on('data', this.#onData)
    socket.on('error', this.#onError)
    socket.on('close', this.#onClose)
  }

  #detach(socket: net.Socket): void {
    socket.off('data', this.#onData)
    socket.off('error', this.#onError)
    socket.off('close', this.#onClose)
  }

  #receive(chunk: Buffer): void {
    let lines: string[]
    try {
      lines = this.#splitter.push(chunk)
    } catch (error) {
      this.#fail(new CliError(EXIT.protocol, `the server sent a ${error instanceof Error ? error.message : 'bad line'}`))
      this.#socket.destroy()
      return
    }
    for (const line of lines) {
      const waiter = this.#waiter
      if (waiter !== undefined) {
        this.#waiter = undefined
        clearTimeout(waiter.timer)
        waiter.resolve(line)
      } else this.#lines.push(line)
    }
  }

  #fail(error: CliError): void {
    this.#failure ??= error
    const waiter = this.#waiter
    if (waiter !== undefined) {
      this.#waiter = undefined
      clearTimeout(waiter.timer)
      waiter.reject(this.#failure)
    }
  }

  #closedDuring(what: string, error = this.#failure): CliError {
    const failure = error ?? new CliError(EXIT.network, 'connection closed')
    if (failure.message.startsWith('connection closed by the server')) return new CliError(failure.exitCode, `connection closed by the server (${this.endpoint}) while waiting for ${what}`)
    return failure
  }
}

function tlsSettings(host: string, options: ClientTlsOptions): tls.ConnectionOptions {
  const settings: tls.ConnectionOptions = { minVersion: 'TLSv1.2', rejectUnauthorized: options.insecure !== true }
  // RFC 6066 §3: no SNI for an IP address.
  if (net.isIP(host) === 0) settings.servername = host
  if (options.ca !== undefined) settings.ca = [...options.ca]
  if (options.cert !== undefined) settings.cert = options.cert
  if (options.key !== undefined) settings.key = options.key
  return settings
}

function summarize(socket: tls.TLSSocket): TlsSummary {
  const peer = socket.getPeerCertificate()
  const cn = peer?.subject?.CN
  const subject = typeof cn === 'string' ? `CN=${cn}` : Array.isArray(cn) ? `CN=${cn.join(',')}` : undefined
  const error = socket.authorizationError
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    subject,
    verified: socket.authorized,
    verifyError: error === null || error === undefined ? undefined : String(error),
  }
}
