// Builds the interop matrix (mechanism × peer × direction: ok / fail / peer lacks it) from the
// tests' meta tags, prints it after the run and writes docs/interop.md with the peer versions.
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Reporter, TestCase, TestModule } from 'vitest/node'
import { PEER_ORDER, readTag, REPORTED_PEERS, type Direction, type PeerMeta } from './matrix.js'

type CellState = 'ok' | 'fail' | 'peer lacks it'

interface Cell {
  passed: Set<'ok' | 'refused'>
  failed: string[]
  lack?: { evidence: string; passed: boolean }
}

const DOC_PATH = resolve(import.meta.dirname, '../../../docs/interop.md')

interface Column {
  readonly peer: string
  readonly direction: Direction
  /** The saslkit client, when not the library's profiles (`saslkit probe (CLI)`). */
  readonly client: string | undefined
}

const columnLabel = ({ peer, direction, client }: Column): string =>
  direction === 'saslkit→peer' ? `${client ?? 'saslkit'} → ${peer}` : `${peer} → ${client ?? 'saslkit'}`

const columnKey = ({ peer, direction, client }: Column): string => `${client ?? ''}|${peer}|${direction}`

export default class InteropMatrixReporter implements Reporter {
  readonly #mechanisms = new Map<string, number>()
  readonly #columns: Column[] = []
  readonly #cells = new Map<string, Cell>()
  readonly #peers = new Map<string, PeerMeta & { passed: boolean }>()

  onTestCaseResult(test: TestCase): void {
    const meta = readTag(test.meta())
    if (meta === undefined) return
    const state = test.result().state
    if (meta.kind === 'peer') {
      this.#peers.set(meta.peer, { ...meta, passed: state === 'passed' })
      return
    }
    this.#mechanisms.set(meta.mechanism, meta.order)
    const column: Column = { peer: meta.peer, direction: meta.direction, client: meta.client }
    if (!this.#columns.some((c) => columnKey(c) === columnKey(column))) this.#columns.push(column)
    const key = `${meta.mechanism}|${columnKey(column)}`
    const cell = this.#cells.get(key) ?? { passed: new Set(), failed: [] }
    this.#cells.set(key, cell)
    if (meta.kind === 'lack') {
      // Several tests may show the same lack (one column, two endpoints): all must pass.
      cell.lack = { evidence: meta.evidence, passed: (cell.lack?.passed ?? true) && state === 'passed' }
    } else if (state === 'passed') {
      cell.passed.add(meta.variant)
    } else {
      cell.failed.push(`${meta.variant}: ${state}`)
    }
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>): void {
    if (this.#cells.size === 0) return
    const { table, evidence } = this.#render()
    process.stdout.write(`\nInterop matrix (mechanism × peer × direction)\n\n${table}\n`)
    const missing = REPORTED_PEERS.filter((peer) => !this.#peers.has(peer))
    if (missing.length > 0) {
      process.stdout.write(`\ndocs/interop.md not written: a partial run (no ${missing.join(', ')} results)\n`)
      return
    }
    writeFileSync(DOC_PATH, this.#document(table, evidence))
    process.stdout.write(`\nwritten to docs/interop.md\n`)
  }

  #state(cell: Cell | undefined): CellState | undefined {
    if (cell === undefined) return undefined
    if (cell.lack !== undefined) return cell.lack.passed && cell.passed.size === 0 && cell.failed.length === 0 ? 'peer lacks it' : 'fail'
    return cell.failed.length === 0 && cell.passed.has('ok') && cell.passed.has('refused') ? 'ok' : 'fail'
  }

  #render(): { table: string; evidence: string[] } {
    const rank = (peer: string) => (PEER_ORDER.includes(peer) ? PEER_ORDER.indexOf(peer) : PEER_ORDER.length)
    const columns = [...this.#columns].sort(
      (a, b) =>
        rank(a.peer) - rank(b.peer) ||
        a.peer.localeCompare(b.peer) ||
        (a.client ?? '').localeCompare(b.client ?? '') ||
        (a.direction === 'saslkit→peer' ? -1 : 1),
    )
    const mechanisms = [...this.#mechanisms].sort((a, b) => a[1] - b[1]).map(([name]) => name)
    const header = ['mechanism', ...columns.map(columnLabel)]
    // One footnote per distinct piece of evidence, numbered in table order.
    const evidence: string[] = []
    const rows = mechanisms.map((mechanism) => [
      mechanism,
      ...columns.map((column) => {
        const cell = this.#cells.get(`${mechanism}|${columnKey(column)}`)
        const state = this.#state(cell)
        if (state === undefined) return '—'
        if (state === 'peer lacks it' && cell?.lack !== undefined) {
          const text = cell.lack.evidence
          if (!evidence.includes(text)) evidence.push(text)
          return `peer lacks it [${evidence.indexOf(text) + 1}]`
        }
        return state
      }),
    ])
    const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`)
    return { table: lines.join('\n'), evidence }
  }

  #document(table: string, evidence: string[]): string {
    const peers = [...this.#peers.values()].sort((a, b) => a.peer.localeCompare(b.peer))
    let system = 'unknown system'
    try {
      system = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? system
    } catch {
      // not Linux: leave it unknown
    }
    return [
      '# Interoperability',
      '',
      'Generated by `npm run test:interop` (test/interop/, see its README). Every peer runs on',
      '127.0.0.1 from configuration generated in a temp dir, started and stopped by the suite.',
      '',
      '`saslkit → X`: saslkit\'s client against X\'s server; `X → saslkit`: X\'s client against',
      'saslkit\'s server. `gsasl` is the stdio peer (`gsasl --client`/`--server`); `gsasl imap`',
      'and `gsasl smtp` are `gsasl --imap`/`--smtp` against saslkit\'s IMAP/SMTP server profiles;',
      'the `saslkit → dovecot` columns are saslkit\'s IMAP, POP3 and SMTP client profiles against',
      'Dovecot; `+STARTTLS`: after STARTTLS. The `saslkit probe (CLI)` columns are the command',
      '(`node dist/cli.js probe`, a subprocess, secrets through `--password-env`/`--token-env`, the',
      'server verified with `--ca`), each against both of a protocol\'s TLS endpoints: STARTTLS and',
      'implicit TLS (imaps, pop3s, and submissions as `smtps://`); its GSSAPI is the `kerberos`',
      'addon through `--gssapi-provider`. Each `ok` cell is two tests (per endpoint): the right',
      'credentials succeed end to end, and a wrong password, token, ticket or authzid (ANONYMOUS:',
      'a server that allows no anonymous login) is refused. "peer lacks it" is a fact about the',
      'peer, checked by a test each run (evidence below; the CLI re-proves it with `--mech`);',
      '`—` is a case that cannot exist (EXTERNAL and -PLUS need TLS; the `kerberos` addon is a',
      'client only; the command has neither the MIT helper nor a security-layer option).',
      '',
      '## Peers',
      '',
      `On ${system}, Node ${process.version}.`,
      '',
      '| peer | version | notes |',
      '| --- | --- | --- |',
      ...peers.map((p) => `| ${p.peer} | ${p.version}${p.passed ? '' : ' (its check FAILED)'} | ${p.notes.join('<br>')} |`),
      '',
      '## Matrix',
      '',
      table,
      '',
      '## Evidence for "peer lacks it"',
      '',
      ...evidence.map((line, i) => `${i + 1}. ${line}`),
      '',
    ].join('\n')
  }
}
