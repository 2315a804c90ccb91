#!/usr/bin/env node
// Runs the isomorphic suites — every test file vitest runs except the Node-only ones under
// test/node/ — on Deno, Bun or headless Chromium, and proves that no runtime gets a thinner
// suite: the tests that ran (and passed) must be exactly the tests vitest collects for the same
// files, name for name. A failed test, a missing or extra test, or a runtime that does not
// start exits non-zero.
//
//   node scripts/runtimes/run.mjs deno|bun|browser [more runtimes…]
//
// How: vitest lists the suites (so its include/exclude config decides the file set and new
// test files are picked up on their own); esbuild bundles each suite on its own with 'vitest'
// pointing at vitest-shim.mjs (@vitest/runner + @vitest/expect, the packages vitest itself
// runs on); the runtime loads harness.mjs, which runs them all and reports one JSON line with
// every test's outcome and the runtime's own idea of what it is.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { launchChromium, serveDirectory } from './chromium.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const bin = (name) => resolve(root, 'node_modules/.bin', name)
const RESULT_MARK = '@@saslkit-runtime-result@@'
/** Test directories that hold Node-only suites (the CLI, node adapters, the package checks). */
const NODE_ONLY_DIRS = ['test/node/']
const RUN_TIMEOUT_MS = 15 * 60 * 1000
/**
 * Issue 10: in the browser and on Deno, SCRAM's PBKDF2 must take the Web Crypto path. The tests
 * that assert it (test/runtimes/webcrypto.test.ts) must have run and passed there, so that
 * deleting or renaming them cannot make the requirement vanish.
 */
const WEB_CRYPTO_PBKDF2 = /SaltedPassword with crypto\.subtle/

const runtimes = {
  deno: {
    conditions: ['deno'],
    mustPass: [WEB_CRYPTO_PBKDF2],
    async run(dir) {
      // No permission beyond reading its own bundle and the colour switches the matchers'
      // diff printer (tinyrainbow) looks at: no network, no other env, no files elsewhere.
      const colourEnv = 'FORCE_TTY,NO_COLOR,FORCE_COLOR,TERM,CI'
      return spawnCollect(bin('deno'), ['run', '--no-config', '--no-lock', '--no-npm', '--no-remote', '--quiet', `--allow-read=${dir}`, `--allow-env=${colourEnv}`, 'main.js'], dir)
    },
  },
  bun: {
    conditions: ['bun'],
    async run(dir) {
      return spawnCollect(bin('bun'), ['run', '--no-install', 'main.js'], dir)
    },
  },
  browser: {
    conditions: [],
    mustPass: [WEB_CRYPTO_PBKDF2],
    async run(dir) {
      const server = await serveDirectory(dir)
      const browser = await launchChromium()
      try {
        const page = await browser.newPage()
        const logs = []
        page.on('console', (message) => logs.push(`[console.${message.type()}] ${message.text()}`))
        page.on('pageerror', (error) => logs.push(`[pageerror] ${error.stack ?? error.message}`))
        await page.goto(`${server.origin}/index.html`)
        // index.html stores the harness's promise; a Web Crypto check needs a secure context,
        // which 127.0.0.1 is.
        let timer
        const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no result after ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS)))
        try {
          const line = await Promise.race([page.evaluate(() => globalThis.saslkitRuntimeResult), timeout])
          return { code: 0, stdout: `${logs.join('\n')}\n${line}\n`, stderr: '' }
        } catch (error) {
          return { code: -1, stdout: logs.join('\n'), stderr: String(error) }
        } finally {
          clearTimeout(timer)
        }
      } finally {
        await browser.close()
        await server.close()
      }
    },
  },
}

function spawnCollect(command, args, cwd) {
  return new Promise((resolvePromise) => {
    let stdout = ''
    let stderr = ''
    let child
    try {
      child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
    } catch (error) {
      resolvePromise({ code: -1, stdout, stderr: String(error) })
      return
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
    // Decode as a stream: a UTF-8 character split across two chunks must stay one character.
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', (error) => {
      clearTimeout(timer)
      resolvePromise({ code: -1, stdout, stderr: `${stderr}${String(error)}` })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({ code: code ?? `signal ${signal}`, stdout, stderr })
    })
  })
}

/** What vitest collects under its own config, minus the Node-only directories. */
async function vitestTests(outFile) {
  const args = ['list', `--json=${outFile}`, ...NODE_ONLY_DIRS.map((d) => `--exclude=${d}**`)]
  const result = await spawnCollect(bin('vitest'), args, root)
  if (result.code !== 0) throw new Error(`vitest list failed (${result.code}):\n${result.stdout}${result.stderr}`)
  const listed = JSON.parse(readFileSync(outFile, 'utf8'))
  return listed.map((t) => ({ file: relative(root, t.file), name: t.name }))
}

/**
 * Lays out, in `outdir`: vitest.js (the shim: what 'vitest' means here) and main.js (the
 * harness), sharing one @vitest/runner; then each suite bundled on its own under
 * suites/<n>/ with 'vitest' left external, so that every test file gets fresh instances of the
 * modules it imports, as vitest's per-file isolation gives it on Node. Dynamic imports stay
 * separate chunks (SCRAM's lazily loaded SASLprep tables load as they would for a user).
 */
async function bundle(runtime, files, outdir) {
  rmSync(outdir, { recursive: true, force: true })
  mkdirSync(outdir, { recursive: true })
  const common = { bundle: true, splitting: true, format: 'esm', platform: 'browser', conditions: runtimes[runtime].conditions, target: 'es2022', logLevel: 'error' }
  const suitePath = (i) => `./suites/${i}/suite.js`
  const suitesModule = `export const suites = {\n${files.map((f, i) => `  ${JSON.stringify(f)}: () => import(${JSON.stringify(suitePath(i))}),`).join('\n')}\n}\n`
  const mainModule = [
    `import { run } from ${JSON.stringify(resolve(here, 'harness.mjs'))}`,
    `const result = run(${JSON.stringify(runtime)})`,
    // The browser page reads the promise; Deno and Bun print the line.
    `if (typeof window !== 'undefined') globalThis.saslkitRuntimeResult = result`,
    `else console.log(await result)`,
  ].join('\n')
  const virtual = { 'saslkit-runtime-suites': suitesModule, 'saslkit-runtime-main': mainModule }
  await build({
    ...common,
    entryPoints: [
      { in: 'saslkit-runtime-main', out: 'main' },
      { in: resolve(here, 'vitest-shim.mjs'), out: 'vitest' },
    ],
    outdir,
    alias: { vitest: resolve(here, 'vitest-shim.mjs') },
    plugins: [
      {
        name: 'saslkit-runtime-virtual',
        setup(b) {
          b.onResolve({ filter: /^saslkit-runtime-(suites|main)$/ }, (args) => ({ path: args.path, namespace: 'saslkit-runtime' }))
          b.onLoad({ filter: /.*/, namespace: 'saslkit-runtime' }, (args) => ({ contents: virtual[args.path], resolveDir: root, loader: 'js' }))
          b.onResolve({ filter: /^\.\/suites\// }, (args) => ({ path: args.path, external: true }))
        },
      },
    ],
  })
  await Promise.all(
    files.map((file, i) =>
      build({
        ...common,
        entryPoints: [{ in: resolve(root, file), out: 'suite' }],
        outdir: resolve(outdir, `suites/${i}`),
        plugins: [
          {
            name: 'saslkit-runtime-shared-vitest',
            setup(b) {
              b.onResolve({ filter: /^vitest$/ }, () => ({ path: '../../vitest.js', external: true }))
            },
          },
        ],
      }),
    ),
  )
  writeFileSync(resolve(outdir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>saslkit suites</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>\n')
}

// The matchers colour their diffs where they think a terminal is (Chromium says yes).
const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, '')

function parseResult(output) {
  const line = output.split('\n').find((l) => l.startsWith(RESULT_MARK))
  return line === undefined ? undefined : JSON.parse(line.slice(RESULT_MARK.length))
}

/** Compares what ran against what vitest collects; returns the lines to print and the verdict. */
export function compare(expected, ran) {
  const key = (t) => `${t.file} :: ${t.name}`
  const count = (list) => list.reduce((m, t) => m.set(key(t), (m.get(key(t)) ?? 0) + 1), new Map())
  const want = count(expected)
  const got = count(ran)
  const problems = []
  for (const [k, n] of want) if ((got.get(k) ?? 0) !== n) problems.push(`missing or thinner: ${k} (vitest ${n}, here ${got.get(k) ?? 0})`)
  for (const [k, n] of got) if (!want.has(k)) problems.push(`not in vitest's list: ${k} (${n})`)
  for (const t of ran) if (t.state !== 'pass') problems.push(`${t.state.toUpperCase()}: ${key(t)}\n    ${t.errors.join('\n    ').replaceAll('\n', '\n    ')}`)
  return problems
}

async function runOne(runtime, expected, files) {
  const outdir = resolve(root, '.tmp/runtimes', runtime)
  try {
    await bundle(runtime, files, outdir)
  } catch (error) {
    // esbuild names the file and the import; the usual cause is a node:* import in a suite.
    console.log(`${runtime}: the suites do not bundle for ${runtime} (Node-only suites belong under ${NODE_ONLY_DIRS.join(', ')}):\n${error.message}`)
    return false
  }
  const started = Date.now()
  const result = await runtimes[runtime].run(outdir)
  const report = parseResult(result.stdout)
  if (report === undefined) {
    console.error(`${runtime}: did not report (exit ${result.code})\n${result.stdout}${result.stderr}`)
    return false
  }
  const problems = compare(expected, report.tests).map(stripAnsi)
  for (const required of runtimes[runtime].mustPass ?? []) {
    if (!report.tests.some((t) => t.state === 'pass' && required.test(t.name))) problems.push(`no passing test matches ${required} (required on ${runtime})`)
  }
  if (report.detected.runtime !== runtime) problems.push(`ran on ${report.detected.runtime} (${report.detected.version}), not ${runtime}`)
  if (result.code !== 0) problems.push(`${runtime} exited with ${result.code}:\n${result.stderr}`)
  const passed = report.tests.filter((t) => t.state === 'pass').length
  const noise = result.stdout.split('\n').filter((l) => l !== '' && !l.startsWith(RESULT_MARK))
  if (noise.length > 0) console.log(noise.join('\n'))
  for (const p of problems) console.log(`${runtime}: ${p}`)
  const verdict = problems.length === 0 ? 'ok' : 'FAILED'
  console.log(`${runtime}: ${passed}/${expected.length} tests passed in ${files.length} files (vitest collects ${expected.length}) on ${report.detected.version} — ${((Date.now() - started) / 1000).toFixed(1)} s — ${verdict}`)
  return problems.length === 0
}

async function main() {
  const wanted = process.argv.slice(2)
  if (wanted.length === 0 || wanted.some((r) => !(r in runtimes))) {
    console.error(`usage: run.mjs ${Object.keys(runtimes).join('|')} [...]`)
    process.exit(2)
  }
  mkdirSync(resolve(root, '.tmp'), { recursive: true })
  const expected = await vitestTests(resolve(root, '.tmp/vitest-list.json'))
  const files = [...new Set(expected.map((t) => t.file))].sort()
  if (files.length === 0) throw new Error('vitest lists no isomorphic suites')
  let ok = true
  for (const runtime of wanted) ok = (await runOne(runtime, expected, files)) && ok
  process.exit(ok ? 0 : 1)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
