// `gsasl --imap` / `gsasl --smtp` (GNU SASL's network client) against saslkit's IMAP and SMTP
// server profiles, in clear and after STARTTLS. The profile answers the AUTHENTICATE/AUTH
// lines; this small server answers the rest of what gsasl sends (gsasl 2.2, src/imap.c and
// src/smtp.c): IMAP `. CAPABILITY`, `. STARTTLS`, `. LOGOUT` (tag "."); SMTP
// `EHLO [127.0.0.1]` (it looks for a `250-STARTTLS` line and `250-AUTH `/`250 AUTH `),
// `STARTTLS`, `QUIT`. gsasl never sends an initial response here.
import { createServer, type Server, type Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { imap, smtp, type ChannelBinding, type Identity, type SaslError, type ServerStep } from '../../../src/index.js'
import { account, type Case, type Row } from '../rows.js'
import type { FromPeerOutcome, Lack, PeerDriver } from './cells.js'
import { LineSocket } from './lines.js'
import type { Direction } from './matrix.js'
import type { Pki } from './pki.js'
import { mechanismArgs } from './gsasl.js'
import { PeerProcess } from './process.js'

export type NetProtocol = 'imap' | 'smtp'

/** The binding data of a TLS connection, of every type it has (RFC 9266, RFC 5929). */
function bindingsOf(socket: TLSSocket): ChannelBinding[] {
  const bindings: ChannelBinding[] = [
    { type: 'tls-exporter', data: new Uint8Array(socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0))) },
  ]
  // RFC 5929 §3.1: tls-unique is the first Finished message of the handshake, TLS 1.2 and below.
  const finished = socket.isSessionReused() ? socket.getFinished() : socket.getPeerFinished()
  if (socket.getProtocol() !== 'TLSv1.3' && finished !== undefined) bindings.push({ type: 'tls-unique', data: new Uint8Array(finished) })
  return bindings
}

interface Outcome {
  result?: { identity?: Identity; error?: SaslError }
  /** What broke our side of the connection, if anything (shown when the case fails). */
  serverError?: unknown
}

/** Serves one connection: the protocol around AUTH here, the AUTH lines by saslkit's profile. */
async function serve(raw: Socket, protocol: NetProtocol, tls: boolean, pki: Pki, row: Row, c: Case, outcome: Outcome): Promise<void> {
  const socket = LineSocket.accept(raw)
  // 127.0.0.1 counts as a protected channel (as Dovecot counts it), so plaintext mechanisms
  // are offered in clear too; the STARTTLS column adds TLS and its channel bindings.
  let channel: { secure: boolean; bindings?: ChannelBinding[] } = { secure: true }
  const service = protocol === 'imap' ? 'imap' : 'smtp'
  // The connection's own channel wins over a row's synthetic one (-PLUS binds to this TLS).
  const makeProfile = () => {
    const options = { ...row.serverOptions(c.policy, service), mechanisms: [row.mechanism], channel }
    return protocol === 'imap' ? imap.server(options) : smtp.server(options)
  }
  let profile = makeProfile()
  const upgrade = async () => {
    const secure = await socket.acceptTls({ key: pki.serverKeyPem, cert: pki.serverCertPem })
    channel = { secure: true, bindings: bindingsOf(secure) }
    profile = makeProfile()
  }
  let inExchange = false
  let upgraded = false
  socket.write(protocol === 'imap' ? '* OK saslkit interop IMAP ready' : '220 localhost saslkit interop ESMTP')
  for (;;) {
    const line = await socket.readLine(30_000)
    if (line === undefined) return
    if (inExchange || /^(\. AUTHENTICATE |AUTH )/i.test(line)) {
      const result = await profile.receive(line)
      socket.write(result.reply)
      inExchange = !result.done
      if (result.done) outcome.result = { ...(result.identity === undefined ? {} : { identity: result.identity }), ...(result.error === undefined ? {} : { error: result.error }) }
      continue
    }
    if (protocol === 'imap') {
      if (/^\. CAPABILITY$/i.test(line)) {
        const atoms = ['IMAP4rev1', ...(tls && !upgraded ? ['STARTTLS'] : []), ...(profile as imap.ImapServer).advertise()]
        socket.write(`* CAPABILITY ${atoms.join(' ')}`)
        socket.write('. OK CAPABILITY completed')
      } else if (/^\. STARTTLS$/i.test(line) && tls && !upgraded) {
        socket.write('. OK Begin TLS negotiation now')
        await upgrade()
        upgraded = true
      } else if (/^\. LOGOUT$/i.test(line)) {
        socket.write('* BYE logging out')
        socket.write('. OK LOGOUT completed')
        // gsasl ends TLS with gnutls_bye(): it wants our close_notify, not a reset.
        await socket.end()
        return
      } else socket.write('. BAD unknown command')
    } else {
      if (/^EHLO /i.test(line)) {
        const mechanisms = (profile as smtp.SmtpServer).mechanisms
        const lines = ['localhost', ...(tls && !upgraded ? ['STARTTLS'] : []), ...(mechanisms.length > 0 ? [`AUTH ${mechanisms.join(' ')}`] : []), 'ENHANCEDSTATUSCODES']
        lines.forEach((text, i) => socket.write(`250${i === lines.length - 1 ? ' ' : '-'}${text}`))
      } else if (/^STARTTLS$/i.test(line) && tls && !upgraded) {
        socket.write('220 2.0.0 Ready to start TLS')
        await upgrade()
        upgraded = true
      } else if (/^QUIT$/i.test(line)) {
        socket.write('221 2.0.0 Bye')
        await socket.end()
        return
      } else socket.write('500 5.5.1 Command unrecognized')
    }
  }
}

/** `gsasl --imap|--smtp 127.0.0.1 PORT` against one saslkit server profile. */
export async function gsaslNetToSaslkit(protocol: NetProtocol, tls: boolean, pki: Pki, caFile: string, row: Row, c: Case): Promise<FromPeerOutcome> {
  const outcome: Outcome = {}
  const served: Promise<void>[] = []
  const server: Server = createServer((socket) => {
    served.push(
      serve(socket, protocol, tls, pki, row, c, outcome)
        .catch((error: unknown) => {
          outcome.serverError = error
        })
        .finally(() => {
          socket.destroy()
        }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const credentials = c.client
  const args = [`--${protocol}`, '127.0.0.1', String(port), '-m', row.name, '--hostname', account.host, '--realm', account.realm, ...(mechanismArgs[row.name] ?? [])]
  args.push('--service', credentials.service ?? (protocol === 'imap' ? 'imap' : 'smtp'))
  args.push(...(tls ? ['--starttls', `--x509-ca-file=${caFile}`] : ['--no-starttls']))
  // gsasl takes the TLS channel binding whenever it has one; only -PLUS should use it.
  if (tls && !row.mechanism.traits.channelBinding) args.push('--no-cb')
  if (credentials.username !== undefined) args.push('-a', credentials.username)
  if (credentials.password !== undefined) args.push('-p', credentials.password)
  if (credentials.authzid !== undefined && credentials.authzid !== '') args.push('-z', credentials.authzid)
  if (credentials.trace !== undefined) args.push('-n', credentials.trace)
  const peer = new PeerProcess('gsasl', args)
  // Nothing to send as application data: gsasl logs out once stdin ends.
  peer.closeStdin()
  try {
    const exit = await peer.waitExit(30_000)
    await Promise.all(served)
    const result = outcome.result
    if (result === undefined) throw peer.failure(`gsasl ended before the exchange did${outcome.serverError === undefined ? '' : ` (server side: ${String(outcome.serverError)})`}`)
    let step: ServerStep
    if (result.identity !== undefined) step = { type: 'success', identity: result.identity }
    else if (result.error !== undefined) step = { type: 'failure', error: result.error }
    else throw peer.failure('the server profile ended the exchange with neither an identity nor an error')
    return { step, peerExit: exit }
  } finally {
    peer.stop()
    server.close()
  }
}

export function gsaslNetDriver(protocol: NetProtocol, tls: boolean, pki: Pki, caFile: string, lackOf: (row: Row, direction: Direction) => Lack | undefined): PeerDriver {
  return {
    peer: `gsasl ${protocol}${tls ? '+STARTTLS' : ''}`,
    fromPeer: (row, c) => gsaslNetToSaslkit(protocol, tls, pki, caFile, row, c),
    lack: lackOf,
    // -PLUS binds to the TLS channel: without STARTTLS there is no such case.
    applies: (row) => tls || !row.mechanism.traits.channelBinding,
  }
}
