// saslkit's internal crypto (src/crypto: the PBKDF2 its SCRAM client and deriveCredentials
// call, MD4 and RC4 for NTLM, the resumed HMAC-MD5 of CRAM-MD5) is not a public export; the
// bench bundles it from source with esbuild so the "alone" and primitive rows time that code.
import { mkdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../../', import.meta.url))
const out = `${root}.tmp/bench/internals.mjs`

/**
 * `{ pbkdf2, SHA1, SHA256, SHA512, md4, md5, hmacMd5, rc4, hmac, hmacMd5Context, hmacMd5FromContext }` from
 * src/crypto, or undefined when a module is missing (its family not merged yet).
 */
export async function loadInternals() {
  if (loaded !== undefined) return loaded
  mkdirSync(`${root}.tmp/bench`, { recursive: true })
  try {
    await build({
      stdin: {
        contents: [
          "export { pbkdf2 } from './src/crypto/pbkdf2.ts'",
          "export { SHA1, SHA256, SHA512 } from './src/crypto/scram-keys.ts'",
          "export { md4 } from './src/crypto/md4.ts'",
          "export { rc4 } from './src/crypto/rc4.ts'",
          "export { hmacMd5, md5 } from './src/crypto/md5.ts'",
          "export { hmacMd5Context, hmacMd5FromContext } from './src/crypto/md5-context.ts'",
          "export { hmac } from './src/crypto/hmac.ts'",
        ].join('\n'),
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
  loaded = await import(pathToFileURL(out).href)
  return loaded
}

let loaded

/**
 * saslkit's primitives in the floors' shape (see NODE_PRIMITIVES in floors.mjs): its HMAC
 * (src/crypto/hmac.ts) over @noble/hashes' SHAs, its own HMAC-MD5 and MD5 (src/crypto/md5.ts), MD4 and RC4.
 * Inputs may be strings (UTF-8); outputs are Buffers over the same bytes.
 */
export async function saslkitPrimitives() {
  const internals = await loadInternals()
  const { sha1 } = await import('@noble/hashes/legacy.js')
  const { sha256, sha512 } = await import('@noble/hashes/sha2.js')
  const hashes = { sha1, sha256, sha512 }
  const te = new TextEncoder()
  const bytes = (d) => (typeof d === 'string' ? te.encode(d) : d)
  const buffer = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)
  return {
    // The parts stream into the HMAC, as saslkit's mechanisms pass them.
    hmac: (algorithm, key, ...data) =>
      buffer(algorithm === 'md5' ? internals.hmacMd5(bytes(key), ...data.map(bytes)) : internals.hmac(hashes[algorithm], bytes(key), ...data.map(bytes))),
    digest: (algorithm, data) => buffer(algorithm === 'md5' ? internals.md5(bytes(data)) : hashes[algorithm](bytes(data))),
    rc4: (key, data) => buffer(internals.rc4(key)(data)),
    md4: (data) => buffer(internals.md4(data)),
  }
}
