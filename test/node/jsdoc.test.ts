// Node-only: every public export — every name reachable from an entry of scripts/entries.mjs,
// through re-exports and namespace exports — carries JSDoc with an @example.
import ts from 'typescript'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { entries } from '../../scripts/entries.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const config = ts.getParsedCommandLineOfConfigFile(`${root}/tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!
const program = ts.createProgram({ rootNames: entries.map((e) => `${root}/${e.source}`), options: config.options })
const checker = program.getTypeChecker()

/** True when some declaration of the symbol has a JSDoc block with an @example tag. */
function hasExample(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((declaration) => {
    // A variable's JSDoc sits on its statement: `/** … */ export const plain = …`.
    const host = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration
    return ts.getJSDocTags(host).some((tag) => tag.tagName.text === 'example')
  })
}

/** Names (with the path that reaches them) of exports lacking an @example. */
function undocumented(moduleSymbol: ts.Symbol, prefix: string, seen: Set<ts.Symbol>): string[] {
  if (seen.has(moduleSymbol)) return []
  seen.add(moduleSymbol)
  const missing: string[] = []
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    // `export * as smtp from './profiles/smtp.js'`: the namespace's members are the exports.
    if (symbol.flags & ts.SymbolFlags.ValueModule && symbol.declarations?.some(ts.isSourceFile)) {
      missing.push(...undocumented(symbol, `${prefix}${exported.name}.`, seen))
    } else if (!hasExample(symbol)) {
      missing.push(`${prefix}${exported.name}`)
    }
  }
  return missing
}

describe('JSDoc', () => {
  for (const entry of entries) {
    it(`every export of ${entry.source} has JSDoc with an @example`, () => {
      const file = program.getSourceFile(`${root}/${entry.source}`)!
      const moduleSymbol = checker.getSymbolAtLocation(file)!
      expect(checker.getExportsOfModule(moduleSymbol).length).toBeGreaterThan(0)
      expect(undocumented(moduleSymbol, '', new Set())).toEqual([])
    })
  }
  it('the check itself notices an export without an @example', () => {
    const source = ts.createSourceFile('probe.ts', '/** Documented, no example. */\nexport const a = 1\n/**\n * Fine.\n * @example\n * b\n */\nexport const b = 2\n', ts.ScriptTarget.ES2022, true)
    const host = ts.createCompilerHost({})
    const getSourceFile = host.getSourceFile
    host.getSourceFile = (name, ...rest) => (name === 'probe.ts' ? source : getSourceFile.call(host, name, ...rest))
    const probe = ts.createProgram({ rootNames: ['probe.ts'], options: {}, host })
    const probeChecker = probe.getTypeChecker()
    const names = probeChecker
      .getExportsOfModule(probeChecker.getSymbolAtLocation(probe.getSourceFile('probe.ts')!)!)
      .filter((s) => !hasExample(s))
      .map((s) => s.name)
    expect(names).toEqual(['a'])
  })
})
