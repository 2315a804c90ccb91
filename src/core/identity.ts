import { SaslError } from './errors.js'
import { utf8Encode } from '../codec/utf8.js'

/** Longest authcid/authzid accepted, in UTF-8 bytes (Dovecot's limit). */
export const MAX_IDENTITY_BYTES = 1024

/** Refuses an over-long identity before any lookup. */
export function checkIdentityLength(value: string, field: string): void {
  if (utf8Encode(value).length > MAX_IDENTITY_BYTES) {
    throw new SaslError('malformed-request', `${field} exceeds ${MAX_IDENTITY_BYTES} bytes`)
  }
}
