/**
 * The suites' own check, a tap file of its own (package.json's tap.include), so that it runs whichever
 * suites run, and a failure names the suites rather than hiding inside one of them.
 */
import t from 'tap'
import { suiteProblems, tapIncluded, TEST_FILE, testFiles } from '../support/suite.js'
import { GROUPS } from './groups.js'

t.test('every test file runs exactly once, in one suite or by tap itself', async (t) => {
  t.strictSame(suiteProblems(GROUPS), [])
})

t.test('a test file is any file named .test. or .spec. with a JavaScript or TypeScript extension', async (t) => {
  for (const name of ['a.test.ts', 'a.spec.ts', 'a.test.mts', 'a.spec.cts', 'a.test.js', 'a.spec.mjs', 'a.test.cjs', 'a.test.tsx', 'a.browser.test.ts']) {
    t.equal(TEST_FILE.test(name), true, name)
  }
  for (const name of ['a.suite.ts', 'helper.ts', 'testcontainers.docker.ts', 'consumer-check.mjs', 'a.test.json', 'a.test.ts.snap', 'contest.ts']) {
    t.equal(TEST_FILE.test(name), false, name)
  }
})

t.test('the check names a file no suite runs, a file run twice, a listed file that is no test, and suites without runners', async (t) => {
  const dropped = testFiles(['domain'])[0] as string
  const without = { ...GROUPS, unit: (GROUPS.unit as string[]).filter((file) => file !== dropped) }
  t.strictSame(suiteProblems(without), [`${dropped} runs in no suite`])

  const twice = { ...GROUPS, routes: [...GROUPS.routes as string[], dropped] }
  t.strictSame(suiteProblems(twice), [`${dropped} runs 2 times: suite unit, suite routes`])

  const byTap = { ...GROUPS, unit: [...GROUPS.unit as string[], 'suites/groups.test.ts'] }
  t.strictSame(suiteProblems(byTap), ['suites/groups.test.ts runs 2 times: tap.include, suite unit'])

  const missing = { ...GROUPS, unit: [...GROUPS.unit as string[], 'domain/gone.test.ts'] }
  t.strictSame(suiteProblems(missing), ['suite unit lists domain/gone.test.ts, which is no test file under test/'])

  const { unit, ...rest } = GROUPS
  t.strictSame(suiteProblems({ ...rest, other: unit as string[] }), [
    'suite other has no runner suites/other.suite.ts that tap includes',
    'suites/unit.suite.ts has no suite unit in test/suites/groups.ts'
  ])

  const include = ['test/suites/*.suite.ts', 'test/suites/*.test.ts']
  const wrong = suiteProblems(GROUPS, include, () => 'await runFiles(GROUPS.units as string[])')
  t.strictSame(wrong, Object.keys(GROUPS).map((suite) => `suites/${suite}.suite.ts does not run GROUPS.${suite}`), 'a runner that runs another suite')
  const noTap = suiteProblems(GROUPS, ['test/suites/*.suite.ts'])
  t.strictSame(noTap, ['suites/groups.test.ts runs in no suite'], 'a check tap does not include')
})

t.test('tap.include patterns other than test/<folder>/*<end> are refused, not misread', async (t) => {
  let message: string | undefined
  try {
    tapIncluded(['test/**/*.test.ts'])
  } catch (err) {
    message = (err as Error).message
  }
  t.equal(message, 'tap.include: test/**/*.test.ts is not of the form test/<folder>/*<end>')
  t.strictSame(tapIncluded(['test/suites/*.test.ts']), ['suites/groups.test.ts'])
})
