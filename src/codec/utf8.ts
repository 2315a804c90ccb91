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
  return encoder.encode(text)
}
