// One cold measurement in a fresh process (spawned by cold.mjs): prints { ms } as JSON, the
// time from just before loading the implementation to the end of its work.
//   scram-saslkit  import saslkit/scram, one SCRAM-SHA-256 client exchange
//   scram-node     one SCRAM-SHA-256 client exchange on node:crypto (built in, nothing to load)
//   scram-node-webcrypto   the same with PBKDF2 through crypto.subtle (its first call's set-up included)
//   import-empty | import-plain | import-all   import an empty module | saslkit/plain | saslkit
//   import-plain-bundled   saslkit/plain's source bundled into one file (cold.mjs builds it): what
//                          the package's code splitting costs at import
// The scripted server both exchanges run against (node:crypto) is loaded before the clock starts.
import { performance } from 'node:perf_hooks'
import { ScramClientFloor, ScramServerFloor, scramKeysFloor } from './floors.mjs'

const variant = process.argv[2]
const salt = Buffer.from('QSXCR+Q6sek8bf92', 'base64')
const keys = scramKeysFloor('SHA-256', 'pencil', salt, 4096)
const server = new ScramServerFloor('SHA-256', { salt, iterations: 4096, storedKey: keys.storedKey, serverKey: keys.serverKey })
const te = new TextEncoder()
const td = new TextDecoder()

let imported
const t0 = performance.now()
switch (variant) {
  case 'scram-saslkit': {
    const { scramSha256 } = await import('saslkit/scram')
    imported = performance.now() - t0
    const client = scramSha256.client({ username: 'user', password: 'pencil' })
    const serverFirst = server.first(td.decode(await client.start()))
    const clientFinal = await client.next(te.encode(serverFirst))
    await client.finish(te.encode(server.final(td.decode(clientFinal))))
    break
  }
  case 'scram-node':
  case 'scram-node-webcrypto': {
    const client = new ScramClientFloor('SHA-256', 'user', 'pencil', { pbkdf2: variant === 'scram-node' ? 'sync' : 'webcrypto' })
    const serverFirst = server.first(client.first())
    client.verify(server.final(await client.final(serverFirst)))
    break
  }
  case 'import-empty':
    await import('./empty.mjs')
    break
  case 'import-plain':
    await import('saslkit/plain')
    break
  case 'import-all':
    await import('saslkit')
    break
  case 'import-plain-bundled':
    await import(process.argv[3])
    break
  default:
    throw new Error(`cold-child: unknown variant ${variant}`)
}
const ms = performance.now() - t0
process.stdout.write(JSON.stringify({ ms, imported }))
