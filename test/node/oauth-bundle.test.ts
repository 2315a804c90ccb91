// Node-only: saslkit/oauth must not carry the HMAC-SHA1 that saslkit/oauth1 needs (issue 5).
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({ entryPoints: [`${root}/${entry}`], bundle: true, write: false, metafile: true, platform: 'browser', format: 'esm', minify: true, logLevel: 'silent' })
  return Object.keys(result.metafile.inputs)
}

describe('OAuth bundles', () => {
  it('saslkit/oauth holds no SHA-1, HMAC or OAuth 1.0a code', async () => {
    const inputs = await bundledInputs('src/mechanisms/oauth.ts')
    expect(inputs.some((path) => path.endsWith('src/mechanisms/oauth.ts'))).toBe(true)
    expect(inputs.filter((path) => /@noble\/hashes|crypto\/hmac|oauth1/.test(path))).toEqual([])
  })
  it('saslkit/oauth1 does carry them (the check above can fail)', async () => {
    const inputs = await bundledInputs('src/mechanisms/oauth1.ts')
    for (const needed of [/@noble\/hashes\/legacy\.js$/, /src\/crypto\/hmac\.ts$/, /src\/crypto\/hmac-sha1\.ts$/]) {
      expect(inputs.some((path) => needed.test(path))).toBe(true)
    }
  })
})
