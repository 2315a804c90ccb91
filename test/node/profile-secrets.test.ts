// Node-only (util.inspect): no profile object — client exchange, server exchange, server
// result, thrown error — shows a secret (nor its base64) when printed or serialised, for every
// mechanism fixture through every profile, on success and on failure. The wire lines
// themselves carry what the mechanism sends; they are not inspected here.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { base64Encode, utf8Encode, SaslError, type SaslClient } from '../../src/index.js'
import { fixtures } from '../fixtures/mechanisms.js'
import { adapters } from '../helpers/adapters.js'

function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 8, showHidden: false }), String(value)]
  try {
    out.push(JSON.stringify(value) ?? '')
  } catch {
    // cyclic: cannot leak through JSON either
  }
  if (value instanceof Error) out.push(value.message, value.stack ?? '', String(value.cause ?? ''))
  return out
}

describe('profiles never show secrets', () => {
  for (const fixture of fixtures.filter((f) => f.secrets.length > 0)) {
    for (const a of adapters) {
      it(`${fixture.name} over ${a.name}: success and failure`, async () => {
        const seen: unknown[] = []
        const clients: Array<() => SaslClient> = [fixture.client, ...(fixture.wrongClient ? [fixture.wrongClient] : [])]
        for (const makeClient of clients) {
          const ex = a.client(makeClient())
          // The fixture's server, under the profile: its options reach it through a wrapper descriptor.
          const srv = a.server({ mechanisms: [{ ...fixture.mechanism, server: () => fixture.server() }], channel: fixture.channel ?? { secure: true } })
          seen.push(ex, srv)
          let line = await ex.begin()
          for (let i = 0; i < 20; i++) {
            const r = await srv.receive(line)
            seen.push(r)
            try {
              const act = await ex.receive(r.reply)
              if (act.done === true || act.send === undefined) break
              line = act.send
            } catch (error) {
              if (!(error instanceof SaslError)) throw error
              seen.push(error)
              break
            }
          }
          seen.push(srv.identity)
          // The right client gets through, the wrong one does not: both paths were walked.
          expect(srv.identity !== undefined).toBe(makeClient === fixture.client)
        }
        const forbidden = fixture.secrets.flatMap((s) => [s, base64Encode(utf8Encode(s))])
        for (const value of seen) for (const text of renderings(value)) for (const secret of forbidden) expect(text).not.toContain(secret)
      })
    }
  }
})
