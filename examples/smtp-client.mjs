// An SMTP submission client: EHLO, STARTTLS when offered, then AUTH with the best mechanism
// both sides have (saslkit's negotiate over the EHLO list), through saslkit's SMTP profile.
//   node examples/smtp-client.mjs <host> <port> <username> <password>
import net from 'node:net'
import tls from 'node:tls'
import { once } from 'node:events'
import { pathToFileURL } from 'node:url'
import { login, negotiate, plain, smtp } from '../dist/index.js'

/** Every mechanism that authenticates with a username and a password. */
export const passwordMechanisms = [plain, login]

/** Returns a function that resolves to the socket's next CRLF-terminated line. */
function lineReader(socket) {
  const decoder = new TextDecoder()
  const lines = []
  const waiting = []
  let buffer = ''
  socket.on('data', (chunk) => {
    buffer += decoder.decode(chunk, { stream: true })
    for (let end; (end = buffer.indexOf('\r\n')) >= 0; buffer = buffer.slice(end + 2)) {
      const line = buffer.slice(0, end)
      if (waiting.length > 0) waiting.shift().resolve(line)
      else lines.push(line)
    }
  })
  const fail = (error) => waiting.splice(0).forEach((w) => w.reject(error ?? new Error('connection closed')))
  socket.on('close', () => fail())
  socket.on('error', fail)
  return () => (lines.length > 0 ? Promise.resolve(lines.shift()) : new Promise((resolve, reject) => waiting.push({ resolve, reject })))
}

/**
 * Authenticates to an SMTP server and says QUIT; returns the mechanism used. `token` is for
 * OAuth mechanisms, `tlsOptions` for STARTTLS (e.g. `{ ca }` for a private CA).
 */
export async function authenticate({ host, port, username, password, token, mechanisms = passwordMechanisms, tlsOptions = {}, log = console.log }) {
  let socket = net.connect(port, host)
  await once(socket, 'connect')
  let read = lineReader(socket)
  const send = (line, shown = line) => void (log(`C: ${shown}`), socket.write(`${line}\r\n`))
  // A reply is its lines up to the one with a space after the code (RFC 5321 §4.2).
  const reply = async (code) => {
    const lines = []
    do lines.push(await read())
    while (/^\d{3}-/.test(lines.at(-1)))
    lines.forEach((line) => log(`S: ${line}`))
    if (!lines.at(-1).startsWith(code)) throw new Error(`expected ${code}, got ${lines.at(-1)}`)
    return lines
  }
  try {
    await reply('220')
    send('EHLO client.example')
    let caps = smtp.parseEhlo(await reply('250'))
    let secure = false
    if (caps.startTls) {
      send('STARTTLS')
      await reply('220')
      socket.removeAllListeners('data')
      socket = tls.connect({ socket, servername: net.isIP(host) === 0 ? host : undefined, ...tlsOptions })
      await once(socket, 'secureConnect')
      read = lineReader(socket)
      secure = true
      send('EHLO client.example')
      caps = smtp.parseEhlo(await reply('250'))
    }
    // Plaintext mechanisms only over TLS, or to this machine (nobody else sees loopback).
    const local = ['127.0.0.1', '::1', 'localhost'].includes(host)
    const mechanism = negotiate(caps.mechanisms, mechanisms, { secure: secure || local })
    const exchange = smtp.client(mechanism.client({ username, password, token, service: 'smtp', host }))
    // The exchange carries credentials: show only the command.
    send(await exchange.begin(), `AUTH ${mechanism.name} …`)
    for (;;) {
      const line = await read()
      log(`S: ${line}`)
      const action = await exchange.receive(line)
      if (action.send !== undefined) send(action.send, '…')
      if (action.done) break
    }
    send('QUIT')
    await reply('221')
    return mechanism.name
  } finally {
    socket.destroy()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [host = '127.0.0.1', port = '2525', username = 'tim', password = 'tanstaaftanstaaf'] = process.argv.slice(2)
  authenticate({ host, port: Number(port), username, password }).then(
    (name) => console.log(`authenticated with ${name}`),
    (error) => void (console.error(`failed: ${error.code ?? ''} ${error.message}`), (process.exitCode = 1)),
  )
}
