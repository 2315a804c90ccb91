// The building blocks under the mechanisms, each against node:crypto (OpenSSL) in the same
// passes: @noble/hashes' HMACs and digests (SCRAM's small HMACs, OAuth 1.0a's fallback),
// saslkit's own MD5 and HMAC-MD5 (CRAM-MD5, DIGEST-MD5, NTLM), MD4 and RC4 (NTLM), its resumed
// HMAC-MD5 (CRAM-MD5's stored context), Web Crypto's getRandomValues. Here the subject is the primitive saslkit uses, not
// saslkit's own code around it: these rows set the ceiling the mechanism rows can reach, and
// the goals' assumptions (the issue measured noble's HMAC-SHA-256 at 0.52 of native) are
// checked against them.
import { createCipheriv, createHash, createHmac, randomFillSync } from 'node:crypto'
import { hmac } from '@noble/hashes/hmac.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { loadInternals } from './internals.mjs'

export const family = 'Primitives'
export const available = true

// SCRAM's AuthMessage is about 150 bytes; NTLM's HMAC inputs 16–600; keys as the mechanisms use them.
const message = new Uint8Array(150).map((_, i) => i)
const utf16Password = new Uint8Array(Buffer.from('Password', 'utf16le'))
const key = (n) => new Uint8Array(n).map((_, i) => 255 - i)

export async function check() {
  const internals = await loadInternals()
  if (internals === undefined) return
  if (Buffer.compare(Buffer.from(internals.md4(utf16Password)), createHash('md4').update(utf16Password).digest()) !== 0) throw new Error('md4 disagrees with node')
  const rc4Node = createCipheriv('rc4', key(16), null).update(message)
  if (Buffer.compare(Buffer.from(internals.rc4(key(16))(message)), rc4Node) !== 0) throw new Error('rc4 disagrees with node')
  const resumed = internals.hmacMd5FromContext(internals.hmacMd5Context(key(16)), message)
  if (Buffer.compare(Buffer.from(resumed), createHmac('md5', key(16)).update(message).digest()) !== 0) throw new Error('resumed HMAC-MD5 disagrees with node')
  if (Buffer.compare(Buffer.from(internals.hmacMd5(key(16), message)), createHmac('md5', key(16)).update(message).digest()) !== 0) throw new Error('HMAC-MD5 disagrees with node')
  if (Buffer.compare(Buffer.from(internals.md5(message)), createHash('md5').update(message).digest()) !== 0) throw new Error('md5 disagrees with node')
}

export async function makeRows() {
  const internals = await loadInternals()
  const group = 'Primitives'
  const rows = [
    ['HMAC-SHA-1', sha1, 'sha1', 20],
    ['HMAC-SHA-256', sha256, 'sha256', 32],
    ['HMAC-SHA-512', sha512, 'sha512', 64],
  ].map(([name, hash, alg, keyBytes]) => ({
    group,
    name: `${name} of 150 bytes (@noble/hashes hmac)`,
    subject: () => hmac(hash, key(keyBytes), message),
    baselines: { 'node:crypto createHmac': () => createHmac(alg, key(keyBytes)).update(message).digest() },
  }))
  rows.push(
    {
      group,
      name: 'SHA-256 of 32 bytes (@noble/hashes)',
      subject: () => sha256(key(32)),
      baselines: { 'node:crypto createHash': () => createHash('sha256').update(key(32)).digest() },
    },
    {
      group,
      name: '16 random bytes (crypto.getRandomValues)',
      subject: () => crypto.getRandomValues(new Uint8Array(16)),
      baselines: { 'node:crypto randomFillSync': () => randomFillSync(new Uint8Array(16)) },
    },
  )
  if (internals !== undefined) {
    const context = internals.hmacMd5Context(key(16))
    rows.push(
      {
        group,
        name: 'HMAC-MD5 of 150 bytes (saslkit, CRAM-MD5 and NTLM)',
        subject: () => internals.hmacMd5(key(16), message),
        baselines: { 'node:crypto createHmac': () => createHmac('md5', key(16)).update(message).digest() },
      },
      {
        group,
        name: 'MD5 of 150 bytes (saslkit, DIGEST-MD5 and NTLM)',
        subject: () => internals.md5(message),
        baselines: { 'node:crypto createHash': () => createHash('md5').update(message).digest() },
      },
      {
        group,
        name: 'HMAC-MD5 resumed from a stored context (saslkit, CRAM-MD5)',
        subject: () => internals.hmacMd5FromContext(context, message),
        baselines: { 'node:crypto createHmac (full, from the key)': () => createHmac('md5', key(16)).update(message).digest() },
      },
      {
        group,
        name: 'MD4 of a UTF-16LE password (saslkit, NTLM)',
        subject: () => internals.md4(utf16Password),
        baselines: { 'node:crypto createHash md4': () => createHash('md4').update(utf16Password).digest() },
      },
      {
        group,
        name: 'RC4 key set-up and 16 bytes (saslkit, NTLM key exchange)',
        subject: () => internals.rc4(key(16))(key(16)),
        baselines: { 'node:crypto createCipheriv rc4': () => createCipheriv('rc4', key(16), null).update(key(16)) },
      },
    )
  }
  return rows
}
