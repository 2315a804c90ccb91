#!/usr/bin/env node
// Fails when a mechanism compares secret-bearing values with ===/!== (or ==/!=) instead of
// constantTimeEqual: any operand typed Uint8Array, a hexEncode/base64Encode result, or a
// string named like a proof, digest, MIC, signature, key or hash. With --list it also prints
// every constantTimeEqual call site, with the function it is in; --json prints them as JSON
// (scripts/security-doc.mjs writes them into the review note of docs/security.md).
import ts from 'typescript'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dirs = ['src/mechanisms', 'src/core', 'src/profiles']
const files = []
const walk = (dir) => {
  let names
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (path.endsWith('.ts')) files.push(path)
  }
}
const explicit = process.argv.slice(2).filter((a) => !a.startsWith('--'))
if (explicit.length > 0) files.push(...explicit)
else for (const dir of dirs) walk(join(root, dir))

const program = ts.createProgram(files, { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true })
const checker = program.getTypeChecker()
const SECRET_NAME = /(proof|digest|signature|\bmic\b|Mic|rspauth|hash|Hash|mac\b|Mac\b|secret|Secret|key\b|Key\b)/
const ENCODER_CALL = /^(hexEncode|base64Encode|hex)\(/
const problems = []
const comparisons = []

function isBytes(node) {
  const type = checker.getTypeAtLocation(node)
  const text = checker.typeToString(type)
  return /Uint8Array|ArrayBuffer/.test(text)
}
function isSecretString(node) {
  const text = node.getText()
  const type = checker.typeToString(checker.getTypeAtLocation(node))
  if (!/string/.test(type)) return false
  return ENCODER_CALL.test(text) || (SECRET_NAME.test(text) && !/\.length$|\.type$|\.name$/.test(text))
}

/** The function a node is in: `Class.method`, `function`, or the variable an arrow function is assigned to. */
function scopeOf(node) {
  const names = []
  for (let at = node.parent; at !== undefined; at = at.parent) {
    if ((ts.isFunctionDeclaration(at) || ts.isMethodDeclaration(at) || ts.isGetAccessorDeclaration(at) || ts.isPropertyDeclaration(at)) && at.name !== undefined) names.unshift(at.name.getText())
    else if (ts.isConstructorDeclaration(at)) names.unshift('constructor')
    else if ((ts.isArrowFunction(at) || ts.isFunctionExpression(at)) && at.parent !== undefined && ts.isVariableDeclaration(at.parent)) names.unshift(at.parent.name.getText())
    else if (ts.isClassDeclaration(at) && at.name !== undefined) names.unshift(at.name.getText())
  }
  return names.join('.') || '(module)'
}

for (const file of files) {
  const source = program.getSourceFile(file)
  const visit = (node) => {
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind
      if ([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(op)) {
        const [l, r] = [node.left, node.right]
        const literal = (n) => n.kind === ts.SyntaxKind.UndefinedKeyword || n.kind === ts.SyntaxKind.NullKeyword || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || n.getText() === 'undefined'
        if (!literal(l) && !literal(r) && (isBytes(l) || isBytes(r) || isSecretString(l) || isSecretString(r))) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart())
          problems.push(`${relative(root, file)}:${line + 1}: ${node.getText()}`)
        }
      }
    }
    if (ts.isCallExpression(node) && node.expression.getText() === 'constantTimeEqual') {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart())
      comparisons.push({ file: relative(root, file), line: line + 1, scope: scopeOf(node), call: node.getText().replace(/\s+/g, ' ') })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}

comparisons.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ comparisons, problems }, null, 2))
  process.exit(problems.length > 0 ? 1 : 0)
}
if (process.argv.includes('--list')) {
  console.log(`constantTimeEqual call sites (${comparisons.length}):`)
  for (const c of comparisons) console.log(`  ${c.file}:${c.line} (${c.scope}): ${c.call}`)
}
if (problems.length > 0) {
  console.error(`lint-ct: ${problems.length} non-constant-time comparison(s) of secret-bearing values:`)
  for (const p of problems) console.error(`  ${p}`)
  process.exit(1)
}
console.log(`lint-ct: ${files.length} files, ${comparisons.length} constant-time comparisons, no plain comparisons of secrets`)
