#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `saslkit` command (the package's bin). Node only. Argument parsing with
 * `node:util` `parseArgs`; every failure is one line on stderr and an exit code.
 *
 * The module also exports `probe`, `serve` and `run` for in-process use (the demo); it runs
 * the command only when executed as the program.
 */
import { readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { renderDescription } from './describe.js'
import { decodeMessage, encodeMessages, hashPassword, parseDecodeLine, supportedSchemes, type DecodedMessage } from './codec-commands.js'
import { CliError, EXIT, asCliError, oneLine, usageError } from './errors.js'
import { DECODE_HELP, ENCODE_HELP, HASH_HELP, MAIN_HELP, PROBE_HELP, SERVE_HELP } from './help.js'
import { MECHANISMS } from './mechanisms.js'
import { probe, summaryLine, type ProbeOptions } from './probe.js'
import { serve, type RunningServer } from './serve.js'
import { renderEntry } from './transcript.js'

export { probe, summaryLine } from './probe.js'
export type { ProbeOptions, ProbeResult, OpenRelayResult } from './probe.js'
export { serve } from './serve.js'
export type { ServeOptions, RunningServer, SessionSummary, Listener } from './serve.js'
export { renderEntry } from './transcript.js'
export type { TranscriptEntry } from './transcript.js'
export { describeMessage, renderDescription } from './describe.js'
export { EXIT } from './errors.js'

/** What the command reads and writes; the bin passes the process's, tests may pass their own. */
export interface Io {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  /** All of stdin (the password, or lines to decode). */
  readonly stdin: () => Promise<string>
  /** A password typed at a terminal without echo, if stdin is one. */
  readonly askPassword?: ((prompt: string) => Promise<string>) | undefined
  /** Resolves when the user asks a long-running command (serve) to stop. */
  readonly interrupted: () => Promise<void>
}

const VERSION = '0.1.0'

type Options = NonNullable<ParseArgsConfig['options']>

const common: Options = { help: { type: 'boolean', short: 'h' } }

function parse(args: string[], options: Options, positionals: { min: number; max: number; what: string }) {
  // A password as an argument would sit in ps output and the shell history: say so plainly.
  for (const arg of args) {
    if (/^--(?:password|pass|token|secret|consumer-secret|token-secret)(?:=|$)/.test(arg)) {
      throw usageError(`${arg.split('=')[0]} is not accepted: secrets on the command line are visible to other users; use ${arg.startsWith('--password') || arg.startsWith('--pass') ? '--password-env VAR or --password-stdin' : `${arg.split('=')[0]}-env VAR`}`)
    }
  }
  let parsed
  try {
    parsed = parseArgs({ args, options: { ...common, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    throw usageError(error instanceof Error ? error.message.split('\n')[0]! : 'invalid arguments')
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  if (values.help !== true && (parsed.positionals.length < positionals.min || parsed.positionals.length > positionals.max)) {
    throw usageError(`expected ${positionals.what} (see --help)`)
  }
  return { values, positionals: parsed.positionals }
}

const str = (values: Record<string, string | boolean | undefined>, name: string): string | undefined => {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

function envValue(io: Io, variable: string | undefined, what: string): string | undefined {
  if (variable === undefined) return undefined
  const value = io.env[variable]
  if (value === undefined || value === '') throw usageError(`${what}: environment variable ${variable} is not set`)
  return value
}

async function readPassword(io: Io, values: Record<string, string | boolean | undefined>, required: boolean): Promise<string | undefined> {
  const fromEnv = envValue(io, str(values, 'password-env'), '--password-env')
  if (fromEnv !== undefined) {
    if (values['password-stdin'] === true) throw usageError('--password-env and --password-stdin: choose one')
    return fromEnv
  }
  if (values['password-stdin'] === true || required) return firstLine(io, 'password')
  return undefined
}

async function firstLine(io: Io, what: string): Promise<string> {
  const typed = io.askPassword === undefined ? undefined : await io.askPassword(`${what[0]!.toUpperCase()}${what.slice(1)}: `)
  const line = typed ?? (await io.stdin()).split(/\r?\n/, 1)[0] ?? ''
  if (line === '') throw usageError(`no ${what} on stdin`)
  return line
}

function readFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw usageError(`${what}: cannot read ${file}${typeof code === 'string' ? ` (${code})` : ''}`)
  }
}

function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text)
  const ms = m === null ? NaN : m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1000
  if (!Number.isFinite(ms) || ms <= 0 || ms > 3600000) throw usageError(`--timeout: expected seconds (e.g. 10, 0.5, 500ms), got ${text}`)
  return ms
}

function parsePort(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw usageError(`${what}: not a port number: ${text}`)
  return Number(text)
}

/** Loads a GSS-API provider module (an ES module exporting `initiator` or `acceptor`). */
async function loadProvider(file: string, name: 'initiator' | 'acceptor'): Promise<(...args: never[]) => unknown> {
  let module: Record<string, unknown>
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>
  } catch (error) {
    throw usageError(`--gssapi-provider: cannot load ${file}: ${error instanceof Error ? oneLine(error.message) : 'error'}`)
  }
  const factory = module[name]
  if (typeof factory !== 'function') throw usageError(`--gssapi-provider: ${file} exports no ${name}() function`)
  return factory as (...args: never[]) => unknown
}

/** The identity and secrets `probe` and `encode` both take (secrets from a variable or stdin only). */
const CREDENTIAL_OPTIONS: Options = {
  user: { type: 'string' },
  'password-env': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'token-env': { type: 'string' },
  authzid: { type: 'string' },
}

/** Reads {@link CREDENTIAL_OPTIONS}: the password from its variable or stdin, the token from its variable. */
async function readCredentials(io: Io, values: Record<string, string | boolean | undefined>) {
  return {
    user: str(values, 'user'),
    password: await readPassword(io, values, false),
    token: envValue(io, str(values, 'token-env'), '--token-env'),
    authzid: str(values, 'authzid'),
  }
}

const CHANNEL_BINDINGS = ['tls-exporter', 'tls-server-end-point', 'tls-unique'] as const

async function probeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      ...CREDENTIAL_OPTIONS,
      'consumer-key': { type: 'string' },
      'consumer-secret-env': { type: 'string' },
      'token-secret-env': { type: 'string' },
      mech: { type: 'string' },
      'no-starttls': { type: 'boolean' },
      ca: { type: 'string', multiple: true },
      insecure: { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'channel-binding': { type: 'string' },
      'gssapi-provider': { type: 'string' },
      timeout: { type: 'string' },
      ehlo: { type: 'string' },
      'check-open-relay': { type: 'boolean' },
      'relay-from': { type: 'string' },
      'relay-to': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
    { min: 1, max: 1, what: 'one URL, e.g. submission://mail.example.com' },
  )
  if (values.help === true) return help(io, PROBE_HELP)
  const cbType = str(values, 'channel-binding')
  if (cbType !== undefined && !(CHANNEL_BINDINGS as readonly string[]).includes(cbType)) throw usageError(`--channel-binding: one of ${CHANNEL_BINDINGS.join(', ')}`)
  if ((values.cert === undefined) !== (values.key === undefined)) throw usageError('--cert and --key go together')
  const caFiles = (values.ca as unknown as string[] | undefined) ?? []
  const providerFile = str(values, 'gssapi-provider')
  const initiator = providerFile === undefined ? undefined : await loadProvider(providerFile, 'initiator')
  const options: ProbeOptions = {
    url: positionals[0]!,
    ...(await readCredentials(io, values)),
    oauth1: {
      consumerKey: str(values, 'consumer-key'),
      consumerSecret: envValue(io, str(values, 'consumer-secret-env'), '--consumer-secret-env'),
      tokenSecret: envValue(io, str(values, 'token-secret-env'), '--token-secret-env'),
    },
    mechanism: str(values, 'mech'),
    starttls: values['no-starttls'] !== true,
    tls: {
      ...(caFiles.length === 0 ? {} : { ca: caFiles.map((f) => readFile(f, '--ca')) }),
      insecure: values.insecure === true,
      ...(values.cert === undefined ? {} : { cert: readFile(str(values, 'cert')!, '--cert'), key: readFile(str(values, 'key')!, '--key') }),
    },
    timeoutMs: parseTimeout(str(values, 'timeout')),
    channelBindingType: cbType as ProbeOptions['channelBindingType'],
    gssapi: initiator as ProbeOptions['gssapi'],
    checkOpenRelay: values['check-open-relay'] === true,
    relayFrom: str(values, 'relay-from'),
    relayTo: str(values, 'relay-to'),
    ehlo: str(values, 'ehlo'),
    onEntry: values.json === true || values.quiet === true ? undefined : (entry) => renderEntry(entry).forEach((line) => io.out(line)),
  }
  const result = await probe(options)
  if (values.json === true) io.out(toJson(result))
  else if (result.error === undefined) io.out(summaryLine(result))
  else if (result.openRelay?.accepted === true && result.authenticated === true) io.out(summaryLine(result))
  if (result.error !== undefined) {
    io.err(`saslkit: ${result.error.message}`)
    return result.error.exitCode
  }
  return EXIT.ok
}

async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      smtp: { type: 'string' },
      imap: { type: 'string' },
      pop3: { type: 'string' },
      smtps: { type: 'string' },
      imaps: { type: 'string' },
      pop3s: { type: 'string' },
      host: { type: 'string' },
      users: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'client-ca': { type: 'string' },
      hostname: { type: 'string' },
      realm: { type: 'string' },
      'gssapi-provider': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
    { min: 0, max: 0, what: 'no arguments besides options' },
  )
  if (values.help === true) return help(io, SERVE_HELP)
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw usageError('--tls-cert and --tls-key go together')
  if (values['client-ca'] !== undefined && values['tls-cert'] === undefined) throw usageError('--client-ca needs --tls-cert and --tls-key')
  let users: unknown
  const usersFile = str(values, 'users')
  if (usersFile !== undefined) {
    try {
      users = JSON.parse(readFile(usersFile, '--users'))
    } catch (error) {
      throw error instanceof CliError ? error : usageError(`--users: ${usersFile} is not valid JSON`)
    }
  }
  const providerFile = str(values, 'gssapi-provider')
  const acceptor = providerFile === undefined ? undefined : await loadProvider(providerFile, 'acceptor')
  const host = str(values, 'host') ?? '127.0.0.1'
  const quiet = values.quiet === true
  let server: RunningServer
  try {
    server = await serve({
      host,
      smtp: parsePort(str(values, 'smtp'), '--smtp'),
      imap: parsePort(str(values, 'imap'), '--imap'),
      pop3: parsePort(str(values, 'pop3'), '--pop3'),
      smtps: parsePort(str(values, 'smtps'), '--smtps'),
      imaps: parsePort(str(values, 'imaps'), '--imaps'),
      pop3s: parsePort(str(values, 'pop3s'), '--pop3s'),
      users,
      tls:
        values['tls-cert'] === undefined
          ? undefined
          : { cert: readFile(str(values, 'tls-cert')!, '--tls-cert'), key: readFile(str(values, 'tls-key')!, '--tls-key'), clientCa: values['client-ca'] === undefined ? undefined : readFile(str(values, 'client-ca')!, '--client-ca') },
      hostname: str(values, 'hostname'),
      realm: str(values, 'realm'),
      gssapi: acceptor as ((target: { service: string }) => unknown) | undefined,
      onEntry: quiet ? undefined : (session, entry) => renderEntry(entry).forEach((line) => io.out(`${session.id} ${line}`)),
      onSession: (s) => {
        const who = s.identity === undefined ? 'did not authenticate' : `authenticated ${s.identity.authcid}${s.identity.authzid !== s.identity.authcid ? ` as ${s.identity.authzid}` : ''} with ${s.identity.mechanism}`
        io.out(`${s.id} ${s.peer} ${who}${s.failures.length === 0 ? '' : ` (failed: ${s.failures.join(', ')})`}`)
      },
    })
  } catch (error) {
    if (error instanceof CliError) throw error
    const code = (error as { code?: unknown }).code
    if (code === 'EADDRINUSE') throw new CliError(EXIT.network, `address in use: ${(error as { address?: string }).address ?? host}:${(error as { port?: number }).port ?? ''}`)
    if (code === 'EACCES') throw new CliError(EXIT.network, 'permission denied to listen on that port')
    throw new CliError(EXIT.usage, error instanceof Error ? error.message : String(error))
  }
  const loopback = /^(?:127\.|::1$|localhost$)/.test(host)
  io.out(`saslkit AUTH sandbox${loopback ? ' (loopback only)' : ''}; Ctrl-C stops it`)
  for (const l of server.listeners) io.out(`  ${l.protocol.toUpperCase().padEnd(5)} ${l.host}:${l.port}${l.tls === 'starttls' ? '  STARTTLS' : l.tls === 'implicit' ? '  TLS' : ''}`)
  io.out(`  mechanisms: ${server.mechanisms.join(' ')}`)
  io.out(`  users: ${server.users.join(', ')}${usersFile === undefined ? ' (the built-in sandbox user; password tanstaaftanstaaf)' : ''}`)
  if (!loopback) io.err(`saslkit: warning: listening on ${host}, not only loopback; plaintext mechanisms still need TLS from other hosts`)
  await io.interrupted()
  await server.close()
  io.out('stopped')
  return EXIT.ok
}

async function encodeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      ...CREDENTIAL_OPTIONS,
      host: { type: 'string' },
      port: { type: 'string' },
      trace: { type: 'string' },
    },
    { min: 1, max: 1, what: 'a mechanism: plain, login, xoauth2, oauthbearer, external or anonymous' },
  )
  if (values.help === true) return help(io, ENCODE_HELP)
  const lines = await encodeMessages(positionals[0]!, {
    ...(await readCredentials(io, values)),
    host: str(values, 'host'),
    port: parsePort(str(values, 'port'), '--port'),
    trace: str(values, 'trace'),
  })
  lines.forEach((line) => io.out(line))
  return EXIT.ok
}

async function decodeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { mech: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean' } }, { min: 1, max: 1, what: 'one message (base64), or - for stdin' })
  if (values.help === true) return help(io, DECODE_HELP)
  const from = str(values, 'from')
  if (from !== undefined && from !== 'client' && from !== 'server') throw usageError('--from: client or server')
  const mechanism = str(values, 'mech')
  if (mechanism !== undefined && !MECHANISMS.some((m) => m.name === mechanism.toUpperCase())) {
    throw usageError(`unknown mechanism ${mechanism} (saslkit has: ${MECHANISMS.map((m) => m.name).join(' ')})`)
  }
  const input = positionals[0] === '-' ? (await io.stdin()).split(/\r?\n/) : [positionals[0]!]
  const state: { mechanism?: string | undefined } = {}
  const decoded: DecodedMessage[] = []
  for (const line of input) {
    const parsed = parseDecodeLine(line, { mechanism, from: from as 'client' | 'server' | undefined }, state)
    if (parsed !== undefined) decoded.push(decodeMessage(parsed))
  }
  if (decoded.length === 0) throw usageError('no message to decode')
  if (values.json === true) io.out(toJson(positionals[0] === '-' ? decoded : decoded[0]))
  else decoded.forEach((d, i) => [...(i > 0 ? [''] : []), ...renderDescription(d)].forEach((line) => io.out(line)))
  return EXIT.ok
}

async function hashCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { scheme: { type: 'string' }, iterations: { type: 'string' }, user: { type: 'string' }, realm: { type: 'string' } }, { min: 0, max: 0, what: 'no arguments besides options' })
  if (values.help === true) return help(io, HASH_HELP)
  const scheme = str(values, 'scheme')
  if (scheme === undefined) throw usageError(`--scheme is required (${(await supportedSchemes()).join(', ')})`)
  const iterationsText = str(values, 'iterations')
  if (iterationsText !== undefined && (!/^\d{1,9}$/.test(iterationsText) || Number(iterationsText) < 1)) throw usageError(`--iterations: a positive integer, got ${iterationsText}`)
  const password = await firstLine(io, 'password')
  io.out(await hashPassword(password, { scheme, iterations: iterationsText === undefined ? undefined : Number(iterationsText), user: str(values, 'user'), realm: str(values, 'realm') }))
  return EXIT.ok
}

/** JSON for scripts: a field's display hint (`text`) stays out. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'text' && typeof v === 'boolean' ? undefined : v), 2)
}

function help(io: Io, text: string): number {
  text.trimEnd().split('\n').forEach((line) => io.out(line))
  return EXIT.ok
}

const COMMANDS: Readonly<Record<string, (args: string[], io: Io) => Promise<number>>> = {
  probe: probeCommand,
  serve: serveCommand,
  encode: encodeCommand,
  decode: decodeCommand,
  hash: hashCommand,
}

/** Runs the command line; returns the exit code. Never throws. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...args] = argv
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') return help(io, MAIN_HELP)
    if (command === '--version' || command === '-V') {
      io.out(VERSION)
      return EXIT.ok
    }
    const handler = COMMANDS[command]
    if (handler === undefined) throw usageError(`unknown command ${command} (probe, serve, encode, decode, hash; see saslkit --help)`)
    return await handler(args, io)
  } catch (error) {
    const failure = asCliError(error)
    io.err(`saslkit: ${failure.message}`)
    return failure.exitCode
  }
}

/** Reads a password from the terminal without echoing it. */
function askWithoutEcho(prompt: string): Promise<string> {
  const stdin = process.stdin
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt)
    let typed = ''
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    const done = (error?: Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      process.stderr.write('\n')
      if (error === undefined) resolve(typed)
      else reject(error)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done()
        if (ch === '\u0003') return done(new CliError(EXIT.usage, 'interrupted'))
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1)
        else typed += ch
      }
    }
    stdin.on('data', onData)
  })
}

function nodeIo(): Io {
  let stdin: Promise<string> | undefined
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    stdin: () =>
      (stdin ??= new Promise((resolve, reject) => {
        const chunks: Buffer[] = []
        process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk))
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        process.stdin.on('error', reject)
      })),
    askPassword: process.stdin.isTTY === true ? askWithoutEcho : undefined,
    interrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      }),
  }
}

function isMain(): boolean {
  const script = process.argv[1]
  if (script === undefined) return false
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}

if (isMain()) {
  // A failure in stdout (a closed pipe) must not turn into a stack trace either.
  process.stdout.on('error', () => process.exit(EXIT.ok))
  // The last net under everything: one line, never a stack trace.
  const crash = (error: unknown) => {
    process.stderr.write(`saslkit: unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`)
    process.exit(EXIT.protocol)
  }
  process.on('uncaughtException', crash)
  process.on('unhandledRejection', crash)
  run(process.argv.slice(2), nodeIo()).then(
    (code) => {
      process.exitCode = code
    },
    () => {
      process.exitCode = EXIT.protocol
    },
  )
}
