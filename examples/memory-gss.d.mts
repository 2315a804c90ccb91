import type { GssAcceptor, GssInitiator } from '../src/index.js'

/** An in-memory initiator; `initiatorName`/`acceptorName` are set once established. */
export interface MemoryInitiator extends GssInitiator {
  wrapSizeLimit(maxOutput: number, confidential: boolean): number
}

/** An in-memory acceptor; `initiatorName`/`acceptorName` are set once established. */
export interface MemoryAcceptor extends GssAcceptor {
  wrapSizeLimit(maxOutput: number, confidential: boolean): number
}

export interface MemoryKerberos {
  readonly realm: string
  /** A fresh client context for `principal` towards `service` (mutual authentication by default). */
  initiator(options: { principal: string; service: string; mutual?: boolean }): MemoryInitiator
  /** A fresh server context for `service`. */
  acceptor(options: { service: string }): MemoryAcceptor
}

/** A deterministic pretend realm (not Kerberos, not secure): for the demo and unit tests only. */
export function memoryKerberos(options?: { realm?: string; secret?: string; principals?: readonly string[] }): MemoryKerberos
