// The real `saslkit` bin as a subprocess: `decode` of every message in test/vectors (recognised,
// secrets kept out), `encode` output accepted by the mechanisms' servers and decoded back,
// `hash` forms and errors, `--help` everywhere, and the bin as npm installs it (packed tarball,
// `npx saslkit`).
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ENCODABLE } from '../../../src/cli/codec-commands.js'
import { findMechanism } from '../../../src/cli/mechanisms.js'
import { base64Decode, hexDecode } from '../../../src/codec/index.js'
import { parsePasswordScheme } from '../../../src/index.js'
import type { Field } from '../../../src/cli/describe.js'
import { BIN, ROOT, cli, oneLineError } from './helpers.js'

const exec = promisify(execFile)

interface Decoded {
  readonly input: string
  readonly mechanism?: string
  readonly message: string
  readonly sensitivity: 'none' | 'proof' | 'secret'
  readonly fields: readonly Field[]
}

const vectors = (file: string) => (JSON.parse(readFileSync(path.join(ROOT, 'test/vectors', file), 'utf8')) as { vectors: Array<Record<string, unknown>> }).vectors
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

/** Every SASL message a vector file holds: `…base64` fields, NTLM messages in hex, SCRAM messages as text. */
function messagesOf(file: string): string[] {
  const out: string[] = []
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      if (/base64$/i.test(key) && !/salt|invalid/i.test(key)) out.push(value)
      else if (/_hex$/i.test(key) && value.toLowerCase().startsWith('4e544c4d53535000')) out.push(base64(hexDecode(value)))
      else if (/^(?:client|server)_(?:first|final)$/.test(key)) out.push(base64(new TextEncoder().encode(value)))
    } else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, k)
  }
  for (const vector of vectors(file)) walk(vector, '')
  return [...new Set(out)]
}

/** Each field's value, flattened. */
function values(fields: readonly Field[]): string[] {
  return fields.flatMap((f) => [...(f.value === undefined ? [] : [f.value]), ...values(f.fields ?? [])])
}
const fieldValue = (d: Decoded, name: string) => d.fields.find((f) => f.name === name)?.value

/** The vector files of SASL messages: the mechanism given to --mech, the secrets never to show, spot checks. */
const FILES: ReadonlyArray<{ file: string; mech?: string; secrets: string[]; check?: (all: Decoded[]) => void }> = [
  { file: 'plain.json', mech: 'PLAIN', secrets: ['tanstaaftanstaaf'], check: (all) => expect(all.map((d) => fieldValue(d, 'authcid'))).toContain('tim') },
  { file: 'login.json', mech: 'LOGIN', secrets: ['tanstaaftanstaaf', 'password'], check: (all) => expect(all.filter((d) => d.message === 'prompt')).toHaveLength(4) },
  { file: 'anonymous.json', mech: 'ANONYMOUS', secrets: [], check: (all) => expect(fieldValue(all[0]!, 'trace')).toBe('sirhc') },
  { file: 'external.json', mech: 'EXTERNAL', secrets: [] },
  { file: 'cram-md5.json', mech: 'CRAM-MD5', secrets: ['tanstaaftanstaaf', 'b913a602c7eda7a495b4e6e7334d3890'], check: (all) => expect(all.map((d) => d.message)).toEqual(expect.arrayContaining(['challenge', 'response'])) },
  {
    file: 'digest-md5.json',
    mech: 'DIGEST-MD5',
    secrets: ['secret', 'd388dad90d4bbd760a152321f2143af7'],
    check: (all) => expect(all.map((d) => d.message)).toEqual(['digest-challenge', 'digest-response', 'response-auth (the server proves itself)']),
  },
  {
    file: 'gssapi.json',
    mech: 'GSSAPI',
    secrets: [],
    check: (all) => {
      expect(all.map((d) => fieldValue(d, 'max buffer'))).toEqual(['8192', '8192'])
      expect(all.map((d) => fieldValue(d, 'authzid'))).toContain('mrc')
    },
  },
  {
    file: 'ntlm.json',
    mech: 'NTLM',
    secrets: ['Password'],
    check: (all) => {
      expect(all.map((d) => fieldValue(d, 'server challenge'))).toContain('0123456789abcdef')
      expect(all.filter((d) => d.message === 'AUTHENTICATE_MESSAGE (type 3)').every((d) => d.sensitivity === 'proof')).toBe(true)
    },
  },
  { file: 'oauthbearer.json', mech: 'OAUTHBEARER', secrets: ['vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==', 'vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg=='], check: (all) => expect(all.map((d) => fieldValue(d, 'status'))).toContain('invalid_token') },
  { file: 'xoauth2.json', mech: 'XOAUTH2', secrets: ['ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg'] },
  { file: 'oauth1.json', secrets: ['kkk9d7dh3k39sjv7', 'dh893hdasih9', 'j49sk3j29djd'], check: (all) => expect(new Set(all.map((d) => d.mechanism))).toEqual(new Set(['OAUTH10A', 'XOAUTH'])) },
  { file: 'scram-sha-1.json', mech: 'SCRAM-SHA-1', secrets: ['pencil'] },
  { file: 'scram-sha-256.json', mech: 'SCRAM-SHA-256', secrets: ['pencil'] },
  { file: 'scram-sha-512.json', mech: 'SCRAM-SHA-512', secrets: ['pencil'], check: (all) => expect(all.map((d) => d.message)).toEqual(['client-first-message', 'server-first-message', 'client-final-message', 'server-final-message (verifier)']) },
]

describe.concurrent('decode: every message in test/vectors', () => {
  it('covers every vector file that holds SASL messages', () => {
    for (const { file } of FILES) expect(messagesOf(file).length, file).toBeGreaterThan(0)
  })

  for (const { file, mech, secrets, check } of FILES) {
    it(`${file}: recognised${mech === undefined ? ' by shape' : ` as ${mech}`}, secrets never shown`, async () => {
      const messages = messagesOf(file)
      const run = await cli(['decode', ...(mech === undefined ? [] : ['--mech', mech]), '--json', '-'], { stdin: messages.join('\n') })
      expect(run.code, run.stderr).toBe(0)
      const all = JSON.parse(run.stdout) as Decoded[]
      expect(all).toHaveLength(messages.length)
      for (const d of all) {
        expect(d.message, JSON.stringify(d)).not.toMatch(/^(?:text|binary|message)$/)
        if (mech !== undefined) expect(d.mechanism).toBe(mech)
        // A secret is in no value, and the input echoed back is cut before it.
        for (const secret of secrets) {
          for (const v of values(d.fields)) expect(v).not.toContain(secret)
          expect(Buffer.from(d.input.replace(/…$/, ''), 'base64').toString('latin1')).not.toContain(secret)
        }
        if (d.sensitivity !== 'none') expect(d.input).toMatch(/…$/)
      }
      check?.(all)
    })
  }

  it('every message of a vector file also decodes without --mech', async () => {
    const messages = FILES.filter((f) => !['login.json', 'anonymous.json', 'external.json'].includes(f.file)).flatMap((f) => messagesOf(f.file))
    const run = await cli(['decode', '--json', '-'], { stdin: messages.join('\n') })
    expect(run.code, run.stderr).toBe(0)
    const all = JSON.parse(run.stdout) as Decoded[]
    expect(all.filter((d) => d.mechanism === undefined && !/^OAuth error|^dummy response/.test(d.message))).toEqual([])
  })

  it('text output, and protocol lines as people paste them', async () => {
    const run = await cli(['decode', 'C: AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('PLAIN response (authzid NUL authcid NUL passwd)\n  authzid: (none)\n  authcid: "tim"\n  passwd: ‹redacted›\n')
    const transcript = ['S: 334 VXNlcm5hbWU6', 'C: dGlt', 'S: 334 UGFzc3dvcmQ6', 'C: dGFuc3RhYWZ0YW5zdGFhZg=='].join('\n')
    const login = await cli(['decode', '--mech', 'LOGIN', '-'], { stdin: transcript })
    expect(login.code).toBe(0)
    expect(login.stdout).not.toContain('tanstaaf')
    expect(login.stdout).toContain('text: "Username:"')
  })

  it('bad input: exit 2, one line', async () => {
    const bad = await cli(['decode', 'not base64!'])
    expect(bad.code).toBe(2)
    expect(oneLineError(bad)).toBe('not base64 (RFC 4648): not base64!')
    const mech = await cli(['decode', '--mech', 'NOPE', 'AA=='])
    expect(mech.code).toBe(2)
    expect(oneLineError(mech)).toMatch(/^unknown mechanism NOPE \(saslkit has: /)
    const none = await cli(['decode', '-'], { stdin: '\n\n' })
    expect(none.code).toBe(2)
    expect(oneLineError(none)).toBe('no message to decode')
  })
})

describe.concurrent('encode', () => {
  const ENV = { PW: 'tanstaaftanstaaf', TOKEN: 'ya29.encode-test-token' }
  const flags: Readonly<Record<string, string[]>> = {
    PLAIN: ['--user', 'tim', '--password-env', 'PW'],
    LOGIN: ['--user', 'tim', '--password-env', 'PW'],
    XOAUTH2: ['--user', 'tim', '--token-env', 'TOKEN'],
    OAUTHBEARER: ['--user', 'tim', '--token-env', 'TOKEN', '--host', 'mail.example.com', '--port', '587'],
    EXTERNAL: [],
    ANONYMOUS: ['--trace', 'sirhc'],
  }
  const serverOptions = {
    credentials: (user: string) => (user === 'tim' ? { password: ENV.PW } : undefined),
    validateToken: ({ token }: { token: string }) => (token === ENV.TOKEN ? { authcid: 'tim' } : { error: { status: 'invalid_token' } }),
    identity: 'tim',
  }

  for (const name of ENCODABLE) {
    it(`${name}: the lines authenticate against the ${name} server and decode back`, async () => {
      const run = await cli(['encode', name.toLowerCase(), ...flags[name]!], { env: ENV })
      expect(run.code, run.stderr).toBe(0)
      const lines = run.stdout.trim().split('\n')
      const messages = lines.map((l) => (l === '=' ? new Uint8Array(0) : base64Decode(l)))
      const mechanism = findMechanism(name)!
      const server = mechanism.server(serverOptions)
      let step = await server.next(mechanism.traits.clientFirst ? messages[0] : undefined)
      for (const message of messages.slice(mechanism.traits.clientFirst ? 1 : 0)) {
        expect(step.type).toBe('challenge')
        step = await server.next(message)
      }
      expect(step).toMatchObject({ type: 'success', identity: { authcid: name === 'ANONYMOUS' ? 'anonymous' : 'tim' } })
      const decoded = await cli(['decode', '--mech', name, '--from', 'client', '--json', '-'], { stdin: lines.join('\n') })
      expect(decoded.code, decoded.stderr).toBe(0)
      for (const d of JSON.parse(decoded.stdout) as Decoded[]) {
        expect(d.mechanism).toBe(name)
        expect(values(d.fields).join(' ')).not.toMatch(/tanstaaftanstaaf|encode-test-token/)
      }
    })
  }

  it('errors: exit 2, one line', async () => {
    const scram = await cli(['encode', 'scram-sha-256', '--user', 'tim', '--password-env', 'PW'], { env: ENV })
    expect(scram.code).toBe(2)
    expect(oneLineError(scram)).toBe('encode takes plain, login, xoauth2, oauthbearer, external, anonymous (not scram-sha-256)')
    const noToken = await cli(['encode', 'xoauth2', '--user', 'tim'])
    expect(noToken.code).toBe(2)
    expect(oneLineError(noToken)).toMatch(/^XOAUTH2: .* \(see saslkit encode --help\)$/)
  })
})

describe.concurrent('hash', () => {
  it('NTLM: the NT hash in hex (MS-NLMP §4.2.1: "Password")', async () => {
    const run = await cli(['hash', '--scheme', 'NTLM'], { stdin: 'Password\n' })
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('{NTLM}a4f49c406510bdcab6824ee7c30fd852\n')
  })

  it("DIGEST-MD5: H(user:realm:password), the RFC 2831 example's", async () => {
    const run = await cli(['hash', '--scheme', 'DIGEST-MD5', '--user', 'chris', '--realm', 'elwood.innosoft.com'], { stdin: 'secret\r\n' })
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`{DIGEST-MD5}${createHash('md5').update('chris:elwood.innosoft.com:secret').digest('hex')}\n`)
  })

  it('SCRAM: salt, iterations and keys, read back by parsePasswordScheme', async () => {
    const run = await cli(['hash', '--scheme', 'SCRAM-SHA-256', '--iterations', '5000'], { stdin: 'pencil' })
    expect(run.code).toBe(0)
    const stored = parsePasswordScheme(run.stdout.trim())
    expect(stored.scram?.['SHA-256']?.iterations).toBe(5000)
    expect(run.stdout).not.toContain('pencil')
  })

  it('CRAM-MD5: the HMAC-MD5 contexts, read back', async () => {
    const run = await cli(['hash', '--scheme', 'cram-md5'], { stdin: 'tanstaaftanstaaf' })
    expect(run.code).toBe(0)
    expect(parsePasswordScheme(run.stdout.trim()).cramMd5?.length).toBeGreaterThan(0)
  })

  it('errors: exit 2, one line', async () => {
    for (const [args, stdin, line] of [
      [['hash'], 'x', /^--scheme is required \(SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512, CRAM-MD5, DIGEST-MD5, NTLM\)$/],
      [['hash', '--scheme', 'BCRYPT'], 'x', /^unsupported scheme BCRYPT \(supported: SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512, CRAM-MD5, DIGEST-MD5, NTLM\)$/],
      [['hash', '--scheme', 'DIGEST-MD5'], 'x', /^DIGEST-MD5 needs --user and --realm$/],
      [['hash', '--scheme', 'PLAIN'], 'x', /^\{PLAIN\} stores the password itself: nothing to hash$/],
      [['hash', '--scheme', 'NTLM'], '', /^no password on stdin$/],
      [['hash', '--scheme', 'SCRAM-SHA-1', '--iterations', '0'], 'x', /^--iterations: a positive integer, got 0$/],
    ] as const) {
      const run = await cli(args, { stdin })
      expect(run.code, args.join(' ')).toBe(2)
      expect(oneLineError(run)).toMatch(line)
    }
  })
})

describe.concurrent('help and packaging', () => {
  for (const command of ['probe', 'serve', 'encode', 'decode', 'hash']) {
    it(`saslkit ${command} --help: usage and examples`, async () => {
      const run = await cli([command, '--help'])
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(new RegExp(`^Usage: saslkit ${command}`))
      expect(run.stdout).toContain('Examples:')
    })
  }

  it('saslkit --help lists the commands and exit codes; --version is the package version', async () => {
    const run = await cli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Exit codes:')
    const version = await cli(['--version'])
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
  })

  it('runs through a node_modules/.bin symlink (shebang, executable bit)', async () => {
    expect(readFileSync(BIN, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node')
    const dir = mkdtempSync(path.join(tmpdir(), 'saslkit-bin-'))
    mkdirSync(path.join(dir, '.bin'))
    symlinkSync(BIN, path.join(dir, '.bin', 'saslkit'))
    const { stdout } = await exec(path.join(dir, '.bin', 'saslkit'), ['decode', 'dGlt', '--mech', 'EXTERNAL'])
    expect(stdout).toBe('EXTERNAL authzid (RFC 4422 App. A)\n  authzid: "tim"\n')
  })

  it('npx saslkit --help works from the packed tarball', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(pkg.bin).toEqual({ saslkit: './dist/cli.js' })
    const dir = mkdtempSync(path.join(tmpdir(), 'saslkit-pack-'))
    const { stdout: packed } = await exec('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT })
    const { filename, files } = (JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string; mode: number }> }>)[0]!
    expect(files.find((f) => f.path === 'dist/cli.js')?.mode).toBe(0o755)
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "consumer", "version": "1.0.0", "private": true }')
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, path.basename(filename))], { cwd: dir })
    const { stdout } = await exec('npx', ['--no-install', 'saslkit', '--help'], { cwd: dir })
    expect(stdout).toMatch(/^saslkit — SASL authentication from the command line/)
  }, 60000)
})
