#!/usr/bin/env node
// Bundle budgets for the browser webmail user: every subpath of scripts/entries.mjs is bundled
// alone for the browser (esbuild, minified, @noble/hashes included) and gzipped at level 9
// (1 KB = 1000 bytes). What a subpath loads up front (its static part) is held to its budget;
// code behind a dynamic import() — the SASLprep tables, the server side of each mechanism and
// profile, NTLM's legacy and sealing code — is a lazy chunk, measured and listed per subpath
// on its own. The whole package is held to its budget with every chunk counted, lazy or not,
// but the SASLprep tables.
// Fails on a budget overrun and on bleed: code of one feature found in another's bundle.
// Writes docs/bundle-size.md.
//
//   node scripts/size.mjs            measure, check, write docs/bundle-size.md
//   node scripts/size.mjs --no-write measure and check only
//   node scripts/size.mjs --no-write --only plain,scram   just those subpaths, no marker controls
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { entries, specifier } from './entries.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const KB = 1000

/** A numeric constant however a minifier prints it: hex, decimal, or as a signed 32-bit int. */
function num(value) {
  const forms = [`0x0*${value.toString(16)}`, String(value)]
  if (value >= 2 ** 31) forms.push(String(value - 2 ** 32))
  return new RegExp(`(?<![\\w.])(?:${forms.join('|')})(?![\\w.])`, 'i')
}

/**
 * Code that must not bleed into bundles that do not need it. Each marker fires on text of the
 * minified output (constants and strings survive minification) or on a source module that kept
 * bytes in the output. `home` lists where the code legitimately lives: when one of them exists,
 * the marker must fire there (else the marker has gone stale), and a deliberate bleed — the
 * checked subpath bundled together with the home — must be caught.
 */
export const markers = {
  // MD4 (RFC 1320 §3.4): round 3 constant. SHA-1 shares it (its K for rounds 20–39), so this
  // marker is only applied to bundles that have no business holding either hash.
  MD4: { text: [num(0x6ed9eba1)], modules: [/(^|[/_-])md4\b/i], home: ['ntlm', 'src/crypto/md4.ts'] },
  // DES (FIPS 46-3): S-box S1's first row (as numbers or hex digits), PC-1's first row, or a
  // combined SP-box entry.
  DES: { text: [/\b14,4,13,1,2,15,11,8\b/, /e4d12fb83a6c5907/i, /\b57,49,41,33,25,17,9\b/, num(0x01010400)], modules: [/(^|[/_-])des\b/i], home: ['ntlm', 'src/crypto/des.ts'] },
  // RC4 has no constants worth the name: it is found by its module.
  RC4: { text: [], modules: [/(^|[/_-])a?rc4\b/i], home: ['ntlm', 'src/crypto/rc4.ts'] },
  // PBKDF2: the Web Crypto algorithm name, or @noble/hashes' pbkdf2 argument checks.
  PBKDF2: { text: [/PBKDF2/, /\(iterations\) must be/], modules: [/pbkdf2/i], home: ['scram', '@noble/hashes/pbkdf2.js#pbkdf2'] },
  // MS-NLMP 2.2.1: every NTLM message starts with "NTLMSSP\0".
  NTLMSSP: { text: [/NTLMSSP/, /\b78,84,76,77,83,83,80\b/, /4e544c4d53535000/i], modules: [], home: ['ntlm'] },
  // RFC 4013 / RFC 3454: the tables ride with the NFKC step; table B.1 as the generated
  // base-36 range list.
  SASLprep: { text: [/NFKC/, /4t,0,ip,0,43a,0/], modules: [/saslprep/i], home: ['saslprep', 'src/codec/saslprep.ts'] },
  // Anything of NTLM: its signature, the LM magic, the MS-NLMP 3.4.5 key-derivation strings.
  NTLM: { text: [/NTLMSSP/, /\b78,84,76,77,83,83,80\b/, /KGS!@#\$%/, /magic constant/], modules: [/(^|\/)ntlm(\/|\.)/i], home: ['ntlm'] },
}

const LEGACY_HASHES_AND_KDFS = ['MD4', 'DES', 'RC4', 'PBKDF2', 'NTLMSSP', 'SASLprep']

/** What the small mechanisms' budgets would cost (docs/bundle-size.md prints it for a row over budget). */
const SMALL_MECHANISM =
  'The client alone, with the step guard, SaslError and UTF-8 encoding, fits in 1 KB (0.80 KB for EXTERNAL, 0.87 KB for ANONYMOUS, 0.93–0.94 KB for PLAIN and LOGIN, which check the types of their options, decision 5). `server()` must still return a server synchronously and throw for bad options at once, so the option checks, a stand-in that loads the real server on its first step, and the chunk boundary that lazy loading needs (the shared code is exported from one chunk and imported by two) stay up front: 0.20–0.29 KB, which EXTERNAL alone absorbs. About 0.02 KB of it lets the stand-in hand over to the real server after its first step, so that a server in the middle of an exchange holds no loader and no second copy of its options (`npm run mem`: 548 rather than 822 bytes per in-flight SCRAM-SHA-256 server exchange). Meeting 1 KB would mean shipping no server factory in this subpath, or loading the server eagerly (2.1 KB for PLAIN); what remains to trade is a feature: misuse messages that no longer say which step was out of order (about 0.04 KB), or `utf8Encode` without its fast path for short ASCII strings (about 0.06 KB, and half a microsecond per encoding in every SCRAM step).'

/** What the SCRAM budgets would cost (the client's small HMACs on noble, issue 4's design rule). */
const SCRAM_CLIENT_HASHES =
  "Up front: the client with @noble/hashes' synchronous SHA-256 for the five small HMACs and digests of an exchange, as issue 4 requires (a Web Crypto call carries tens of microseconds of fixed overhead against a few for a noble HMAC; with them on Web Crypto a SCRAM-SHA-256 exchange from cached keys ran at about a third of the speed, docs/benchmarks.md). noble's share is its SHA-256 class used directly (not its createHasher-made `sha256`, whose checks would add 0.35 KB): 2.32 KB gzipped alone; the whole subpath adds SHA-1 and SHA-512 (the three: 4.85 KB), which cannot load lazily while SHA-256 loads up front (they share noble's modules, and bundlers split chunks by module). saslkit's own part, measured with noble left out, is 5.17 KB (5.29 KB for the subpath), about what the whole budget allows: the client (options: password, cached keys, channel binding, iteration bounds; the three messages; the nonce, salt, iteration and ServerSignature checks; the server's e= errors), the step guard and SaslError (0.78 KB), the codecs (strict base64, UTF-8, GS2, SASLprep's ASCII path), the Web Crypto PBKDF2 glue, and what keeps the server lazy (server()'s option checks and stand-in, and the chunk boundaries of the modules it shares with the client: 0.64 KB). The server, the PBKDF2 fallback (RFC 8018's loop over noble's SHA classes, so that noble's pbkdf2 checks stay out of this chunk) and the SASLprep tables load lazily. Meeting the budgets would take more than dropping the server factory (the client alone: 6.67 and 9.40 KB): the HMACs off noble (Web Crypto, a third of the speed without PBKDF2), an own SHA-2 instead of the dependency's (measured with a 60-line streaming SHA-256 checked against noble's, not landed: 5.68 KB for `scramSha256`, still 0.18 KB over, and against issue 4's \"noble's synchronous functions\" and the package's one dependency), or SHA-256 and the proof loaded at the first step, which moves bytes every exchange needs out of the measurement, not out of the download."

/**
 * The budgets, gzipped. Subpaths that do not exist yet are declared here and checked as soon
 * as they appear in scripts/entries.mjs. `imports` bundles only those names of the subpath.
 * `leaveOut` keeps modules matching it out of the bundle (external), for "without the
 * SASLprep tables". `countLazy` holds every chunk to the budget, not only the static part.
 * `note` says what meeting the budget would cost, for a row that is over it.
 */
export const budgets = [
  { subpath: 'plain', budget: 1 * KB, forbid: LEGACY_HASHES_AND_KDFS, note: SMALL_MECHANISM },
  { subpath: 'login', budget: 1 * KB, note: SMALL_MECHANISM },
  { subpath: 'anonymous', budget: 1 * KB, note: SMALL_MECHANISM },
  { subpath: 'external', budget: 1 * KB, note: SMALL_MECHANISM },
  {
    subpath: 'oauth',
    budget: 1.5 * KB,
    note: 'The two clients alone (OAUTHBEARER and XOAUTH2: the step guard, GS2 header, key/value framing and its checks, the token source) are 1.63 KB; the parser of the error challenge (`serverError`) already loads only when one arrives, and the servers on their first step. The server factories (option check, stand-in, chunk boundary) add the rest. Meeting 1.5 KB would cost client features: the token callback, the option checks, or one of the two mechanisms.',
  },
  { subpath: 'oauth1', budget: 3.5 * KB },
  { subpath: 'cram-md5', budget: 3.5 * KB },
  { subpath: 'digest-md5', budget: 4 * KB },
  { subpath: 'scram', imports: ['scramSha256'], budget: 5.5 * KB, forbid: ['NTLM'], note: SCRAM_CLIENT_HASHES },
  { subpath: 'scram', budget: 8.5 * KB, forbid: ['NTLM'], note: SCRAM_CLIENT_HASHES },
  {
    subpath: 'ntlm',
    budget: 8 * KB,
    note: "Up front: the client (NTLMv2 with a MIC and channel bindings, key exchange), the public message decoder and flag names (`decodeNtlmMessage` reads all three message types, so the server's NEGOTIATE and AUTHENTICATE decoders stay up front with it), MD4, MD5 and RC4; the server, the session security (loaded by the client's `finish()`) and NTLMv1/LM with DES load lazily. Meeting 8 KB would cost the public decoder or the flag names.",
  },
  { subpath: 'gssapi', budget: 2.5 * KB },
  {
    subpath: 'smtp',
    budget: 2 * KB,
    note: "Each half is over 2 KB on its own. The client exchange alone (`smtp.client`: the SASL driver every profile shares with its checks — phases, the withheld initial response, the first-challenge quirk, cancel after a local failure, the OAuth error —, SMTP reply parsing with multi-line replies and the reply-code table, base64, SaslError) is about 2.7 KB; everything else the subpath exports (`server()` with the option checks that must fail at once and the stand-in whose driver and wire format load lazily, `parseEhlo`, the xtext and `AUTH=` helpers) is about 2.6 KB alone, 1.9 KB without `server()`. Meeting 2 KB would take a smaller subpath (say the client and `parseEhlo` only) or dropping the client driver's checks; loading the client driver lazily on `begin()` would leave about 2.8 KB up front and only delay bytes every client needs.",
  },
  {
    subpath: 'index',
    label: 'saslkit (whole package, every chunk but the SASLprep tables)',
    budget: 30 * KB,
    leaveOut: /(^|\/)saslprep(-tables)?\.js$/,
    countLazy: true,
    note: 'Every mechanism with its server, every profile with its server driver, credentials and the noble fallbacks. Splitting servers off does not shrink this figure: all the code counts, and the chunk boundaries add to it (compare the one-file row below); the stand-ins and option checks that keep `server()` synchronous add a little more. The comparison rows below the table show what meeting 30 KB would cost: dropping the legacy mechanisms and XMPP is not enough, and even what loads up front without any server is over it. It would take dropping whole families together with servers, or a rewrite of every module for size.',
  },
  // For comparison (no budget): what the whole-package figure would be without some features.
  {
    subpath: 'index',
    label: 'saslkit without NTLM, DIGEST-MD5, CRAM-MD5, OAuth 1.0a and XMPP, every chunk (comparison)',
    imports: ['plain', 'login', 'anonymous', 'external', 'oauthBearer', 'xoauth2', 'scramSha1', 'scramSha256', 'scramSha512', 'scramSha1Plus', 'scramSha256Plus', 'scramSha512Plus', 'gssapi', 'smtp', 'imap', 'pop3', 'SaslError', 'asSaslError', 'negotiate', 'base64Encode', 'base64Decode', 'utf8Encode', 'utf8Decode', 'constantTimeEqual', 'saslprep', 'deriveCredentials', 'formatPasswordScheme', 'parsePasswordScheme'],
    leaveOut: /(^|\/)saslprep(-tables)?\.js$/,
    countLazy: true,
  },
  { subpath: 'index', label: 'saslkit, whole package, the static part (comparison)', leaveOut: /(^|\/)saslprep(-tables)?\.js$/ },
  // What code splitting costs an app that loads everything: chunk boundaries (imports, exports).
  { subpath: 'index', label: 'saslkit, whole package bundled as one file, no code splitting (comparison)', leaveOut: /(^|\/)saslprep(-tables)?\.js$/, splitting: false },
]

const entryByName = new Map(entries.map((e) => [e.name, e]))
const labelOf = (m) => m.label ?? (m.imports ? `${specifier(entryByName.get(m.subpath) ?? { name: m.subpath })} { ${m.imports.join(', ')} }` : specifier(entryByName.get(m.subpath) ?? { name: m.subpath }))

/**
 * Resolves a subpath name, a repository file ('src/crypto/md4.ts') or a package path
 * ('@noble/hashes/pbkdf2.js#pbkdf2': only that export) to what an entry module re-exports;
 * undefined when it does not exist (yet).
 */
function moduleOf(target) {
  const entry = entryByName.get(target)
  if (entry) return { from: resolve(root, entry.source) }
  const [path, name] = target.split('#')
  const names = name ? [name] : undefined
  if (path.startsWith('src/')) return existsSync(resolve(root, path)) ? { from: resolve(root, path), names } : undefined
  if (!path.includes('/')) return undefined
  try {
    import.meta.resolve(path)
    return { from: path, names }
  } catch {
    return undefined
  }
}

/**
 * Bundles `exportsCode` (a tiny virtual entry module) for the browser. Returns the static part
 * (what loads up front) and the lazy part (chunks behind dynamic import()), minified and
 * gzipped, with the text and the source modules that kept bytes in each.
 */
export async function measure(exportsCode, { leaveOut, splitting = true } = {}) {
  const outdir = resolve(root, '.tmp/size')
  const result = await build({
    entryPoints: [{ in: 'saslkit-size-entry', out: 'entry' }],
    outdir,
    write: false,
    bundle: true,
    splitting,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    // Chunk names carry a hash of the input paths. A symlinked node_modules (worktrees) would
    // otherwise hash its real location, and the same code would gzip a few bytes apart from one
    // checkout to the next: keep every path under the checkout, as a clean clone has it.
    preserveSymlinks: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'saslkit-size',
        setup(b) {
          b.onResolve({ filter: /^saslkit-size-entry$/ }, () => ({ path: 'entry', namespace: 'saslkit-size' }))
          b.onLoad({ filter: /.*/, namespace: 'saslkit-size' }, () => ({ contents: exportsCode, resolveDir: root, loader: 'js' }))
          if (leaveOut) b.onResolve({ filter: leaveOut }, (args) => ({ path: args.path, external: true }))
        },
      },
    ],
  })
  const outputs = result.metafile.outputs
  const textOf = new Map(result.outputFiles.map((f) => [relative(root, f.path), f.text]))
  // The virtual entry (a lazy chunk has an entryPoint too: the module its import() names).
  const entryOut = Object.keys(outputs).find((k) => outputs[k].entryPoint?.includes('saslkit-size'))
  const closure = (start, kinds) => {
    const seen = new Set()
    const visit = (k) => {
      if (seen.has(k) || !(k in outputs)) return
      seen.add(k)
      for (const i of outputs[k].imports) if (kinds.includes(i.kind) && !i.external) visit(i.path)
    }
    for (const k of start) visit(k)
    return seen
  }
  const eager = closure([entryOut], ['import-statement'])
  const all = closure([entryOut], ['import-statement', 'dynamic-import'])
  const lazy = [...all].filter((k) => !eager.has(k))
  // One row per chunk a dynamic import() names, with what it loads statically in turn.
  const targets = [...all].flatMap((k) => outputs[k].imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path))
  const chunks = [...new Set(targets)].map((k) => {
    const keys = [...closure([k], ['import-statement'])].filter((c) => !eager.has(c))
    return { name: chunkName(outputs[k]), ...part(keys) }
  })
  return { eager: part([...eager]), lazy: part(lazy), all: part([...all]), chunks }

  function chunkName(output) {
    // A lazy chunk is named after the source module its import() names (esbuild's entryPoint for it).
    const source = output.entryPoint ?? Object.keys(output.inputs)[0] ?? '?'
    return tidy(source)
  }
  function tidy(path) {
    // node_modules may be a symlink to elsewhere: name packages from node_modules/ on.
    return path.replace(/^(\.\.\/)*.*?node_modules\//, 'node_modules/')
  }
  function part(keys) {
    const text = keys.map((k) => textOf.get(k) ?? '').join('\n')
    const contributions = keys.flatMap((k) => Object.entries(outputs[k].inputs).filter(([, v]) => v.bytesInOutput > 0).map(([path, v]) => [tidy(path), v.bytesInOutput]))
    const modules = new Set(contributions.map(([path]) => path))
    const largest = contributions.sort((a, b) => b[1] - a[1]).slice(0, 6).map(([path, bytes]) => `${path} ${bytes} B`)
    // gzipped: the part as one stream; gzippedApart: each chunk on its own, as a browser fetches them.
    const gz = (t) => (t.length === 0 ? 0 : gzipSync(t, { level: 9 }).length)
    return { text, modules, largest, minified: Buffer.byteLength(text), gzipped: gz(text), gzippedApart: keys.reduce((n, k) => n + gz(textOf.get(k) ?? ''), 0) }
  }
}

/** Which kinds of evidence of marker `name` a measured part holds. */
export function evidence(part, name) {
  const m = markers[name]
  return {
    text: m.text.some((re) => re.test(part.text)),
    module: m.modules.some((re) => [...part.modules].some((path) => re.test(path))),
  }
}

/** The markers (by name) that fire on a measured part. */
export function bleeds(part, names) {
  return names.filter((name) => {
    const e = evidence(part, name)
    return e.text || e.module
  })
}

function entryCode(target, names) {
  const mod = moduleOf(target)
  const picked = names ?? mod.names
  return picked ? `export { ${picked.join(', ')} } from ${JSON.stringify(mod.from)}\n` : `export * from ${JSON.stringify(mod.from)}\n`
}

const CEILINGS = resolve(root, 'scripts/size-ceilings.json')

async function main() {
  const write = !process.argv.includes('--no-write')
  const ceilings = existsSync(CEILINGS) ? JSON.parse(readFileSync(CEILINGS, 'utf8')) : {}
  const measuredOver = {}
  const problems = []
  const rows = []
  const lazyRows = []
  const declared = new Set(budgets.map((b) => b.subpath))
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined
  const measurements = [...budgets, ...entries.filter((e) => !declared.has(e.name) && e.nodeOnly !== true).map((e) => ({ subpath: e.name }))].filter(
    (m) => only === undefined || only.includes(m.subpath),
  )

  for (const m of measurements) {
    const label = labelOf(m)
    if (!entryByName.has(m.subpath)) {
      rows.push({ label, pending: true, budget: m.budget })
      continue
    }
    const { eager, lazy, all, chunks } = await measure(entryCode(m.subpath, m.imports), { leaveOut: m.leaveOut, splitting: m.splitting })
    // The budget holds what loads up front, or every chunk for the whole-package figure.
    const held = m.countLazy ? all : eager
    const over = m.budget !== undefined && held.gzipped > m.budget
    // No bleed anywhere: neither up front nor in a chunk the subpath may load later.
    const found = bleeds(all, m.forbid ?? [])
    // A miss that is known and recorded (scripts/size-ceilings.json) may not grow; any other
    // overrun fails. The ceilings only ever move down (--update-ceilings after a reduction).
    const ceiling = ceilings[label]
    const known = over && ceiling !== undefined && held.gzipped <= ceiling
    if (over) measuredOver[label] = held.gzipped
    if (over && !known) {
      problems.push(
        `${label}: ${held.gzipped} B gzipped, over its budget of ${m.budget} B${ceiling === undefined ? '' : ` and its recorded ceiling of ${ceiling} B`} (largest minified parts: ${held.largest.join(', ')})`,
      )
    }
    if (known) console.log(`known miss: ${label} ${held.gzipped} B gzipped (budget ${m.budget} B, ceiling ${ceiling} B)`)
    for (const name of found) problems.push(`${label}: contains ${name} code (bleed)`)
    rows.push({ label, minified: held.minified, gzipped: held.gzipped, apart: held.gzippedApart, lazy: m.countLazy ? undefined : lazy.gzipped, budget: m.budget, ok: !over && found.length === 0, bleed: found, countLazy: m.countLazy, over, known, ceiling, note: m.note })
    if (!m.countLazy) for (const c of chunks) lazyRows.push({ label, ...c })
  }

  // The markers themselves: each must fire where its code lives, and catch a deliberate bleed.
  const controls = []
  for (const m of budgets.filter((b) => b.forbid && entryByName.has(b.subpath) && only === undefined)) {
    for (const name of m.forbid) {
      const home = markers[name].home.find((h) => moduleOf(h) !== undefined)
      if (home === undefined) {
        controls.push(`${name}: no home yet (${markers[name].home.join(', ')}), control pending`)
        continue
      }
      const alone = await measure(entryCode(home))
      const bled = await measure(`${entryCode(m.subpath, m.imports)}${entryCode(home).replace('export *', 'export * as __bleed')}`)
      // The bleed check looks at every chunk a subpath may load, so the markers are proved on
      // every chunk too (DES, for one, loads lazily with NTLMv1). Both kinds of evidence must
      // still fire where the code lives, so that neither goes stale unnoticed when an
      // implementation changes its tables or its file names.
      const atHome = evidence(alone.all, name)
      const firesAtHome = (atHome.text || markers[name].text.length === 0) && (atHome.module || markers[name].modules.length === 0)
      const catches = bleeds(bled.all, [name]).length === 1
      if (!firesAtHome) problems.push(`marker ${name} does not fire on ${home}, where that code lives (text ${atHome.text}, module ${atHome.module}): update the markers in scripts/size.mjs`)
      if (!catches) problems.push(`marker ${name} misses a deliberate bleed of ${home} into ${labelOf(m)}`)
      const kinds = [atHome.text && 'constants/strings', atHome.module && 'module'].filter(Boolean).join(' + ') || 'nothing'
      controls.push(`${name}: fires on ${home} (${kinds}): ${firesAtHome ? 'yes' : 'NO'}; catches ${home} bled into ${labelOf(m)}: ${catches ? 'yes' : 'NO'}`)
    }
  }

  const fmt = (n) => (n === undefined ? '—' : `${(n / KB).toFixed(2)} KB`)
  const verdict = (r) =>
    r.budget === undefined ? 'no budget' : r.ok ? 'ok' : r.bleed.length ? `bleed: ${r.bleed.join(', ')}` : r.known ? `OVER (known miss, ceiling ${fmt(r.ceiling)})` : 'OVER'
  const table = [
    '| subpath | static, minified | static, gzipped | budget | | loaded lazily, gzipped |',
    '| --- | ---: | ---: | ---: | --- | ---: |',
    ...rows.map((r) =>
      r.pending
        ? `| \`${r.label}\` | — | — | ${fmt(r.budget)} | not in the package yet | — |`
        : r.countLazy
          ? `| \`${r.label}\` | ${fmt(r.minified)} | ${fmt(r.gzipped)} | ${fmt(r.budget)} | ${verdict(r)} | (counted; ${fmt(r.apart)} chunk by chunk) |`
          : `| \`${r.label}\` | ${fmt(r.minified)} | ${fmt(r.gzipped)} | ${fmt(r.budget)} | ${verdict(r)} | ${r.lazy ? fmt(r.lazy) : '—'} |`,
    ),
  ]
  const lazyTable = lazyRows.length
    ? ['| subpath | chunk (the module its `import()` names) | minified | gzipped |', '| --- | --- | ---: | ---: |', ...lazyRows.map((r) => `| \`${r.label}\` | \`${r.name}\` | ${fmt(r.minified)} | ${fmt(r.gzipped)} |`)]
    : ['No subpath loads code lazily yet.']
  console.log(table.join('\n'))
  console.log(`\n${lazyTable.join('\n')}\n\nbleed markers:\n${controls.map((c) => `  ${c}`).join('\n')}`)

  if (write && only === undefined) {
    const overRows = rows.filter((r) => r.over)
    const overText = overRows.length
      ? overRows.map((r) => `- \`${r.label}\`: ${fmt(r.gzipped)} for ${fmt(r.budget)}, ${fmt(r.gzipped - r.budget)} over. ${r.note ?? ''}`.trimEnd()).join('\n')
      : 'Every subpath is within its budget.'
    const doc = `# Bundle sizes

Written by \`npm run size\` (scripts/size.mjs); CI fails when a subpath holds code it should
not, or is over its budget — except a known miss recorded in \`scripts/size-ceilings.json\`,
which fails as soon as it grows past its recorded size (a ratchet: the ceilings only move
down, \`npm run size -- --update-ceilings\` after a reduction). The misses are listed under
"Over budget" below with what closing them would cost. Each subpath is bundled alone for the browser with esbuild
(minified, ES2022, code splitting on, \`@noble/hashes\` included) and gzipped at level 9;
1 KB = 1000 bytes.

What a browser user downloads up front is the **static** part: the subpath and the chunks it
imports statically. Code behind a dynamic \`import()\` is a **lazy** chunk, loaded by the step
that needs it: the server side of every mechanism and protocol profile (a webmail only runs
clients), NTLMv1/LM with its DES (\`legacy: true\` only), NTLM's session security (signing
and sealing, loaded by the client's \`finish()\`), the GSSAPI security layer (only when
one is negotiated), the OAuth clients' parser of an error challenge (only when a login is
refused), SASLprep's tables (only for a non-ASCII string), and the SCRAM client's
PBKDF2 and the OAuth 1.0a clients' HMAC-SHA1 on \`@noble/hashes\` (only where Web Crypto
cannot run them: an insecure browser context). A budget holds the static part; the whole-package row counts
every chunk but the SASLprep tables, gzipped as one stream (and, in brackets, chunk by
chunk, as a browser that loads them all would fetch them). Splitting buys a client-only
bundle its smaller download and costs the first server step one more fetch; it saves nothing
for an app that runs everything.

${table.join('\n')}

## Over budget

${overText}

## Loaded lazily

Each row is the chunk a dynamic \`import()\` names, with the chunks it imports in turn that
are not already loaded up front (rows of one subpath can share those, so they do not add up).

${lazyTable.join('\n')}

## Bleed checks

\`saslkit/plain\` must hold no MD4, DES, RC4, PBKDF2, NTLMSSP or SASLprep code; \`saslkit/scram\`
no NTLM code, up front or in a chunk it may load later. The markers are constants and strings
that survive minification (MD4's round constant 0x6ed9eba1, DES's S-box and PC-1 rows, the
Web Crypto name \`PBKDF2\`, \`NTLMSSP\`, \`KGS!@#$%\`, SASLprep's \`NFKC\`) and the source modules
that kept bytes in the output. Every run checks the markers themselves: each must fire on the
subpath where its code lives and catch that subpath deliberately bundled into the one it must
stay out of.

${controls.map((c) => `- ${c}`).join('\n')}
`
    mkdirSync(resolve(root, 'docs'), { recursive: true })
    writeFileSync(resolve(root, 'docs/bundle-size.md'), doc)
  }

  if (process.argv.includes('--update-ceilings') && only === undefined) {
    // Ratchet: a recorded ceiling can only go down; a new miss needs a deliberate edit.
    const next = {}
    for (const [label, size] of Object.entries(measuredOver)) if (ceilings[label] !== undefined) next[label] = Math.min(ceilings[label], size)
    writeFileSync(CEILINGS, JSON.stringify(next, null, 2) + '\n')
    console.log(`size: ceilings written (${Object.keys(next).length} known misses)`)
  }

  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    process.exit(1)
  }
  console.log('\nsize: ok')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
