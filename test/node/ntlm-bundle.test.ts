// Node-only: MD4, DES, RC4 and the NTLM code reach only the bundles that import NTLM (issue 6).
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { entries } from '../../scripts/entries.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const NTLM_ONLY = /src\/crypto\/(md4|des|rc4)\.ts$|src\/mechanisms\/ntlm\//

async function bundledInputs(contents: string): Promise<string[]> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    logLevel: 'silent',
  })
  // Only the modules that contribute code (tree-shaken ones are parsed but leave nothing).
  const [output] = Object.values(result.metafile.outputs)
  return Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path)
}

describe('NTLM bundles', () => {
  for (const entry of entries.filter((e) => e.name !== 'ntlm' && e.name !== 'index' && e.nodeOnly !== true)) {
    it(`${entry.source} holds no MD4, DES, RC4 or NTLM code`, async () => {
      const inputs = await bundledInputs(`export * from './${entry.source}'`)
      expect(inputs.filter((path) => NTLM_ONLY.test(path))).toEqual([])
    })
  }
  it('the root entry, when NTLM is not imported from it, holds none of it either', async () => {
    const inputs = await bundledInputs(`export { plain, login, anonymous, external } from './src/index.ts'`)
    expect(inputs.filter((path) => NTLM_ONLY.test(path))).toEqual([])
  })
  it('saslkit/ntlm does carry them (the checks above can fail)', async () => {
    const inputs = await bundledInputs(`export { ntlm } from './src/mechanisms/ntlm/index.ts'`)
    for (const needed of [/src\/crypto\/md4\.ts$/, /src\/crypto\/des\.ts$/, /src\/crypto\/rc4\.ts$/, /src\/mechanisms\/ntlm\/server\.ts$/]) {
      expect(inputs.some((path) => needed.test(path))).toBe(true)
    }
  })
})
