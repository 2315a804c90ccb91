/**
 * Checks of server options that must throw at construction, synchronously. They stay in the
 * part of a mechanism that loads up front; the server itself loads on its first step.
 */
import { SaslError } from './errors.js'
import type { ServerOptions } from './types.js'

/** Requires a way to check passwords; a server without one is a configuration mistake. */
export function requirePasswordSource(options: Pick<ServerOptions, 'credentials' | 'verifyPassword'>, mechanism: string): void {
  if (options.credentials === undefined && options.verifyPassword === undefined) {
    throw new SaslError('protocol-violation', `${mechanism} server needs credentials() or verifyPassword()`)
  }
}
