/**
 * The OAuth clients' reading of an error challenge (RFC 7628 §3.2.2). Loaded by the client's
 * step that receives one: a login that succeeds never needs it.
 */

/** Largest error challenge the client parses as JSON. */
const MAX_ERROR_BYTES = 65536

/**
 * Not the fatal decoder: a server that sends invalid UTF-8 still gets its bytes shown,
 * lossily (valid UTF-8 decodes the same either way; a leading BOM is dropped).
 */
let lenientDecoder: TextDecoder | undefined

/** Freezes parsed JSON all the way down, iteratively: a deeply nested reply cannot overflow the stack. */
function deepFreeze<T extends object>(root: T): T {
  const pending: object[] = [root]
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    Object.freeze(value)
    for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) pending.push(inner)
  }
  return root
}

/**
 * The client's reading of an error challenge (RFC 7628 §3.2.2): the parsed JSON object, or,
 * when the server sent something else, `{ raw }` with its first 1024 characters. Never throws.
 */
export function parseServerError(challenge: Uint8Array): Readonly<Record<string, unknown>> {
  const text = (lenientDecoder ??= new TextDecoder()).decode(challenge.subarray(0, MAX_ERROR_BYTES))
  if (challenge.length <= MAX_ERROR_BYTES) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return deepFreeze(parsed as Record<string, unknown>)
    } catch {
      // not JSON: reported as raw text below
    }
  }
  return Object.freeze({ raw: text.slice(0, 1024) })
}
