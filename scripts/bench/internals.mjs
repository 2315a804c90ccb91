// saslkit's internal PBKDF2 (src/crypto/pbkdf2.ts, the function its SCRAM client and
// deriveCredentials call) is not a public export; the bench bundles it from source with
// esbuild so the "PBKDF2 alone" rows time exactly that code.
import { mkdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../../', import.meta.url))
const out = `${root}.tmp/bench/internals.mjs`

/** `{ pbkdf2, SHA1, SHA256, SHA512 }` from src/crypto, or undefined when SCRAM is not merged yet. */
export async function loadInternals() {
  mkdirSync(`${root}.tmp/bench`, { recursive: true })
  try {
    await build({
      stdin: {
        contents: "export { pbkdf2 } from './src/crypto/pbkdf2.ts'\nexport { SHA1, SHA256, SHA512 } from './src/crypto/scram-keys.ts'\n",
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      packages: 'external',
      outfile: out,
      logLevel: 'silent',
    })
  } catch {
    return undefined
  }
  return import(pathToFileURL(out).href)
}
