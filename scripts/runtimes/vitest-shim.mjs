// What `import { describe, it, expect } from 'vitest'` resolves to when the suites run on Deno,
// Bun and Chromium (scripts/runtimes/run.mjs aliases it). Collection and running come from
// @vitest/runner and the matchers from @vitest/expect — the same packages vitest itself runs on
// Node — so a test means the same thing on every runtime; only the driver around them differs.
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  addCustomEqualityTesters,
  chai,
  customMatchers,
  getState,
  setState,
} from '@vitest/expect'
import { getCurrentTest } from '@vitest/runner'

export { afterAll, afterEach, beforeAll, beforeEach, describe, it, onTestFailed, onTestFinished, suite, test } from '@vitest/runner'

chai.use(JestExtend)
chai.use(JestChaiExpect)
chai.use(JestAsymmetricMatchers)

/** vitest's createExpect without snapshots, mocks or polling (the suites use none of them). */
function createExpect() {
  const expect = (value, message) => {
    const { assertionCalls } = getState(expect)
    setState({ assertionCalls: assertionCalls + 1 }, expect)
    const assertion = chai.expect(value, message)
    const current = getCurrentTest()
    return current ? assertion.withTest(current) : assertion
  }
  Object.assign(expect, chai.expect)
  Object.assign(expect, globalThis[ASYMMETRIC_MATCHERS_OBJECT])
  expect.getState = () => getState(expect)
  expect.setState = (state) => setState(state, expect)
  setState(
    {
      assertionCalls: 0,
      isExpectingAssertions: false,
      isExpectingAssertionsError: null,
      expectedAssertionsNumber: null,
      expectedAssertionsNumberErrorGen: null,
      currentTestName: '',
    },
    expect,
  )
  expect.assert = chai.assert
  expect.extend = (matchers) => chai.expect.extend(expect, matchers)
  expect.addEqualityTesters = (testers) => addCustomEqualityTesters(testers)
  expect.soft = (...args) => expect(...args).withContext({ soft: true })
  expect.unreachable = (message) => chai.assert.fail(`expected${message ? ` "${message}" ` : ' '}not to be reached`)
  chai.util.addMethod(expect, 'assertions', (expected) => {
    expect.setState({
      expectedAssertionsNumber: expected,
      expectedAssertionsNumberErrorGen: () => new Error(`expected number of assertions to be ${expected}, but got ${expect.getState().assertionCalls}`),
    })
  })
  chai.util.addMethod(expect, 'hasAssertions', () => {
    expect.setState({ isExpectingAssertions: true, isExpectingAssertionsError: new Error('expected any number of assertion, but got none') })
  })
  expect.extend(customMatchers)
  return expect
}

export const expect = createExpect()
Object.defineProperty(globalThis, GLOBAL_EXPECT, { value: expect, writable: true, configurable: true })
export const assert = chai.assert

// Anything else the suites import from 'vitest' (vi, snapshots, benchmarks…) is absent on
// purpose: esbuild then fails the bundle with "No matching export", naming the file.
