/**
 * NTLM messages (MS-NLMP §2.2): NEGOTIATE, CHALLENGE and AUTHENTICATE, their AV pairs and
 * version structure. Decoders check every length/offset pair against the message before
 * they read it; anything that does not parse is `SaslError('malformed-request')`.
 */
import { SaslError } from '../../core/errors.js'
import { ByteReader, ByteWriter } from '../../codec/reader.js'

/** Largest NTLM message either side accepts. Real ones stay under 2 KB. */
export const MAX_NTLM_MESSAGE_BYTES = 8192
/** Most AV pairs accepted in one list (MS-NLMP defines eleven ids). */
export const MAX_AV_PAIRS = 32

/** NegotiateFlags bits (MS-NLMP §2.2.2.5); single constants so that bundlers inline them. */
export const NEGOTIATE_UNICODE = 0x1
export const NEGOTIATE_OEM = 0x2
export const REQUEST_TARGET = 0x4
export const NEGOTIATE_SIGN = 0x10
export const NEGOTIATE_SEAL = 0x20
export const NEGOTIATE_DATAGRAM = 0x40
export const NEGOTIATE_LM_KEY = 0x80
export const NEGOTIATE_NTLM = 0x200
export const ANONYMOUS = 0x800
export const NEGOTIATE_OEM_DOMAIN_SUPPLIED = 0x1000
export const NEGOTIATE_OEM_WORKSTATION_SUPPLIED = 0x2000
export const NEGOTIATE_ALWAYS_SIGN = 0x8000
export const TARGET_TYPE_DOMAIN = 0x10000
export const TARGET_TYPE_SERVER = 0x20000
export const NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x80000
export const NEGOTIATE_IDENTIFY = 0x100000
export const REQUEST_NON_NT_SESSION_KEY = 0x400000
export const NEGOTIATE_TARGET_INFO = 0x800000
export const NEGOTIATE_VERSION = 0x2000000
export const NEGOTIATE_128 = 0x20000000
export const NEGOTIATE_KEY_EXCH = 0x40000000
export const NEGOTIATE_56 = 0x80000000

/** What saslkit's client asks for (MS-NLMP §3.1.5.1.1); kept with the flags, so the client imports one value. */
export const CLIENT_FLAGS =
  NEGOTIATE_UNICODE |
  NEGOTIATE_OEM |
  REQUEST_TARGET |
  NEGOTIATE_SIGN |
  NEGOTIATE_SEAL |
  NEGOTIATE_NTLM |
  NEGOTIATE_ALWAYS_SIGN |
  NEGOTIATE_EXTENDED_SESSIONSECURITY |
  NEGOTIATE_TARGET_INFO |
  NEGOTIATE_128 |
  NEGOTIATE_KEY_EXCH |
  NEGOTIATE_56

/**
 * The NegotiateFlags bits (MS-NLMP §2.2.2.5), by their spec names without the
 * `NTLMSSP_` prefix.
 *
 * @example
 * ```ts
 * if (challenge.flags & NtlmFlags.NEGOTIATE_KEY_EXCH) sendEncryptedSessionKey()
 * ```
 */
export const NtlmFlags = {
  NEGOTIATE_UNICODE,
  NEGOTIATE_OEM,
  REQUEST_TARGET,
  NEGOTIATE_SIGN,
  NEGOTIATE_SEAL,
  NEGOTIATE_DATAGRAM,
  NEGOTIATE_LM_KEY,
  NEGOTIATE_NTLM,
  ANONYMOUS,
  NEGOTIATE_OEM_DOMAIN_SUPPLIED,
  NEGOTIATE_OEM_WORKSTATION_SUPPLIED,
  NEGOTIATE_ALWAYS_SIGN,
  TARGET_TYPE_DOMAIN,
  TARGET_TYPE_SERVER,
  NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NEGOTIATE_IDENTIFY,
  REQUEST_NON_NT_SESSION_KEY,
  NEGOTIATE_TARGET_INFO,
  NEGOTIATE_VERSION,
  NEGOTIATE_128,
  NEGOTIATE_KEY_EXCH,
  NEGOTIATE_56,
} as const

/**
 * The names of the flags set in `flags` (unknown bits as hex), for logs and debugging.
 *
 * @example
 * ```ts
 * ntlmFlagNames(0x00000201) // ['NEGOTIATE_UNICODE', 'NEGOTIATE_NTLM']
 * ```
 */
export function ntlmFlagNames(flags: number): string[] {
  const names: string[] = []
  let rest = flags >>> 0
  for (const [name, bit] of Object.entries(NtlmFlags)) {
    if ((rest & bit) >>> 0 === bit) {
      names.push(name)
      rest = (rest & ~bit) >>> 0
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16).padStart(8, '0')}`)
  return names
}

/** AV pair ids (MS-NLMP §2.2.2.1) as single constants. */
export const AV_EOL = 0
export const AV_NB_COMPUTER_NAME = 1
export const AV_NB_DOMAIN_NAME = 2
export const AV_DNS_COMPUTER_NAME = 3
export const AV_DNS_DOMAIN_NAME = 4
export const AV_DNS_TREE_NAME = 5
export const AV_FLAGS = 6
export const AV_TIMESTAMP = 7
export const AV_SINGLE_HOST = 8
export const AV_TARGET_NAME = 9
export const AV_CHANNEL_BINDINGS = 10

/**
 * AV pair ids (MS-NLMP §2.2.2.1).
 *
 * @example
 * ```ts
 * const dnsName = avString(challenge.targetInfo ?? [], AvId.MsvAvDnsComputerName)
 * ```
 */
export const AvId = {
  MsvAvEOL: AV_EOL,
  MsvAvNbComputerName: AV_NB_COMPUTER_NAME,
  MsvAvNbDomainName: AV_NB_DOMAIN_NAME,
  MsvAvDnsComputerName: AV_DNS_COMPUTER_NAME,
  MsvAvDnsDomainName: AV_DNS_DOMAIN_NAME,
  MsvAvDnsTreeName: AV_DNS_TREE_NAME,
  MsvAvFlags: AV_FLAGS,
  MsvAvTimestamp: AV_TIMESTAMP,
  MsvAvSingleHost: AV_SINGLE_HOST,
  MsvAvTargetName: AV_TARGET_NAME,
  MsvAvChannelBindings: AV_CHANNEL_BINDINGS,
} as const

/** MsvAvFlags bits (MS-NLMP §2.2.2.1). */
export const AV_FLAG_CONSTRAINED = 0x1
export const AV_FLAG_MIC_PRESENT = 0x2
export const AV_FLAG_UNTRUSTED_SPN = 0x4

/**
 * One AV pair, value as sent (strings are UTF-16LE; see {@link avString}).
 *
 * @example
 * ```ts
 * const pair: AvPair = { id: AvId.MsvAvFlags, value: new Uint8Array([2, 0, 0, 0]) }
 * ```
 */
export interface AvPair {
  readonly id: number
  readonly value: Uint8Array
}

/**
 * The VERSION structure (MS-NLMP §2.2.2.10): for debugging only.
 *
 * @example
 * ```ts
 * const windows7: NtlmVersion = { major: 6, minor: 1, build: 7601, revision: 15 }
 * ```
 */
export interface NtlmVersion {
  readonly major: number
  readonly minor: number
  readonly build: number
  /** NTLMRevisionCurrent: 15 for NTLMSSP_REVISION_W2K3. */
  readonly revision: number
}

/**
 * NEGOTIATE_MESSAGE (MS-NLMP §2.2.1.1).
 *
 * @example
 * ```ts
 * const m: NtlmNegotiate = { type: 1, flags: NtlmFlags.NEGOTIATE_UNICODE | NtlmFlags.NEGOTIATE_NTLM }
 * ```
 */
export interface NtlmNegotiate {
  readonly type: 1
  readonly flags: number
  /** OEM strings, present with the *_SUPPLIED flags. */
  readonly domain?: string
  readonly workstation?: string
  readonly version?: NtlmVersion
}

/**
 * CHALLENGE_MESSAGE (MS-NLMP §2.2.1.2).
 *
 * @example
 * ```ts
 * const m = decodeNtlmMessage(bytes)
 * if (m.type === 2) console.log(m.targetName, ntlmFlagNames(m.flags))
 * ```
 */
export interface NtlmChallenge {
  readonly type: 2
  readonly flags: number
  readonly serverChallenge: Uint8Array
  readonly targetName?: string
  /** The AV pairs, in order, without the terminating MsvAvEOL. */
  readonly targetInfo?: readonly AvPair[]
  readonly version?: NtlmVersion
}

/**
 * AUTHENTICATE_MESSAGE (MS-NLMP §2.2.1.3).
 *
 * @example
 * ```ts
 * const m = decodeNtlmMessage(bytes)
 * if (m.type === 3) console.log(m.domain, m.userName, m.workstation)
 * ```
 */
export interface NtlmAuthenticate {
  readonly type: 3
  readonly flags: number
  readonly lmChallengeResponse: Uint8Array
  readonly ntChallengeResponse: Uint8Array
  readonly domain: string
  readonly userName: string
  readonly workstation: string
  readonly encryptedRandomSessionKey: Uint8Array
  readonly version?: NtlmVersion
  /** The 16 bytes at offset 72, when the header is long enough to hold them. */
  readonly mic?: Uint8Array
}

/**
 * Any NTLM message.
 *
 * @example
 * ```ts
 * const m: NtlmMessage = decodeNtlmMessage(bytes)
 * ```
 */
export type NtlmMessage = NtlmNegotiate | NtlmChallenge | NtlmAuthenticate

/** Offset of the MIC in an AUTHENTICATE_MESSAGE (after the 64-byte header and the version). */
export const MIC_OFFSET = 72

const SIGNATURE = /* @__PURE__ */ new Uint8Array([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0]) // "NTLMSSP\0"

export function malformed(message: string): SaslError {
  return new SaslError('malformed-request', `NTLM: ${message}`)
}

// ── strings ────────────────────────────────────────────────────────────────────────────

/** UNICODE(s) of MS-NLMP: UTF-16LE without terminator. */
export function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2)
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    out[2 * i] = unit & 0xff
    out[2 * i + 1] = unit >> 8
  }
  return out
}

/** Reads UTF-16LE; an odd length or an unpaired surrogate is refused. */
export function fromUtf16le(bytes: Uint8Array, field: string): string {
  if (bytes.length % 2 !== 0) throw malformed(`${field} is not valid UTF-16`)
  let text = ''
  for (let i = 0; i < bytes.length; i += 2) {
    const unit = bytes[i]! | (bytes[i + 1]! << 8)
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 3 < bytes.length ? bytes[i + 2]! | (bytes[i + 3]! << 8) : 0
      if (unit > 0xdbff || next < 0xdc00 || next > 0xdfff) throw new SaslError('incorrect-encoding', `NTLM: ${field} is not valid UTF-16`)
      text += String.fromCharCode(unit, next)
      i += 2
    } else {
      text += String.fromCharCode(unit)
    }
  }
  return text
}

/** OEM strings: saslkit uses ISO-8859-1 (one byte per character); others cannot be sent. */
function oem(text: string, field: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0xff) throw new SaslError('malformed-request', `NTLM: ${field} is not OEM text`)
    out[i] = code
  }
  return out
}

const fromOem = (bytes: Uint8Array): string => String.fromCharCode(...bytes)

/** A string as the negotiated flags say: UTF-16LE with NEGOTIATE_UNICODE, else OEM. */
export function encodeString(text: string, flags: number, field: string): Uint8Array {
  return flags & NEGOTIATE_UNICODE ? utf16le(text) : oem(text, field)
}

function decodeString(bytes: Uint8Array, flags: number, field: string): string {
  return flags & NEGOTIATE_UNICODE ? fromUtf16le(bytes, field) : fromOem(bytes)
}

// ── AV pairs ───────────────────────────────────────────────────────────────────────────

/**
 * Encodes AV pairs and the terminating MsvAvEOL (MS-NLMP §2.2.2.1).
 *
 * @example
 * ```ts
 * encodeAvPairs([{ id: AV_NB_DOMAIN_NAME, value: utf16le('Domain') }])
 * ```
 */
export function encodeAvPairs(pairs: readonly AvPair[]): Uint8Array {
  const w = new ByteWriter(pairs.reduce((n, pair) => n + 4 + pair.value.length, 4))
  for (const pair of pairs) w.u16le(pair.id).u16le(pair.value.length).bytes(pair.value)
  return w.u16le(AV_EOL).u16le(0).finish()
}

/**
 * Decodes AV pairs up to MsvAvEOL. Returns the pairs and where EOL ended, so that a caller
 * can refuse trailing bytes (target info) or allow them (the NTLMv2 blob's padding).
 */
export function decodeAvPairs(bytes: Uint8Array, field: string): { pairs: AvPair[]; end: number } {
  const r = new ByteReader(bytes, `NTLM ${field}`)
  const pairs: AvPair[] = []
  for (;;) {
    const id = r.u16le('AvId')
    const length = r.u16le('AvLen')
    const value = r.bytes(length, 'AV pair value')
    if (id === AV_EOL) {
      if (length !== 0) throw malformed(`${field}: MsvAvEOL with a value`)
      return { pairs, end: r.offset }
    }
    if (pairs.length >= MAX_AV_PAIRS) throw malformed(`${field}: more than ${MAX_AV_PAIRS} AV pairs`)
    // MS-NLMP §2.2.2.1: the fixed-size pairs.
    const size = id === AV_FLAGS ? 4 : id === AV_TIMESTAMP ? 8 : id === AV_CHANNEL_BINDINGS ? 16 : undefined
    if (size !== undefined && length !== size) throw malformed(`${field}: AV pair ${id} must hold ${size} bytes`)
    if (id === AV_SINGLE_HOST && length < 48) throw malformed(`${field}: MsvAvSingleHost too short`)
    pairs.push({ id, value })
  }
}

/** The value of the first pair with this id. */
export function avValue(pairs: readonly AvPair[], id: number): Uint8Array | undefined {
  return pairs.find((p) => p.id === id)?.value
}

/**
 * A string AV pair (the names and MsvAvTargetName), decoded from UTF-16LE.
 *
 * @example
 * ```ts
 * avString(challenge.targetInfo ?? [], AV_NB_DOMAIN_NAME) // 'Domain'
 * ```
 */
export function avString(pairs: readonly AvPair[], id: number): string | undefined {
  const value = avValue(pairs, id)
  return value === undefined ? undefined : fromUtf16le(value, 'AV pair')
}

/** MsvAvFlags as a number (0 when absent). */
export function avFlags(pairs: readonly AvPair[]): number {
  const value = avValue(pairs, AV_FLAGS)
  return value === undefined ? 0 : new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true)
}

// ── FILETIME ───────────────────────────────────────────────────────────────────────────

/** Milliseconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
export const FILETIME_EPOCH_MS = 11644473600000

/** A FILETIME (MS-NLMP §2.2.2.1 MsvAvTimestamp: 100 ns since 1601, little-endian). */
export function fileTime(date: Date): Uint8Array {
  const out = new Uint8Array(8)
  const ticks = BigInt(Math.max(0, Math.round(date.getTime() + FILETIME_EPOCH_MS))) * 10000n
  new DataView(out.buffer).setBigUint64(0, ticks, true)
  return out
}

// ── encoding ───────────────────────────────────────────────────────────────────────────

/**
 * Builds the fixed header and the payload: each field is a (Len, MaxLen, BufferOffset)
 * triple in the header pointing into the payload, written in the order given.
 * `undefined` writes an all-zero triple (MS-NLMP: "SHOULD be set to zero" when absent).
 */
export class MessageBuilder {
  readonly header = new ByteWriter(96)
  readonly #payload: Array<{ at: number; data: Uint8Array }> = []

  constructor(type: number) {
    this.header.bytes(SIGNATURE).u32le(type)
  }

  field(data: Uint8Array | undefined): this {
    const at = this.header.length
    this.header.u16le(0).u16le(0).u32le(0)
    if (data !== undefined) this.#payload.push({ at, data })
    return this
  }

  version(version: NtlmVersion | undefined): this {
    const v = version ?? { major: 0, minor: 0, build: 0, revision: 0 }
    this.header.u8(v.major).u8(v.minor).u16le(v.build).u8(0).u8(0).u8(0).u8(v.revision)
    return this
  }

  finish(order?: readonly number[]): Uint8Array {
    const header = this.header.finish()
    const fields = (order ?? this.#payload.map((_, n) => n)).map((i) => this.#payload[i]!)
    // One array of the final size: the header, then each field where its triple points.
    const out = new Uint8Array(fields.reduce((n, { data }) => n + data.length, header.length))
    out.set(header)
    const view = new DataView(out.buffer)
    let offset = header.length
    for (const { at, data } of fields) {
      if (data.length > 0xffff) throw malformed('field too long')
      view.setUint16(at, data.length, true)
      view.setUint16(at + 2, data.length, true)
      view.setUint32(at + 4, offset, true)
      out.set(data, offset)
      offset += data.length
    }
    return out
  }
}

/**
 * Encodes a NEGOTIATE_MESSAGE (40-byte header: the version slot is always written,
 * zeros unless a version is given).
 *
 * @example
 * ```ts
 * const bytes = encodeNegotiate({ type: 1, flags: NEGOTIATE_UNICODE | NEGOTIATE_NTLM })
 * ```
 */
export function encodeNegotiate(m: Omit<NtlmNegotiate, 'type'>): Uint8Array {
  const b = new MessageBuilder(1)
  b.header.u32le(m.flags >>> 0)
  b.field(m.domain === undefined ? undefined : oem(m.domain, 'domain'))
  b.field(m.workstation === undefined ? undefined : oem(m.workstation, 'workstation'))
  return b.version(m.version).finish()
}

/**
 * Encodes an AUTHENTICATE_MESSAGE. The header is 72 bytes (with the version slot), 88
 * when `mic` is given (pass 16 zero bytes to reserve it before computing the MIC).
 * Payload order: DomainName, UserName, Workstation, LmChallengeResponse,
 * NtChallengeResponse, EncryptedRandomSessionKey — as Windows and the MS-NLMP §4.2 examples.
 *
 * @example
 * ```ts
 * const bytes = encodeAuthenticate({ type: 3, flags, lmChallengeResponse, ntChallengeResponse,
 *   domain: 'Domain', userName: 'User', workstation: 'COMPUTER', encryptedRandomSessionKey })
 * ```
 */
export function encodeAuthenticate(m: Omit<NtlmAuthenticate, 'type'>): Uint8Array {
  const b = new MessageBuilder(3)
  b.field(m.lmChallengeResponse)
  b.field(m.ntChallengeResponse)
  b.field(encodeString(m.domain, m.flags, 'domain'))
  b.field(encodeString(m.userName, m.flags, 'user name'))
  b.field(encodeString(m.workstation, m.flags, 'workstation'))
  b.field(m.encryptedRandomSessionKey)
  b.header.u32le(m.flags >>> 0)
  b.version(m.version)
  if (m.mic !== undefined) {
    if (m.mic.length !== 16) throw malformed('MIC must be 16 bytes')
    b.header.bytes(m.mic)
  }
  return b.finish([2, 3, 4, 0, 1, 5])
}

// ── decoding ───────────────────────────────────────────────────────────────────────────

interface Field {
  readonly length: number
  readonly offset: number
}

function readField(r: ByteReader, name: string): Field {
  const length = r.u16le(`${name}Len`)
  r.u16le(`${name}MaxLen`) // MS-NLMP: "MUST be set to the value of …Len"; receivers ignore it
  return { length, offset: r.u32le(`${name}BufferOffset`) }
}

/**
 * Where the fixed header ends: the first payload offset, or the whole message. A field
 * pointing into the smallest header of its message type is refused.
 */
function headerEnd(fields: readonly Field[], messageLength: number, minimumHeader: number): number {
  let end = messageLength
  for (const f of fields) {
    if (f.length === 0) continue
    if (f.offset < minimumHeader) throw malformed('a payload field points into the header')
    if (f.offset < end) end = f.offset
  }
  return end
}

function readVersion(r: ByteReader): NtlmVersion {
  const major = r.u8('ProductMajorVersion')
  const minor = r.u8('ProductMinorVersion')
  const build = r.u16le('ProductBuild')
  r.bytes(3, 'Reserved')
  return { major, minor, build, revision: r.u8('NTLMRevisionCurrent') }
}

/**
 * Decodes any NTLM message, checking the signature, the type, the size limit and every
 * payload field against the message bounds. Anything else is `malformed-request`.
 *
 * @example
 * ```ts
 * const m = decodeNtlmMessage(base64Decode('TlRMTVNTUAABAAAAB4IIog…'))
 * if (m.type === 1) console.log(ntlmFlagNames(m.flags))
 * ```
 */
export function decodeNtlmMessage(bytes: Uint8Array): NtlmMessage {
  if (!(bytes instanceof Uint8Array)) throw malformed('expected bytes')
  if (bytes.length > MAX_NTLM_MESSAGE_BYTES) throw malformed(`message exceeds ${MAX_NTLM_MESSAGE_BYTES} bytes`)
  const r = new ByteReader(bytes, 'NTLM message')
  const signature = r.bytes(8, 'Signature')
  if (!SIGNATURE.every((b, i) => signature[i] === b)) throw malformed('not an NTLMSSP message')
  const type = r.u32le('MessageType')
  if (type === 1) return decodeNegotiateBody(r, bytes)
  if (type === 2) return decodeChallengeBody(r, bytes)
  if (type === 3) return decodeAuthenticateBody(r, bytes)
  throw malformed(`unknown message type ${type}`)
}

/** Decodes a message and requires the given type. */
export function decodeNtlmMessageOfType<T extends NtlmMessage['type']>(bytes: Uint8Array, type: T): Extract<NtlmMessage, { type: T }> {
  const m = decodeNtlmMessage(bytes)
  if (m.type !== type) throw malformed(`expected message type ${type}, got ${m.type}`)
  return m as Extract<NtlmMessage, { type: T }>
}

function decodeNegotiateBody(r: ByteReader, bytes: Uint8Array): NtlmNegotiate {
  const flags = r.u32le('NegotiateFlags')
  // Very old clients stop after the flags (16 bytes); otherwise both fields follow.
  if (r.remaining === 0) return { type: 1, flags }
  const domainField = readField(r, 'DomainName')
  const workstationField = readField(r, 'Workstation')
  const end = headerEnd([domainField, workstationField], bytes.length, 32)
  const version = flags & NEGOTIATE_VERSION && end >= 40 ? readVersion(r) : undefined
  const domain = domainField.length > 0 ? fromOem(r.at(domainField.offset, domainField.length, 'DomainName')) : undefined
  const workstation = workstationField.length > 0 ? fromOem(r.at(workstationField.offset, workstationField.length, 'Workstation')) : undefined
  return {
    type: 1,
    flags,
    ...(domain === undefined ? {} : { domain }),
    ...(workstation === undefined ? {} : { workstation }),
    ...(version === undefined ? {} : { version }),
  }
}

function decodeChallengeBody(r: ByteReader, bytes: Uint8Array): NtlmChallenge {
  const targetNameField = readField(r, 'TargetName')
  const flags = r.u32le('NegotiateFlags')
  const serverChallenge = r.bytes(8, 'ServerChallenge').slice()
  // Older servers end the header here (32 bytes) or after Reserved (40); newer ones add
  // TargetInfoFields (48) and Version (56). The first payload offset tells which.
  let end = headerEnd([targetNameField], bytes.length, 32)
  let targetInfoField: Field | undefined
  if (end >= 48) {
    r.bytes(8, 'Reserved')
    targetInfoField = readField(r, 'TargetInfo')
    end = headerEnd([targetNameField, targetInfoField], bytes.length, 48)
  }
  const version = flags & NEGOTIATE_VERSION && end >= 56 ? readVersion(r) : undefined
  const targetName =
    targetNameField.length > 0 ? decodeString(r.at(targetNameField.offset, targetNameField.length, 'TargetName'), flags, 'TargetName') : undefined
  let targetInfo: AvPair[] | undefined
  if (targetInfoField !== undefined && targetInfoField.length > 0) {
    const info = r.at(targetInfoField.offset, targetInfoField.length, 'TargetInfo')
    const decoded = decodeAvPairs(info, 'TargetInfo')
    if (decoded.end !== info.length) throw malformed('TargetInfo: bytes after MsvAvEOL')
    targetInfo = decoded.pairs
  }
  return {
    type: 2,
    flags,
    serverChallenge,
    ...(targetName === undefined ? {} : { targetName }),
    ...(targetInfo === undefined ? {} : { targetInfo }),
    ...(version === undefined ? {} : { version }),
  }
}

function decodeAuthenticateBody(r: ByteReader, bytes: Uint8Array): NtlmAuthenticate {
  const names = ['LmChallengeResponse', 'NtChallengeResponse', 'DomainName', 'UserName', 'Workstation', 'EncryptedRandomSessionKey'] as const
  const fields = names.map((name) => readField(r, name))
  const flags = r.u32le('NegotiateFlags')
  const end = headerEnd(fields, bytes.length, 64)
  // MS-NLMP §2.2.1.3: Version (8 bytes) then MIC (16 bytes) follow when the header has room.
  const version = end >= MIC_OFFSET ? readVersion(r) : undefined
  const mic = end >= MIC_OFFSET + 16 ? r.bytes(16, 'MIC').slice() : undefined
  const [lm, nt, domain, user, workstation, key] = fields.map((f, i) => r.at(f.offset, f.length, names[i]).slice()) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ]
  return {
    type: 3,
    flags,
    lmChallengeResponse: lm,
    ntChallengeResponse: nt,
    domain: decodeString(domain, flags, 'DomainName'),
    userName: decodeString(user, flags, 'UserName'),
    workstation: decodeString(workstation, flags, 'Workstation'),
    encryptedRandomSessionKey: key,
    ...(version === undefined || (flags & NEGOTIATE_VERSION) === 0 ? {} : { version }),
    ...(mic === undefined ? {} : { mic }),
  }
}
