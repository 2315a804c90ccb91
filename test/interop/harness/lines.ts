// A CRLF line socket for talking to network peers (and for being one): bounded reads, STARTTLS
// upgrade, and a transcript for readable failures.
import { connect, type Socket } from 'node:net'
import { TLSSocket, connect as tlsConnect, createSecureContext, type ConnectionOptions, type SecureContextOptions } from 'node:tls'
import { READ_TIMEOUT_MS } from './process.js'

export class LineSocket {
  #socket: Socket | TLSSocket
  #buffer = ''
  readonly #lines: string[] = []
  #ended = false
  #wake: (() => void) | undefined
  readonly transcript: string[] = []

  private constructor(socket: Socket) {
    this.#socket = socket
    this.#attach(socket)
  }

  /** Connects to 127.0.0.1:port. */
  static connect(port: number, host = '127.0.0.1'): Promise<LineSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host)
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new LineSocket(socket))
      })
    })
  }

  /** Wraps a socket a server accepted. */
  static accept(socket: Socket): LineSocket {
    return new LineSocket(socket)
  }

  get socket(): Socket | TLSSocket {
    return this.#socket
  }

  write(line: string): void {
    this.transcript.push(`> ${line}`)
    this.#socket.write(`${line}\r\n`)
  }

  /** The next line without CRLF; `undefined` once the peer closed. */
  async readLine(timeoutMs = READ_TIMEOUT_MS): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const line = this.#lines.shift()
      if (line !== undefined) return line
      if (this.#ended) return undefined
      const left = deadline - Date.now()
      if (left <= 0) throw this.failure(`no line within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.#wake = undefined
    }
  }

  /** Reads lines until one matches; fails if the peer closes first. */
  async readUntil(match: (line: string) => boolean, timeoutMs = READ_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const line = await this.readLine(Math.max(1, deadline - Date.now()))
      if (line === undefined) throw this.failure('the peer closed the connection')
      if (match(line)) return line
    }
  }

  /** Upgrades to TLS as a client (after the protocol's STARTTLS reply). */
  async startTls(options: ConnectionOptions): Promise<TLSSocket> {
    if (this.#buffer !== '' || this.#lines.length > 0) throw this.failure('data after the STARTTLS reply')
    const plain = this.#socket as Socket
    plain.removeAllListeners('data')
    plain.removeAllListeners('end')
    plain.removeAllListeners('close')
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const tls = tlsConnect({ ...options, socket: plain }, () => resolve(tls))
      tls.once('error', reject)
    })
    this.transcript.push('[TLS established]')
    this.#socket = secure
    this.#attach(secure)
    return secure
  }

  /** Upgrades to TLS as the server (after sending the STARTTLS go-ahead). */
  async acceptTls(options: SecureContextOptions): Promise<TLSSocket> {
    if (this.#buffer !== '' || this.#lines.length > 0) throw this.failure('data after the STARTTLS command')
    const plain = this.#socket as Socket
    plain.removeAllListeners('data')
    plain.removeAllListeners('end')
    plain.removeAllListeners('close')
    const secure = new TLSSocket(plain, { isServer: true, secureContext: createSecureContext(options) })
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', () => resolve())
      secure.once('error', reject)
    })
    this.transcript.push('[TLS accepted]')
    this.#socket = secure
    this.#attach(secure)
    return secure
  }

  close(): void {
    this.#socket.destroy()
  }

  /** Ends the connection cleanly (TLS close_notify, FIN) and waits for the peer to close. */
  async end(timeoutMs = 5_000): Promise<void> {
    const socket = this.#socket
    if (socket.destroyed) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy()
        resolve()
      }, timeoutMs)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      socket.end()
    })
  }

  failure(message: string): Error {
    return new Error(`${message}\n  transcript:\n${this.transcript.map((l) => `    ${l}`).join('\n')}`)
  }

  #attach(socket: Socket): void {
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk
      for (let at = this.#buffer.indexOf('\n'); at >= 0; at = this.#buffer.indexOf('\n')) {
        const line = this.#buffer.slice(0, at).replace(/\r$/, '')
        this.#buffer = this.#buffer.slice(at + 1)
        this.transcript.push(`< ${line}`)
        this.#lines.push(line)
      }
      this.#wake?.()
    })
    const end = () => {
      this.#ended = true
      this.#wake?.()
    }
    socket.on('end', end)
    socket.on('close', end)
    socket.on('error', end)
  }
}
