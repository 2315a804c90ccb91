// GNU SASL's gsasl as a stdio peer, both directions, every row of the table.
import { describe, expect, it } from 'vitest'
import { defineCells } from './harness/cells.js'
import { gsaslDriver, gsaslFacts } from './harness/gsasl.js'
import { tag } from './harness/matrix.js'
import { debianPackages } from './harness/process.js'
import { interopContext } from './harness/context.js'
import { table } from './rows.js'

const context = interopContext()
const rows = table(context)

const facts = await gsaslFacts()
const packages = await debianPackages(['gsasl', 'libgsasl18'])

describe('gsasl (stdio)', () => {
  it('is installed and lists its mechanisms', ({ task }) => {
    tag(task, {
      kind: 'peer',
      peer: 'gsasl',
      version: facts.version,
      notes: [
        'stdio: `gsasl --server` / `gsasl --client`, one base64 line per token',
        ...(packages === '' ? [] : [`Debian: ${packages}`]),
        `client mechanisms: ${facts.clientMechanisms.join(' ')}`,
        `server mechanisms: ${facts.serverMechanisms.join(' ')}`,
      ],
    })
    expect(facts.version).toMatch(/^gsasl \(GNU SASL\) \d/)
  })
  defineCells(gsaslDriver(facts), rows, context)
})
