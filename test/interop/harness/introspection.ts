// A tiny OAuth 2.0 token introspection endpoint (RFC 7662) on 127.0.0.1 for Dovecot's oauth2
// passdb: POST token=… answers {"active": true, "username": …} for the account's token and
// {"active": false} for anything else.
import { createServer } from 'node:http'

export interface Introspection {
  readonly url: string
  /** Every token it was asked about, in order. */
  readonly tokens: readonly string[]
  close(): Promise<void>
}

export function startIntrospection(valid: { token: string; username: string }): Promise<Introspection> {
  const tokens: string[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => {
      body += chunk
      if (body.length > 65536) request.destroy()
    })
    request.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? ''
      tokens.push(token)
      const answer = request.method === 'POST' && token === valid.token ? { active: true, username: valid.username, scope: 'mail' } : { active: false }
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify(answer))
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        reject(new Error('introspection endpoint has no port'))
        return
      }
      resolve({
        url: `http://127.0.0.1:${address.port}/introspect`,
        tokens,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}
