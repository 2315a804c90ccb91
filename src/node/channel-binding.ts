/// <reference types="node" />
/**
 * Channel-binding data of a Node TLS connection, for the SCRAM -PLUS mechanisms (and anything
 * else that binds to TLS), on either side of the connection.
 */
import { createHash } from 'node:crypto'
import type { TLSSocket } from 'node:tls'
import { SaslError } from '../core/errors.js'
import type { ChannelBinding } from '../core/types.js'

/**
 * Options of {@link channelBinding}.
 *
 * @example
 * ```ts
 * channelBinding(socket, 'tls-unique', { side: 'server' })
 * ```
 */
export interface ChannelBindingOptions {
  /**
   * Which end of the connection `socket` is. Default: what Node recorded when the socket was
   * made (`new TLSSocket(…, { isServer })`, `tls.createServer`, `tls.connect`); give it when a
   * runtime does not record it.
   */
  readonly side?: 'client' | 'server'
}

/**
 * The channel-binding data of a TLS connection, computed on either side (both sides get the
 * same bytes):
 *
 * - `tls-server-end-point` (RFC 5929 §4.1): the hash of the server's certificate, with the
 *   hash of the certificate's signature algorithm, SHA-256 when that is MD5 or SHA-1.
 *   Certificates signed with a hash-less algorithm (Ed25519, Ed448) have no such binding.
 * - `tls-exporter` (RFC 9266): 32 bytes exported with the label `EXPORTER-Channel-Binding`
 *   and an empty context. TLS 1.3 only: on TLS 1.2 it is safe only with the extended master
 *   secret (RFC 9266 §3), which Node does not let us confirm.
 * - `tls-unique` (RFC 5929 §3): the first Finished message of the latest handshake. TLS 1.2
 *   and older only; refused on TLS 1.3 (RFC 8446 §C.5).
 *
 * A binding the connection cannot provide throws `SaslError('invalid-mechanism')`; a socket
 * that is not a TLS socket with a finished handshake, or an unknown type, throws
 * `SaslError('protocol-violation')`.
 *
 * @example
 * ```ts
 * import { channelBinding } from 'saslkit/node'
 * import { scramSha256Plus } from 'saslkit/scram'
 * const socket = tls.connect({ host: 'mail.example.com', port: 993, servername: 'mail.example.com' })
 * await once(socket, 'secureConnect')
 * const client = scramSha256Plus.client({ username, password, channelBinding: channelBinding(socket, 'tls-exporter') })
 * ```
 */
export function channelBinding(socket: TLSSocket, type: ChannelBinding['type'], options: ChannelBindingOptions = {}): ChannelBinding {
  if (socket === null || typeof socket !== 'object' || typeof socket.getProtocol !== 'function') {
    throw new SaslError('protocol-violation', 'channelBinding: not a TLS socket')
  }
  // Both ends have sent a Finished message once the handshake is complete; getProtocol() alone
  // answers even on a socket that never connected.
  const protocol = socket.getProtocol()
  if (protocol === null || protocol === 'unknown' || socket.getFinished() === undefined) {
    throw new SaslError('protocol-violation', 'channelBinding: the TLS handshake has not completed')
  }
  const side = options.side ?? sideOf(socket)
  try {
    return compute(socket, type, side, protocol)
  } catch (error) {
    if (error instanceof SaslError) throw error
    throw new SaslError('protocol-violation', 'channelBinding: the TLS socket cannot provide binding data', { cause: error })
  }
}

function compute(socket: TLSSocket, type: ChannelBinding['type'], side: 'client' | 'server', protocol: string): ChannelBinding {
  switch (type) {
    case 'tls-server-end-point':
      return { type, data: serverEndPoint(socket, side) }
    case 'tls-exporter':
      if (protocol !== 'TLSv1.3') {
        throw new SaslError('invalid-mechanism', `channelBinding: tls-exporter needs TLS 1.3 (this connection is ${protocol})`)
      }
      // RFC 9266 §2: label "EXPORTER-Channel-Binding", empty context, 32 bytes.
      return { type, data: new Uint8Array(socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0))) }
    case 'tls-unique':
      return { type, data: tlsUnique(socket, side, protocol) }
    default:
      // Decision 5: a type outside ChannelBinding['type'] is the caller's mistake.
      throw new SaslError('protocol-violation', 'channelBinding: unknown channel-binding type')
  }
}

function sideOf(socket: TLSSocket): 'client' | 'server' {
  // Node keeps the constructor's isServer here; it has no public accessor for it.
  const recorded = (socket as unknown as { _tlsOptions?: { isServer?: unknown } })._tlsOptions?.isServer
  if (typeof recorded === 'boolean') return recorded ? 'server' : 'client'
  const server = (socket as unknown as { server?: unknown }).server
  return server !== undefined && server !== null ? 'server' : 'client'
}

function tlsUnique(socket: TLSSocket, side: 'client' | 'server', protocol: string): Uint8Array {
  if (protocol === 'TLSv1.3') throw new SaslError('invalid-mechanism', 'channelBinding: tls-unique is not defined for TLS 1.3 (RFC 8446 §C.5)')
  // RFC 5929 §3.1: the first Finished message of the latest handshake: the client's in a
  // full handshake, the server's in an abbreviated (resumed) one.
  const clientSpeaksFirst = !socket.isSessionReused()
  const mine = (side === 'client') === clientSpeaksFirst
  const finished = mine ? socket.getFinished() : socket.getPeerFinished()
  if (finished === undefined || finished.length === 0) throw new SaslError('invalid-mechanism', 'channelBinding: no Finished message available')
  return new Uint8Array(finished)
}

function serverEndPoint(socket: TLSSocket, side: 'client' | 'server'): Uint8Array {
  let der: Buffer | undefined
  if (side === 'server') {
    der = (socket.getCertificate() as { raw?: Buffer } | null)?.raw
  } else {
    // getPeerCertificate first: on Node 20 getPeerX509Certificate() works only once per socket.
    der = (socket.getPeerCertificate() as { raw?: Buffer } | null)?.raw ?? socket.getPeerX509Certificate()?.raw
  }
  if (der === undefined || der.length === 0) throw new SaslError('invalid-mechanism', "channelBinding: no server certificate on this connection")
  const hash = endPointHash(new Uint8Array(der))
  return new Uint8Array(createHash(hash).update(der).digest())
}

// Signature algorithm OID → the hash RFC 5929 §4.1 prescribes (MD5 and SHA-1 become SHA-256).
const SIGNATURE_HASHES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10040.4.3': 'sha256', // dsa-with-sha1
  '2.16.840.1.101.3.4.3.1': 'sha224', // dsa-with-sha224
  '2.16.840.1.101.3.4.3.2': 'sha256', // dsa-with-sha256
}
const RSASSA_PSS = '1.2.840.113549.1.1.10'
// Hash algorithm OID (inside RSASSA-PSS parameters) → hash; SHA-1 becomes SHA-256.
const DIGEST_HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha256',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
}

/** The hash for tls-server-end-point, from the certificate's signatureAlgorithm (RFC 5280 §4.1.1.2). */
function endPointHash(der: Uint8Array): string {
  const unreadable = () => new SaslError('invalid-mechanism', 'channelBinding: unreadable server certificate')
  const certificate = readTlv(der, 0, 0x30)
  if (certificate === undefined) throw unreadable()
  const tbs = readTlv(der, certificate.start, 0x30)
  const algorithm = tbs === undefined ? undefined : readTlv(der, tbs.end, 0x30)
  const oid = algorithm === undefined ? undefined : readTlv(der, algorithm.start, 0x06)
  if (algorithm === undefined || oid === undefined) throw unreadable()
  const name = decodeOid(der.subarray(oid.start, oid.end))
  const hash = name === RSASSA_PSS ? pssHash(der, oid.end, algorithm.end) : SIGNATURE_HASHES[name]
  if (hash === undefined) {
    throw new SaslError('invalid-mechanism', 'channelBinding: tls-server-end-point is not defined for this certificate signature algorithm')
  }
  return hash
}

/** RSASSA-PSS-params (RFC 4055 §3.1): hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1. */
function pssHash(der: Uint8Array, at: number, end: number): string | undefined {
  const params = at < end ? readTlv(der, at, 0x30) : undefined
  if (params === undefined || params.start === params.end) return DIGEST_HASHES['1.3.14.3.2.26']
  const first = readTlv(der, params.start)
  if (first === undefined || der[params.start] !== 0xa0) return DIGEST_HASHES['1.3.14.3.2.26']
  const identifier = readTlv(der, first.start, 0x30)
  const oid = identifier === undefined ? undefined : readTlv(der, identifier.start, 0x06)
  return oid === undefined ? undefined : DIGEST_HASHES[decodeOid(der.subarray(oid.start, oid.end))]
}

/** One DER TLV at `at` (optionally of tag `tag`): where its contents start and end. */
function readTlv(der: Uint8Array, at: number, tag?: number): { start: number; end: number } | undefined {
  if (at + 2 > der.length || (tag !== undefined && der[at] !== tag)) return undefined
  let length = der[at + 1]!
  let start = at + 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 4 || start + count > der.length) return undefined
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!
    start += count
  }
  const end = start + length
  return end > der.length ? undefined : { start, end }
}

function decodeOid(bytes: Uint8Array): string {
  const parts: number[] = []
  let value = 0
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      parts.push(value)
      value = 0
    }
  }
  if (parts.length === 0) return ''
  const first = parts.shift()!
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80]
  return [...head, ...parts].join('.')
}
