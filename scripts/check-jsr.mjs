#!/usr/bin/env node
// jsr.json is what Deno users get from JSR: the TypeScript sources of every isomorphic entry.
// It is derived from scripts/entries.mjs and package.json:
//   node scripts/check-jsr.mjs          check jsr.json is current, then `deno publish --dry-run`
//   node scripts/check-jsr.mjs --write  rewrite jsr.json from the entry list
// Node-only entries (src/node, src/cli) are left out: they drive Node's TLS sockets and the
// kerberos addon, which a Deno user reaches through npm:saslkit if at all.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { entries } from './entries.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'))

export function expectedJsr() {
  return {
    name: '@saslkit/saslkit',
    version: pkg.version,
    license: pkg.license,
    exports: Object.fromEntries(entries.filter((e) => e.nodeOnly !== true).map((e) => [e.name === 'index' ? '.' : `./${e.name}`, `./${e.source}`])),
    publish: { include: ['src/**/*.ts', 'README.md', 'LICENSE'], exclude: ['src/node', 'src/cli'] },
  }
}

const text = `${JSON.stringify(expectedJsr(), null, 2)}\n`
if (process.argv.includes('--write')) {
  writeFileSync(`${root}/jsr.json`, text)
  console.log('jsr.json written')
  process.exit(0)
}
if (readFileSync(`${root}/jsr.json`, 'utf8') !== text) {
  console.error('jsr.json is out of date with scripts/entries.mjs or package.json: run `node scripts/check-jsr.mjs --write`')
  process.exit(1)
}
// The sources import './x.js' for NodeNext; Deno resolves those to the .ts files
// (sloppy imports) and JSR rewrites them on publish. Type checking and the slow-types check stay on.
const result = spawnSync(`${root}/node_modules/.bin/deno`, ['publish', '--dry-run', '--allow-dirty', '--unstable-sloppy-imports'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1' },
})
const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`
const ok = result.status === 0 && output.includes('Success Dry run complete') && !/warning/i.test(output)
console.log(output.split('\n').filter((l) => !l.startsWith('   file://')).join('\n'))
console.log(ok ? 'jsr: deno publish --dry-run passes' : 'jsr: deno publish --dry-run FAILED')
process.exit(ok ? 0 : 1)
