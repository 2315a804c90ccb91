const encoder = /* @__PURE__ */ new TextEncoder()

/**
 * UTF-8 encoding of a JS string.
 *
 * @example
 * ```ts
 * utf8Encode('tim') // Uint8Array [0x74, 0x69, 0x6d]
 * ```
 */
export function utf8Encode(text: string): Uint8Array {
  // Short ASCII strings are encoded in JavaScript: a `TextEncoder` call costs most of a
  // microsecond on V8 whatever the length, several times a loop over a short string (and
  // typed arrays up to 64 bytes are cheap to allocate there).
  if (text.length <= 64) {
    const out = new Uint8Array(text.length)
    let i = 0
    // Copies code units while they are ASCII (an assignment's value is the unit itself, unmasked).
    while (i < text.length && (out[i] = text.charCodeAt(i)) < 0x80) i++
    if (i === text.length) return out
  }
  return encoder.encode(text)
}
