// Random and malformed lines: a client profile resolves or throws a SaslError, a server
// profile always answers with a reply and never throws, the XML reader never crashes.
// Bounded runs; `npm run fuzz` runs them longer (FUZZ_RUNS).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { login, plain, SaslError, smtp, imap, pop3, xmpp } from '../../src/index.js'
import { parseXmlElement } from '../../src/profiles/xml.js'
import { adapters } from '../helpers/adapters.js'
import { scriptedClient } from '../helpers/profiles.js'

const NS = 'urn:ietf:params:xml:ns:xmpp-sasl'
const credentials = (u: string) => (u === 'tim' ? { password: 'tanstaaftanstaaf' } : undefined)
/** Runs per property; `npm run fuzz` raises it (FUZZ_RUNS, passed in by vitest.config.ts). */
const RUNS = { numRuns: Number((globalThis as { FUZZ_RUNS?: string }).FUZZ_RUNS ?? 300) }

async function onlySaslErrors(run: () => Promise<unknown>): Promise<void> {
  try {
    await run()
  } catch (error) {
    if (!(error instanceof SaslError)) throw error
  }
}

for (const a of adapters) {
  // Lines shaped like the protocol's, with random tails, reach deeper than plain noise.
  const prefixes = {
    smtp: ['334 ', '334-', '235 ', '535 5.7.8 ', '535-', '501 ', '2', '5', ''],
    imap: ['+ ', '+', 'A1 OK ', 'A1 NO [', 'A1 BAD ', '* ', '* BYE ', 'A1 ', ''],
    pop3: ['+ ', '+', '+OK ', '-ERR [', '-ERR ', ''],
    xmpp: [`<challenge xmlns="${NS}">`, `<success xmlns="${NS}">`, `<failure xmlns="${NS}"><`, '<', '<sasl:', ''],
  }[a.name]
  const line = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.tuple(fc.constantFrom(...prefixes), fc.string({ maxLength: 100 })).map(([p, s]) => p + s),
    fc.tuple(fc.constantFrom(...prefixes), fc.base64String({ maxLength: 60 }), fc.constantFrom('', '</challenge>', '</success>', '/>', ']', ' x')).map(([p, s, t]) => p + s + t),
  )

  describe(`${a.name} profile under random lines`, () => {
    it('client: every line resolves or throws a SaslError', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), async (lines) => {
          const ex = a.client(scriptedClient('X', { initial: 'abc', responses: ['r1', 'r2', 'r3'] }))
          await ex.begin()
          for (const l of lines) {
            let result: unknown
            try {
              result = await ex.receive(l)
            } catch (error) {
              expect(error).toBeInstanceOf(SaslError)
              return
            }
            expect(typeof result).toBe('object')
          }
        }),
        RUNS,
      )
    })

    it('server: every line gets a reply string, never a throw', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(line, fc.constantFrom(a.command('PLAIN'), a.command('LOGIN'), a.cancel, a.response(''))), { minLength: 1, maxLength: 8 }), async (lines) => {
          const srv = a.server({ mechanisms: [plain, login], channel: { secure: true }, credentials })
          for (const l of lines) {
            const r = await srv.receive(l)
            expect(typeof r.reply).toBe('string')
            expect(r.reply.length).toBeGreaterThan(0)
            if (a.name !== 'xmpp') expect(r.reply).not.toMatch(/[\r\n]/)
          }
        }),
        RUNS,
      )
    })
  })
}

describe('parsers under random input', () => {
  const xmlish = fc
    .array(fc.constantFrom('<', '>', '/', '=', '"', "'", '&', ';', ':', ' ', '\n', 'a', 'b', 'x', 'xmlns', 'auth', '&amp;', '&#x41;', '<![CDATA[', ']]>', '<!--', '?'), { maxLength: 40 })
    .map((parts) => parts.join(''))

  it('the XML reader returns an element or throws malformed-request', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), xmlish), (input) => {
        try {
          const e = parseXmlElement(input, 1000)
          expect(typeof e.name).toBe('string')
        } catch (error) {
          expect(error).toMatchObject({ name: 'SaslError', code: 'malformed-request' })
        }
      }),
      { numRuns: RUNS.numRuns * 5 },
    )
  })

  it('parseEhlo, parseCapabilities, parseMechanisms and the xtext decoder only throw SaslError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ maxLength: 40 }).map((s) => `250-${s}`), fc.string({ maxLength: 40 }).map((s) => `250 ${s}`)), { maxLength: 6 }), async (lines) => {
        await onlySaslErrors(async () => smtp.parseEhlo(lines))
        await onlySaslErrors(async () => pop3.parseCapabilities(lines))
        for (const l of lines) {
          await onlySaslErrors(async () => imap.parseCapabilities(l))
          await onlySaslErrors(async () => xmpp.parseMechanisms(l))
          await onlySaslErrors(async () => smtp.decodeXtext(l))
          await onlySaslErrors(async () => smtp.parseAuthParameter(l))
        }
      }),
      RUNS,
    )
  })

  it('xtext round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(smtp.decodeXtext(smtp.encodeXtext(s))).toBe(s)
      }),
      RUNS,
    )
  })
})
