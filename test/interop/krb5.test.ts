// The MIT Kerberos realm the GSSAPI rows run on (test/krb5/realm.ts, started by
// harness/krb5-setup.ts): its KDC answers on 127.0.0.1 and the client holds a ticket.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { interopContext } from './harness/context.js'
import { tag } from './harness/matrix.js'
import { debianPackages, run } from './harness/process.js'

const context = interopContext()
const krb5 = context.krb5!

describe('MIT Kerberos', () => {
  it('runs a KDC on 127.0.0.1 and the client holds a ticket', async ({ task }) => {
    const version = await run('krb5-config', ['--version'])
    const addon = JSON.parse(await readFile(join(krb5.kerberosPackage, 'package.json'), 'utf8')) as { version: string }
    const packages = await debianPackages(['krb5-kdc', 'krb5-user', 'libgssapi-krb5-2', 'libkrb5-dev'])
    tag(task, {
      kind: 'peer',
      peer: 'mit-krb5',
      version: version.stdout.trim(),
      notes: [
        `test/krb5/realm.ts: realm SASLKIT.TEST, \`krb5kdc -n\` on 127.0.0.1 (a free port), principals alice, imap/, pop/, smtp/, ldap/localhost`,
        ...(packages === '' ? [] : [`Debian: ${packages}`]),
        `saslkit's GSSAPI providers: test/krb5/mit.ts (gss-helper on libgssapi_krb5) and the \`kerberos\` npm addon ${addon.version}`,
      ],
    })
    expect(version.stdout).toMatch(/^Kerberos 5 release \d/)
    // klist -s: silent, exit 0 when the credential cache holds a valid ticket.
    expect((await run('klist', ['-s'], { env: krb5.env })).code).toBe(0)
  })
})
