import { expect } from 'vitest'
import type { ClientExchange, ServerExchange } from '../../src/index.js'

/** Splits an RFC transcript ("C: …" / "S: …") into its lines. */
function parse(transcript: readonly string[]): Array<{ from: 'C' | 'S'; line: string }> {
  return transcript.map((entry) => {
    const m = /^([CS]): ?(.*)$/.exec(entry)
    if (m === null) throw new Error(`not a transcript line: ${entry}`)
    // The RFCs print "S: + " and "C: " with the significant space or emptiness after "X: ".
    return { from: m[1] as 'C' | 'S', line: entry.slice(3) }
  })
}

/** The client profile, fed the transcript's server lines, must say exactly its client lines. */
export async function replayClient(ex: ClientExchange, transcript: readonly string[]): Promise<void> {
  const lines = parse(transcript)
  expect(lines[0]!.from).toBe('C')
  expect(await ex.begin()).toBe(lines[0]!.line)
  for (let i = 1; i < lines.length; i++) {
    const { from, line } = lines[i]!
    if (from === 'C') continue
    const action = await ex.receive(line)
    const next = lines[i + 1]
    if (next === undefined) expect(action).toEqual({ done: true })
    else if (next.from === 'C') expect(action).toEqual({ send: next.line })
    else expect(action).toEqual({})
  }
}

/**
 * The server profile, fed the transcript's client lines, must answer its server lines;
 * `same(expected, actual)` compares them (exactly by default; IMAP and POP3 servers word
 * their success text freely, so those tests compare status and tag only).
 */
export async function replayServer(
  srv: ServerExchange,
  transcript: readonly string[],
  same: (expected: string, actual: string) => boolean = (e, a) => e === a,
): Promise<void> {
  const lines = parse(transcript)
  for (let i = 0; i < lines.length; i++) {
    const { from, line } = lines[i]!
    if (from === 'S') continue
    const r = await srv.receive(line)
    const expected = lines[i + 1]!
    expect(expected.from).toBe('S')
    if (!same(expected.line, r.reply)) expect(r.reply).toBe(expected.line)
    expect(r.done).toBe(i + 2 === lines.length)
  }
}
