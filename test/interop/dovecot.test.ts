// Dovecot 2.3 (IMAP, POP3, submission) launched from a generated config in a temp dir:
// saslkit's IMAP/POP3/SMTP client profiles against it, in clear and after STARTTLS, and the
// `saslkit probe` command (the built bin, as a subprocess) after STARTTLS and over implicit
// TLS. Both use this one instance (and its ANONYMOUS-less sibling for that refusal case).
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defineCells } from './harness/cells.js'
import { ENDPOINTS, cliDriver, defineProbeChecks, endpointName } from './harness/cli-probe.js'
import { advertised, startDovecot, type Dovecot } from './harness/dovecot.js'
import { DOVECOT_COLUMNS, dovecotDriver } from './harness/dovecot-driver.js'
import { startIntrospection } from './harness/introspection.js'
import { LineSocket } from './harness/lines.js'
import { tag } from './harness/matrix.js'
import { debianPackages, makeTempDir, removeTempDir } from './harness/process.js'
import { interopContext } from './harness/context.js'
import { account, table } from './rows.js'

const context = interopContext()
const krb5 = context.krb5!
const keytabs = ['imap', 'pop', 'smtp'].map((service) => join(krb5.dir, `${service}.keytab`))
const rows = table(context)
const dir = await makeTempDir('dovecot')
const introspection = await startIntrospection({ token: account.oauth.token, username: account.username })
const dovecot = await startDovecot(
  dir,
  [...new Set(rows.map((row) => row.name))],
  { introspectionUrl: introspection.url, keytabs },
)
const packages = await debianPackages(['dovecot-core', 'dovecot-imapd', 'dovecot-pop3d', 'dovecot-submissiond', 'dovecot-gssapi'])
// The ANONYMOUS refusal case: a second instance whose auth_mechanisms leave ANONYMOUS out.
let strict: Promise<Dovecot> | undefined
const strictDir = await makeTempDir('dovecot-no-anonymous')
const withoutAnonymous = () =>
  (strict ??= startDovecot(
    strictDir,
    dovecot.mechanisms.filter((m) => m !== 'ANONYMOUS'),
    { introspectionUrl: introspection.url, keytabs },
  ))
afterAll(async () => {
  if (strict !== undefined) await (await strict).stop()
  await removeTempDir(strictDir)
  await dovecot.stop()
  await introspection.close()
  await removeTempDir(dir)
})

// Dovecot's submission service has no anonymous login (it never advertises ANONYMOUS).
const expectedFor = (protocol: 'imap' | 'pop3' | 'submission') =>
  dovecot.mechanisms.filter((m) => !(protocol === 'submission' && m === 'ANONYMOUS'))

describe('Dovecot', () => {
  it('starts from the generated config', ({ task }) => {
    tag(task, {
      kind: 'peer',
      peer: 'dovecot',
      version: dovecot.version,
      notes: [
        `\`dovecot -F -c <tmp>/dovecot.conf\`, IMAP/POP3/submission on 127.0.0.1 (plus imaps, pop3s, submissions: implicit TLS), login user ${dovecot.users.login}, internal user ${dovecot.users.internal}`,
        ...(packages === '' ? [] : [`Debian: ${packages}`]),
        `auth_mechanisms: ${dovecot.mechanisms.join(' ')}`,
        ...[...dovecot.lacking].map(([mechanism, line]) => `lacks ${mechanism}: \`${line}\``),
      ],
    })
    expect(dovecot.pid).toBeGreaterThan(0)
    expect(dovecot.mechanisms).toContain('PLAIN')
  })

  // Not SASL: IMAP LOGIN proves the account, the userdb and the mail process work, so that a
  // SASL row that fails against Dovecot fails for SASL's sake.
  it('lets the account in with IMAP LOGIN and opens its INBOX', async () => {
    const imap = await LineSocket.connect(dovecot.ports.imap)
    try {
      await imap.readLine()
      imap.write(`a1 LOGIN ${account.username} "${account.password}"`)
      expect(await imap.readUntil((l) => l.startsWith('a1 '))).toMatch(/^a1 OK/)
      imap.write('a2 SELECT INBOX')
      expect(await imap.readUntil((l) => l.startsWith('a2 '))).toMatch(/^a2 OK/)
      imap.write('a4 LOGOUT')
      await imap.readUntil((l) => l.startsWith('a4 '))
    } finally {
      imap.close()
    }
  })

  for (const protocol of ['imap', 'pop3', 'submission'] as const) {
    it(`${protocol} advertises its mechanisms in clear and after STARTTLS`, async () => {
      const seen = await advertised(dovecot.ports[protocol], protocol, { ca: dovecot.pki.ca })
      expect(seen.starttls).toBe(true)
      expect([...seen.mechanisms].sort()).toEqual([...expectedFor(protocol)].sort())
      expect([...(seen.tlsMechanisms ?? [])].sort()).toEqual([...expectedFor(protocol)].sort())
    })
  }

  for (const column of DOVECOT_COLUMNS) {
    describe(`${column.protocol}${column.tls ? ' after STARTTLS' : ''}`, () => {
      defineCells(dovecotDriver(dovecot, column, withoutAnonymous), rows, context)
    })
  }

  // Each case is its own subprocess: run them side by side (vitest's maxConcurrency).
  describe.concurrent('saslkit probe (CLI)', () => {
    for (const endpoint of ENDPOINTS) {
      describe(endpointName(endpoint), () => {
        defineCells(cliDriver(dovecot, endpoint, withoutAnonymous, krb5), rows, context)
      })
    }
    describe('the command', () => defineProbeChecks(dovecot))
  })
})
