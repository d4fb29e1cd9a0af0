/** Which test files each suite runs (test/support/suite.ts says why suites exist). */
import { testFiles } from '../support/suite.js'

const BROWSER = /\.browser\.test\.ts$/

export const GROUPS: Record<string, string[]> = {
  unit: [...testFiles(['domain', 'config']), 'client.test.ts', 'log.test.ts', 'msw.test.ts', 'serialization.test.ts', 'start-mock.test.ts', 'units.test.ts'],
  routes: testFiles(['routes'], BROWSER),
  // Chromium: a process of its own, so it runs beside the others.
  browser: testFiles(['routes']).filter((file) => BROWSER.test(file)),
  contract: testFiles(['contract']),
  robustness: testFiles(['robustness']),
  // The CLI as a process and its state file across restarts; the docs' examples, the longest file, are a
  // suite of their own, so that they spread over the machine's cores.
  e2e: testFiles(['e2e'], /examples\.test\.ts$/),
  examples: testFiles(['e2e']).filter((file) => file.endsWith('examples.test.ts'))
}
