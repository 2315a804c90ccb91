// `npm start`: every landed mechanism authenticates a saslkit client against a saslkit
// server in-process, printed as an SMTP AUTH transcript (RFC 4954), then one wrong password.
import { base64Encode } from '../dist/index.js'
import { scenarios } from './demo-scenarios.mjs'

function printable(bytes, secrets) {
  let text = ''
  for (const b of bytes) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0 ? '\\0' : `\\x${b.toString(16).padStart(2, '0')}`
  for (const secret of secrets) text = text.split(secret).join('*'.repeat(8))
  return text
}

async function run({ mechanism, client: clientOptions, server: serverOptions, secrets, note }) {
  console.log(`\n== ${mechanism.name}${note ? ` (${note})` : ''} ==`)
  const client = mechanism.client(clientOptions)
  const server = mechanism.server({ ...serverOptions, channel: { secure: true } })
  const line = (who, text, bytes) => {
    console.log(`${who}: ${text}`)
    if (bytes !== undefined && bytes.length > 0) console.log(`   = ${printable(bytes, secrets)}`)
  }
  const initial = await client.start()
  line('C', `AUTH ${mechanism.name}${initial === undefined ? '' : ` ${initial.length === 0 ? '=' : base64Encode(initial)}`}`, initial)
  let step = await server.next(initial)
  while (step.type === 'challenge') {
    line('S', `334 ${base64Encode(step.challenge)}`, step.challenge)
    const response = await client.next(step.challenge)
    line('C', base64Encode(response), response)
    step = await server.next(response)
  }
  if (step.type === 'success' && step.additionalData !== undefined) {
    line('S', `334 ${base64Encode(step.additionalData)}`, step.additionalData)
    line('C', '', await client.next(step.additionalData))
  }
  if (step.type === 'success') {
    await client.finish()
    line('S', '235 2.7.0 Authentication successful')
    console.log(`   (server: authcid=${step.identity.authcid} authzid=${step.identity.authzid})`)
    return true
  }
  line('S', step.error.code === 'not-authorized' ? '535 5.7.8 Authentication credentials invalid' : `535 5.7.8 ${step.error.code}`)
  console.log(`   (server log: ${step.error.code}, reason=${step.error.reason})`)
  return false
}

const outcomes = []
for (const scenario of scenarios) outcomes.push(await run(scenario))
const expected = scenarios.map((s) => s.note !== 'wrong password')
if (outcomes.some((ok, i) => ok !== expected[i])) {
  console.error('\ndemo: an exchange did not end as expected')
  process.exit(1)
}
console.log(`\n${outcomes.filter(Boolean).length} mechanisms authenticated; the wrong password was refused.`)
