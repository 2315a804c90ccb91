/**
 * HMAC-SHA1 on `@noble/hashes`' SHA-1, for where Web Crypto cannot run it (hmac-sha1.ts loads
 * this module only then). Apart from noble-hashes.ts (PBKDF2), so that a SCRAM-SHA-256 bundle's
 * fallback chunk holds no SHA-1. noble's class, not its `sha1` function (see scram-keys.ts).
 */
import { _SHA1 } from '@noble/hashes/legacy.js'
import { hmac } from './hmac.js'

export const nobleHmacSha1 = (key: Uint8Array, data: Uint8Array): Uint8Array => hmac({ blockLen: 64, create: () => new _SHA1() }, key, data)
