// Node-only (src/cli): the CLI's decoders read hostile input too — lines a user pastes into
// `saslkit decode`, and every message a remote peer sends during `saslkit probe`. For any bytes
// and any context the describer returns a description (never throws) that renders; a line
// that is not base64 is a CliError, never another exception; the line splitter holds at most
// one line's worth. Genuine messages of every fixture mechanism, damaged, too.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeMessage, parseDecodeLine } from '../../src/cli/codec-commands.js'
import { LineSplitter, MAX_LINE } from '../../src/cli/connection.js'
import { describeMessage, renderDescription } from '../../src/cli/describe.js'
import { CliError } from '../../src/cli/errors.js'
import { fixtures } from '../fixtures/mechanisms.js'
import { runExchange } from '../helpers/exchange.js'
import { boundedSync, mutate, mutation } from '../helpers/hostile.js'

const mechanisms = [...new Set(fixtures.map((f) => f.mechanism.name)), 'UNKNOWN', 'scram-sha-256', '']
const context = fc.record({
  mechanism: fc.option(fc.constantFrom(...mechanisms), { nil: undefined }),
  from: fc.option(fc.constantFrom('client' as const, 'server' as const), { nil: undefined }),
  index: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
  previous: fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }),
})

describe('the CLI decoders under hostile input', () => {
  it('describeMessage: any bytes, any context → a description that renders', async () => {
    // Genuine messages of every mechanism, to be damaged.
    const genuine: Array<{ mechanism: string; from: 'client' | 'server'; bytes: Uint8Array }> = []
    for (const f of fixtures) {
      const { messages } = await runExchange(f.client(), f.server())
      for (const m of messages) if (m.data !== undefined) genuine.push({ mechanism: f.mechanism.name, from: m.from === 'C' ? 'client' : 'server', bytes: m.data })
    }
    const input = fc.oneof(
      fc.tuple(fc.uint8Array({ maxLength: 256 }), context),
      fc.tuple(fc.constantFrom(...genuine), mutation, context).map(([g, m, c]) => [mutate(g.bytes, m) ?? g.bytes, { ...c, mechanism: g.mechanism, from: g.from }] as const),
    )
    fc.assert(
      fc.property(input, ([bytes, ctx]) => {
        const description = describeMessage(bytes, ctx)
        expect(typeof description.message).toBe('string')
        for (const line of renderDescription(description)) expect(typeof line).toBe('string')
      }),
      boundedSync(10),
    )
  })

  it('parseDecodeLine and decodeMessage: a description or a CliError', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.tuple(fc.constantFrom('', 'C: ', 'S: ', '334 ', '+ ', 'AUTH PLAIN ', 'A1 AUTHENTICATE SCRAM-SHA-256 ', 'AUTH NTLM '), fc.base64String({ maxLength: 60 })).map(([p, b]) => p + b),
    )
    fc.assert(
      fc.property(line, fc.option(fc.constantFrom(...mechanisms), { nil: undefined }), (raw, mechanism) => {
        const input = parseDecodeLine(raw, { mechanism }, {})
        if (input === undefined) return
        try {
          expect(typeof decodeMessage(input).message).toBe('string')
        } catch (error) {
          expect(error).toBeInstanceOf(CliError)
        }
      }),
      boundedSync(10),
    )
  })

  it('LineSplitter: any chunks; a line past the limit is refused without holding more than one', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }), (chunks) => {
        const splitter = new LineSplitter(100)
        for (const chunk of chunks) {
          try {
            for (const l of splitter.push(chunk)) expect(l.includes('\n')).toBe(false)
          } catch (error) {
            expect(String(error)).toMatch(/longer than 100/)
            return
          }
        }
      }),
      boundedSync(10),
    )
    const splitter = new LineSplitter()
    expect(() => splitter.push(new Uint8Array(MAX_LINE + 1).fill(0x41))).toThrow(/longer than/)
  })
})
