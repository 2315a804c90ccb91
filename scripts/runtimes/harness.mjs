// Runs the bundled suites inside one runtime and reports every test's outcome as one JSON line.
// `suites` (a virtual module made by run.mjs) maps each test file to a loader; @vitest/runner
// collects and runs them exactly as vitest does on Node.
import { GLOBAL_EXPECT, getState, setState } from '@vitest/expect'
import { startTests } from '@vitest/runner'
import { suites } from 'saslkit-runtime-suites'

export const RESULT_MARK = '@@saslkit-runtime-result@@'

const runner = {
  config: {
    root: '/',
    setupFiles: [],
    name: undefined,
    passWithNoTests: false,
    testNamePattern: undefined,
    allowOnly: false,
    sequence: { shuffle: false, concurrent: false, seed: 0, hooks: 'stack', setupFiles: 'list' },
    chaiConfig: undefined,
    maxConcurrency: 5,
    testTimeout: 20000,
    hookTimeout: 20000,
    retry: 0,
    includeTaskLocation: false,
    tags: [],
    tagsFilter: undefined,
    strictTags: false,
  },
  importFile(filepath) {
    const load = suites[filepath]
    if (load === undefined) throw new Error(`no bundled suite for ${filepath}`)
    return load()
  },
  onBeforeTryTask(test) {
    setState(
      {
        assertionCalls: 0,
        isExpectingAssertions: false,
        isExpectingAssertionsError: null,
        expectedAssertionsNumber: null,
        expectedAssertionsNumberErrorGen: null,
        currentTestName: test.name,
      },
      globalThis[GLOBAL_EXPECT],
    )
  },
  onAfterTryTask() {
    const state = getState(globalThis[GLOBAL_EXPECT])
    if (state.expectedAssertionsNumber !== null && state.assertionCalls !== state.expectedAssertionsNumber) throw state.expectedAssertionsNumberErrorGen()
    if (state.isExpectingAssertions === true && state.assertionCalls === 0) throw state.isExpectingAssertionsError
  },
}

function describeError(error) {
  if (error === undefined || error === null) return String(error)
  const message = error.message ?? String(error)
  return error.diff ? `${message}\n${error.diff}` : `${message}${error.stack ? `\n${error.stack}` : ''}`
}

/** Flattens the task tree into [{ file, name: 'suite > sub > test', state, errors }]. */
function flatten(files) {
  const out = []
  const walk = (task, path, file) => {
    if (task.type === 'test') {
      out.push({ file, name: [...path, task.name].join(' > '), state: task.mode === 'run' ? (task.result?.state ?? 'not-run') : task.mode, errors: (task.result?.errors ?? []).map(describeError) })
    } else for (const child of task.tasks ?? []) walk(child, task.type === 'suite' && task.name !== '' ? [...path, task.name] : path, file)
  }
  for (const file of files) {
    for (const child of file.tasks) walk(child, [], file.filepath)
    // An error while importing or collecting a file (a failed import, a throwing describe).
    for (const error of file.result?.errors ?? []) out.push({ file: file.filepath, name: '(collecting the file)', state: 'fail', errors: [describeError(error)] })
  }
  return out
}

/** Which runtime this really is, from its own globals (so a mix-up cannot pass as a run). */
function detect() {
  if (globalThis.Deno?.version?.deno) return { runtime: 'deno', version: `Deno ${globalThis.Deno.version.deno}` }
  if (globalThis.Bun?.version) return { runtime: 'bun', version: `Bun ${globalThis.Bun.version}` }
  if (typeof window !== 'undefined' && typeof globalThis.process === 'undefined') return { runtime: 'browser', version: globalThis.navigator.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? globalThis.navigator.userAgent }
  return { runtime: 'unknown', version: String(globalThis.process?.version ?? '') }
}

/** Runs every bundled suite; returns the JSON line the driver reads. */
export async function run(runtime) {
  const started = Date.now()
  const files = await startTests(Object.keys(suites).map((filepath) => ({ filepath })), runner)
  return `${RESULT_MARK}${JSON.stringify({ runtime, detected: detect(), ms: Date.now() - started, tests: flatten(files) })}`
}
