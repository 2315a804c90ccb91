// Helpers of the CLI suite: the real bin as a subprocess, throwaway certificates made with
// openssl, and scripted servers that misbehave on purpose.
import { execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

export const ROOT = path.resolve(new URL('../../..', import.meta.url).pathname)
export const BIN = path.join(ROOT, 'dist', 'cli.js')

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `node dist/cli.js …` with an environment of our choosing and optional stdin. */
export function cli(args: readonly string[], options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(options.stdin ?? '')
  })
}

/** stderr must be exactly one line, `saslkit: …`, and never a stack trace. */
export function oneLineError(run: CliRun): string {
  const lines = run.stderr.split('\n').filter((l) => l !== '')
  if (lines.length !== 1 || !lines[0]!.startsWith('saslkit: ') || /\n\s+at /.test(run.stderr)) {
    throw new Error(`expected one error line, got: ${JSON.stringify(run.stderr)}`)
  }
  return lines[0]!.slice('saslkit: '.length)
}

const exec = promisify(execFile)

export interface Certificates {
  readonly dir: string
  /** Self-signed for localhost/127.0.0.1, valid now (the server's, also its own CA). */
  readonly cert: string
  readonly key: string
  /** Self-signed for localhost/127.0.0.1, expired in 2001. */
  readonly expiredCert: string
  readonly expiredKey: string
  /** Valid, but only for other.example (a name mismatch on 127.0.0.1). */
  readonly otherCert: string
  readonly otherKey: string
  /** A client certificate CN=tim (self-signed: its own CA), for EXTERNAL. */
  readonly clientCert: string
  readonly clientKey: string
}

/** Makes the certificates with openssl (EC P-256: fast). */
export async function makeCertificates(): Promise<Certificates> {
  const dir = mkdtempSync(path.join(tmpdir(), 'saslkit-cli-'))
  const file = (name: string) => path.join(dir, name)
  const selfSigned = (name: string, subject: string, san: string) =>
    exec('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file(`${name}-key.pem`), '-out', file(`${name}.pem`), '-days', '2', '-subj', subject, '-addext', `subjectAltName=${san}`])
  // An expired certificate without faking the clock: `openssl ca` takes explicit dates.
  mkdirSync(file('ca'))
  writeFileSync(file('ca/index.txt'), '')
  writeFileSync(file('ca/serial'), '01\n')
  writeFileSync(
    file('ca.cnf'),
    ['[ca]', 'default_ca = x', '[x]', `database = ${file('ca/index.txt')}`, `new_certs_dir = ${file('ca')}`, `serial = ${file('ca/serial')}`, 'default_md = sha256', 'policy = p', 'unique_subject = no', 'copy_extensions = copy', '[p]', 'commonName = supplied', ''].join('\n'),
  )
  const expired = async () => {
    await exec('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('expired-key.pem'), '-out', file('expired.csr'), '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'])
    await exec('openssl', ['ca', '-batch', '-config', file('ca.cnf'), '-selfsign', '-keyfile', file('expired-key.pem'), '-in', file('expired.csr'), '-startdate', '20000101000000Z', '-enddate', '20010101000000Z', '-out', file('expired.pem')])
  }
  await Promise.all([selfSigned('server', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1'), selfSigned('other', '/CN=other.example', 'DNS:other.example'), selfSigned('client', '/CN=tim', 'DNS:tim.example'), expired()])
  return {
    dir,
    cert: file('server.pem'),
    key: file('server-key.pem'),
    expiredCert: file('expired.pem'),
    expiredKey: file('expired-key.pem'),
    otherCert: file('other.pem'),
    otherKey: file('other-key.pem'),
    clientCert: file('client.pem'),
    clientKey: file('client-key.pem'),
  }
}

export const read = (file: string): string => readFileSync(file, 'utf8')

/**
 * A scripted line server on 127.0.0.1: `script` gets each session and decides what to say.
 * Every line a client sends is recorded.
 */
export async function scriptedServer(script: (session: { say: (line: string) => void; lines: AsyncIterator<string>; socket: net.Socket }) => Promise<void> | void) {
  const received: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    const queue: string[] = []
    const waiting: Array<(r: IteratorResult<string>) => void> = []
    let buffer = ''
    let ended = false
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk
      for (let end; (end = buffer.indexOf('\r\n')) >= 0; buffer = buffer.slice(end + 2)) {
        const line = buffer.slice(0, end)
        received.push(line)
        const w = waiting.shift()
        if (w) w({ value: line, done: false })
        else queue.push(line)
      }
    })
    socket.on('close', () => {
      ended = true
      waiting.splice(0).forEach((w) => w({ value: undefined, done: true }))
    })
    const lines: AsyncIterator<string> = {
      next: () => (queue.length > 0 ? Promise.resolve({ value: queue.shift()!, done: false }) : ended ? Promise.resolve({ value: undefined, done: true }) : new Promise((r) => waiting.push(r))),
    }
    void Promise.resolve(script({ say: (line) => socket.write(`${line}\r\n`), lines, socket })).catch(() => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy())
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}
