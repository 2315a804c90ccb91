// The real `saslkit` bin (node dist/cli.js) as a subprocess, probing the sandbox (`serve`,
// run in-process here) over loopback: every mechanism saslkit exports, over SMTP, IMAP and
// POP3, with STARTTLS and in cleartext; implicit TLS; every error path with its exit code and
// its one line; `hash` output accepted by the server mechanisms; open-relay checks.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MECHANISMS } from '../../../src/cli/mechanisms.js'
import { serve, type RunningServer } from '../../../src/cli/serve.js'
import { acceptor } from './gss-provider.mjs'
import { ROOT, cli, closedPort, makeCertificates, oneLineError, read, scriptedServer, type Certificates, type CliRun } from './helpers.js'

const PASSWORD = 'tanstaaftanstaaf'
const TOKEN = 'ya29.cli-suite-bearer-token'
const OAUTH1 = { consumerKey: 'cli-consumer', consumerSecret: 'cli-consumer-secret', token: 'cli-oauth1-token', tokenSecret: 'cli-token-secret' }
const SECRETS = [PASSWORD, TOKEN, OAUTH1.consumerSecret, OAUTH1.token, OAUTH1.tokenSecret, 'ann-stored-secret']
const ENV = { PW: PASSWORD, TOKEN, OAUTH1_TOKEN: OAUTH1.token, CS: OAUTH1.consumerSecret, TS: OAUTH1.tokenSecret, ANN: 'ann-stored-secret', WRONG: 'not-the-password' }
const GSS_PROVIDER = path.join(ROOT, 'test/node/cli/gss-provider.mjs')
const PROTOCOLS = ['smtp', 'imap', 'pop3'] as const
const FAILURE_LINES = { smtp: '535 5.7.8 Authentication credentials invalid', imap: 'NO [AUTHENTICATIONFAILED] Authentication failed', pop3: '-ERR [AUTH] Authentication failed' }

let certs: Certificates
let sandbox: RunningServer
let hashes: Record<string, string>
const ports: Record<string, number> = {}

/** The flags that give a mechanism its credentials; a mechanism not listed here fails the suite. */
function credentialFlags(name: string): string[] {
  if (/^(?:PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|NTLM|SCRAM-SHA-(?:1|256|512)(?:-PLUS)?)$/.test(name)) return ['--user', 'tim', '--password-env', 'PW']
  if (/^(?:OAUTHBEARER|XOAUTH2)$/.test(name)) return ['--user', 'tim', '--token-env', 'TOKEN']
  if (/^(?:OAUTH10A|XOAUTH)$/.test(name)) return ['--user', 'tim', '--token-env', 'OAUTH1_TOKEN', '--consumer-key', OAUTH1.consumerKey, '--consumer-secret-env', 'CS', '--token-secret-env', 'TS']
  if (name === 'GSSAPI') return ['--gssapi-provider', GSS_PROVIDER]
  if (name === 'EXTERNAL') return ['--cert', certs.clientCert, '--key', certs.clientKey]
  if (name === 'ANONYMOUS') return []
  throw new Error(`the CLI suite has no credentials for ${name}: add them here`)
}

async function probe(url: string, flags: readonly string[], env: Record<string, string> = ENV): Promise<CliRun & { json?: { ok: boolean; mechanism?: string; authenticated?: boolean; tls?: object; transcript: unknown[] } }> {
  const run = await cli(['probe', url, '--timeout', '10', ...flags], { env })
  // No secret reaches the terminal, whatever happened.
  for (const secret of SECRETS) {
    expect(run.stdout).not.toContain(secret)
    expect(run.stderr).not.toContain(secret)
  }
  if (!flags.includes('--json')) return run
  return { ...run, json: JSON.parse(run.stdout) }
}

beforeAll(async () => {
  certs = await makeCertificates()
  // `hash` output for every scheme this build supports, for user ann (DIGEST-MD5's realm is
  // the sandbox's hostname).
  const schemes = ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'CRAM-MD5', 'DIGEST-MD5', 'NTLM']
  const outputs = await Promise.all(schemes.map((scheme) => cli(['hash', '--scheme', scheme, '--user', 'ann', '--realm', 'localhost'], { stdin: `${ENV.ANN}\n` })))
  hashes = {}
  outputs.forEach((run, i) => {
    expect(run.code, run.stderr).toBe(0)
    hashes[schemes[i]!] = run.stdout.trim()
  })
  sandbox = await serve({
    smtp: 0,
    imap: 0,
    pop3: 0,
    smtps: 0,
    imaps: 0,
    pop3s: 0,
    tls: { cert: read(certs.cert), key: read(certs.key), clientCa: read(certs.clientCert) },
    users: {
      tim: { password: PASSWORD, tokens: [TOKEN], oauth1: [OAUTH1] },
      ann: { password: Object.values(hashes) },
    },
    gssapi: acceptor,
  })
  for (const l of sandbox.listeners) ports[`${l.protocol}${l.tls === 'implicit' ? 's' : ''}`] = l.port
}, 30000)

afterAll(async () => {
  await sandbox?.close()
})

describe('probe against serve: every mechanism, every protocol, with and without TLS', () => {
  it('the sandbox offers every mechanism saslkit exports (GSSAPI through the provider module)', () => {
    expect(sandbox.mechanisms).toEqual(MECHANISMS.map((m) => m.name))
    expect(sandbox.mechanisms).toEqual(expect.arrayContaining(['PLAIN', 'SCRAM-SHA-256-PLUS', 'GSSAPI', 'NTLM', 'OAUTHBEARER']))
  })

  describe.concurrent('STARTTLS', () => {
    for (const protocol of PROTOCOLS) {
      for (const { name } of MECHANISMS) {
        it(`${name} over ${protocol.toUpperCase()} with STARTTLS`, async () => {
          const run = await probe(`${protocol}://localhost:${ports[protocol]}`, ['--ca', certs.cert, '--mech', name, '--json', ...credentialFlags(name)])
          expect(run.code, run.stderr).toBe(0)
          expect(run.json).toMatchObject({ ok: true, mechanism: name, authenticated: true, tls: { verified: true } })
          expect(run.stderr).toBe('')
        })
      }
    }
  })

  describe.concurrent('cleartext (--no-starttls, loopback)', () => {
    for (const protocol of PROTOCOLS) {
      for (const { name, traits } of MECHANISMS) {
        it(`${name} over ${protocol.toUpperCase()} without TLS`, async () => {
          const run = await probe(`${protocol}://localhost:${ports[protocol]}`, ['--no-starttls', '--mech', name, ...credentialFlags(name)])
          if (traits.channelBinding) {
            // No TLS, no binding data: refused before anything is sent.
            expect(run.code).toBe(6)
            expect(oneLineError(run)).toMatch(new RegExp(`^cannot use ${name}: `))
          } else if (name === 'EXTERNAL') {
            // No client certificate without TLS: the server has no identity to give.
            expect(run.code).toBe(1)
            expect(oneLineError(run)).toBe(FAILURE_LINES[protocol])
          } else {
            expect(run.code, run.stderr).toBe(0)
            expect(run.stdout).toMatch(new RegExp(`authenticated with ${name} \\(${protocol.toUpperCase()} localhost:\\d+, \\d+ round trips?, \\d+ ms\\)\\n$`))
          }
        })
      }
    }
  })

  describe.concurrent('implicit TLS', () => {
    for (const protocol of PROTOCOLS) {
      it(`${protocol}s:// authenticates with the strongest mechanism (SCRAM -PLUS over TLS)`, async () => {
        const run = await probe(`${protocol}s://127.0.0.1:${ports[`${protocol}s`]}`, ['--ca', certs.cert, '--user', 'tim', '--password-env', 'PW', '--json'])
        expect(run.code, run.stderr).toBe(0)
        expect(run.json?.mechanism).toBe(MECHANISMS.filter((m) => m.traits.channelBinding)[0]?.name)
      })
    }
  })
})

describe.concurrent('transcripts', () => {
  it('show each base64 line decoded; a line holding the password is cut before it', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--ca', certs.cert, '--user', 'tim', '--password-env', 'PW', '--mech', 'PLAIN'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('C: STARTTLS')
    expect(run.stdout).toMatch(/\(TLS established: TLSv1\.[23], .*, certificate CN=localhost, verified\)/)
    // "\0tim\0" fills 6 base64 characters exactly; the 7th would carry password bits.
    expect(run.stdout).toContain('C: AUTH PLAIN AHRpbQ…\n')
    expect(run.stdout).toContain('authcid: "tim"')
    expect(run.stdout).toContain('passwd: ‹redacted›')
  })

  it('LOGIN: the username shows, the password line does not', async () => {
    const run = await probe(`imap://127.0.0.1:${ports.imap}`, ['--no-starttls', '--user', 'tim', '--password-env', 'PW', '--mech', 'LOGIN'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('C: dGlt\n')
    expect(run.stdout).toContain('password: ‹redacted›')
    expect(run.stdout).toMatch(/\nC: …\n/)
  })

  it('SCRAM: attributes decoded, the proof and signature shortened', async () => {
    const run = await probe(`pop3://localhost:${ports.pop3}`, ['--ca', certs.cert, '--user', 'tim', '--password-env', 'PW', '--mech', 'SCRAM-SHA-256-PLUS'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/channel-binding flag: p=tls-exporter/)
    expect(run.stdout).toMatch(/i \(iterations\): 4096/)
    expect(run.stdout).toMatch(/p \(client proof\): [A-Za-z0-9+/]{8}…\n/)
    expect(run.stdout).toMatch(/v \(server signature\): [A-Za-z0-9+/]{8}…\n/)
  })

  it('NTLM: field by field, with flag names and AV pairs, Extended Protection bound to the certificate', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--ca', certs.cert, '--user', 'tim', '--password-env', 'PW', '--mech', 'NTLM'])
    expect(run.code).toBe(0)
    for (const text of ['NEGOTIATE_MESSAGE (type 1)', 'CHALLENGE_MESSAGE (type 2)', 'AUTHENTICATE_MESSAGE (type 3)', 'NEGOTIATE_UNICODE', 'MsvAvNbDomainName', 'NTProofStr', 'MIC_PRESENT']) {
      expect(run.stdout).toContain(text)
    }
    expect(run.stdout).toMatch(/MsvAvChannelBindings: (?!0{32})[0-9a-f]{32}/)
  })

  it('OAuth: the bearer token is redacted, and so is the line that carries it', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--ca', certs.cert, '--user', 'tim', '--token-env', 'TOKEN', '--mech', 'XOAUTH2', '--json'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Bearer ‹redacted›')
  })

  it('without --user: lists what is offered and stops', async () => {
    const run = await probe(`submission://localhost:${ports.smtp}`, ['--ca', certs.cert])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('(no --user or --mech: not authenticating)')
    expect(run.stdout).not.toMatch(/^C: AUTH/m)
  })
})

describe.concurrent('hash output is accepted by the server mechanisms', () => {
  const served = (scheme: string) => MECHANISMS.filter((m) => m.name === scheme || m.name === `${scheme}-PLUS`)
  for (const scheme of ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'CRAM-MD5', 'DIGEST-MD5', 'NTLM']) {
    it(`{${scheme}} from saslkit hash authenticates ann`, async () => {
      expect(hashes[scheme]).toMatch(new RegExp(`^\\{${scheme}\\}\\S+$`))
      expect(served(scheme).length).toBeGreaterThan(0)
      for (const mechanism of served(scheme)) {
        const run = await probe(`imap://localhost:${ports.imap}`, ['--ca', certs.cert, '--user', 'ann', '--password-env', 'ANN', '--mech', mechanism.name])
        expect(run.code, `${mechanism.name}: ${run.stderr}`).toBe(0)
      }
    })
  }
  it('a stored form serves only its own mechanism: PLAIN for ann fails', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--ca', certs.cert, '--user', 'ann', '--password-env', 'ANN', '--mech', 'PLAIN'])
    expect(run.code).toBe(1)
    expect(oneLineError(run)).toBe(FAILURE_LINES.smtp)
  })
})

describe.concurrent('error paths: exit code and one line', () => {
  for (const protocol of PROTOCOLS) {
    it(`wrong password over ${protocol.toUpperCase()}: exit 1 and the server's reply`, async () => {
      const run = await probe(`${protocol}://localhost:${ports[protocol]}`, ['--ca', certs.cert, '--user', 'tim', '--password-env', 'WRONG', '--mech', 'PLAIN'])
      expect(run.code).toBe(1)
      expect(oneLineError(run)).toBe(FAILURE_LINES[protocol])
    })
  }

  it('unknown mechanism: exit 2', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--ca', certs.cert, '--user', 'tim', '--password-env', 'PW', '--mech', 'X-UNHEARD-OF'])
    expect(run.code).toBe(2)
    expect(oneLineError(run)).toMatch(/^unknown mechanism X-UNHEARD-OF \(saslkit has: .*PLAIN.*\)$/)
  })

  it('a mechanism the server does not have: exit 1 and its 504', async () => {
    const server = await scriptedServer(async ({ say, lines }) => {
      say('220 scripted ESMTP')
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        if (next.value.startsWith('EHLO')) say('250-scripted\r\n250 AUTH PLAIN')
        else if (next.value.startsWith('AUTH')) say('504 5.5.4 Unrecognized authentication type')
        else if (next.value === 'QUIT') say('221 bye')
      }
    })
    try {
      const run = await probe(`smtp://127.0.0.1:${server.port}`, ['--no-starttls', '--user', 'tim', '--password-env', 'PW', '--mech', 'CRAM-MD5'])
      expect(run.code).toBe(1)
      expect(oneLineError(run)).toBe('504 5.5.4 Unrecognized authentication type')
      expect(run.stdout).toContain('(the server does not advertise CRAM-MD5; trying it anyway)')
    } finally {
      await server.close()
    }
  })

  it('nothing usable offered: exit 6', async () => {
    const server = await scriptedServer(async ({ say, lines }) => {
      say('220 scripted ESMTP')
      for (let next = await lines.next(); !next.done; next = await lines.next()) if (next.value.startsWith('EHLO')) say('250-scripted\r\n250 AUTH X-FOO X-BAR')
    })
    try {
      const run = await probe(`smtp://127.0.0.1:${server.port}`, ['--no-starttls', '--user', 'tim', '--password-env', 'PW'])
      expect(run.code).toBe(6)
      expect(oneLineError(run)).toMatch(/^no usable mechanism: the server offers X-FOO X-BAR; with these credentials saslkit could use .*PLAIN/)
    } finally {
      await server.close()
    }
  })

  it('the server closes the connection mid-exchange: exit 3', async () => {
    const server = await scriptedServer(async ({ say, lines, socket }) => {
      say('220 scripted ESMTP')
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        if (next.value.startsWith('EHLO')) say('250-scripted\r\n250 AUTH LOGIN')
        if (next.value.startsWith('AUTH')) say('334 VXNlcm5hbWU6')
        if (next.value === 'dGlt') socket.destroy()
      }
    })
    try {
      const run = await probe(`smtp://127.0.0.1:${server.port}`, ['--no-starttls', '--user', 'tim', '--password-env', 'PW'])
      expect(run.code).toBe(3)
      expect(oneLineError(run)).toBe(`connection closed by the server (127.0.0.1:${server.port}) while waiting for the reply to AUTH LOGIN`)
    } finally {
      await server.close()
    }
  })

  it('connection refused: exit 3', async () => {
    const port = await closedPort()
    const run = await probe(`imap://127.0.0.1:${port}`, ['--user', 'tim', '--password-env', 'PW'])
    expect(run.code).toBe(3)
    expect(oneLineError(run)).toBe(`connection refused (127.0.0.1:${port})`)
  })

  it('timeout waiting for the greeting: exit 5', async () => {
    const server = await scriptedServer(() => undefined)
    try {
      const run = await cli(['probe', `pop3://127.0.0.1:${server.port}`, '--timeout', '0.3'])
      expect(run.code).toBe(5)
      expect(oneLineError(run)).toBe(`timeout: no reply from 127.0.0.1:${server.port} within 0.3 s (waiting for the greeting)`)
    } finally {
      await server.close()
    }
  })

  it('timeout in the middle of AUTH: exit 5', async () => {
    const server = await scriptedServer(async ({ say, lines }) => {
      say('220 scripted ESMTP')
      for (let next = await lines.next(); !next.done; next = await lines.next()) if (next.value.startsWith('EHLO')) say('250-scripted\r\n250 AUTH PLAIN')
    })
    try {
      const run = await cli(['probe', `smtp://127.0.0.1:${server.port}`, '--no-starttls', '--user', 'tim', '--password-env', 'PW', '--timeout', '300ms'], { env: ENV })
      expect(run.code).toBe(5)
      expect(oneLineError(run)).toBe(`timeout: no reply from 127.0.0.1:${server.port} within 0.3 s (waiting for the reply to AUTH PLAIN)`)
    } finally {
      await server.close()
    }
  })

  it('TLS: a self-signed certificate without --ca: exit 4', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--user', 'tim', '--password-env', 'PW'])
    expect(run.code).toBe(4)
    expect(oneLineError(run)).toBe('TLS: self-signed certificate (trust it with --ca FILE, or --insecure for a test server)')
  })

  it('TLS: --insecure accepts it, and the transcript says it was not verified', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--insecure', '--user', 'tim', '--password-env', 'PW'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/NOT verified: DEPTH_ZERO_SELF_SIGNED_CERT/)
  })

  it('serve offers EXTERNAL only when it asks clients for a certificate (--client-ca)', async () => {
    expect(sandbox.mechanisms).toContain('EXTERNAL')
    const noClientCa = await serve({ smtp: 0, tls: { cert: read(certs.cert), key: read(certs.key) } })
    try {
      expect(noClientCa.mechanisms).not.toContain('EXTERNAL')
      expect(noClientCa.mechanisms).toContain('PLAIN')
    } finally {
      await noClientCa.close()
    }
  })

  it('TLS: an expired certificate: exit 4', async () => {
    const expired = await serve({ smtp: 0, tls: { cert: read(certs.expiredCert), key: read(certs.expiredKey) } })
    try {
      const run = await probe(`smtp://localhost:${expired.listeners[0]!.port}`, ['--ca', certs.expiredCert, '--user', 'tim', '--password-env', 'PW'])
      expect(run.code).toBe(4)
      expect(oneLineError(run)).toBe('TLS: certificate has expired')
    } finally {
      await expired.close()
    }
  })

  it('TLS: a certificate for another name: exit 4', async () => {
    const other = await serve({ imap: 0, tls: { cert: read(certs.otherCert), key: read(certs.otherKey) } })
    try {
      const run = await probe(`imap://127.0.0.1:${other.listeners[0]!.port}`, ['--ca', certs.otherCert, '--user', 'tim', '--password-env', 'PW'])
      expect(run.code).toBe(4)
      expect(oneLineError(run)).toMatch(/^TLS: .*(?:IP: 127\.0\.0\.1 is not in the cert's list|does not match)/)
    } finally {
      await other.close()
    }
  })

  it('TLS: smtps:// to a cleartext port: exit 4', async () => {
    const run = await probe(`smtps://127.0.0.1:${ports.smtp}`, ['--ca', certs.cert, '--user', 'tim', '--password-env', 'PW'])
    expect(run.code).toBe(4)
    expect(oneLineError(run)).toMatch(/^TLS: /)
  })

  for (const protocol of PROTOCOLS) {
    it(`no STARTTLS offered over ${protocol.toUpperCase()}: exit 4, never a cleartext fallback`, async () => {
      const plain = await serve({ [protocol]: 0 })
      try {
        const run = await probe(`${protocol}://127.0.0.1:${plain.listeners[0]!.port}`, ['--user', 'tim', '--password-env', 'PW'])
        expect(run.code).toBe(4)
        expect(oneLineError(run)).toBe(`the server does not offer ${protocol === 'pop3' ? 'STLS' : 'STARTTLS'}; refusing to continue in cleartext (--no-starttls allows it)`)
        expect(run.stdout).not.toMatch(/C: (?:\S+ )?AUTH/)
      } finally {
        await plain.close()
      }
    })
  }

  it('STARTTLS response injection (data after the 220): exit 4', async () => {
    const server = await scriptedServer(async ({ say, lines }) => {
      say('220 scripted ESMTP')
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        if (next.value.startsWith('EHLO')) say('250-scripted\r\n250 STARTTLS')
        if (next.value === 'STARTTLS') say('220 go ahead\r\n250 AUTH PLAIN')
      }
    })
    try {
      const run = await probe(`smtp://127.0.0.1:${server.port}`, ['--user', 'tim', '--password-env', 'PW'])
      expect(run.code).toBe(4)
      expect(oneLineError(run)).toMatch(/injection/)
    } finally {
      await server.close()
    }
  })

  it('secrets on the command line are refused: exit 2', async () => {
    for (const args of [
      ['--password', 'x'],
      ['--password=x'],
      ['--token=x'],
    ]) {
      const run = await cli(['probe', `smtp://127.0.0.1:${ports.smtp}`, '--user', 'tim', ...args])
      expect(run.code).toBe(2)
      expect(oneLineError(run)).toMatch(/is not accepted: secrets on the command line are visible to other users/)
    }
    const url = await cli(['probe', `smtp://tim:secret@127.0.0.1:${ports.smtp}`])
    expect(url.code).toBe(2)
    expect(oneLineError(url)).toBe('a password in the URL would be visible to other users: use --password-env VAR or --password-stdin')
    const unset = await cli(['probe', `smtp://127.0.0.1:${ports.smtp}`, '--user', 'tim', '--password-env', 'NOT_SET'])
    expect(unset.code).toBe(2)
    expect(oneLineError(unset)).toBe('--password-env: environment variable NOT_SET is not set')
  })

  it('--password-stdin reads the first line', async () => {
    const run = await cli(['probe', `smtp://127.0.0.1:${ports.smtp}`, '--no-starttls', '--user', 'tim', '--password-stdin', '--mech', 'PLAIN', '-q'], { stdin: `${PASSWORD}\nignored\n` })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^authenticated with PLAIN \(SMTP 127\.0\.0\.1:\d+, 1 round trip, \d+ ms\)\n$/)
  })

  it('usage errors: exit 2', async () => {
    for (const [args, line] of [
      [['probe'], 'expected one URL, e.g. submission://mail.example.com (see --help)'],
      [['probe', 'ftp://example.com'], 'unsupported scheme ftp: (use smtp, submission, smtps, imap, imaps, pop3, pop3s)'],
      [['probe', `imap://127.0.0.1:${ports.imap}`, '--check-open-relay'], '--check-open-relay is for SMTP servers'],
      [['probe', 'smtp://x', '--timeout', 'soon'], '--timeout: expected seconds (e.g. 10, 0.5, 500ms), got soon'],
      [['probe', 'smtp://x', '--bogus'], "Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"" ],
      [['frobnicate'], 'unknown command frobnicate (probe, serve, encode, decode, hash; see saslkit --help)'],
    ] as const) {
      const run = await cli(args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(oneLineError(run)).toBe(line)
    }
  })
})

describe.concurrent('--check-open-relay', () => {
  it('against the sandbox: refused without AUTH (530 5.7.0), RSET, never DATA; then authenticates', async () => {
    const run = await probe(`smtp://localhost:${ports.smtp}`, ['--ca', certs.cert, '--check-open-relay', '--user', 'tim', '--password-env', 'PW', '--json'])
    expect(run.code).toBe(0)
    const json = run.json as unknown as { openRelay: object; authenticated: boolean }
    expect(json.openRelay).toEqual({ accepted: false, stage: 'MAIL', reply: '530 5.7.0 Authentication required' })
    expect(json.authenticated).toBe(true)
    expect(run.stdout).toContain('"line": "RSET"')
    expect(run.stdout).not.toContain('"line": "DATA"')
  })

  it('a server that accepts the recipient without AUTH: exit 7, and no DATA sent', async () => {
    const server = await scriptedServer(async ({ say, lines }) => {
      say('220 open ESMTP')
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        const verb = next.value.split(/[ :]/)[0]
        if (verb === 'EHLO') say('250-open\r\n250 STARTTLS')
        else if (verb === 'MAIL' || verb === 'RSET') say('250 2.1.0 OK')
        else if (verb === 'RCPT') say('250 2.1.5 OK')
        else if (verb === 'QUIT') say('221 bye')
        else say('502 no')
      }
    })
    try {
      const run = await probe(`smtp://127.0.0.1:${server.port}`, ['--no-starttls', '--check-open-relay'])
      expect(run.code).toBe(7)
      expect(oneLineError(run)).toBe('open relay: the server accepted RCPT TO without AUTH (250 2.1.5 OK)')
      expect(server.received).toEqual(expect.arrayContaining(['MAIL FROM:<saslkit-relay-check@example.com>', 'RCPT TO:<saslkit-relay-check@example.net>', 'RSET']))
      expect(server.received.some((l) => /^DATA/i.test(l))).toBe(false)
    } finally {
      await server.close()
    }
  })

  it('a recipient refused with 550 or 554 counts as refused', async () => {
    for (const reply of ['550 5.7.1 Relaying denied', '554 5.7.1 Relay access denied']) {
      const server = await scriptedServer(async ({ say, lines }) => {
        say('220 closed ESMTP')
        for (let next = await lines.next(); !next.done; next = await lines.next()) {
          const verb = next.value.split(/[ :]/)[0]
          if (verb === 'EHLO') say('250 closed')
          else if (verb === 'MAIL' || verb === 'RSET') say('250 OK')
          else if (verb === 'RCPT') say(reply)
          else if (verb === 'QUIT') say('221 bye')
        }
      })
      try {
        const run = await probe(`smtp://127.0.0.1:${server.port}`, ['--no-starttls', '--check-open-relay', '--json'])
        expect(run.code).toBe(0)
        expect((run.json as unknown as { openRelay: object }).openRelay).toEqual({ accepted: false, stage: 'RCPT', reply })
      } finally {
        await server.close()
      }
    }
  })
})
