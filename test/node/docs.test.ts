// Node-only: the guides keep their shape (a Mermaid sequence diagram of S:/C: lines each), the
// decision records exist, and every relative link in docs/ and the README resolves.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const markdown = (dir: string): string[] => readdirSync(join(root, dir)).filter((f) => f.endsWith('.md')).map((f) => `${dir}/${f}`)
const guides = markdown('docs/guides')

describe('guides', () => {
  it('cover the topics issue 10 lists', () => {
    expect(guides.sort()).toEqual(
      ['browser-webmail', 'choosing-mechanisms', 'deno-bun', 'smtp-client', 'smtp-imap-server', 'storing-credentials'].map((n) => `docs/guides/${n}.md`),
    )
  })
  for (const guide of guides) {
    it(`${guide} has a Mermaid sequence diagram of S:/C: lines`, () => {
      const diagrams = [...readFileSync(join(root, guide), 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!)
      expect(diagrams.length).toBeGreaterThan(0)
      for (const diagram of diagrams) {
        expect(diagram.startsWith('sequenceDiagram\n')).toBe(true)
        expect(diagram).toMatch(/->>?[^:\n]+: C: /)
        expect(diagram).toMatch(/->>?[^:\n]+: S: /)
        // Mermaid reads ';' as a statement break and '#' as an entity start in messages.
        for (const line of diagram.split('\n').filter((l) => /->>|Note /.test(l))) expect(line).not.toMatch(/[;#]/)
      }
    })
  }
})

describe('decision records', () => {
  it('explain async steps, own MD4/DES/RC4 and the channel-binding types', () => {
    expect(markdown('docs/decisions')).toEqual(
      expect.arrayContaining(['docs/decisions/0001-async-steps.md', 'docs/decisions/0002-own-md4-des-rc4.md', 'docs/decisions/0003-channel-binding-types.md']),
    )
  })
})

describe('docs/README.md', () => {
  it('links every guide, decision record and reference page in docs/', () => {
    const index = readFileSync(join(root, 'docs/README.md'), 'utf8')
    const pages = [...markdown('docs').filter((f) => f !== 'docs/README.md'), ...guides, ...markdown('docs/decisions')]
    expect(pages.filter((page) => !index.includes(`](${page.slice('docs/'.length)})`))).toEqual([])
  })
})

describe('links', () => {
  for (const file of ['README.md', ...markdown('docs'), ...guides, ...markdown('docs/decisions')]) {
    it(`every relative link in ${file} resolves`, () => {
      const text = readFileSync(join(root, file), 'utf8')
      const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:|^#/.test(t))
      const missing = targets.filter((t) => !existsSync(join(root, dirname(file), t.split('#')[0]!)))
      expect(missing).toEqual([])
    })
  }
})
