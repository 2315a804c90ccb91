import { SaslError } from '../core/errors.js'

let decoder: TextDecoder | undefined

/**
 * Fatal UTF-8 decoding: invalid UTF-8 throws `SaslError('incorrect-encoding')`; a BOM is
 * kept as U+FEFF, never silently dropped.
 *
 * @example
 * ```ts
 * utf8Decode(new Uint8Array([0x74, 0x69, 0x6d])) // 'tim'
 * ```
 */
export function utf8Decode(bytes: Uint8Array): string {
  decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  try {
    return decoder.decode(bytes)
  } catch {
    throw new SaslError('incorrect-encoding', 'invalid UTF-8')
  }
}
