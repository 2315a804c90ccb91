/**
 * The mechanisms the command knows: every descriptor the package exports, found by shape, so
 * a mechanism that lands in `src/index.ts` appears in `probe`, `serve` and `decode` without a
 * line changed here.
 */
import * as saslkit from '../index.js'
import type { Mechanism } from '../core/types.js'

/** A descriptor whose option types the command does not know statically. */
export type Descriptor = Mechanism<Record<string, unknown>, Record<string, unknown>>

function isDescriptor(value: unknown): value is Descriptor {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Descriptor>
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.client === 'function' &&
    typeof candidate.server === 'function' &&
    typeof candidate.traits === 'object' &&
    candidate.traits !== null &&
    typeof candidate.traits.strength === 'number'
  )
}

function collect(): Descriptor[] {
  const byName = new Map<string, Descriptor>()
  for (const value of Object.values(saslkit)) if (isDescriptor(value) && !byName.has(value.name)) byName.set(value.name, value)
  return [...byName.values()].sort((a, b) => b.traits.strength - a.traits.strength || a.name.localeCompare(b.name))
}

/** Every mechanism saslkit exports, strongest first. */
export const MECHANISMS: readonly Descriptor[] = collect()

/** The descriptor of a mechanism name (case-insensitive). */
export function findMechanism(name: string): Descriptor | undefined {
  const upper = name.toUpperCase()
  return MECHANISMS.find((m) => m.name === upper)
}

/** Whether a factory accepts these options: what the command offers or tries depends on it. */
export function constructs(make: () => unknown): boolean {
  try {
    make()
    return true
  } catch {
    return false
  }
}
