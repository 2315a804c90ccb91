// Cyrus SASL's sample programs (sasl2-bin) as stdio peers. Their protocol (sample-server.c,
// sample-client.c of 2.1.28), run under `stdbuf -oL` so each line arrives when printed:
// - the server sends `S: <base64 mechanism list>`, the client answers `C: <base64 of
//   mechanism [NUL initial response]>`, then `S:`/`C:` lines carry the tokens; every other
//   stdout line is chatter (`got '…'`, `Negotiation complete`, `Username: …`);
// - the server's final data (SCRAM v=, rspauth=) comes as one more `S:` challenge, answered
//   by an empty `C:` (neither side is run with -l, "server-send-last");
// - after success the server sends `S: <sasl_encode("srv message 1\0")>` and the client
//   answers `C: <sasl_encode("client message 1\0")>`: the security-layer check;
// - a failure is a message on stderr and exit 1;
// - the client reads its password with getpass(): with no terminal (we start it in its own
//   session) the prompt `Password: ` goes to stderr and the answer comes from stdin.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { base64Decode, base64Encode, utf8Decode, utf8Encode, type ServerStep } from '../../../src/index.js'
import { REALM } from '../../krb5/realm.js'
import { account, type Case, type Row } from '../rows.js'
import { ntlmV1OnlyClient, type FromPeerOutcome, type Lack, type PeerDriver, type ToPeerOutcome } from './cells.js'
import type { Direction } from './matrix.js'
import { PeerProcess, run } from './process.js'

const SERVER_MESSAGE = 'srv message 1\0'
const CLIENT_MESSAGE = 'client message 1\0'

export interface CyrusSetup {
  /** Holds the sasldb and `sample.conf` (the sample server's application name is "sample"). */
  readonly dir: string
  readonly env: Record<string, string>
}

/** A sasldb with the account (`saslpasswd2 -f`) and a config pointing at it, under `dir`. */
export async function setupCyrus(dir: string): Promise<CyrusSetup> {
  const db = join(dir, 'sasldb')
  const created = await run('saslpasswd2', ['-p', '-c', '-f', db, '-u', account.realm, account.username], { input: account.password })
  if (created.code !== 0) throw new Error(`saslpasswd2 failed: ${created.stderr}`)
  await writeFile(join(dir, 'sample.conf'), ['pwcheck_method: auxprop', 'auxprop_plugin: sasldb', `sasldb_path: ${db}`, ''].join('\n'))
  return { dir, env: { SASL_CONF_PATH: dir } }
}

export interface CyrusFacts {
  readonly version: string
  readonly clientMechanisms: readonly string[]
  readonly serverMechanisms: readonly string[]
}

/** What the sample server offers with this setup (EXTERNAL needs an external id to be offered). */
async function serverMechanisms(setup: CyrusSetup): Promise<string[]> {
  const peer = new PeerProcess('stdbuf', ['-oL', 'sasl-sample-server', '-s', account.service, '-u', account.realm, '-e', 'id=probe'], { env: setup.env })
  try {
    const line = await peer.readUntil((l) => l.startsWith('S: '))
    if (line === undefined) throw peer.failure('sasl-sample-server sent no mechanism list')
    const list = utf8Decode(base64Decode(line.slice(3))).split(' ')
    if (!list.includes('PLAIN')) throw peer.failure(`sasl-sample-server offers no PLAIN: ${list.join(' ')}`)
    return list
  } finally {
    peer.stop()
  }
}

/** The client-side plugins libsasl2 loads (the sample client has no listing of its own). */
async function clientMechanisms(): Promise<string[]> {
  const result = await run('saslpluginviewer', ['-c'])
  const match = /client side\) mechanisms are:\s*\n\s*(.+)/.exec(result.stdout)
  if (result.code !== 0 || match === null) throw new Error(`saslpluginviewer -c: ${result.stdout}${result.stderr}`)
  const list = match[1]!.trim().split(/\s+/)
  if (!list.includes('PLAIN')) throw new Error(`saslpluginviewer -c lists no PLAIN: ${match[1]}`)
  return list
}

export async function cyrusFacts(setup: CyrusSetup): Promise<CyrusFacts> {
  const version = await run('saslpasswd2', ['-v'])
  const match = /LibSasl version (\S+) by "([^"]+)"/.exec(version.stdout + version.stderr)
  if (match === null) throw new Error(`saslpasswd2 -v: ${version.stdout}${version.stderr}`)
  return {
    version: `${match[2]} ${match[1]}`,
    clientMechanisms: await clientMechanisms(),
    serverMechanisms: await serverMechanisms(setup),
  }
}

/**
 * The sample programs pass `&ext_authid` to sasl_setprop(SASL_AUTH_EXTERNAL): the external
 * identity is the bytes of a pointer into argv, which is empty — EXTERNAL not offered — when
 * that pointer's low byte is 0, and where argv lands depends on the size of the environment.
 * So an EXTERNAL attempt that meets `no mechanism available` is run again with the
 * environment one byte longer (never for any other mechanism, where that message is real).
 */
const NOT_OFFERED = /Starting SASL negotiation: no mechanism available/
class ExternalNotOffered extends Error {}

async function withExternalPad<T>(row: Row, env: Record<string, string>, attempt: (env: Record<string, string>) => Promise<T>): Promise<T> {
  if (row.name !== 'EXTERNAL') return attempt(env)
  for (let pad = 0; pad < 16; pad++) {
    try {
      return await attempt({ ...env, SASLKIT_INTEROP_PAD: 'x'.repeat(pad) })
    } catch (error) {
      if (!(error instanceof ExternalNotOffered)) throw error
    }
  }
  throw new Error('the Cyrus sample program never offered EXTERNAL with 16 environment sizes')
}

/** The SSF Cyrus reports matches the row's security layer (0, 1, or a cipher's key size). */
function checkSsf(peer: PeerProcess, row: Row, line: string | undefined): void {
  if (row.securityLayer === undefined) return
  const ssf = line === undefined ? NaN : Number(line.slice('SSF: '.length))
  const ok = row.securityLayer === 'none' ? ssf === 0 : row.securityLayer === 'integrity' ? ssf === 1 : ssf > 1
  if (!ok) throw peer.failure(`Cyrus negotiated SSF ${ssf}, not the '${row.securityLayer}' layer`)
}

const line64 = (prefix: 'S: ' | 'C: ', bytes: Uint8Array): string => `${prefix}${base64Encode(bytes)}`

/** Where the peer's words mean "refused" (for a policy case, a mechanism it will not offer). */
function refusal(stderr: string, c: Case): boolean {
  if (/SASL negotiation: (authentication failure|authorization failure)/.test(stderr)) return true
  return !c.policy.anonymous && /Starting SASL negotiation: no mechanism available/.test(stderr)
}

/** saslkit client → `sasl-sample-server` (sasldb holds the account). */
export function saslkitToCyrus(setup: CyrusSetup) {
  return (row: Row, c: Case): Promise<ToPeerOutcome> => withExternalPad(row, setup.env, (env) => saslkitToCyrusOnce(env, row, c))
}

async function saslkitToCyrusOnce(env: Record<string, string>, row: Row, c: Case): Promise<ToPeerOutcome> {
  const client = row.newClient(c.client)
  const args = ['-oL', 'sasl-sample-server', '-s', account.service, '-d', account.host, '-u', account.realm, '-m', row.name]
  if (row.name === 'EXTERNAL') args.push('-e', `id=${account.username}`)
  if (!c.policy.anonymous) args.push('-f', 'noanonymous')
  const peer = new PeerProcess('stdbuf', args, { env })
  const isToken = (l: string) => l.startsWith('S: ')
  const ended = async (): Promise<ToPeerOutcome> => {
    const exit = await peer.waitExit()
    if (row.name === 'EXTERNAL' && NOT_OFFERED.test(peer.stderr)) throw new ExternalNotOffered()
    if (exit.code !== 0 && refusal(peer.stderr, c)) return { status: 'refused', detail: peer.stderr.trim() }
    throw peer.failure(`sasl-sample-server exited with ${exit.code} without a refusal`)
  }
  try {
    const offer = await peer.readUntil(isToken)
    if (offer === undefined) return await ended()
    const initial = await client.start()
    const name = utf8Encode(row.name)
    peer.write(line64('C: ', initial === undefined ? name : new Uint8Array([...name, 0, ...initial])))
    for (;;) {
      const line = await peer.readUntil((l) => isToken(l) || l === 'Negotiation complete')
      if (line === undefined) return await ended()
      if (line === 'Negotiation complete') break
      peer.write(line64('C: ', await client.next(base64Decode(line.slice(3)))))
    }
    await client.finish()
    const username = await peer.readUntil((l) => l.startsWith('Username: '))
    checkSsf(peer, row, await peer.readUntil((l) => l.startsWith('SSF: ')))
    const sealed = await peer.readUntil(isToken)
    if (sealed === undefined) return await ended()
    const layer = client.securityLayer
    const received = base64Decode(sealed.slice(3))
    const opened = layer === undefined ? [received] : await layer.decode(received)
    if (opened.length !== 1 || utf8Decode(opened[0]!) !== SERVER_MESSAGE) throw peer.failure('the security-layer message did not decode')
    const reply = utf8Encode(CLIENT_MESSAGE)
    peer.write(line64('C: ', layer === undefined ? reply : await layer.encode(reply)))
    const exit = await peer.waitExit()
    if (exit.code !== 0) throw peer.failure(`sasl-sample-server exited with ${exit.code} after success`)
    // Cyrus reports `user@realm` for the sasldb realm we set up, and a Kerberos principal of
    // the default realm without its realm.
    const reported = username?.slice('Username: '.length).replace(`@${account.realm}`, '')
    const peerIdentity = reported !== undefined && row.name === 'GSSAPI' && !reported.includes('@') ? `${reported}@${REALM}` : reported
    return peerIdentity === undefined ? { status: 'success' } : { status: 'success', peerIdentity }
  } finally {
    peer.stop()
  }
}

/** `sasl-sample-client` → saslkit server. */
export function cyrusToSaslkit(setup: CyrusSetup) {
  return (row: Row, c: Case): Promise<FromPeerOutcome> => withExternalPad(row, setup.env, (env) => cyrusToSaslkitOnce(env, row, c))
}

async function cyrusToSaslkitOnce(env: Record<string, string>, row: Row, c: Case): Promise<FromPeerOutcome> {
  const server = row.newServer(c.policy)
  const credentials = c.client
  const args = ['-oL', 'sasl-sample-client', '-s', credentials.service ?? account.service, '-n', account.host, '-r', account.realm, '-m', row.name]
  if (credentials.username !== undefined) args.push('-a', credentials.username)
  if (credentials.authzid !== undefined && credentials.authzid !== '') args.push('-u', credentials.authzid)
  if (row.name === 'EXTERNAL') args.push('-e', `id=${account.username}`)
  const password = credentials.password
  const prompts = password === undefined ? [] : [{ text: 'Password: ', answer: () => password }]
  const peer = new PeerProcess('stdbuf', args, { env, prompts })
  const isToken = (l: string) => l.startsWith('C: ')
  const nextToken = async (): Promise<Uint8Array> => {
    const line = await peer.readUntil(isToken)
    if (line === undefined) {
      await peer.waitExit()
      if (row.name === 'EXTERNAL' && NOT_OFFERED.test(peer.stderr)) throw new ExternalNotOffered()
      throw peer.failure('sasl-sample-client gave up in the middle of the exchange')
    }
    return base64Decode(line.slice(3))
  }
  try {
    peer.write(line64('S: ', utf8Encode(row.name)))
    // `C: mechanism [NUL initial response]`: no NUL means no initial response.
    const first = await nextToken()
    const nul = first.indexOf(0)
    const chosen = utf8Decode(nul < 0 ? first : first.subarray(0, nul))
    if (chosen !== row.name) throw peer.failure(`sasl-sample-client chose ${chosen}`)
    let step: ServerStep = await server.next(nul < 0 ? undefined : first.subarray(nul + 1))
    while (step.type === 'challenge') {
      peer.write(line64('S: ', step.challenge))
      step = await server.next(await nextToken())
    }
    if (step.type === 'success') {
      if (step.additionalData !== undefined) {
        peer.write(line64('S: ', step.additionalData))
        const answer = await nextToken()
        if (answer.length !== 0) throw peer.failure('sasl-sample-client answered the final data with a non-empty response')
      }
      checkSsf(peer, row, await peer.readUntil((l) => l.startsWith('SSF: ')))
      const layer = server.securityLayer
      const message = utf8Encode(SERVER_MESSAGE)
      peer.write(line64('S: ', layer === undefined ? message : await layer.encode(message)))
      const sealed = await nextToken()
      const opened = layer === undefined ? [sealed] : await layer.decode(sealed)
      if (opened.length !== 1 || utf8Decode(opened[0]!) !== CLIENT_MESSAGE) throw peer.failure('the security-layer message did not decode')
    }
    peer.closeStdin()
    return { step, peerExit: await peer.waitExit() }
  } finally {
    peer.stop()
  }
}

export function cyrusDriver(setup: CyrusSetup, facts: CyrusFacts): PeerDriver {
  const lack = (row: Row, direction: Direction): Lack | undefined => {
    const [list, source] =
      direction === 'saslkit→peer'
        ? [facts.serverMechanisms, "Cyrus's sample-server offer (sasldb set up, an external id given)"]
        : [facts.clientMechanisms, "Cyrus's `saslpluginviewer -c`"]
    if (row.name === 'NTLM' && row.legacy !== true && direction === 'peer→saslkit') {
      // sasl-sample-client has no SASL_CB_GETOPT, so the ntlm plugin's `ntlm_v2` option stays off.
      return ntlmV1OnlyClient(cyrusToSaslkit(setup), 'sasl-sample-client (no way to set ntlm_v2)')(row)
    }
    if (list.includes(row.name)) return undefined
    return {
      evidence: `not in ${source}; the list is under Peers`,
      verify: async () => {
        const now = direction === 'saslkit→peer' ? await serverMechanisms(setup) : await clientMechanisms()
        if (now.includes(row.name)) throw new Error(`Cyrus now offers ${row.name}: give it a row`)
      },
    }
  }
  return {
    peer: 'cyrus',
    toPeer: saslkitToCyrus(setup),
    fromPeer: cyrusToSaslkit(setup),
    lack,
    // sample-server passes &ext_authid to sasl_setprop(SASL_AUTH_EXTERNAL): the external
    // identity it reports is the pointer's bytes, not the -e id= text.
    checksIdentity: (row) => row.name !== 'EXTERNAL',
  }
}
