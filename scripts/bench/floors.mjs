// The floor: minimal node:crypto implementations of what each mechanism computes, both sides.
// Minimal means: the protocol's own work (parse, hash, compare, build) and nothing a real
// implementation would add for safety or generality (no fake-user work, no size limits, no
// SASLprep). They interoperate with saslkit — bench.mjs checks that before timing anything —
// so each floor is known to do the whole computation, not a shortcut.
import { createCipheriv, createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'

const hmac = (algorithm, key, ...data) => {
  const h = createHmac(algorithm, key)
  for (const d of data) h.update(d)
  return h.digest()
}
const digest = (algorithm, data) => createHash(algorithm).update(data).digest()
const rc4 = (key, data) => createCipheriv('rc4', key, null).update(data)

/**
 * The hash functions the floors compute with: node:crypto's by default. Rows swap in saslkit's
 * own primitives (@noble/hashes' SHAs, its MD5, HMAC-MD5, MD4 and RC4) to get "the same computation by hand on
 * saslkit's primitives": the ceiling saslkit's code could reach, which splits a gap into what
 * the primitives cost and what saslkit's code around them costs. Results are Buffers.
 */
export const NODE_PRIMITIVES = { hmac, digest, rc4 }
const equal = (a, b) => a.length === b.length && timingSafeEqual(a, b)
const fail = (what) => {
  throw new Error(`floor: ${what}`)
}

// ── PLAIN (RFC 4616) ─────────────────────────────────────────────────────────────────────

export const plainClientFloor = (username, password) => Buffer.from(`\0${username}\0${password}`)

/** Splits authzid NUL authcid NUL passwd and compares the password. */
export function plainServerFloor(message, passwordOf) {
  const parts = Buffer.from(message).toString('utf8').split('\0')
  if (parts.length !== 3) fail('PLAIN message')
  const stored = passwordOf(parts[1])
  if (stored === undefined || !equal(Buffer.from(parts[2]), Buffer.from(stored))) fail('PLAIN password')
  return parts[1]
}

// ── SCRAM (RFC 5802) ─────────────────────────────────────────────────────────────────────

/** node:crypto's name of a SCRAM hash. */
export const NODE_HASH = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' }
const OUTPUT_BYTES = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-512': 64 }

/** RFC 5802 §3 key schedule: SaltedPassword, ClientKey, ServerKey, StoredKey. */
export function scramKeysFloor(hash, password, salt, iterations) {
  const alg = NODE_HASH[hash]
  const saltedPassword = pbkdf2Sync(password, salt, iterations, OUTPUT_BYTES[hash], alg)
  return scramKeysFrom(hash, saltedPassword)
}

function scramKeysFrom(hash, saltedPassword) {
  const alg = NODE_HASH[hash]
  const clientKey = hmac(alg, saltedPassword, 'Client Key')
  const serverKey = hmac(alg, saltedPassword, 'Server Key')
  return { saltedPassword, clientKey, serverKey, storedKey: digest(alg, clientKey) }
}

async function webCryptoPbkdf2(hash, password, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', Buffer.from(password), 'PBKDF2', false, ['deriveBits'])
  return crypto.subtle.deriveBits({ name: 'PBKDF2', hash, salt, iterations }, key, OUTPUT_BYTES[hash] * 8)
}

const attributes = (text) => {
  const map = new Map()
  for (const item of text.split(',')) map.set(item[0], item.slice(2))
  return map
}

/**
 * A SCRAM client on node:crypto: `first()`, `final(serverFirst)`, `verify(serverFinal)`.
 * `pbkdf2: 'sync'` (pbkdf2Sync, the floor), `'async'` (crypto.pbkdf2 on libuv's pool) or
 * `'webcrypto'` (crypto.subtle.deriveBits, as saslkit does; the cold-start breakdown uses it).
 */
export class ScramClientFloor {
  #hash
  #username
  #password
  #mode
  #nonce = ''
  #bare = ''
  #expected

  constructor(hash, username, password, { pbkdf2: mode = 'sync' } = {}) {
    this.#hash = hash
    this.#username = username
    this.#password = password
    this.#mode = mode
  }

  first() {
    this.#nonce = randomBytes(18).toString('base64')
    this.#bare = `n=${this.#username},r=${this.#nonce}`
    return `n,,${this.#bare}`
  }

  async final(serverFirst) {
    const a = attributes(serverFirst)
    const nonce = a.get('r')
    if (!nonce.startsWith(this.#nonce) || nonce.length === this.#nonce.length) fail('SCRAM server nonce')
    const salt = Buffer.from(a.get('s'), 'base64')
    const iterations = Number(a.get('i'))
    const alg = NODE_HASH[this.#hash]
    const saltedPassword =
      this.#mode === 'async'
        ? await new Promise((resolve, reject) =>
            pbkdf2(this.#password, salt, iterations, OUTPUT_BYTES[this.#hash], alg, (e, key) => (e ? reject(e) : resolve(key))),
          )
        : this.#mode === 'webcrypto'
          ? Buffer.from(await webCryptoPbkdf2(this.#hash, this.#password, salt, iterations))
          : pbkdf2Sync(this.#password, salt, iterations, OUTPUT_BYTES[this.#hash], alg)
    const { clientKey, serverKey, storedKey } = scramKeysFrom(this.#hash, saltedPassword)
    const withoutProof = `c=biws,r=${nonce}`
    const authMessage = `${this.#bare},${serverFirst},${withoutProof}`
    const signature = hmac(alg, storedKey, authMessage)
    for (let i = 0; i < signature.length; i++) signature[i] ^= clientKey[i]
    this.#expected = hmac(alg, serverKey, authMessage)
    return `${withoutProof},p=${signature.toString('base64')}`
  }

  verify(serverFinal) {
    if (!serverFinal.startsWith('v=') || !equal(Buffer.from(serverFinal.slice(2), 'base64'), this.#expected)) fail('SCRAM server signature')
  }
}

/** The floor client given cached ClientKey and ServerKey (no PBKDF2), as after a first login. */
export class CachedScramClientFloor {
  #hash
  #username
  #clientKey
  #serverKey
  #nonce = ''
  #bare = ''
  #expected

  constructor(hash, username, clientKey, serverKey) {
    this.#hash = hash
    this.#username = username
    this.#clientKey = clientKey
    this.#serverKey = serverKey
  }

  first() {
    this.#nonce = randomBytes(18).toString('base64')
    this.#bare = `n=${this.#username},r=${this.#nonce}`
    return `n,,${this.#bare}`
  }

  final(serverFirst) {
    const nonce = attributes(serverFirst).get('r')
    if (!nonce.startsWith(this.#nonce) || nonce.length === this.#nonce.length) fail('SCRAM server nonce')
    const alg = NODE_HASH[this.#hash]
    const withoutProof = `c=biws,r=${nonce}`
    const authMessage = `${this.#bare},${serverFirst},${withoutProof}`
    const signature = hmac(alg, digest(alg, this.#clientKey), authMessage)
    for (let i = 0; i < signature.length; i++) signature[i] ^= this.#clientKey[i]
    this.#expected = hmac(alg, this.#serverKey, authMessage)
    return `${withoutProof},p=${signature.toString('base64')}`
  }

  verify(serverFinal) {
    if (!serverFinal.startsWith('v=') || !equal(Buffer.from(serverFinal.slice(2), 'base64'), this.#expected)) fail('SCRAM server signature')
  }
}

/**
 * A SCRAM server on node:crypto from stored keys `{ salt, iterations, storedKey, serverKey }`:
 * `first(clientFirst)` → server-first, `final(clientFinal)` → server-final (`v=…`) or throws.
 * `nonce` fixes the server's nonce part (as saslkit's `nonce` option) so messages replay.
 */
export class ScramServerFloor {
  #p
  #hash
  #record
  #fixedNonce
  #gs2 = ''
  #bare = ''
  #serverFirst = ''
  #nonce = ''

  constructor(hash, record, nonce, primitives = NODE_PRIMITIVES) {
    this.#p = primitives
    this.#hash = hash
    this.#record = record
    this.#fixedNonce = nonce
  }

  first(clientFirst) {
    const headerEnd = clientFirst.indexOf(',', clientFirst.indexOf(',') + 1) + 1
    this.#gs2 = clientFirst.slice(0, headerEnd)
    this.#bare = clientFirst.slice(headerEnd)
    const a = attributes(this.#bare)
    if (!a.has('n')) fail('SCRAM client-first')
    this.#nonce = a.get('r') + (this.#fixedNonce ?? randomBytes(18).toString('base64'))
    const { salt, iterations } = this.#record
    this.#serverFirst = `r=${this.#nonce},s=${Buffer.from(salt).toString('base64')},i=${iterations}`
    return this.#serverFirst
  }

  final(clientFinal) {
    const proofAt = clientFinal.lastIndexOf(',p=')
    const withoutProof = clientFinal.slice(0, proofAt)
    const a = attributes(withoutProof)
    if (a.get('c') !== Buffer.from(this.#gs2).toString('base64') || a.get('r') !== this.#nonce) fail('SCRAM client-final')
    const alg = NODE_HASH[this.#hash]
    const authMessage = `${this.#bare},${this.#serverFirst},${withoutProof}`
    const { hmac, digest } = this.#p
    const clientKey = hmac(alg, this.#record.storedKey, authMessage)
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64')
    if (proof.length !== clientKey.length) fail('SCRAM proof length')
    for (let i = 0; i < clientKey.length; i++) clientKey[i] ^= proof[i]
    if (!equal(digest(alg, clientKey), Buffer.from(this.#record.storedKey))) fail('SCRAM proof')
    return `v=${hmac(alg, this.#record.serverKey, authMessage).toString('base64')}`
  }
}

// ── CRAM-MD5 (RFC 2195) ──────────────────────────────────────────────────────────────────

/** The server's challenge: `<random.timestamp@hostname>`. */
export const cramMd5ChallengeFloor = (hostname) => `<${randomBytes(8).toString('hex')}.${Math.floor(Date.now() / 1000)}@${hostname}>`

/** username SP hex(HMAC-MD5(password, challenge)). */
export const cramMd5ClientFloor = (username, password, challenge) => `${username} ${hmac('md5', password, challenge).toString('hex')}`

/** Recomputes the full HMAC-MD5 from the password and compares (node has no HMAC resumed from a stored state). */
export function cramMd5ServerFloor(response, challenge, passwordOf) {
  const space = response.lastIndexOf(' ')
  const username = response.slice(0, space)
  const password = passwordOf(username)
  if (password === undefined) fail('CRAM-MD5 user')
  const expected = Buffer.from(hmac('md5', password, challenge).toString('hex'))
  if (!equal(expected, Buffer.from(response.slice(space + 1)))) fail('CRAM-MD5 digest')
  return username
}

// ── DIGEST-MD5 (RFC 2831), qop=auth ──────────────────────────────────────────────────────

const md5hex = (...parts) => {
  const h = createHash('md5')
  for (const p of parts) h.update(p)
  return h.digest('hex')
}

/** Parses `name=value,name="quoted value",…` (enough for the messages of this bench). */
export function digestDirectives(text) {
  const map = new Map()
  const re = /\s*([A-Za-z-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)/gy
  let m
  while ((m = re.exec(text)) !== null && m[0] !== '') map.set(m[1], m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3])
  return map
}

/** H(username:realm:password), the secret a DIGEST-MD5 server stores. */
export const digestMd5SecretFloor = (username, realm, password) => digest('md5', `${username}:${realm}:${password}`)

function digestResponseValue(secret, d, a2Prefix) {
  const a1 = d.authzid ? [secret, `:${d.nonce}:${d.cnonce}:${d.authzid}`] : [secret, `:${d.nonce}:${d.cnonce}`]
  const ha1 = md5hex(...a1)
  const ha2 = md5hex(`${a2Prefix}:${d.digestUri}`)
  return md5hex(`${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:auth:${ha2}`)
}

/** The server's digest-challenge. */
export const digestMd5ChallengeFloor = (realm, nonce = randomBytes(16).toString('hex')) => ({
  nonce,
  text: `realm="${realm}",nonce="${nonce}",qop="auth",charset=utf-8,algorithm=md5-sess`,
})

/** The client's digest-response to `challenge`, and the rspauth it must then see. */
export function digestMd5ClientFloor({ username, password, service, host, cnonce = randomBytes(16).toString('hex') }, challenge) {
  const c = digestDirectives(challenge)
  const d = { nonce: c.get('nonce'), cnonce, nc: '00000001', digestUri: `${service}/${host}` }
  const realm = c.get('realm') ?? ''
  const secret = digestMd5SecretFloor(username, realm, password)
  const response = digestResponseValue(secret, d, 'AUTHENTICATE')
  const text =
    `charset=utf-8,username="${username}",realm="${realm}",nonce="${d.nonce}",nc=${d.nc},` +
    `cnonce="${cnonce}",digest-uri="${d.digestUri}",maxbuf=65536,response=${response},qop=auth`
  return { text, rspauth: `rspauth=${digestResponseValue(secret, d, '')}` }
}

/** Checks a digest-response against the stored H(URP); returns the rspauth to send. */
export function digestMd5ServerFloor(responseText, nonce, service, secretOf) {
  const r = digestDirectives(responseText)
  const d = { nonce: r.get('nonce'), cnonce: r.get('cnonce'), nc: r.get('nc'), digestUri: r.get('digest-uri'), authzid: r.get('authzid') }
  if (d.nonce !== nonce || d.nc !== '00000001' || !d.digestUri.startsWith(`${service}/`) || r.get('qop') !== 'auth') fail('DIGEST-MD5 response')
  const secret = secretOf(r.get('username'), r.get('realm') ?? '')
  if (secret === undefined) fail('DIGEST-MD5 user')
  if (!equal(Buffer.from(digestResponseValue(secret, d, 'AUTHENTICATE')), Buffer.from(r.get('response')))) fail('DIGEST-MD5 response value')
  return `rspauth=${digestResponseValue(secret, d, '')}`
}

// ── OAUTHBEARER (RFC 7628) and XOAUTH2 ───────────────────────────────────────────────────

export const oauthBearerClientFloor = (user, token, host, port) =>
  Buffer.from(`n,a=${user},\x01host=${host}\x01port=${port}\x01auth=Bearer ${token}\x01\x01`)

/** Splits the GS2 header and the kvpairs, finds the bearer token, asks `validate`. */
export function oauthBearerServerFloor(message, validate) {
  const text = Buffer.from(message).toString('utf8')
  const comma = text.indexOf(',', 2)
  const authzid = text.slice(4, comma)
  let token
  for (const kv of text.slice(comma + 2).split('\x01')) if (kv.startsWith('auth=Bearer ')) token = kv.slice(12)
  const result = validate(token)
  if (result === undefined || result !== authzid) fail('OAUTHBEARER token')
  return result
}

export const xoauth2ClientFloor = (user, token) => Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`)

export function xoauth2ServerFloor(message, validate) {
  const [userKv, authKv] = Buffer.from(message).toString('utf8').split('\x01')
  const result = validate(authKv.slice(12))
  if (result === undefined || result !== userKv.slice(5)) fail('XOAUTH2 token')
  return result
}

// ── NTLMv2 (MS-NLMP) with MIC, key exchange; node:crypto MD4/RC4 need --openssl-legacy-provider ──

const NTLMSSP = Buffer.from('NTLMSSP\0', 'latin1')
const utf16 = (text) => Buffer.from(text, 'utf16le')
/** UNICODE | OEM | REQUEST_TARGET | SIGN | SEAL | NTLM | ALWAYS_SIGN | ESS | TARGET_INFO | 128 | KEY_EXCH | 56 */
const NTLM_CLIENT_FLAGS = (0x1 | 0x2 | 0x4 | 0x10 | 0x20 | 0x200 | 0x8000 | 0x80000 | 0x800000 | 0x20000000 | 0x40000000 | 0x80000000) >>> 0
const KEY_EXCH = 0x40000000

export const ntHashFloor = (password) => digest('md4', utf16(password))

/** NEGOTIATE_MESSAGE: 40 bytes, no domain or workstation. */
export function ntlmNegotiateFloor() {
  const b = Buffer.alloc(40)
  NTLMSSP.copy(b)
  b.writeUInt32LE(1, 8)
  b.writeUInt32LE(NTLM_CLIENT_FLAGS, 12)
  return b
}

const field = (b, at) => b.subarray(b.readUInt32LE(at + 4), b.readUInt32LE(at + 4) + b.readUInt16LE(at))

/** AV pairs of a TargetInfo field, as [id, value] in order, up to MsvAvEOL. */
function avPairs(info) {
  const pairs = []
  for (let at = 0; at + 4 <= info.length; ) {
    const id = info.readUInt16LE(at)
    const length = info.readUInt16LE(at + 2)
    if (id === 0) break
    pairs.push([id, info.subarray(at + 4, at + 4 + length)])
    at += 4 + length
  }
  return pairs
}

function encodeAvPairs(pairs) {
  const parts = []
  for (const [id, value] of pairs) {
    const h = Buffer.alloc(4)
    h.writeUInt16LE(id, 0)
    h.writeUInt16LE(value.length, 2)
    parts.push(h, value)
  }
  parts.push(Buffer.alloc(4))
  return Buffer.concat(parts)
}

/**
 * AUTHENTICATE_MESSAGE answering `challenge` (MS-NLMP §3.1.5.1.2): NTLMv2 response over the
 * server's AV pairs plus MsvAvFlags (MIC present) and empty channel bindings, Z(24) LM
 * response (the server sent a timestamp), a random session key RC4-sealed under the
 * SessionBaseKey, and the MIC over the three messages.
 */
export function ntlmAuthenticateFloor({ user, domain = '', password, ntHash }, negotiate, challenge, { hmac, rc4, md4 } = { ...NODE_PRIMITIVES, md4: (d) => digest('md4', d) }) {
  ntHash ??= md4(utf16(password))
  const serverChallenge = challenge.subarray(24, 32)
  const flags = (challenge.readUInt32LE(20) & NTLM_CLIENT_FLAGS & ~0x2) >>> 0
  const pairs = avPairs(field(challenge, 40)).filter(([id]) => id !== 6 && id !== 10)
  const time = pairs.find(([id]) => id === 7)?.[1]
  const micFlag = Buffer.alloc(4)
  micFlag.writeUInt32LE(2)
  pairs.push([6, micFlag], [10, Buffer.alloc(16)])
  const clientChallenge = randomBytes(8)
  const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, clientChallenge, Buffer.alloc(4), encodeAvPairs(pairs), Buffer.alloc(4)])
  const responseKey = hmac('md5', ntHash, utf16(user.toUpperCase() + domain))
  const ntProof = hmac('md5', responseKey, serverChallenge, blob)
  const sessionBaseKey = hmac('md5', responseKey, ntProof)
  const exportedSessionKey = randomBytes(16)
  const payload = [utf16(domain), utf16(user), Buffer.alloc(0), Buffer.alloc(24), Buffer.concat([ntProof, blob]), rc4(sessionBaseKey, exportedSessionKey)]
  const header = Buffer.alloc(88)
  NTLMSSP.copy(header)
  header.writeUInt32LE(3, 8)
  let offset = 88
  // Header slots: Lm, Nt, Domain, User, Workstation, SessionKey; payload order: Domain, User, Workstation, Lm, Nt, SessionKey.
  const slotOf = [2, 3, 4, 0, 1, 5]
  payload.forEach((data, i) => {
    const at = 12 + 8 * slotOf[i]
    header.writeUInt16LE(data.length, at)
    header.writeUInt16LE(data.length, at + 2)
    header.writeUInt32LE(offset, at + 4)
    offset += data.length
  })
  header.writeUInt32LE(flags, 60)
  const message = Buffer.concat([header, ...payload])
  hmac('md5', exportedSessionKey, negotiate, challenge, message).copy(message, 72)
  return message
}

const FILETIME_EPOCH_MS = 11644473600000n
const fileTime = (ms) => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE((BigInt(ms) + FILETIME_EPOCH_MS) * 10000n)
  return b
}

/** An NTLM server from a stored NT hash: `challenge(negotiate)`, `verify(authenticate)`. */
export class NtlmServerFloor {
  #p
  #ntHashOf
  #serverChallenge
  #now
  #negotiate
  #challenge

  constructor(ntHashOf, { serverChallenge, now = Date.now, primitives = NODE_PRIMITIVES } = {}) {
    this.#p = primitives
    this.#ntHashOf = ntHashOf
    this.#serverChallenge = serverChallenge
    this.#now = now
  }

  /** CHALLENGE_MESSAGE: TargetName WORKGROUP, TargetInfo NbDomainName, NbComputerName, Timestamp. */
  challenge(negotiate) {
    const flags = ((negotiate.readUInt32LE(12) & (0x10 | 0x20 | 0x8000 | 0x80000 | 0x20000000 | KEY_EXCH | 0x80000000)) | 0x1 | 0x4 | 0x200 | 0x10000 | 0x800000) >>> 0
    const targetName = utf16('WORKGROUP')
    const info = encodeAvPairs([[2, targetName], [1, utf16('SERVER')], [7, fileTime(this.#now())]])
    const header = Buffer.alloc(56)
    NTLMSSP.copy(header)
    header.writeUInt32LE(2, 8)
    header.writeUInt16LE(targetName.length, 12)
    header.writeUInt16LE(targetName.length, 14)
    header.writeUInt32LE(56, 16)
    header.writeUInt32LE(flags, 20)
    ;(this.#serverChallenge ?? randomBytes(8)).copy(header, 24)
    header.writeUInt16LE(info.length, 40)
    header.writeUInt16LE(info.length, 42)
    header.writeUInt32LE(56 + targetName.length, 44)
    this.#negotiate = negotiate
    this.#challenge = Buffer.concat([header, targetName, info])
    return this.#challenge
  }

  /** NTProofStr, then the timestamp window, the session key and the MIC. Returns the user. */
  verify(authenticate) {
    const nt = field(authenticate, 20)
    const domain = field(authenticate, 28).toString('utf16le')
    const user = field(authenticate, 36).toString('utf16le')
    const ntHash = this.#ntHashOf(user)
    if (ntHash === undefined) fail('NTLM user')
    const { hmac, rc4 } = this.#p
    const blob = nt.subarray(16)
    const responseKey = hmac('md5', ntHash, utf16(user.toUpperCase() + domain))
    const ntProof = hmac('md5', responseKey, this.#challenge.subarray(24, 32), blob)
    if (!equal(ntProof, nt.subarray(0, 16))) fail('NTLM proof')
    const sent = Number(blob.readBigUInt64LE(8) / 10000n - FILETIME_EPOCH_MS)
    if (Math.abs(this.#now() - sent) > 300000) fail('NTLM timestamp')
    const sessionBaseKey = hmac('md5', responseKey, ntProof)
    const flags = authenticate.readUInt32LE(60)
    const exportedSessionKey = flags & KEY_EXCH ? rc4(sessionBaseKey, field(authenticate, 52)) : sessionBaseKey
    const zeroed = Buffer.from(authenticate)
    zeroed.fill(0, 72, 88)
    if (!equal(hmac('md5', exportedSessionKey, this.#negotiate, this.#challenge, zeroed), authenticate.subarray(72, 88))) fail('NTLM MIC')
    return user
  }
}
