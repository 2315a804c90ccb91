// Child processes for the interop peers: line-oriented stdio with prompt detection, bounded
// waits that fail with the peer's stderr attached, stop by PID, temp dirs and free ports.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** How long one read from a peer may take before the case fails (a hang is a failure). */
export const READ_TIMEOUT_MS = 10_000

/** Every PID this worker started and has not yet seen exit: stopped on exit as a safety net. */
const running = new Set<number>()
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A prompt printed without a newline (on stdout or stderr) and the answer line to type. */
export interface Prompt {
  readonly text: string
  readonly answer: () => string
}

export interface SpawnOptions {
  readonly env?: Record<string, string>
  readonly cwd?: string
  /** Prompts the peer prints (no newline) and reads an answer line for, on either stream. */
  readonly prompts?: readonly Prompt[]
}

export type StdoutEvent = { type: 'line'; line: string } | { type: 'eof' }

/**
 * One peer process. stdout is read as lines (prompts stripped and answered); stderr is kept
 * whole for diagnostics. The child gets its own session (`detached`), so it has no
 * controlling terminal and getpass()-style prompts fall back to stdin/stderr.
 */
export class PeerProcess {
  readonly command: string
  readonly pid: number
  readonly exited: Promise<Exit>
  readonly #child: ChildProcess
  readonly #prompts: readonly Prompt[]
  readonly #events: StdoutEvent[] = []
  #wake: (() => void) | undefined
  #stdout = ''
  #stderr = ''
  #stderrScanned = 0
  #markerFrom = 0
  #traced = false
  /** Every stdout line and every line written, in order: the transcript shown on failure. */
  readonly transcript: string[] = []

  constructor(command: string, args: readonly string[], options: SpawnOptions = {}) {
    this.command = [command, ...args].join(' ')
    this.#prompts = options.prompts ?? []
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, LC_ALL: 'C', ...options.env },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    if (this.#child.pid === undefined) throw new Error(`cannot start ${command}`)
    this.pid = this.#child.pid
    running.add(this.pid)
    this.exited = new Promise<Exit>((resolve) => {
      this.#child.on('close', (code, signal) => {
        running.delete(this.pid)
        this.#flushStdout(true)
        this.#push({ type: 'eof' })
        resolve({ code, signal })
      })
      this.#child.on('error', (error) => {
        this.#stderr += `\n[spawn error] ${error.message}`
      })
    })
    this.#child.stdin!.on('error', () => {
      // the peer closed stdin (it exited): what it did is in its exit code and stderr
    })
    this.#child.stdout!.setEncoding('latin1')
    this.#child.stdout!.on('data', (chunk: string) => {
      this.#stdout += chunk
      this.#flushStdout(false)
    })
    this.#child.stderr!.setEncoding('latin1')
    this.#child.stderr!.on('data', (chunk: string) => {
      this.#stderr += chunk
      this.#scanStderr()
      this.#wake?.()
    })
  }

  get stderr(): string {
    return this.#stderr
  }

  /** Writes one line (a newline is added). */
  write(line: string): void {
    this.transcript.push(`> ${line}`)
    if (this.#child.stdin!.writable) this.#child.stdin!.write(`${line}\n`)
  }

  closeStdin(): void {
    this.#child.stdin!.end()
  }

  /** The next stdout line; `undefined` once stdout has ended. Throws after READ_TIMEOUT_MS. */
  async readLine(timeoutMs = READ_TIMEOUT_MS): Promise<string | undefined> {
    const event = await this.readEvent(undefined, timeoutMs)
    return event.type === 'line' ? event.line : undefined
  }

  /**
   * The next stdout line, or the end of stdout, or — when `stderrMarker` is given — that text
   * appearing on stderr (counted from the previous marker found), whichever comes first.
   */
  async readEvent(stderrMarker: string | undefined, timeoutMs = READ_TIMEOUT_MS): Promise<StdoutEvent | { type: 'marker' }> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (stderrMarker !== undefined) {
        const at = this.#stderr.indexOf(stderrMarker, this.#markerFrom)
        if (at >= 0 && (this.#events.length === 0 || this.#events[0]!.type === 'eof')) {
          this.#markerFrom = at + stderrMarker.length
          this.transcript.push(`< [stderr] ${stderrMarker}`)
          return { type: 'marker' }
        }
      }
      const event = this.#events[0]
      if (event !== undefined) {
        if (event.type === 'line') this.#events.shift()
        return event
      }
      const left = deadline - Date.now()
      if (left <= 0) throw this.failure(`no answer from the peer within ${timeoutMs} ms`)
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

  /** Puts a line back, to be read again first. */
  unread(line: string): void {
    this.#events.unshift({ type: 'line', line })
  }

  /** Reads lines until one satisfies `match`; `undefined` if stdout ends first. */
  async readUntil(match: (line: string) => boolean, timeoutMs = READ_TIMEOUT_MS): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const line = await this.readLine(Math.max(1, deadline - Date.now()))
      if (line === undefined || match(line)) return line
    }
  }

  /** Waits for the exit, bounded; kills the peer (by PID) if it does not exit in time. */
  async waitExit(timeoutMs = READ_TIMEOUT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    const result = await Promise.race([this.exited, timeout])
    clearTimeout(timer)
    if (result === 'timeout') {
      this.stop()
      throw this.failure(`the peer did not exit within ${timeoutMs} ms`)
    }
    return result
  }

  /** Stops the peer by its PID (and, with INTEROP_TRACE=1, prints what was said). */
  stop(): void {
    if (process.env.INTEROP_TRACE === '1' && !this.#traced) {
      this.#traced = true
      process.stderr.write(`--- ${this.command}\n${this.transcript.join('\n')}\n${this.#stderr}\n`)
    }
    if (!running.has(this.pid)) return
    try {
      process.kill(this.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }

  /** An Error that carries the command, the transcript and stderr, for a readable failure. */
  failure(message: string): Error {
    return new Error(
      `${message}\n  command: ${this.command}\n  transcript:\n${this.transcript.map((l) => `    ${l}`).join('\n')}\n  stderr:\n${this.#stderr
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}`,
    )
  }

  #push(event: StdoutEvent): void {
    this.#events.push(event)
    this.#wake?.()
  }

  #flushStdout(atEnd: boolean): void {
    for (;;) {
      const prompt = this.#prompts.find((p) => this.#stdout.startsWith(p.text))
      if (prompt !== undefined) {
        this.#stdout = this.#stdout.slice(prompt.text.length)
        this.transcript.push(`< [prompt] ${prompt.text.trim()}`)
        this.write(prompt.answer())
        continue
      }
      const newline = this.#stdout.indexOf('\n')
      if (newline < 0) break
      const line = this.#stdout.slice(0, newline).replace(/\r$/, '')
      this.#stdout = this.#stdout.slice(newline + 1)
      this.transcript.push(`< ${line}`)
      this.#push({ type: 'line', line })
    }
    if (atEnd && this.#stdout !== '') {
      this.transcript.push(`< ${this.#stdout}`)
      this.#push({ type: 'line', line: this.#stdout })
      this.#stdout = ''
    }
  }

  #scanStderr(): void {
    for (;;) {
      const rest = this.#stderr.slice(this.#stderrScanned)
      let found: { prompt: Prompt; at: number } | undefined
      for (const prompt of this.#prompts) {
        const at = rest.indexOf(prompt.text)
        if (at >= 0 && (found === undefined || at < found.at)) found = { prompt, at }
      }
      if (found === undefined) return
      this.#stderrScanned += found.at + found.prompt.text.length
      this.transcript.push(`< [stderr prompt] ${found.prompt.text.trim()}`)
      this.write(found.prompt.answer())
    }
  }
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to completion (bounded), never throwing for a non-zero exit. */
export function run(command: string, args: readonly string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { env: { ...process.env, LC_ALL: 'C', ...options.env }, timeout: options.timeoutMs ?? READ_TIMEOUT_MS, encoding: 'latin1' },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`))
          return
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr })
      },
    )
    if (options.input !== undefined) child.stdin!.end(options.input)
    else child.stdin!.end()
  })
}

/** A fresh directory under the system temp dir; remove it with {@link removeTempDir}. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `saslkit-interop-${prefix}-`))
}

export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true })
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        reject(new Error('no port'))
        return
      }
      server.close(() => resolve(address.port))
    })
  })
}

/** `package version` of the Debian packages a peer comes from (empty off Debian). */
export async function debianPackages(names: readonly string[]): Promise<string> {
  const result = await run('dpkg-query', ['-W', '-f', '${Package} ${Version}\\n', ...names]).catch(() => undefined)
  if (result === undefined || result.code !== 0) return ''
  return result.stdout.trim().split('\n').join(', ')
}
