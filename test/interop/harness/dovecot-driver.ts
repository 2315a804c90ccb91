// saslkit's IMAP, POP3 and SMTP client profiles against Dovecot's imap-login, pop3-login and
// submission-login, in clear and after STARTTLS. The profile does the AUTHENTICATE/AUTH lines;
// this driver does what comes before (greeting, capabilities, STARTTLS) and after (LOGOUT).
import { SaslError, imap, pop3, smtp, type SaslClient } from '../../../src/index.js'
import type { Case, Row } from '../rows.js'
import { gssapiServerOffersNoLayer, type Lack, type PeerDriver, type ToPeerOutcome } from './cells.js'
import { advertised, type Dovecot } from './dovecot.js'
import { LineSocket } from './lines.js'
import type { Direction } from './matrix.js'

export type Protocol = 'imap' | 'pop3' | 'submission'

/** The GSS-API service of each protocol (RFC 4752 §3.1 with the IANA service names Dovecot uses). */
export const GSS_SERVICE: Readonly<Record<Protocol, string>> = { imap: 'imap', pop3: 'pop', submission: 'smtp' }

/** Codes with which a server refuses credentials (or policy), as the profiles map its replies. */
const REFUSAL_CODES = new Set(['not-authorized', 'invalid-authzid', 'mechanism-too-weak', 'invalid-mechanism', 'account-disabled'])

interface Session {
  readonly socket: LineSocket
  readonly mechanisms: readonly string[]
  readonly saslIr: boolean
}

/** Connects, reads the capabilities, and upgrades with STARTTLS when asked (presenting the account's certificate for EXTERNAL). */
async function open(dovecot: Dovecot, protocol: Protocol, tls: boolean, clientCertificate: boolean): Promise<Session> {
  const socket = await LineSocket.connect(dovecot.ports[protocol])
  const tlsOptions = {
    ca: dovecot.pki.ca,
    servername: 'localhost',
    ...(clientCertificate ? { cert: dovecot.pki.clientCert, key: dovecot.pki.clientKey } : {}),
  }
  try {
    if (protocol === 'imap') {
      await socket.readUntil((l) => l.startsWith('* '))
      if (tls) {
        socket.write('S1 STARTTLS')
        await socket.readUntil((l) => l.startsWith('S1 OK'))
        await socket.startTls(tlsOptions)
      }
      socket.write('C1 CAPABILITY')
      const line = await socket.readUntil((l) => /^\* CAPABILITY /i.test(l))
      await socket.readUntil((l) => l.startsWith('C1 OK'))
      const caps = imap.parseCapabilities(line)
      return { socket, mechanisms: caps.mechanisms, saslIr: caps.saslIr }
    }
    if (protocol === 'pop3') {
      await socket.readUntil((l) => l.startsWith('+OK'))
      if (tls) {
        socket.write('STLS')
        await socket.readUntil((l) => l.startsWith('+OK'))
        await socket.startTls(tlsOptions)
      }
      socket.write('CAPA')
      const lines = [await socket.readUntil(() => true)]
      while (lines[lines.length - 1] !== '.') lines.push(await socket.readUntil(() => true))
      return { socket, mechanisms: pop3.parseCapabilities(lines).mechanisms, saslIr: true }
    }
    await socket.readUntil((l) => l.startsWith('220 '))
    const ehlo = async () => {
      socket.write('EHLO client.example')
      const lines = [await socket.readUntil(() => true)]
      while (!/^250(?: |$)/.test(lines[lines.length - 1]!)) lines.push(await socket.readUntil(() => true))
      return smtp.parseEhlo(lines)
    }
    let caps = await ehlo()
    if (tls) {
      socket.write('STARTTLS')
      await socket.readUntil((l) => l.startsWith('220 '))
      await socket.startTls(tlsOptions)
      caps = await ehlo()
    }
    return { socket, mechanisms: caps.mechanisms, saslIr: true }
  } catch (error) {
    socket.close()
    throw error
  }
}

function exchangeFor(protocol: Protocol, client: SaslClient, saslIr: boolean) {
  if (protocol === 'imap') return imap.client(client, { tag: 'A1', saslIr })
  if (protocol === 'pop3') return pop3.client(client)
  return smtp.client(client)
}

/** One case: saslkit's client through the protocol profile, to the end of the exchange. */
async function saslkitToDovecot(dovecot: Dovecot, protocol: Protocol, tls: boolean, row: Row, c: Case): Promise<ToPeerOutcome> {
  // GSSAPI's right ticket is for this protocol's service; the wrong case names its own.
  const client = row.newClient({ service: GSS_SERVICE[protocol], ...c.client })
  const session = await open(dovecot, protocol, tls, row.name === 'EXTERNAL')
  const { socket } = session
  try {
    // (The policy case tries a mechanism the strict instance does not offer: Dovecot must refuse it.)
    if (c.policy.anonymous && !session.mechanisms.includes(row.name)) {
      throw socket.failure(`Dovecot does not advertise ${row.name} here: ${session.mechanisms.join(' ')}`)
    }
    const exchange = exchangeFor(protocol, client, session.saslIr)
    socket.write(await exchange.begin())
    for (;;) {
      const line = await socket.readLine()
      if (line === undefined) throw socket.failure('Dovecot closed the connection during the exchange')
      let action
      try {
        action = await exchange.receive(line)
      } catch (error) {
        // A refusal is the server's reply (kept on the error); anything local is a failure.
        if (error instanceof SaslError && error.reply !== undefined && REFUSAL_CODES.has(error.code)) {
          return { status: 'refused', detail: `${error.code}: ${line}` }
        }
        throw error
      }
      if (action.send !== undefined) socket.write(action.send)
      if (action.done === true) break
    }
    socket.write(protocol === 'imap' ? 'A2 LOGOUT' : 'QUIT')
    return { status: 'success' }
  } finally {
    socket.close()
  }
}

/** Evidence (the matrix footnote) for a mechanism Dovecot's build refuses, from the launcher's log line. */
export const buildLacks = (line: string): string => `Dovecot's auth process refuses it: \`${line}\``

/** Evidence for ANONYMOUS over submission. */
export const SUBMISSION_LACKS_ANONYMOUS = "Dovecot's submission service never offers ANONYMOUS (no anonymous login there), though auth_mechanisms has it"

export interface DovecotColumn {
  readonly protocol: Protocol
  readonly tls: boolean
}

/**
 * The driver for one column. `withoutAnonymous` is a second Dovecot whose auth_mechanisms
 * leave ANONYMOUS out: Dovecot's policy for "no anonymous logins" (the ANONYMOUS refusal case).
 */
export function dovecotDriver(dovecot: Dovecot, column: DovecotColumn, withoutAnonymous: () => Promise<Dovecot>): PeerDriver {
  const { protocol, tls } = column
  const toPeer = async (row: Row, c: Case): Promise<ToPeerOutcome> => {
    const target = c.policy.anonymous ? dovecot : await withoutAnonymous()
    return saslkitToDovecot(target, protocol, tls, row, c)
  }
  const lack = (row: Row, direction: Direction): Lack | undefined => {
    if (direction !== 'saslkit→peer') return undefined
    if (row.name === 'GSSAPI' && row.securityLayer !== undefined && row.securityLayer !== 'none') return gssapiServerOffersNoLayer(toPeer, "Dovecot's")(row)
    const line = dovecot.lacking.get(row.name)
    if (line !== undefined) {
      return {
        evidence: buildLacks(line),
        // The launcher saw that line in this run: it started Dovecot with the mechanism and
        // restarted it without (harness/dovecot.ts); a build that takes it gets the cases.
        verify: async () => {
          if (!/Unknown authentication mechanism/.test(dovecot.lacking.get(row.name) ?? '')) throw new Error(`Dovecot took ${row.name}`)
        },
      }
    }
    if (protocol === 'submission' && row.name === 'ANONYMOUS') {
      return {
        evidence: SUBMISSION_LACKS_ANONYMOUS,
        verify: async () => {
          const seen = await advertised(dovecot.ports.submission, 'submission', { ca: dovecot.pki.ca })
          if ([...seen.mechanisms, ...(seen.tlsMechanisms ?? [])].includes('ANONYMOUS')) throw new Error('Dovecot submission now offers ANONYMOUS')
        },
      }
    }
    return undefined
  }
  return {
    peer: `dovecot ${protocol}${tls ? '+STARTTLS' : ''}`,
    toPeer,
    lack,
    // EXTERNAL's identity is the TLS client certificate, and -PLUS binds to the TLS channel:
    // without TLS there is no such case.
    applies: (row) => tls || (row.name !== 'EXTERNAL' && !row.mechanism.traits.channelBinding),
  }
}

/** Every column, in the order of the matrix. */
export const DOVECOT_COLUMNS: readonly DovecotColumn[] = (['imap', 'pop3', 'submission'] as const).flatMap((protocol) => [
  { protocol, tls: false },
  { protocol, tls: true },
])

