// A minimal SMTP server that authenticates through saslkit's SMTP profile (RFC 4954):
// EHLO advertises what the channel allows, AUTH runs any saslkit mechanism, MAIL needs AUTH.
//   node examples/smtp-server.mjs [port]        user "tim", password "tanstaaftanstaaf"
import net from 'node:net'
import { pathToFileURL } from 'node:url'
import { login, plain, smtp } from '../dist/index.js'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const MAX_LINE = 16384

/** Splits a socket's bytes into CRLF-terminated lines and hands them, in order, to `handle`. */
function onLines(socket, handle) {
  const decoder = new TextDecoder()
  let buffer = ''
  let queue = Promise.resolve()
  socket.on('data', (chunk) => {
    buffer += decoder.decode(chunk, { stream: true })
    for (let end; (end = buffer.indexOf('\r\n')) >= 0; ) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      queue = queue.then(() => handle(line)).catch(() => socket.destroy())
    }
    if (buffer.length > MAX_LINE) socket.end('500 5.5.6 Line too long\r\n')
  })
}

/**
 * An SMTP server for `users` ({ name: { password } }); `options` go to the mechanisms (e.g. an
 * OAuth `validateToken`); `log` hears who authenticated and why an attempt failed.
 */
export function createServer({ users, mechanisms = [plain, login], hostname = 'localhost', options = {}, log = console.log } = {}) {
  return net.createServer((socket) => {
    // Dovecot's rule: a loopback connection is as private as TLS, so plaintext mechanisms are fine.
    const channel = { secure: LOOPBACK.has(socket.remoteAddress) }
    const auth = smtp.server({ mechanisms, channel, credentials: (u) => users[u], hostname, service: 'smtp', ...options })
    const reply = (line) => socket.write(`${line}\r\n`)
    let exchange = false
    let data = false
    let sender

    const authenticate = async (line) => {
      const r = await auth.receive(line)
      reply(r.reply)
      exchange = !r.done
      if (r.identity) log(`authenticated ${r.identity.authcid} with ${r.identity.mechanism}`)
      if (r.error) log(`authentication failed: ${r.error.code} (${r.error.reason ?? 'no reason'})`)
    }

    onLines(socket, async (line) => {
      if (exchange) return authenticate(line)
      if (data) {
        if (line === '.') [data, sender] = [false, undefined]
        if (line === '.') reply('250 2.0.0 OK: queued')
        return
      }
      const verb = line.split(' ', 1)[0].toUpperCase()
      if (verb === 'EHLO') {
        const keywords = [hostname, ...auth.advertise(), 'ENHANCEDSTATUSCODES']
        return keywords.forEach((k, i) => reply(`250${i === keywords.length - 1 ? ' ' : '-'}${k}`))
      }
      if (verb === 'AUTH') return authenticate(line)
      if (verb === 'MAIL') {
        if (auth.identity === undefined) return reply('530 5.7.0 Authentication required')
        // RFC 4954 §5: the submitter may name the identity the message is sent for.
        const param = line.split(' ').find((p) => /^AUTH=/i.test(p))
        sender = param === undefined ? auth.identity.authzid : (smtp.parseAuthParameter(param) ?? '<>')
        return reply('250 2.1.0 OK')
      }
      if (verb === 'RCPT') return reply(sender === undefined ? '503 5.5.1 MAIL first' : '250 2.1.5 OK')
      if (verb === 'DATA') {
        if (sender === undefined) return reply('503 5.5.1 MAIL first')
        data = true
        return reply('354 End data with <CR><LF>.<CR><LF>')
      }
      if (verb === 'RSET' || verb === 'NOOP') return reply('250 2.0.0 OK')
      if (verb === 'QUIT') return socket.end('221 2.0.0 Bye\r\n')
      reply('502 5.5.1 Command not implemented')
    })
    socket.on('error', () => socket.destroy())
    reply(`220 ${hostname} ESMTP saslkit example`)
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? 2525)
  const server = createServer({ users: { tim: { password: 'tanstaaftanstaaf' } } })
  server.listen(port, '127.0.0.1', () => console.log(`SMTP on 127.0.0.1:${server.address().port}`))
}
