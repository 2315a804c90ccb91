// GNU SASL's `gsasl` command as a stdio peer. Its protocol (gsasl 2.2, src/gsasl.c):
// - the first stdout line is the mechanism name;
// - then each step prints one base64 line (possibly empty) and reads one line, and it reads
//   ONE MORE line after the step that succeeded, so "success without data" looks exactly like
//   an empty challenge: the driver takes an empty server line after the first round as success;
// - a failed step prints nothing more and exits 1 (`gsasl: mechanism error: …` on stderr);
// - after success it reads application data until stdin ends, then exits 0;
// - -PLUS asks `Enter base64 encoded tls-exporter channel binding: ` on stdout, no newline;
// - the GSSAPI server prints `Authzid: …` and `Display Name: …` lines, then asks
//   `Validate GSS-API user? (y/n) ` on stdout, no newline.
import { base64Decode, base64Encode, type ServerStep } from '../../../src/index.js'
import { account, type Case, type Row } from '../rows.js'
import { gssapiServerOffersNoLayer, ntlmV1OnlyClient, type FromPeerOutcome, type Lack, type PeerDriver, type ToPeerOutcome } from './cells.js'
import type { Direction } from './matrix.js'
import { PeerProcess, run, type Prompt } from './process.js'

const GSASL = 'gsasl'

/** Peer knobs per mechanism (what the gsasl CLI needs besides the credentials). */
export const mechanismArgs: Readonly<Record<string, readonly string[]>> = {
  // gsasl's DIGEST-MD5 defaults to qop-int; saslkit's does qop auth only.
  'DIGEST-MD5': ['--quality-of-protection=qop-auth'],
}

export interface GsaslFacts {
  readonly version: string
  readonly clientMechanisms: readonly string[]
  readonly serverMechanisms: readonly string[]
}

async function mechanismList(flag: '--client-mechanisms' | '--server-mechanisms'): Promise<string[]> {
  const result = await run(GSASL, [flag, '--quiet'])
  if (result.code !== 0) throw new Error(`gsasl ${flag} failed: ${result.stderr}`)
  const list = result.stdout.trim().split(/\s+/)
  if (!list.includes('PLAIN')) throw new Error(`gsasl ${flag} lists no PLAIN: ${result.stdout}`)
  return list
}

/** Version and mechanism lists, as the installed gsasl reports them. */
export async function gsaslFacts(): Promise<GsaslFacts> {
  const version = await run(GSASL, ['--version'])
  if (version.code !== 0) throw new Error(`gsasl --version failed: ${version.stderr}`)
  return {
    version: version.stdout.split('\n')[0]!.trim(),
    clientMechanisms: await mechanismList('--client-mechanisms'),
    serverMechanisms: await mechanismList('--server-mechanisms'),
  }
}

/** -PLUS's binding prompt gets the row's synthetic binding data; GSSAPI's validation a yes. */
function prompts(row: Row): Prompt[] {
  const binding = row.channelBinding
  const list: Prompt[] = [{ text: 'Validate GSS-API user? (y/n) ', answer: () => 'y' }]
  if (binding !== undefined) list.push({ text: `Enter base64 encoded ${binding.type} channel binding: `, answer: () => base64Encode(binding.data) })
  return list
}

/** Lines the server prints besides tokens (base64 has neither spaces nor colons). */
const CHATTER = /^(Authzid|Display Name): (.*)$/

const commonArgs = (row: Row, service: string = account.service): string[] => [
  '-m',
  row.name,
  '--service',
  service,
  // The CLI asks for -PLUS binding data only when no --hostname was given (it takes a host
  // to mean "a network session", whose TLS would provide it).
  ...(row.channelBinding === undefined ? ['--hostname', account.host] : []),
  '--realm',
  account.realm,
  ...(mechanismArgs[row.name] ?? []),
]

const SERVER_DONE = 'Server authentication finished'
const CLIENT_DONE = 'Client authentication finished'

/** saslkit client → `gsasl --server` (which knows the account's password). */
export async function saslkitToGsasl(row: Row, c: Case): Promise<ToPeerOutcome> {
  const client = row.newClient(c.client)
  const peer = new PeerProcess(GSASL, ['--server', ...commonArgs(row), '-a', account.username, '-p', account.password], { prompts: prompts(row) })
  let peerIdentity: string | undefined
  /** The next token line or event, past the GSSAPI server's informational lines. */
  const readToken = async () => {
    for (;;) {
      const event = await peer.readEvent(SERVER_DONE)
      const chatter = event.type === 'line' ? CHATTER.exec(event.line) : null
      if (chatter === null) return event
      if (chatter[1] === 'Display Name') peerIdentity = chatter[2]
    }
  }
  const ended = async (): Promise<ToPeerOutcome> => {
    const exit = await peer.waitExit()
    if (exit.code !== 0 && /mechanism error/.test(peer.stderr)) return { status: 'refused', detail: peer.stderr.trim() }
    throw peer.failure(`gsasl exited with ${exit.code} without a result`)
  }
  const succeeded = async (): Promise<ToPeerOutcome> => {
    peer.closeStdin()
    const exit = await peer.waitExit()
    if (exit.code !== 0) throw peer.failure(`gsasl reported success, then exited with ${exit.code}`)
    await client.finish()
    return peerIdentity === undefined ? { status: 'success' } : { status: 'success', peerIdentity }
  }
  try {
    const name = await peer.readLine()
    if (name !== row.name) throw peer.failure(`expected the mechanism name first, got ${JSON.stringify(name)}`)
    const initial = await client.start()
    for (let round = 0; ; round++) {
      const next = await readToken()
      if (next.type === 'marker') throw peer.failure('gsasl reported success before the exchange began')
      if (next.type === 'eof') return await ended()
      const line = next.line
      let response: Uint8Array
      if (round === 0 && initial !== undefined) {
        // gsasl's server speaks first with an empty line: "send your initial response".
        if (line !== '') throw peer.failure('gsasl sent a challenge where the client has an initial response')
        response = initial
      } else if (line === '' && round > 0) {
        // An empty line after the first round is gsasl's success without additional data; it
        // still reads one more line, and only then says so on stderr.
        peer.write('')
        const event = await peer.readEvent(SERVER_DONE)
        if (event.type === 'marker') return await succeeded()
        if (event.type === 'eof') return await ended()
        throw peer.failure('gsasl sent an empty challenge in the middle of the exchange')
      } else {
        response = await client.next(base64Decode(line))
      }
      peer.write(base64Encode(response))
      // After the answer to the server's final data (SCRAM v=, rspauth=) gsasl takes that
      // answer as its extra line and reports success; otherwise the next line comes.
      const event = await readToken()
      if (event.type === 'marker') return await succeeded()
      if (event.type === 'eof') return await ended()
      peer.unread(event.line)
    }
  } finally {
    peer.stop()
  }
}

/** `gsasl --client` → saslkit server. */
export async function gsaslToSaslkit(row: Row, c: Case): Promise<FromPeerOutcome> {
  const server = row.newServer(c.policy)
  const credentials = c.client
  const args = ['--client', ...commonArgs(row, c.client.service)]
  if (credentials.username !== undefined) args.push('-a', credentials.username)
  if (credentials.password !== undefined) args.push('-p', credentials.password)
  if (credentials.authzid !== undefined && credentials.authzid !== '') args.push('-z', credentials.authzid)
  if (credentials.trace !== undefined) args.push('-n', credentials.trace)
  const peer = new PeerProcess(GSASL, args, { prompts: prompts(row) })
  try {
    const name = await peer.readLine()
    if (name !== row.name) throw peer.failure(`expected the mechanism name first, got ${JSON.stringify(name)}`)
    const first = await peer.readLine()
    if (first === undefined) throw peer.failure('gsasl ended before its first step')
    // gsasl prints an empty line both for "no initial response" and for an empty one; the
    // mechanism's traits tell which (LOGIN's gsasl client sends the username as one).
    const initial = first === '' && !row.mechanism.traits.clientFirst ? undefined : base64Decode(first)
    let step: ServerStep = await server.next(initial)
    while (step.type === 'challenge') {
      peer.write(base64Encode(step.challenge))
      const line = await peer.readLine()
      if (line === undefined) {
        await peer.waitExit()
        throw peer.failure('gsasl gave up in the middle of the exchange')
      }
      step = await server.next(base64Decode(line))
    }
    if (step.type === 'success') {
      if (step.additionalData !== undefined) {
        // No "success with data" on this stdio protocol: the final data goes as a challenge.
        peer.write(base64Encode(step.additionalData))
        const answer = await peer.readLine()
        if (answer !== '') {
          await peer.waitExit()
          throw peer.failure(`gsasl answered the final data with ${JSON.stringify(answer)}`)
        }
      }
      // Success: the line gsasl reads after its last step; it then says whether it agrees.
      peer.write('')
      const event = await peer.readEvent(CLIENT_DONE)
      if (event.type === 'line') throw peer.failure(`gsasl went on after success: ${event.line}`)
    }
    peer.closeStdin()
    return { step, peerExit: await peer.waitExit() }
  } finally {
    peer.stop()
  }
}

/** ANONYMOUS and EXTERNAL need server callbacks the gsasl CLI does not have. */
const serverCallbackProperty: Readonly<Record<string, { number: string; name: string }>> = {
  ANONYMOUS: { number: '502', name: 'GSASL_VALIDATE_ANONYMOUS' },
  EXTERNAL: { number: '501', name: 'GSASL_VALIDATE_EXTERNAL' },
}

async function probeMissingServerCallback(row: Row, property: string): Promise<void> {
  const peer = new PeerProcess(GSASL, ['--server', '-m', row.name])
  try {
    await peer.readLine() // mechanism name
    await peer.readLine() // the empty "send your initial response" line
    const initial = await row.newClient(row.good.client).start()
    peer.write(initial === undefined ? '' : base64Encode(initial))
    peer.closeStdin()
    const exit = await peer.waitExit()
    const expected = `unsupported property \`${property}'`
    if (exit.code === 0 || !peer.stderr.includes(expected) || !peer.stderr.includes('No callback specified')) {
      throw peer.failure(`gsasl --server ${row.name} no longer fails for want of a callback: give it a row`)
    }
  } finally {
    peer.stop()
  }
}

/**
 * What gsasl's client lacks, for a driver whose peer→saslkit cases run through `fromPeer`
 * (the stdio driver, or the --imap/--smtp one).
 */
export function gsaslClientLack(facts: GsaslFacts, fromPeer: (row: Row, c: Case) => Promise<FromPeerOutcome>): (row: Row) => Lack | undefined {
  return (row) => {
    if (!facts.clientMechanisms.includes(row.name)) {
      return {
        evidence: '`gsasl --client-mechanisms` does not list it (the list is under Peers)',
        verify: async () => {
          if ((await mechanismList('--client-mechanisms')).includes(row.name)) throw new Error(`gsasl --client-mechanisms now lists ${row.name}`)
        },
      }
    }
    if (row.name === 'GSSAPI' && row.securityLayer !== undefined && row.securityLayer !== 'none') {
      return {
        evidence: `gsasl's GSSAPI client answers "none" whatever the server offers (saslkit refuses a layer it did not offer: malformed-request)`,
        verify: async () => {
          const { step } = await fromPeer(row, row.good)
          if (step.type !== 'failure' || step.error.code !== 'malformed-request') {
            throw new Error(`gsasl's GSSAPI client now takes the '${row.securityLayer}' layer (${step.type}): give it a row`)
          }
        },
      }
    }
    if (row.name === 'NTLM' && row.legacy !== true) return ntlmV1OnlyClient(fromPeer, "gsasl's NTLM client (libntlm)")(row)
    return undefined
  }
}

/** What gsasl's stdio server lacks. */
function gsaslServerLack(facts: GsaslFacts, row: Row): Lack | undefined {
  if (!facts.serverMechanisms.includes(row.name)) {
    return {
      evidence: '`gsasl --server-mechanisms` does not list it (the list is under Peers)',
      verify: async () => {
        if ((await mechanismList('--server-mechanisms')).includes(row.name)) throw new Error(`gsasl --server-mechanisms now lists ${row.name}`)
      },
    }
  }
  if (row.name === 'GSSAPI' && row.securityLayer !== undefined && row.securityLayer !== 'none') return gssapiServerOffersNoLayer(saslkitToGsasl, "gsasl's")(row)
  const property = serverCallbackProperty[row.name]
  if (property === undefined) return undefined
  return {
    evidence: `the gsasl CLI has no server callback for it: it warns "mechanism requested unsupported property ${property.number}" (${property.name}), then fails "No callback specified by caller"`,
    verify: () => probeMissingServerCallback(row, property.number),
  }
}

/** The gsasl stdio driver, from the facts of the installed gsasl. */
export function gsaslDriver(facts: GsaslFacts): PeerDriver {
  const clientLack = gsaslClientLack(facts, gsaslToSaslkit)
  const lack = (row: Row, direction: Direction): Lack | undefined => (direction === 'saslkit→peer' ? gsaslServerLack(facts, row) : clientLack(row))
  return { peer: 'gsasl', toPeer: saslkitToGsasl, fromPeer: gsaslToSaslkit, lack }
}
