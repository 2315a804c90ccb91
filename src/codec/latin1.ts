import { SaslError } from '../core/errors.js'

/** Whether every character of `text` is in ISO 8859-1 (U+0000–U+00FF). */
export function fitsLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false
  return true
}

/** ISO 8859-1 bytes of `text`; a character outside it throws `SaslError('incorrect-encoding')`. */
export function latin1Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  // An assignment's value is the code unit itself, before the array masks it to a byte.
  for (let i = 0; i < text.length; i++) if ((out[i] = text.charCodeAt(i)) > 0xff) throw new SaslError('incorrect-encoding', 'text is not ISO-8859-1')
  return out
}

/** ISO 8859-1 text of `bytes`: one character per octet, so every byte string decodes. */
export function latin1Decode(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += String.fromCharCode(b)
  return out
}
