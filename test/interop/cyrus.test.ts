// Cyrus SASL's sample client and server (sasl2-bin), both directions, every row of the table.
import { afterAll, describe, expect, it } from 'vitest'
import { defineCells } from './harness/cells.js'
import { cyrusDriver, cyrusFacts, setupCyrus } from './harness/cyrus.js'
import { tag } from './harness/matrix.js'
import { debianPackages, makeTempDir, removeTempDir } from './harness/process.js'
import { interopContext } from './harness/context.js'
import { table } from './rows.js'

const context = interopContext()
const rows = table(context)

const dir = await makeTempDir('cyrus')
const setup = await setupCyrus(dir)
const facts = await cyrusFacts(setup)
const packages = await debianPackages(['sasl2-bin', 'libsasl2-2', 'libsasl2-modules', 'libsasl2-modules-gssapi-mit'])
afterAll(() => removeTempDir(dir))

describe('Cyrus SASL (sample client/server)', () => {
  it('is installed and lists its mechanisms', ({ task }) => {
    tag(task, {
      kind: 'peer',
      peer: 'cyrus',
      version: facts.version,
      notes: [
        'stdio: `stdbuf -oL sasl-sample-server` / `sasl-sample-client`, `S:`/`C:` base64 lines; sasldb made by `saslpasswd2 -f`, `SASL_CONF_PATH` to a temp dir',
        ...(packages === '' ? [] : [`Debian: ${packages}`]),
        `client mechanisms (saslpluginviewer -c): ${facts.clientMechanisms.join(' ')}`,
        `server mechanisms (sasl-sample-server's offer): ${facts.serverMechanisms.join(' ')}`,
      ],
    })
    expect(facts.version).toMatch(/^Cyrus SASL \d/)
  })
  defineCells(cyrusDriver(setup, facts), rows, context)
})
