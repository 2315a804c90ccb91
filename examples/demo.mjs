// `npm start`: every landed mechanism authenticates a saslkit client against a saslkit server
// in-process, through the SMTP profile on both sides (RFC 4954): each line as it would go over
// the wire, each base64 payload decoded below it with the secrets masked; then one wrong password.
import { base64Decode, smtp } from '../dist/index.js'
import { scenarios } from './demo-scenarios.mjs'

function printable(bytes, secrets) {
  let text = ''
  for (const b of bytes) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0 ? '\\0' : `\\x${b.toString(16).padStart(2, '0')}`
  for (const secret of secrets) text = text.split(secret).join('*'.repeat(8))
  return text
}

/** The base64 payload of an SMTP AUTH line, if it carries one. */
function payload(who, line) {
  const text = who === 'C' ? (line.startsWith('AUTH ') ? line.split(' ')[2] : line) : line.startsWith('334 ') ? line.slice(4) : undefined
  if (text === undefined || text === '' || text === '=' || text === '*') return undefined
  try {
    return base64Decode(text)
  } catch {
    return undefined
  }
}

async function run({ mechanism, client: clientOptions, server: serverOptions, secrets, note }) {
  console.log(`\n== ${mechanism.name}${note ? ` (${note})` : ''} ==`)
  const client = smtp.client(mechanism.client(clientOptions))
  const server = smtp.server({ mechanisms: [mechanism], channel: { secure: true }, ...serverOptions })
  const show = (who, line) => {
    console.log(`${who}: ${line}`)
    const bytes = payload(who, line)
    if (bytes !== undefined) console.log(`   = ${printable(bytes, secrets)}`)
  }
  let line = await client.begin()
  for (;;) {
    show('C', line)
    const result = await server.receive(line)
    show('S', result.reply)
    let action
    try {
      action = await client.receive(result.reply)
    } catch (error) {
      console.log(`   (client: ${error.code}; server log: ${result.error?.code}, reason=${result.error?.reason})`)
      return false
    }
    if (action.done) {
      console.log(`   (server: authcid=${result.identity.authcid} authzid=${result.identity.authzid})`)
      return true
    }
    line = action.send
  }
}

const outcomes = []
for (const scenario of scenarios) outcomes.push(await run(scenario))
const expected = scenarios.map((s) => s.note !== 'wrong password')
if (outcomes.some((ok, i) => ok !== expected[i])) {
  console.error('\ndemo: an exchange did not end as expected')
  process.exit(1)
}
console.log(`\n${outcomes.filter(Boolean).length} mechanisms authenticated; the wrong password was refused.`)
