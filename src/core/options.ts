/**
 * Checks of options that must throw at construction, synchronously. They stay in the part of a
 * mechanism that loads up front; a server itself loads on its first step. Which code an option
 * error gets is decision 5 (docs/decisions/0005-option-errors.md): a mistake in the program
 * (missing, of the wrong type, out of range) is `protocol-violation`; text of the right type
 * that the wire format cannot carry is `malformed-request`. Messages name the option, never its
 * value.
 */
import { SaslError } from './errors.js'
import type { ServerOptions } from './types.js'

/** Requires a way to check passwords; a server without one is a configuration mistake. */
export function requirePasswordSource(options: Pick<ServerOptions, 'credentials' | 'verifyPassword'>, mechanism: string): void {
  if (options.credentials === undefined && options.verifyPassword === undefined) {
    throw new SaslError('protocol-violation', `${mechanism} server needs credentials() or verifyPassword()`)
  }
}

/**
 * A string option (or, with `type`, a callback: 'function'): anything else (a number, `null`,
 * a missing required one) is the caller's mistake, never coerced to text.
 */
export function typedOption(mechanism: string, name: string, value: unknown, type = 'string'): string {
  if (typeof value !== type) throw new SaslError('protocol-violation', `${mechanism}: ${name} is not a ${type}`)
  return value as string
}

/** `typedOption` for each of `names` that `options` gives (optional options of one type: strings, or callbacks). */
export function optionalTyped(mechanism: string, options: object, names: readonly string[], type?: string): void {
  for (const name of names) {
    const value = (options as Record<string, unknown>)[name]
    if (value !== undefined) typedOption(mechanism, name, value, type)
  }
}

/**
 * A text option: a string (see `typedOption`) that `allowed` matches — by default any
 * non-empty text. Text it does not match (empty, a character the wire format forbids) is
 * `malformed-request`: it is often what a user typed, and the app shows it back.
 */
export function textOption(mechanism: string, name: string, value: unknown, allowed = /./s): string {
  if (!allowed.test(typedOption(mechanism, name, value))) throw new SaslError('malformed-request', `${mechanism}: empty or invalid ${name}`)
  return value as string
}
