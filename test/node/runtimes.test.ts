// Node-only: the runtime runner's verdict (scripts/runtimes/run.mjs) — what makes a Deno, Bun or
// Chromium run fail: a failed test, a test that did not run there, a test vitest does not know.
import { describe, expect, it } from 'vitest'
import { compare, type RanTest } from '../../scripts/runtimes/run.mjs'

const listed = [
  { file: 'test/a.test.ts', name: 'A > one' },
  { file: 'test/a.test.ts', name: 'A > two' },
  { file: 'test/b.test.ts', name: 'B > same name' },
  { file: 'test/b.test.ts', name: 'B > same name' },
]
const pass = (t: { file: string; name: string }): RanTest => ({ ...t, state: 'pass', errors: [] })

describe('runtime runner verdict', () => {
  it('accepts exactly vitest’s tests, all passed', () => {
    expect(compare(listed, listed.map(pass))).toEqual([])
  })
  it('fails a thinner suite (a test that did not run, or ran fewer times)', () => {
    expect(compare(listed, listed.slice(0, 3).map(pass))).toEqual(['missing or thinner: test/b.test.ts :: B > same name (vitest 2, here 1)'])
    expect(compare(listed, listed.slice(2).map(pass))).toHaveLength(2)
  })
  it('fails a test vitest does not list', () => {
    expect(compare(listed, [...listed, { file: 'test/a.test.ts', name: 'A > only here' }].map(pass))).toEqual(["not in vitest's list: test/a.test.ts :: A > only here (1)"])
  })
  it('fails a failed, skipped or unrun test, with its errors', () => {
    const ran = listed.map(pass)
    ran[1] = { ...ran[1]!, state: 'fail', errors: ['expected 1 to be 2'] }
    ran[2] = { ...ran[2]!, state: 'skip' }
    const problems = compare(listed, ran)
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^FAIL: test\/a.test.ts :: A > two\n {4}expected 1 to be 2/)
    expect(problems[1]).toMatch(/^SKIP: /)
  })
  it('fails a file that could not be collected', () => {
    expect(compare(listed, [...listed.map(pass), { file: 'test/a.test.ts', name: '(collecting the file)', state: 'fail', errors: ['boom'] }])).toHaveLength(2)
  })
})
