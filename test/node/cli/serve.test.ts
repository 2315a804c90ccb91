// `saslkit serve` as a subprocess: what it prints, its users file (plaintext and stored
// forms), the transcripts it logs (secrets redacted there too), Ctrl-C, and its usage errors.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN, cli, oneLineError } from './helpers.js'

const PASSWORD = 'tanstaaftanstaaf'

/** Starts `saslkit serve …`; resolves once it printed its listeners. */
async function startServe(args: readonly string[]): Promise<{ child: ChildProcessWithoutNullStreams; ports: Record<string, number>; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { PATH: process.env.PATH ?? '' } })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  const deadline = Date.now() + 10000
  while (!/ users: /.test(stdout)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not start: ${stdout}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  const ports: Record<string, number> = {}
  for (const m of stdout.matchAll(/^ {2}(SMTP|IMAP|POP3) +127\.0\.0\.1:(\d+)/gm)) ports[m[1]!.toLowerCase()] = Number(m[2])
  return { child, ports, output: () => stdout, exited }
}

describe.concurrent('saslkit serve', () => {
  it('serves the users file (plaintext and hash output), logs redacted transcripts, stops on Ctrl-C', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'saslkit-serve-'))
    const hashed = await cli(['hash', '--scheme', 'SCRAM-SHA-256'], { stdin: 'ann-password' })
    const users = path.join(dir, 'users.json')
    writeFileSync(users, JSON.stringify({ tim: { password: PASSWORD }, ann: { password: [hashed.stdout.trim()] } }))
    const serve = await startServe(['--smtp', '0', '--imap', '0', '--pop3', '0', '--users', users])
    try {
      expect(serve.output()).toMatch(/^saslkit AUTH sandbox \(loopback only\); Ctrl-C stops it$/m)
      expect(serve.output()).toMatch(/^ {2}mechanisms: SCRAM-SHA-512 SCRAM-SHA-256 .*PLAIN/m)
      expect(serve.output()).not.toContain('-PLUS')
      expect(serve.output()).toContain('  users: tim, ann\n')
      const tim = await cli(['probe', `pop3://127.0.0.1:${serve.ports.pop3}`, '--no-starttls', '--user', 'tim', '--password-env', 'PW', '--mech', 'PLAIN'], { env: { PW: PASSWORD } })
      expect(tim.code, tim.stderr).toBe(0)
      // ann has only a {SCRAM-SHA-256} form: that mechanism, and no other, works for her.
      const ann = await cli(['probe', `smtp://127.0.0.1:${serve.ports.smtp}`, '--no-starttls', '--user', 'ann', '--password-env', 'PW', '--mech', 'SCRAM-SHA-256', '-q'], { env: { PW: 'ann-password' } })
      expect(ann.code, ann.stderr).toBe(0)
      expect(ann.stdout).toMatch(/^authenticated with SCRAM-SHA-256 /)
      const wrong = await cli(['probe', `imap://127.0.0.1:${serve.ports.imap}`, '--no-starttls', '--user', 'tim', '--password-env', 'PW', '--mech', 'LOGIN'], { env: { PW: 'nope-nope' } })
      expect(wrong.code).toBe(1)
      serve.child.kill('SIGINT')
      expect(await serve.exited).toBe(0)
      const log = serve.output()
      // Each session: its transcript, prefixed, and one summary line (with the server-side reason).
      expect(log).toMatch(/^pop3#\d+ C: AUTH PLAIN AHRpbQ…$/m)
      expect(log).toMatch(/^pop3#\d+ 127\.0\.0\.1:\d+ authenticated tim with PLAIN$/m)
      expect(log).toMatch(/^smtp#\d+ 127\.0\.0\.1:\d+ authenticated ann with SCRAM-SHA-256$/m)
      expect(log).toMatch(/^imap#\d+ 127\.0\.0\.1:\d+ did not authenticate \(failed: not-authorized \(wrong-password\)\)$/m)
      expect(log).toMatch(/\nstopped\n$/)
      for (const secret of [PASSWORD, 'ann-password', 'nope-nope']) expect(log).not.toContain(secret)
    } finally {
      serve.child.kill('SIGKILL')
    }
  })

  it('--quiet: one line per session', async () => {
    const serve = await startServe(['--smtp', '0', '--quiet'])
    try {
      const run = await cli(['probe', `smtp://127.0.0.1:${serve.ports.smtp}`, '--no-starttls', '--mech', 'ANONYMOUS'])
      expect(run.code, run.stderr).toBe(0)
      serve.child.kill('SIGTERM')
      expect(await serve.exited).toBe(0)
      expect(serve.output()).not.toMatch(/ C: /)
      expect(serve.output()).toMatch(/^smtp#1 127\.0\.0\.1:\d+ authenticated anonymous with ANONYMOUS$/m)
    } finally {
      serve.child.kill('SIGKILL')
    }
  })

  it('usage errors: exit 2, one line, never a stored value', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'saslkit-serve-'))
    const file = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text)
      return path.join(dir, name)
    }
    for (const [args, line] of [
      [['--users', file('bad.json', '{ nope')], /--users: .*bad\.json is not valid JSON$/],
      [['--users', file('scheme.json', '{ "tim": { "password": "{NTLM}zz-secret-zz" } }')], /^users file: tim\.password: password scheme: \{NTLM\} needs 32 hex digits$/],
      [['--users', file('field.json', '{ "tim": { "pasword": "x" } }')], /^users file: tim has unknown field pasword$/],
      [['--users', path.join(dir, 'missing.json')], /^--users: cannot read .*missing\.json \(ENOENT\)$/],
      [['--tls-cert', 'x.pem'], /^--tls-cert and --tls-key go together$/],
      [['--smtps', '0'], /^smtps needs a certificate \(--tls-cert and --tls-key\)$/],
      [['--smtp', '99999'], /^--smtp: not a port number: 99999$/],
    ] as const) {
      const run = await cli(['serve', ...args])
      expect(run.code, args.join(' ')).toBe(2)
      expect(oneLineError(run)).toMatch(line)
      expect(run.stderr).not.toContain('zz-secret-zz')
    }
  })

  it('a port in use: exit 3', async () => {
    const first = await startServe(['--smtp', '0'])
    try {
      const run = await cli(['serve', '--smtp', String(first.ports.smtp)])
      expect(run.code).toBe(3)
      expect(oneLineError(run)).toBe(`address in use: 127.0.0.1:${first.ports.smtp}`)
    } finally {
      first.child.kill('SIGKILL')
    }
  })
})
