// A deterministic in-memory stand-in for Kerberos behind the GSS-API, for the demo and the unit
// tests: it lets saslkit's GSSAPI client and server run without a KDC. NOT Kerberos and NOT
// secure — every key derives from one shared secret, and there is no KDC, clock or replay cache.
// It is never shipped. It does behave like the real thing where the SASL layer can tell: an
// AP-REQ/AP-REP pair (the AP-REP only with mutual authentication), a session key per context,
// and wrap tokens with a direction, a sequence number and a MAC (HMAC-SHA-256), encrypted
// (HMAC-SHA-256 keystream) when `confidential`, so that a tampered, replayed, reordered or
// reflected token fails to unwrap.
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'

const MAGIC = [0x4d, 0x47, 0x53, 0x53] // 'MGSS'
const AP_REQ = 1
const AP_REP = 2
const WRAP = 3
const TAG_BYTES = 16
const WRAP_HEADER_BYTES = 11 // magic, type, direction, confidential, sequence number
const FROM_INITIATOR = 0
const FROM_ACCEPTOR = 1

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const u16 = (n) => new Uint8Array([n >>> 8, n & 0xff])
const u32 = (n) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])
const text = (s) => encoder.encode(s)
const mac = (key, ...parts) => hmac(sha256, key, concat(...parts)).subarray(0, TAG_BYTES)

function sameBytes(a, b) {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

function keystream(key, direction, sequence, length) {
  const out = new Uint8Array(length)
  for (let block = 0; block * 32 < length; block++) {
    const bytes = hmac(sha256, key, concat(text('keystream'), [direction], u32(sequence), u32(block)))
    out.set(bytes.subarray(0, Math.min(32, length - block * 32)), block * 32)
  }
  return out
}

const xor = (data, stream) => data.map((b, i) => b ^ stream[i])

/** A bounded reader: any malformed token throws an Error, as a GSS-API library would fail. */
function reader(token, what) {
  let at = 0
  const take = (n) => {
    if (at + n > token.length) throw new Error(`memory GSS: truncated ${what}`)
    at += n
    return token.subarray(at - n, at)
  }
  return {
    take,
    u8: () => take(1)[0],
    u16: () => {
      const b = take(2)
      return (b[0] << 8) | b[1]
    },
    u32: () => {
      const b = take(4)
      return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0
    },
    magic: (type) => {
      if (!sameBytes(take(4), new Uint8Array(MAGIC)) || take(1)[0] !== type) throw new Error(`memory GSS: not a ${what}`)
    },
    get offset() {
      return at
    },
    end: () => {
      if (at !== token.length) throw new Error(`memory GSS: trailing bytes after the ${what}`)
    },
  }
}

class MemoryContext {
  #key
  #direction
  #sendSequence = 0
  #receiveSequence = 0
  initiatorName
  acceptorName

  constructor(direction) {
    this.#direction = direction
  }

  /** Called once the context is established. */
  establish(key, initiatorName, acceptorName) {
    this.#key = key
    this.initiatorName = initiatorName
    this.acceptorName = acceptorName
  }

  #established() {
    if (this.#key === undefined) throw new Error('memory GSS: the context is not established')
    return this.#key
  }

  wrap(data, { confidential }) {
    const key = this.#established()
    const sequence = this.#sendSequence++
    const header = concat(MAGIC, [WRAP, this.#direction, confidential ? 1 : 0], u32(sequence))
    const body = confidential ? xor(data, keystream(key, this.#direction, sequence, data.length)) : data.slice()
    return concat(header, body, mac(key, header, body))
  }

  unwrap(token) {
    const key = this.#established()
    const r = reader(token, 'wrap token')
    r.magic(WRAP)
    const direction = r.u8()
    const confidential = r.u8()
    const sequence = r.u32()
    if (token.length < WRAP_HEADER_BYTES + TAG_BYTES) throw new Error('memory GSS: truncated wrap token')
    const body = token.subarray(WRAP_HEADER_BYTES, token.length - TAG_BYTES)
    const tag = token.subarray(token.length - TAG_BYTES)
    if (!sameBytes(tag, mac(key, token.subarray(0, WRAP_HEADER_BYTES), body))) throw new Error('memory GSS: wrap token checksum mismatch')
    // Checked after the MAC, which covers them: a reflected token or one out of sequence.
    if (direction === this.#direction || confidential > 1) throw new Error('memory GSS: wrap token from the wrong side')
    if (sequence !== this.#receiveSequence) throw new Error('memory GSS: wrap token out of sequence')
    this.#receiveSequence++
    const data = confidential === 1 ? xor(body, keystream(key, direction, sequence, body.length)) : body.slice()
    return { data, confidential: confidential === 1 }
  }

  wrapSizeLimit(maxOutput) {
    return Math.max(0, maxOutput - WRAP_HEADER_BYTES - TAG_BYTES)
  }
}

class MemoryInitiator extends MemoryContext {
  #kdc
  #client
  #service
  #mutual
  #pending

  constructor(kdc, client, service, mutual) {
    super(FROM_INITIATOR)
    this.#kdc = kdc
    this.#client = client
    this.#service = service
    this.#mutual = mutual
  }

  step(token) {
    if (this.#pending === undefined && token === undefined) {
      // GSS_Init_sec_context, first call: the "ticket" for the service, as an AP-REQ.
      const { apReq, sessionKey, nonce } = this.#kdc.ticket(this.#client, this.#service, this.#mutual)
      if (!this.#mutual) {
        this.establish(sessionKey, this.#client, this.#service)
        return { token: apReq, complete: true }
      }
      this.#pending = { sessionKey, nonce }
      return { token: apReq, complete: false }
    }
    if (this.#pending === undefined || token === undefined) throw new Error('memory GSS: unexpected step')
    // Second call: the AP-REP proves the acceptor holds the service key.
    const { sessionKey, nonce } = this.#pending
    const r = reader(token, 'AP-REP')
    r.magic(AP_REP)
    const echoed = r.u32()
    const tag = r.take(TAG_BYTES)
    r.end()
    if (echoed !== nonce || !sameBytes(tag, mac(sessionKey, text('ap-rep'), token.subarray(0, 9)))) {
      throw new Error('memory GSS: the AP-REP does not verify (mutual authentication failed)')
    }
    this.#pending = undefined
    this.establish(sessionKey, this.#client, this.#service)
    return { complete: true }
  }
}

class MemoryAcceptor extends MemoryContext {
  #kdc
  #service

  constructor(kdc, service) {
    super(FROM_ACCEPTOR)
    this.#kdc = kdc
    this.#service = service
  }

  step(token) {
    if (this.initiatorName !== undefined) throw new Error('memory GSS: the context is already established')
    const r = reader(token, 'AP-REQ')
    r.magic(AP_REQ)
    const mutual = r.u8() === 1
    const nonce = r.u32()
    const client = decoder.decode(r.take(r.u16()))
    const service = decoder.decode(r.take(r.u16()))
    const signed = token.subarray(0, r.offset)
    const tag = r.take(TAG_BYTES)
    r.end()
    // As a keytab lookup: a ticket for another service cannot be read.
    if (service !== this.#service) throw new Error(`memory GSS: the ticket is for another service`)
    const serviceKey = this.#kdc.key(service)
    if (!sameBytes(tag, mac(serviceKey, signed))) throw new Error('memory GSS: the AP-REQ does not verify')
    const sessionKey = this.#kdc.sessionKey(serviceKey, nonce, client)
    this.establish(sessionKey, client, service)
    if (!mutual) return { complete: true }
    const header = concat(MAGIC, [AP_REP], u32(nonce))
    return { token: concat(header, mac(sessionKey, text('ap-rep'), header)), complete: true }
  }
}

/**
 * A pretend realm. `principals` lists who exists (absent: everyone); names without `@` get
 * `@realm`. `initiator()` and `acceptor()` make fresh contexts; every run gives the same bytes.
 */
export function memoryKerberos({ realm = 'EXAMPLE.COM', secret = 'saslkit-memory-kdc', principals } = {}) {
  const qualify = (name) => (name.includes('@') ? name : `${name}@${realm}`)
  const known = principals?.map(qualify)
  let nonce = 0
  const kdc = {
    key: (principal) => hmac(sha256, text(secret), text(`key:${principal}`)),
    sessionKey: (serviceKey, n, client) => hmac(sha256, serviceKey, concat(text('session'), u32(n), text(client))),
    ticket(client, service, mutual) {
      if (known !== undefined && !known.includes(client)) throw new Error('memory GSS: client not found in the realm')
      if (known !== undefined && !known.includes(service)) throw new Error('memory GSS: server not found in the realm')
      const n = ++nonce
      const body = concat(MAGIC, [AP_REQ, mutual ? 1 : 0], u32(n), u16(text(client).length), text(client), u16(text(service).length), text(service))
      const serviceKey = kdc.key(service)
      return { apReq: concat(body, mac(serviceKey, body)), sessionKey: kdc.sessionKey(serviceKey, n, client), nonce: n }
    },
  }
  return {
    realm,
    initiator: ({ principal, service, mutual = true }) => new MemoryInitiator(kdc, qualify(principal), qualify(service), mutual),
    acceptor: ({ service }) => new MemoryAcceptor(kdc, qualify(service)),
  }
}
