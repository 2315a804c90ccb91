/**
 * Pretty-printing of SASL messages for people: every message type saslkit knows, field by
 * field, with secrets redacted (passwords, bearer tokens) and proofs/hashes truncated, so
 * that a transcript can be pasted into a bug report. Used by `decode` and by the transcripts
 * of `probe` and `serve`.
 *
 * This is display code, deliberately tolerant: it shows what it can of a message that does
 * not parse, and never throws for bytes it is given.
 */
import { hexEncode } from '../codec/bytes.js'
import { base64Decode } from '../codec/base64.js'
import { parseGs2Header, unescapeSaslname } from '../codec/gs2-parse.js'
import { SaslError } from '../core/errors.js'
import { AvId, decodeNtlmMessage, ntlmFlagNames, type AvPair, type NtlmMessage, type NtlmVersion } from '../mechanisms/ntlm/index.js'
import { decodeAvPairs, fromUtf16le } from '../mechanisms/ntlm/messages.js'
import { findMechanism } from './mechanisms.js'

/**
 * How much a message gives away: `secret` (a password or bearer token, readable by anyone who
 * sees it), `proof` (a hash an attacker can attack offline or replay: SCRAM and NTLM proofs,
 * CRAM-MD5 and DIGEST-MD5 digests, Kerberos tickets), or `none`.
 */
export type Sensitivity = 'none' | 'proof' | 'secret'

/** One field of a described message; `fields` nest (NTLM AV pairs, a GS2 header). */
export interface Field {
  readonly name: string
  readonly value?: string
  /** The value is text taken from the message (rendered quoted). */
  readonly text?: boolean
  readonly fields?: readonly Field[]
}

/** A message, described. */
export interface Description {
  /** The mechanism the message belongs to, when known or recognised. */
  readonly mechanism?: string | undefined
  /** What the message is: `initial response`, `CHALLENGE_MESSAGE (type 2)`, … */
  readonly message: string
  readonly fields: readonly Field[]
  readonly sensitivity: Sensitivity
  /** Where the secret starts (bytes into the message), for a `secret` message; default 0. */
  readonly secretFrom?: number
}

/** What is known about where a message came from. */
export interface MessageContext {
  /** The mechanism of the exchange, if known. */
  readonly mechanism?: string | undefined
  /** Who sent it. */
  readonly from?: 'client' | 'server' | undefined
  /** How many messages this side sent before it in the exchange (0 for the first). */
  readonly index?: number | undefined
  /** The other side's previous message (LOGIN: the prompt a response answers). */
  readonly previous?: Uint8Array | undefined
}

export const REDACTED = '‹redacted›'

/** The first characters of a proof or hash, enough to compare two runs by eye. */
export function truncate(text: string, keep = 8): string {
  return text.length <= keep ? text : `${text.slice(0, keep)}…`
}

function hexPreview(bytes: Uint8Array, keep = 8): string {
  const hex = hexEncode(bytes.subarray(0, keep))
  return bytes.length <= keep ? hex : `${hex}… (${bytes.length} bytes)`
}

const quote = (text: string): string => JSON.stringify(text)

const utf8 = new TextDecoder('utf-8', { fatal: true })

function textOf(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/** Printable text: no control characters but the ones a mechanism uses as separators. */
function printable(text: string, allowed = ''): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    if ((c < 0x20 || c === 0x7f) && !allowed.includes(ch)) return false
  }
  return true
}

const field = (name: string, value: string): Field => ({ name, value })

/** The UTF-8 length of the first `index` characters of `text`. */
function byteOffset(text: string, index: number): number {
  return new TextEncoder().encode(text.slice(0, Math.max(0, index))).length
}

/** Where an OAuth `auth=` value starts (the token, or the signed parameters). */
const authOffset = (text: string): number => byteOffset(text, text.indexOf('\x01auth=') + 6)
/** A field whose value is text from the message: shown quoted, so that spaces and emptiness show. */
const textField = (name: string, value: string): Field => ({ name, value, text: true })

// ---------------------------------------------------------------------------------------------
// Formats. Each knows the mechanisms it belongs to and recognises its messages; the first
// format that returns a description wins.

interface Format {
  /** The mechanism names this format covers. */
  readonly covers: RegExp
  /** A description, or undefined when the bytes are not this format's. */
  describe(bytes: Uint8Array, text: string | undefined, context: MessageContext): Description | undefined
}

// ── NTLM (MS-NLMP §2.2) ────────────────────────────────────────────────────────────────────

const AV_NAMES = new Map<number, string>(Object.entries(AvId).map(([name, id]) => [id, name]))
const AV_STRINGS = new Set<number>([
  AvId.MsvAvNbComputerName,
  AvId.MsvAvNbDomainName,
  AvId.MsvAvDnsComputerName,
  AvId.MsvAvDnsDomainName,
  AvId.MsvAvDnsTreeName,
  AvId.MsvAvTargetName,
])
const AV_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'CONSTRAINED'],
  [0x2, 'MIC_PRESENT'],
  [0x4, 'UNTRUSTED_SPN'],
]
/** 100-ns intervals between 1601-01-01 and 1970-01-01 (MS-DTYP FILETIME). */
const FILETIME_EPOCH = 116444736000000000n

function filetime(bytes: Uint8Array): string {
  let value = 0n
  for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0)
  if (value === 0n) return '0 (not set)'
  const ms = Number((value - FILETIME_EPOCH) / 10000n)
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? hexEncode(bytes) : date.toISOString()
}

function u32le(bytes: Uint8Array, at = 0): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0
}

function avPairFields(pairs: readonly AvPair[]): Field[] {
  return pairs.map((pair) => {
    const name = AV_NAMES.get(pair.id) ?? `AvId ${pair.id}`
    let value: string
    if (AV_STRINGS.has(pair.id)) {
      try {
        return textField(name, fromUtf16le(pair.value, name))
      } catch {
        value = hexPreview(pair.value, 32)
      }
    } else if (pair.id === AvId.MsvAvFlags) {
      const flags = u32le(pair.value)
      const names = AV_FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n)
      value = `0x${flags.toString(16).padStart(8, '0')}${names.length > 0 ? ` (${names.join(' ')})` : ''}`
    } else if (pair.id === AvId.MsvAvTimestamp) {
      value = filetime(pair.value)
    } else {
      value = hexPreview(pair.value, 16)
    }
    return field(name, value)
  })
}

function versionText(version: NtlmVersion | undefined): string | undefined {
  return version === undefined ? undefined : `${version.major}.${version.minor}.${version.build} (NTLM revision ${version.revision})`
}

function flagsField(flags: number): Field {
  return field('flags', `0x${flags.toString(16).padStart(8, '0')} (${ntlmFlagNames(flags).join(' ') || 'none'})`)
}

/** MS-NLMP §2.2.2.8: NTProofStr, then the NTLMv2_CLIENT_CHALLENGE blob (§2.2.2.7). */
function ntlmv2Response(response: Uint8Array): Field[] {
  const fields: Field[] = [field('NTProofStr', hexPreview(response.subarray(0, 16), 4))]
  const blob = response.subarray(16)
  if (blob.length < 28) return [...fields, field('blob', hexPreview(blob))]
  fields.push(field('RespType', String(blob[0])), field('HiRespType', String(blob[1])))
  fields.push(field('TimeStamp', filetime(blob.subarray(8, 16))), field('ChallengeFromClient', hexEncode(blob.subarray(16, 24))))
  try {
    const { pairs } = decodeAvPairs(blob.subarray(28), 'NTLMv2 blob')
    fields.push({ name: 'AV pairs', fields: avPairFields(pairs) })
  } catch {
    fields.push(field('AV pairs', 'unreadable'))
  }
  return fields
}

function describeNtlm(message: NtlmMessage): Description {
  const fields: Field[] = [flagsField(message.flags)]
  const version = versionText(message.version)
  switch (message.type) {
    case 1:
      if (message.domain !== undefined) fields.push(textField('domain', message.domain))
      if (message.workstation !== undefined) fields.push(textField('workstation', message.workstation))
      if (version !== undefined) fields.push(field('version', version))
      return { mechanism: 'NTLM', message: 'NEGOTIATE_MESSAGE (type 1)', fields, sensitivity: 'none' }
    case 2:
      fields.push(field('server challenge', hexEncode(message.serverChallenge)))
      if (message.targetName !== undefined) fields.push(textField('target name', message.targetName))
      if (message.targetInfo !== undefined) fields.push({ name: 'target info', fields: avPairFields(message.targetInfo) })
      if (version !== undefined) fields.push(field('version', version))
      return { mechanism: 'NTLM', message: 'CHALLENGE_MESSAGE (type 2)', fields, sensitivity: 'none' }
    case 3: {
      fields.push(textField('domain', message.domain), textField('user', message.userName), textField('workstation', message.workstation))
      const nt = message.ntChallengeResponse
      if (nt.length > 24) fields.push({ name: 'NtChallengeResponse (NTLMv2)', fields: ntlmv2Response(nt) })
      else fields.push(field(`NtChallengeResponse${nt.length === 24 ? ' (NTLMv1)' : ''}`, nt.length === 0 ? '(empty: anonymous)' : hexPreview(nt, 4)))
      const lm = message.lmChallengeResponse
      fields.push(field('LmChallengeResponse', lm.length === 0 ? '(empty)' : lm.every((b) => b === 0) ? `zeros (${lm.length} bytes)` : hexPreview(lm, 4)))
      const key = message.encryptedRandomSessionKey
      fields.push(field('EncryptedRandomSessionKey', key.length === 0 ? '(none)' : hexPreview(key, 4)))
      if (message.mic !== undefined) fields.push(field('MIC', hexPreview(message.mic, 4)))
      if (version !== undefined) fields.push(field('version', version))
      // The NT response is a password-derived proof (NetNTLMv2 hashes are cracked offline).
      return { mechanism: 'NTLM', message: 'AUTHENTICATE_MESSAGE (type 3)', fields, sensitivity: 'proof' }
    }
  }
}

const NTLM_SIGNATURE = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0] // "NTLMSSP\0"

const ntlmFormat: Format = {
  covers: /^NTLM$/,
  describe(bytes) {
    if (bytes.length < 12 || NTLM_SIGNATURE.some((b, i) => bytes[i] !== b)) return undefined
    try {
      return describeNtlm(decodeNtlmMessage(bytes))
    } catch (error) {
      const why = error instanceof SaslError ? error.message : 'unreadable'
      return { mechanism: 'NTLM', message: `NTLM message (type ${u32le(bytes, 8)}), not well-formed`, fields: [field('error', why)], sensitivity: 'proof' }
    }
  },
}

// ── GSSAPI (RFC 4752, RFC 2743 §3.1, RFC 1964, RFC 4121) ───────────────────────────────────

const KRB5_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02] // 1.2.840.113554.1.2.2
const LAYER_NAMES: ReadonlyArray<readonly [number, string]> = [
  [1, 'none'],
  [2, 'integrity'],
  [4, 'confidentiality'],
]

/** RFC 4752 §3.1: the 4-octet security-layer message, plus the client's authzid. */
function securityLayerFields(data: Uint8Array, from: 'client' | 'server' | undefined): Field[] {
  const mask = data[0] ?? 0
  const layers = LAYER_NAMES.filter(([bit]) => mask & bit).map(([, name]) => name)
  const maxBuffer = ((data[1] ?? 0) << 16) | ((data[2] ?? 0) << 8) | (data[3] ?? 0)
  const fields: Field[] = [
    field(from === 'server' ? 'layers offered' : from === 'client' ? 'layer chosen' : 'layers', `0x${mask.toString(16).padStart(2, '0')} (${layers.join(', ') || 'none named'})`),
    field('max buffer', String(maxBuffer)),
  ]
  const authzid = data.subarray(4)
  const authzidText = textOf(authzid)
  if (authzid.length > 0) fields.push(authzidText === undefined ? field('authzid', hexPreview(authzid, 32)) : textField('authzid', authzidText))
  else if (from === 'client') fields.push(field('authzid', '(none)'))
  return fields
}

/** RFC 2743 §3.1: 0x60, DER length, then the mechanism OID; returns where the inner token starts. */
function readFraming(bytes: Uint8Array): { oid: Uint8Array; inner: Uint8Array } | undefined {
  if (bytes[0] !== 0x60 || bytes.length < 4) return undefined
  let at = 1
  let length = bytes[at++]!
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 3 || at + count > bytes.length) return undefined
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + bytes[at++]!
  }
  if (at + length !== bytes.length || bytes[at] !== 0x06) return undefined
  const oidLength = bytes[at + 1] ?? 0
  const oid = bytes.subarray(at + 2, at + 2 + oidLength)
  if (oid.length !== oidLength) return undefined
  return { oid, inner: bytes.subarray(at + 2 + oidLength) }
}

function oidText(oid: Uint8Array): string {
  const parts: number[] = []
  let value = 0
  for (const byte of oid) {
    value = value * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      parts.push(value)
      value = 0
    }
  }
  const first = parts.shift() ?? 0
  return [Math.min(2, Math.floor(first / 40)), first < 80 ? first % 40 : first - 80, ...parts].join('.')
}

function describeGssapi(bytes: Uint8Array, context: MessageContext): Description | undefined {
  const framing = readFraming(bytes)
  if (framing !== undefined) {
    const oid = oidText(framing.oid)
    const krb5 = framing.oid.length === KRB5_OID.length && KRB5_OID.every((b, i) => framing.oid[i] === b)
    const inner = framing.inner
    const tokenId = (inner[0] ?? 0) * 256 + (inner[1] ?? 0)
    const fields: Field[] = [field('mechanism OID', `${oid}${krb5 ? ' (Kerberos V5)' : ''}`)]
    if (krb5 && tokenId === 0x0100) return { mechanism: 'GSSAPI', message: 'Kerberos AP-REQ (context token)', fields: [...fields, field('token', hexPreview(inner))], sensitivity: 'proof' }
    if (krb5 && tokenId === 0x0200) return { mechanism: 'GSSAPI', message: 'Kerberos AP-REP (context token)', fields: [...fields, field('token', hexPreview(inner))], sensitivity: 'none' }
    if (krb5 && tokenId === 0x0300) return { mechanism: 'GSSAPI', message: 'Kerberos KRB-ERROR', fields: [...fields, field('token', hexPreview(inner))], sensitivity: 'none' }
    if (krb5 && tokenId === 0x0201 && inner.length >= 32) {
      // RFC 1964 §1.2.2: TOK_ID, SGN_ALG, SEAL_ALG, filler, SND_SEQ, SGN_CKSUM, confounder, data, padding.
      const sealAlg = (inner[4]! << 8) | inner[5]!
      fields.push(field('token', 'RFC 1964 Wrap'), field('SGN_ALG', hexEncode(inner.subarray(2, 4))), field('SEAL_ALG', `${hexEncode(inner.subarray(4, 6))}${sealAlg === 0xffff ? ' (none)' : ' (sealed)'}`))
      if (sealAlg !== 0xffff) return { mechanism: 'GSSAPI', message: 'wrapped security-layer message (encrypted)', fields, sensitivity: 'none' }
      const body = inner.subarray(32)
      const pad = body[body.length - 1] ?? 0
      const data = pad >= 1 && pad <= 8 && pad <= body.length ? body.subarray(0, body.length - pad) : body
      return { mechanism: 'GSSAPI', message: 'wrapped security-layer message (RFC 4752 §3.1)', fields: [...fields, ...securityLayerFields(data, context.from)], sensitivity: 'none' }
    }
    return { mechanism: 'GSSAPI', message: 'GSS-API initial context token', fields: [...fields, field('token', hexPreview(inner))], sensitivity: 'proof' }
  }
  // RFC 4121 §4.2.6.2: per-message Wrap tokens carry no framing.
  if (bytes.length >= 16 && bytes[0] === 0x05 && bytes[1] === 0x04 && bytes[3] === 0xff) {
    const flags = bytes[2]!
    const fields: Field[] = [field('token', 'RFC 4121 Wrap'), field('flags', `0x${flags.toString(16).padStart(2, '0')}${flags & 1 ? ' SentByAcceptor' : ''}${flags & 2 ? ' Sealed' : ''}${flags & 4 ? ' AcceptorSubkey' : ''}`)]
    if (flags & 2) return { mechanism: 'GSSAPI', message: 'wrapped security-layer message (encrypted)', fields, sensitivity: 'none' }
    const ec = (bytes[4]! << 8) | bytes[5]!
    const rrc = (bytes[6]! << 8) | bytes[7]!
    const rotated = bytes.subarray(16)
    // RFC 4121 §4.2.5: undo the right rotation of everything after the header.
    const shift = rotated.length === 0 ? 0 : rrc % rotated.length
    const body = new Uint8Array(rotated.length)
    body.set(rotated.subarray(shift))
    body.set(rotated.subarray(0, shift), rotated.length - shift)
    const data = body.subarray(0, Math.max(0, body.length - ec))
    return { mechanism: 'GSSAPI', message: 'wrapped security-layer message (RFC 4752 §3.1)', fields: [...fields, ...securityLayerFields(data, context.from)], sensitivity: 'none' }
  }
  if (context.mechanism === 'GSSAPI' && bytes.length >= 4 && bytes.length <= 4 + 1024 && (bytes[0]! & ~7) === 0) {
    return { mechanism: 'GSSAPI', message: 'security-layer message (RFC 4752 §3.1, unwrapped)', fields: securityLayerFields(bytes, context.from), sensitivity: 'none' }
  }
  if (context.mechanism === 'GSSAPI') return { mechanism: 'GSSAPI', message: 'GSS-API token', fields: [field('token', hexPreview(bytes))], sensitivity: 'proof' }
  return undefined
}

const gssapiFormat: Format = { covers: /^GSSAPI$/, describe: (bytes, _text, context) => describeGssapi(bytes, context) }

// ── SCRAM (RFC 5802 §5, §7) ────────────────────────────────────────────────────────────────

const SCRAM_ATTRIBUTES: Readonly<Record<string, string>> = {
  a: 'authzid',
  n: 'username',
  m: 'extension',
  r: 'nonce',
  c: 'channel binding',
  s: 'salt',
  i: 'iterations',
  p: 'client proof',
  v: 'server signature',
  e: 'server error',
}

function gs2Fields(text: string): { fields: Field[]; rest: string } | undefined {
  let parsed
  try {
    parsed = parseGs2Header(text)
  } catch {
    return undefined
  }
  const { header, rest } = parsed
  const flag =
    header.flag === 'n'
      ? 'n (the client does not support channel binding)'
      : header.flag === 'y'
        ? 'y (the client supports channel binding but thinks the server does not)'
        : `p=${header.cbType ?? ''} (channel binding of type ${header.cbType ?? '?'})`
  const fields: Field[] = [field('channel-binding flag', flag), header.authzid === undefined ? field('authzid', '(none)') : textField('authzid', header.authzid)]
  return { fields: [{ name: 'GS2 header', value: parsed.text, text: true, fields }], rest }
}

function scramAttributes(text: string): Array<[string, string]> | undefined {
  const parts = text.split(',')
  const out: Array<[string, string]> = []
  for (const part of parts) {
    const m = /^([A-Za-z])=(.*)$/s.exec(part)
    if (m === null) return undefined
    out.push([m[1]!, m[2]!])
  }
  return out
}

function scramValue(key: string, value: string): Field {
  const name = `${key} (${SCRAM_ATTRIBUTES[key] ?? 'unknown attribute'})`
  switch (key) {
    case 'n':
    case 'a': {
      let plain: string
      try {
        plain = unescapeSaslname(value)
      } catch {
        plain = value
      }
      return textField(name, plain)
    }
    case 's': {
      try {
        const salt = base64Decode(value)
        return field(name, `${value} (${salt.length} bytes)`)
      } catch {
        return field(name, `${quote(value)} (not base64)`)
      }
    }
    case 'c': {
      let bytes: Uint8Array
      try {
        bytes = base64Decode(value)
      } catch {
        return field(name, `${quote(value)} (not base64)`)
      }
      // RFC 5802 §7: cbind-input = gs2-header [ cbind-data ]; the header ends at its second comma.
      const first = bytes.indexOf(0x2c)
      const second = first < 0 ? -1 : bytes.indexOf(0x2c, first + 1)
      const headerText = second < 0 ? undefined : textOf(bytes.subarray(0, second + 1))
      const header = headerText === undefined ? undefined : gs2Fields(headerText)
      const cbData = header === undefined ? bytes : bytes.subarray(second + 1)
      const fields: Field[] = [...(header?.fields[0]?.fields ?? [])]
      fields.push(field('channel-binding data', cbData.length === 0 ? '(none)' : hexPreview(cbData)))
      return { name, value: truncate(value, 12), fields }
    }
    case 'p':
    case 'v':
      return field(name, truncate(value))
    case 'i':
      return field(name, value)
    default:
      return textField(name, value)
  }
}

function describeScram(text: string, context: MessageContext): Description | undefined {
  const mechanism = context.mechanism !== undefined && /^SCRAM-/.test(context.mechanism) ? context.mechanism : 'SCRAM'
  // client-first-message = gs2-header client-first-message-bare (RFC 5802 §7).
  if (/^(?:[ny]|p=[A-Za-z0-9.-]+),(?:a=[^,]*)?,(?:m=[^,]*,)?n=/.test(text)) {
    const gs2 = gs2Fields(text)
    const attributes = gs2 === undefined ? undefined : scramAttributes(gs2.rest)
    if (gs2 === undefined || attributes === undefined) return undefined
    return { mechanism, message: 'client-first-message', fields: [...gs2.fields, ...attributes.map(([k, v]) => scramValue(k, v))], sensitivity: 'none' }
  }
  const attributes = scramAttributes(text)
  if (attributes === undefined) return undefined
  const keys = attributes.map(([k]) => k).join('')
  let message: string
  let sensitivity: Sensitivity = 'none'
  if (/^m?rsi/.test(keys)) message = 'server-first-message'
  else if (/^cr.*p$/.test(keys)) {
    message = 'client-final-message'
    // The proof, with the salt and nonces of the same transcript, is an offline guessing target.
    sensitivity = 'proof'
  } else if (keys === 'v' || keys === 'e') message = keys === 'v' ? 'server-final-message (verifier)' : 'server-final-message (error)'
  else return undefined
  return { mechanism, message, fields: attributes.map(([k, v]) => scramValue(k, v)), sensitivity }
}

const scramFormat: Format = { covers: /^SCRAM-/, describe: (_bytes, text, context) => (text === undefined ? undefined : describeScram(text, context)) }

// ── OAuth (RFC 7628, XOAUTH2, OAuth 1.0a) ──────────────────────────────────────────────────

/**
 * A header that is not valid GS2 but is followed by OAuth key/values (RFC 7628 §4.4's own
 * example writes `n,user=…,`): shown, and flagged.
 */
function looseGs2(text: string): { fields: Field[]; rest: string } | undefined {
  const m = /^([^,\x01]*,[^,\x01]*,)(\x01.*)$/s.exec(text)
  if (m === null) return undefined
  return { fields: [{ name: 'GS2 header', value: m[1]!, text: true, fields: [field('warning', 'not a valid GS2 header (RFC 5801 §4: n, y or p=…, then an optional a=…)')] }], rest: m[2]! }
}

/** OAuth 1.0a parameters (RFC 5849 §3.5.1): `name="value"` pairs separated by commas. */
function oauth1Fields(params: string): Field[] {
  const fields: Field[] = []
  for (const part of params.split(',')) {
    const m = /^\s*([A-Za-z0-9_.~%-]+)="([^"]*)"\s*$/.exec(part)
    if (m === null) {
      fields.push(textField('unparsed', part))
      continue
    }
    const [, name, value] = m as unknown as [string, string, string]
    if (name === 'oauth_token') fields.push(field(name, REDACTED))
    else if (name === 'oauth_signature') fields.push(field(name, truncate(value)))
    else fields.push(textField(name, value))
  }
  return fields
}

function authValue(value: string): Field {
  const bearer = /^Bearer (.*)$/i.exec(value)
  if (bearer !== null) return field('auth', `Bearer ${REDACTED}`)
  const oauth = /^OAuth (.*)$/i.exec(value)
  if (oauth !== null) return { name: 'auth', value: 'OAuth (RFC 5849 signed request)', fields: oauth1Fields(oauth[1]!) }
  return field('auth', value === '' ? '(empty: asks for the server configuration, RFC 7628 §4.3)' : REDACTED)
}

/** RFC 7628 §3.1: kvsep-separated key=value pairs, ending with two kvseps. */
function kvFields(text: string): { fields: Field[]; secret: boolean } | undefined {
  if (!text.startsWith('\x01') || !text.endsWith('\x01\x01')) return undefined
  const pairs = text.slice(1, -2).split('\x01')
  const fields: Field[] = []
  let secret = false
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) return undefined
    const key = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    if (key === 'auth') {
      fields.push(authValue(value))
      secret ||= value !== ''
    } else fields.push(textField(key, value))
  }
  return { fields, secret }
}

function describeOAuthError(text: string): Description | undefined {
  if (!text.startsWith('{')) return undefined
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('status' in json)) return undefined
  const fields = Object.entries(json as Record<string, unknown>).map(([key, value]) => (typeof value === 'string' ? textField(key, value) : field(key, JSON.stringify(value))))
  return { message: 'OAuth error (RFC 7628 §3.2.2)', fields, sensitivity: 'none' }
}

function describeOAuth(bytes: Uint8Array, text: string | undefined, context: MessageContext): Description | undefined {
  const mechanism = context.mechanism
  if (bytes.length === 1 && bytes[0] === 1) return { mechanism, message: 'dummy response, acknowledging the error (RFC 7628 §3.2.3)', fields: [], sensitivity: 'none' }
  if (text === undefined) return undefined
  const error = describeOAuthError(text)
  if (error !== undefined) return mechanism === undefined ? error : { ...error, mechanism }
  // XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A.
  const xoauth2 = /^user=([^\x01]*)\x01(.*)$/s.exec(text)
  if (xoauth2 !== null) {
    const kv = kvFields(`\x01${xoauth2[2]!}`)
    if (kv === undefined) return undefined
    return { mechanism: 'XOAUTH2', message: 'initial response', fields: [textField('user', xoauth2[1]!), ...kv.fields], sensitivity: kv.secret ? 'secret' : 'none', secretFrom: authOffset(text) }
  }
  // XOAUTH: method SP url SP oauth-params.
  const xoauth = /^(GET|POST) (\S+) (.+)$/s.exec(text)
  if (xoauth !== null && /oauth_/.test(xoauth[3]!)) {
    const fields: Field[] = [field('method', xoauth[1]!), textField('url', xoauth[2]!), { name: 'parameters', fields: oauth1Fields(xoauth[3]!) }]
    return { mechanism: 'XOAUTH', message: 'signed request', fields, sensitivity: 'secret', secretFrom: byteOffset(text, text.indexOf(' oauth_')) }
  }
  // OAUTHBEARER / OAUTH10A: gs2-header kvsep *kvpair kvsep.
  const gs2 = gs2Fields(text) ?? looseGs2(text)
  if (gs2 === undefined) return undefined
  const kv = kvFields(gs2.rest)
  if (kv === undefined) return undefined
  const oauth1 = kv.fields.some((f) => f.name === 'auth' && f.value?.startsWith('OAuth'))
  return { mechanism: mechanism ?? (oauth1 ? 'OAUTH10A' : 'OAUTHBEARER'), message: 'initial response', fields: [...gs2.fields, ...kv.fields], sensitivity: kv.secret ? 'secret' : 'none', secretFrom: authOffset(text) }
}

const oauthFormat: Format = { covers: /^(?:OAUTHBEARER|XOAUTH2|OAUTH10A|XOAUTH)$/, describe: describeOAuth }

// ── DIGEST-MD5 (RFC 2831 §2.1) ─────────────────────────────────────────────────────────────

/** RFC 2831 §7.1: #( token "=" ( token | quoted-string ) ); undefined if it is not that. */
function digestDirectives(text: string): Array<[string, string]> | undefined {
  const out: Array<[string, string]> = []
  let at = 0
  const skip = () => {
    while (at < text.length && /[\s,]/.test(text[at]!)) at++
  }
  skip()
  while (at < text.length) {
    const key = /^[A-Za-z0-9_-]+/.exec(text.slice(at))
    if (key === null || text[at + key[0].length] !== '=') return undefined
    at += key[0].length + 1
    let value = ''
    if (text[at] === '"') {
      at++
      while (at < text.length && text[at] !== '"') {
        if (text[at] === '\\') at++
        value += text[at] ?? ''
        at++
      }
      if (text[at] !== '"') return undefined
      at++
    } else {
      const token = /^[^,\s"]*/.exec(text.slice(at))![0]
      value = token
      at += token.length
    }
    out.push([key[0].toLowerCase(), value])
    if (at < text.length && !/[\s,]/.test(text[at]!)) return undefined
    skip()
  }
  return out.length === 0 ? undefined : out
}

function describeDigest(text: string): Description | undefined {
  const directives = digestDirectives(text)
  if (directives === undefined) return undefined
  const keys = new Set(directives.map(([k]) => k))
  let message: string
  let sensitivity: Sensitivity = 'none'
  if (keys.has('rspauth') && keys.size === 1) message = 'response-auth (the server proves itself)'
  else if (keys.has('response') && keys.has('username')) {
    message = 'digest-response'
    sensitivity = 'proof'
  } else if (keys.has('nonce') && (keys.has('algorithm') || keys.has('qop') || keys.has('realm'))) message = 'digest-challenge'
  else return undefined
  const fields = directives.map(([k, v]) => (k === 'response' || k === 'rspauth' ? field(k, truncate(v)) : textField(k, v)))
  return { mechanism: 'DIGEST-MD5', message, fields, sensitivity }
}

const digestFormat: Format = { covers: /^DIGEST-MD5$/, describe: (_bytes, text) => (text === undefined ? undefined : describeDigest(text)) }

// ── CRAM-MD5 (RFC 2195) ────────────────────────────────────────────────────────────────────

const cramFormat: Format = {
  covers: /^CRAM-MD5$/,
  describe(_bytes, text, context) {
    if (text === undefined) return undefined
    if (/^<[\x21-\x7e]+>$/.test(text) && context.from !== 'client') return { mechanism: 'CRAM-MD5', message: 'challenge', fields: [textField('challenge', text)], sensitivity: 'none' }
    const response = /^(.+) ([0-9a-f]{32})$/s.exec(text)
    if (response !== null && context.from !== 'server') {
      // The HMAC-MD5 digest can be attacked offline with the challenge from the same transcript.
      return { mechanism: 'CRAM-MD5', message: 'response', fields: [textField('username', response[1]!), field('digest', truncate(response[2]!))], sensitivity: 'proof' }
    }
    return undefined
  },
}

// ── PLAIN (RFC 4616), LOGIN, ANONYMOUS (RFC 4505), EXTERNAL (RFC 4422 App. A) ─────────────

const plainFormat: Format = {
  covers: /^PLAIN$/,
  describe(_bytes, text, context) {
    if (text === undefined || context.from === 'server') return undefined
    const parts = text.split('\0')
    if (parts.length !== 3 || !printable(text, '\0')) return undefined
    const [authzid, authcid] = parts as [string, string, string]
    return {
      mechanism: 'PLAIN',
      message: 'response (authzid NUL authcid NUL passwd)',
      fields: [authzid === '' ? field('authzid', '(none)') : textField('authzid', authzid), textField('authcid', authcid), field('passwd', REDACTED)],
      sensitivity: 'secret',
      secretFrom: byteOffset(text, authzid.length + authcid.length + 2),
    }
  },
}

const loginFormat: Format = {
  covers: /^LOGIN$/,
  describe(_bytes, text, context) {
    if (context.mechanism !== 'LOGIN') return undefined
    // The usual prompts ([MS-XLOGIN] §2.2.2, the draft's "User Name\0") come from the server.
    const prompt = text !== undefined && /^(?:user ?name|password)(?::|\0)$/i.test(text)
    if (context.from === 'server' || (context.from === undefined && prompt)) return { mechanism: 'LOGIN', message: 'prompt', fields: [textField('text', text ?? '')], sensitivity: 'none' }
    const asked = context.previous === undefined ? undefined : textOf(context.previous)
    const isPassword = asked !== undefined ? /pass/i.test(asked) : context.index === 1
    const isUsername = asked !== undefined ? /user|name/i.test(asked) && !isPassword : context.index === 0
    if (isUsername && text !== undefined) return { mechanism: 'LOGIN', message: 'response', fields: [textField('username', text)], sensitivity: 'none' }
    return { mechanism: 'LOGIN', message: 'response', fields: [field(isPassword ? 'password' : 'username or password', REDACTED)], sensitivity: 'secret' }
  },
}

const anonymousFormat: Format = {
  covers: /^ANONYMOUS$/,
  describe: (_bytes, text, context) =>
    context.mechanism !== 'ANONYMOUS' || context.from === 'server' || text === undefined ? undefined : { mechanism: 'ANONYMOUS', message: 'trace (RFC 4505)', fields: [text === '' ? field('trace', '(none)') : textField('trace', text)], sensitivity: 'none' },
}

const externalFormat: Format = {
  covers: /^EXTERNAL$/,
  describe: (_bytes, text, context) =>
    context.mechanism !== 'EXTERNAL' || context.from === 'server' || text === undefined
      ? undefined
      : { mechanism: 'EXTERNAL', message: 'authzid (RFC 4422 App. A)', fields: [text === '' ? field('authzid', '(none: act as the identity the transport established)') : textField('authzid', text)], sensitivity: 'none' },
}

/** In detection order: unambiguous binary signatures first, guessable text last. */
const FORMATS: readonly Format[] = [ntlmFormat, gssapiFormat, scramFormat, oauthFormat, digestFormat, cramFormat, plainFormat, loginFormat, anonymousFormat, externalFormat]

function generic(bytes: Uint8Array, text: string | undefined, context: MessageContext): Description {
  const mechanism = context.mechanism
  // A message of a plaintext mechanism from the client that did not parse may still hold the
  // password (or token): when in doubt, hide it.
  const traits = mechanism === undefined ? undefined : findMechanism(mechanism)?.traits
  const sensitivity: Sensitivity = traits?.plaintext === true && context.from !== 'server' ? 'secret' : 'none'
  if (bytes.length === 0) return { mechanism, message: 'empty message', fields: [], sensitivity: 'none' }
  if (sensitivity === 'secret') return { mechanism, message: 'message', fields: [field('content', REDACTED)], sensitivity }
  if (text !== undefined && printable(text, '\t')) return { mechanism, message: 'text', fields: [textField('text', text)], sensitivity }
  return { mechanism, message: 'binary', fields: [field('bytes', hexPreview(bytes, 32))], sensitivity }
}

/**
 * Describes one SASL message (the payload, not its base64). With a known mechanism only its
 * format is tried; otherwise every format, in order, and the message is recognised by shape.
 */
export function describeMessage(bytes: Uint8Array, context: MessageContext = {}): Description {
  const text = textOf(bytes)
  const mechanism = context.mechanism?.toUpperCase()
  const known = { ...context, mechanism }
  if (bytes.length > 0) {
    const formats = mechanism === undefined ? FORMATS : FORMATS.filter((f) => f.covers.test(mechanism))
    for (const format of formats) {
      const description = format.describe(bytes, text, known)
      if (description !== undefined) return description
    }
  }
  return generic(bytes, text, known)
}

/**
 * The base64 of a message as a transcript shows it: in full, or only its start when it holds
 * a secret or a proof. Four base64 characters carry three bytes, so for a secret only the
 * characters whose bits all come before it are kept (`AHRpbQ…` for PLAIN's `\0tim\0…`).
 */
export function visibleBase64(base64: string, description: Description): string {
  if (description.sensitivity === 'none') return base64
  const keep = description.sensitivity === 'secret' ? Math.min(8, Math.floor(((description.secretFrom ?? 0) * 8) / 6)) : Math.min(8, Math.floor(base64.length / 2))
  return `${base64.slice(0, keep)}…`
}

/** Text lines for a description: a title, then `name: value` lines, nested by indentation. */
export function renderDescription(description: Description, indent = ''): string[] {
  const title = description.mechanism === undefined ? description.message : `${description.mechanism} ${description.message}`
  const lines = [`${indent}${title}`]
  const walk = (fields: readonly Field[], depth: string) => {
    for (const f of fields) {
      lines.push(`${depth}${f.name}${f.value === undefined ? '' : `: ${f.text === true ? quote(f.value) : f.value}`}`)
      if (f.fields !== undefined) walk(f.fields, `${depth}  `)
    }
  }
  walk(description.fields, `${indent}  `)
  return lines
}
