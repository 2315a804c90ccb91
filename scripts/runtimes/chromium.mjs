// Headless Chromium for the browser suites and checks: Debian's /usr/bin/chromium driven by
// playwright-core (no browser download), a fresh profile each time, nothing reaching out.
import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join, normalize, sep } from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync']

/** Launches Chromium with a fresh --user-data-dir; close() removes it. */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'saslkit-chromium-'))
  try {
    // launchPersistentContext is how playwright takes a --user-data-dir of our choosing.
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS })
    return {
      newPage: () => context.newPage(),
      version: () => context.browser()?.version() ?? 'chromium',
      async close() {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      },
    }
  } catch (error) {
    rmSync(profile, { recursive: true, force: true })
    throw new Error(`Chromium did not start (${CHROMIUM_PATH}; on Debian: apt-get install -y chromium): ${error.message}`)
  }
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.map': 'application/json' }

/** Serves a directory on 127.0.0.1 (a secure context, so crypto.subtle exists). */
export function serveDirectory(dir) {
  const server = createServer((request, response) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(request.url, 'http://x').pathname)))
    if (!path.startsWith(dir + sep) || !statSync(path, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path))
  })
  return new Promise((resolvePromise, reject) => {
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolvePromise({ origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })
    })
  })
}
