#!/usr/bin/env node
// What npm users get, checked from the outside (run after `npm run build`):
//  1. `npm pack --dry-run --json`: only package.json, README.md, LICENSE and dist/; every entry
//     of scripts/entries.mjs has its .js/.cjs/.d.ts/.d.cts; no tests; no source map that
//     points at a file the tarball lacks.
//  2. publint --strict: no error, warning or suggestion.
//  3. @arethetypeswrong/cli (`attw --pack --profile node16`): every subpath resolves with types
//     for node16 from CJS, node16 from ESM and bundler, with no problem.
//  4. The packed tarball installed into a temp project (offline: @noble/hashes comes from a
//     tarball of the installed copy) imports every subpath from ESM and requires it from CJS,
//     authenticates PLAIN and SCRAM-SHA-256 through each, and runs every "bin" command.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publint } from 'publint'
import { entries, specifier } from './entries.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => join(root, 'node_modules/.bin', name)
const failures = []
const fail = (message) => failures.push(message)
const section = (title) => console.log(`\n== ${title}`)

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } })
}

// 1. Tarball contents.
section('npm pack --dry-run')
const [packed] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root))
const files = new Set(packed.files.map((f) => f.path))
for (const path of files) {
  const allowed = path === 'package.json' || path === 'README.md' || path === 'LICENSE' || path.startsWith('dist/')
  if (!allowed) fail(`pack: unexpected file ${path}`)
  if (/(^|\/)(test|tests|__tests__)\/|\.test\.|\.spec\./.test(path)) fail(`pack: test file ${path}`)
}
for (const required of ['package.json', 'README.md', 'LICENSE']) if (!files.has(required)) fail(`pack: ${required} missing`)
for (const e of entries) for (const ext of ['js', 'cjs', 'd.ts', 'd.cts']) if (!files.has(`dist/${e.name}.${ext}`)) fail(`pack: dist/${e.name}.${ext} missing (entry ${e.name})`)
for (const path of files) {
  if (!path.startsWith('dist/')) continue
  const text = readFileSync(join(root, path), 'utf8')
  for (const [, url] of text.matchAll(/[#@] sourceMappingURL=(\S+)/g)) {
    if (url.startsWith('data:')) continue
    const target = join(path, '..', url)
    if (!files.has(target)) fail(`pack: ${path} points at ${target}, which is not in the tarball`)
  }
  if (path.endsWith('.map')) {
    const map = JSON.parse(text)
    for (const source of map.sources ?? []) {
      const target = join(path, '..', map.sourceRoot ?? '', source)
      if (!map.sourcesContent && !files.has(target)) fail(`pack: ${path} names source ${target}, which is not in the tarball`)
    }
  }
}
console.log(`${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`)

// 2. publint --strict: warnings count as errors, and we want no suggestion either.
section('publint --strict')
const { messages } = await publint({ pkgDir: root, strict: true, level: 'suggestion', pack: 'npm' })
for (const m of messages) fail(`publint ${m.type}: ${m.code} at ${m.path.join('.')} ${JSON.stringify(m.args)}`)
console.log(messages.length === 0 ? 'publint: all good' : `publint: ${messages.length} message(s)`)

// 3. attw with the node16 profile (node10 resolution is ignored: Node >= 20.19 only).
section('attw --pack --profile node16')
const attw = spawnSync(bin('attw'), ['--pack', '.', '--profile', 'node16', '--format', 'json'], { cwd: root, encoding: 'utf8' })
let analysis
try {
  analysis = JSON.parse(attw.stdout).analysis
} catch {
  fail(`attw did not run: ${attw.stderr}${attw.stdout}`)
}
if (analysis) {
  const kinds = ['node16-cjs', 'node16-esm', 'bundler']
  for (const e of entries) {
    const subpath = e.name === 'index' ? '.' : `./${e.name}`
    const point = analysis.entrypoints[subpath]
    if (!point) {
      fail(`attw: ${specifier(e)} not analysed`)
      continue
    }
    for (const kind of kinds) {
      const resolution = point.resolutions[kind]?.resolution
      if (!resolution?.isTypeScript) fail(`attw: ${specifier(e)} has no types under ${kind}`)
    }
  }
  const problems = (analysis.problems ?? []).filter((p) => p.resolutionKind === undefined || kinds.includes(p.resolutionKind))
  for (const p of problems) fail(`attw: ${p.kind} ${p.entrypoint ?? ''} ${p.resolutionKind ?? ''}`)
  if (attw.status !== 0) fail(`attw exited with ${attw.status}`)
  console.log(`attw: ${entries.length} subpaths × ${kinds.join(', ')}: ${problems.length} problem(s)`)
}

// 4. Install the tarball into a fresh project and use every subpath from ESM and CJS.
section('tarball smoke test')
const work = mkdtempSync(join(tmpdir(), 'saslkit-smoke-'))
try {
  const tarball = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root))[0].filename
  const nobleDir = join(root, 'node_modules/@noble/hashes')
  const noble = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], nobleDir))[0].filename
  const project = join(work, 'project')
  execFileSync('mkdir', [project])
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'smoke', private: true, version: '0.0.0' }))
  npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', join(work, tarball), join(work, noble)], project)
  const names = entries.map(specifier)
  // A whole exchange per mechanism: PLAIN, and SCRAM-SHA-256 with a non-ASCII password, which
  // reaches @noble/hashes (ESM-only: require(esm) from the CJS build) and the lazily loaded
  // SASLprep chunk of each build.
  const login = `async function login(lib, label) {
  const run = async (mechanism, clientOptions, serverOptions) => {
    const client = mechanism.client(clientOptions)
    const server = mechanism.server(serverOptions)
    let step = await server.next(await client.start())
    while (step.type === 'challenge') step = await server.next(await client.next(step.challenge))
    if (step.type !== 'success') throw new Error(mechanism.name + ' failed through ' + label + ': ' + step.error.code)
    await client.finish(step.additionalData)
  }
  await run(lib.plain, { username: 'u', password: 'p' }, { credentials: () => ({ password: 'p' }) })
  if (lib.scramSha256 !== undefined) {
    await run(lib.scramSha256, { username: 'u', password: 'p\\u00AAss\\u2168' }, { credentials: () => ({ password: 'passIX' }) })
  }
  return label
}`
  writeFileSync(
    join(project, 'smoke.mjs'),
    `const names = ${JSON.stringify(names)}
const loaded = {}
for (const name of names) {
  const ns = await import(name)
  if (Object.keys(ns).length === 0) throw new Error(name + ' exports nothing')
  loaded[name] = Object.keys(ns).length
}
${login}
await login(await import('saslkit'), 'saslkit')
await login({ ...(await import('saslkit/plain')), ...(await import('saslkit/scram').catch(() => ({}))) }, 'subpaths')
console.log('ESM', JSON.stringify(loaded))
`,
  )
  writeFileSync(
    join(project, 'smoke.cjs'),
    `const names = ${JSON.stringify(names)}
const loaded = {}
for (const name of names) {
  const ns = require(name)
  if (Object.keys(ns).length === 0) throw new Error(name + ' exports nothing')
  loaded[name] = Object.keys(ns).length
}
${login}
;(async () => {
  await login(require('saslkit'), 'saslkit')
  console.log('CJS', JSON.stringify(loaded))
})().catch((e) => { console.error(e); process.exit(1) })
`,
  )
  for (const script of ['smoke.mjs', 'smoke.cjs']) {
    const run = spawnSync(process.execPath, [script], { cwd: project, encoding: 'utf8' })
    if (run.status !== 0) fail(`smoke: ${script} failed:\n${run.stderr}${run.stdout}`)
    else console.log(run.stdout.trim())
  }
  if (!existsSync(join(project, 'node_modules/saslkit/dist/index.js'))) fail('smoke: the tarball did not install')
  // Every command in package.json "bin", installed as npm links it (shebang, executable bit).
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  for (const command of Object.keys(pkg.bin ?? {})) {
    const run = spawnSync(join(project, 'node_modules/.bin', command), ['--version'], { cwd: project, encoding: 'utf8' })
    if (run.status !== 0 || run.stdout.trim() !== pkg.version) fail(`smoke: \`${command} --version\` from the tarball: exit ${run.status}, ${run.stdout}${run.stderr}${run.error ?? ''}`)
    else console.log(`bin ${command} --version: ${run.stdout.trim()}`)
  }
} catch (error) {
  fail(`smoke: ${error.message}\n${error.stderr ?? ''}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}

if (failures.length > 0) {
  console.error(`\n${failures.length} packaging problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`)
  process.exit(1)
}
console.log('\npackage: ok')
