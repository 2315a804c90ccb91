/**
 * What the GSSAPI client and server share (RFC 4752): the security-layer negotiation message,
 * checks of what a provider returns, and the security layer itself (RFC 4752 §3.3).
 */
import { SaslError, asSaslError, type SaslErrorCode } from '../core/errors.js'
import { concatBytes } from '../codec/bytes.js'
import type { GssContext, GssInitiator, GssSecurityLayerName, GssStepResult, GssUnwrapResult } from './gssapi.js'

export const MECHANISM = 'GSSAPI'
/** RFC 4752 §3.1: the maximum buffer travels in three octets. */
const MAX_BUFFER = 0xffffff
/** Cyrus SASL's default maximum buffer. */
export const DEFAULT_MAX_BUFFER = 65536

// RFC 4752 §3.3: the security-layer bit-mask.
export const LAYER_BITS: Readonly<Record<GssSecurityLayerName, number>> = { none: 1, integrity: 2, confidentiality: 4 }
export const LAYER_NAMES: readonly GssSecurityLayerName[] = ['none', 'integrity', 'confidentiality']

export function layerNames(mask: number): GssSecurityLayerName[] {
  return LAYER_NAMES.filter((name) => (mask & LAYER_BITS[name]) !== 0)
}

export function isLayerName(value: unknown): value is GssSecurityLayerName {
  return typeof value === 'string' && (LAYER_NAMES as readonly string[]).includes(value)
}

export function checkMaxBuffer(value: number | undefined): number {
  const max = value ?? DEFAULT_MAX_BUFFER
  if (!Number.isInteger(max) || max < 1 || max > MAX_BUFFER) {
    throw new SaslError('protocol-violation', `${MECHANISM}: maxBuffer must be an integer from 1 to ${MAX_BUFFER}`)
  }
  return max
}

/** The 4 octets of RFC 4752 §3.1/§3.2: bit-mask, then a 24-bit big-endian maximum. */
export function layerMessage(mask: number, maxBuffer: number, authzid?: Uint8Array): Uint8Array {
  const head = new Uint8Array([mask, (maxBuffer >>> 16) & 0xff, (maxBuffer >>> 8) & 0xff, maxBuffer & 0xff])
  return authzid === undefined ? head : concatBytes(head, authzid)
}

export function readMaxBuffer(message: Uint8Array): number {
  return (message[1]! << 16) | (message[2]! << 8) | message[3]!
}

/** Runs a provider call; what it throws becomes a SaslError with `code` (a SaslError stays). */
export async function callProvider<T>(run: () => T | Promise<T>, code: SaslErrorCode, message: string): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw asSaslError(error, code, `${MECHANISM}: ${message}`)
  }
}

export function checkStep(result: unknown): { token: Uint8Array | undefined; complete: boolean } {
  const r = result as Partial<GssStepResult> | null | undefined
  if (typeof r !== 'object' || r === null || typeof r.complete !== 'boolean' || !(r.token === undefined || r.token instanceof Uint8Array)) {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's step() returned no { token?, complete }`)
  }
  return { token: r.token, complete: r.complete }
}

export function checkUnwrap(result: unknown): GssUnwrapResult {
  const r = result as Partial<GssUnwrapResult> | null | undefined
  if (typeof r !== 'object' || r === null || !(r.data instanceof Uint8Array) || typeof r.confidential !== 'boolean') {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's unwrap() returned no { data, confidential }`)
  }
  return { data: r.data, confidential: r.confidential }
}

export async function wrapToken(context: GssContext, data: Uint8Array, confidential: boolean): Promise<Uint8Array> {
  const token = await callProvider(() => context.wrap(data, { confidential }), 'temporary-auth-failure', 'GSS_Wrap failed')
  if (!(token instanceof Uint8Array) || token.length === 0) {
    throw new SaslError('temporary-auth-failure', `${MECHANISM}: the provider's wrap() returned no token`)
  }
  return token
}

export function checkProvider(provider: unknown, side: string): void {
  const p = provider as Partial<GssInitiator> | null | undefined
  if (typeof p !== 'object' || p === null || typeof p.step !== 'function' || typeof p.wrap !== 'function' || typeof p.unwrap !== 'function') {
    throw new SaslError('protocol-violation', `${MECHANISM}: the ${side} provider needs step(), wrap() and unwrap()`)
  }
}
