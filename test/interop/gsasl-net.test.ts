// gsasl's network client (`--imap`, `--smtp`) against saslkit's IMAP and SMTP server profiles,
// in clear and after STARTTLS, every row of the table.
import { afterAll, describe } from 'vitest'
import { defineCells } from './harness/cells.js'
import { interopContext } from './harness/context.js'
import { gsaslClientLack, gsaslFacts } from './harness/gsasl.js'
import { gsaslNetDriver, gsaslNetToSaslkit, type NetProtocol } from './harness/gsasl-net.js'
import { makePki } from './harness/pki.js'
import { makeTempDir, removeTempDir } from './harness/process.js'
import { table } from './rows.js'

const context = interopContext()
const rows = table(context)
const facts = await gsaslFacts()
const dir = await makeTempDir('gsasl-net')
const pki = await makePki(dir)
afterAll(() => removeTempDir(dir))

describe('gsasl --imap / --smtp against saslkit server profiles', () => {
  for (const protocol of ['imap', 'smtp'] as NetProtocol[]) {
    for (const tls of [false, true]) {
      describe(`${protocol}${tls ? ' after STARTTLS' : ''}`, () => {
        const lack = gsaslClientLack(facts, (row, c) => gsaslNetToSaslkit(protocol, tls, pki, pki.caFile, row, c))
        defineCells(gsaslNetDriver(protocol, tls, pki, pki.caFile, (row) => lack(row)), rows, context)
      })
    }
  }
})
