/** Which test files each suite runs (test/support/suite.ts says why suites exist). */
import { testFiles } from '../support/suite.js'

const BROWSER = /\.browser\.test\.ts$/

export const GROUPS: Record<string, string[]> = {
  unit: [...testFiles(['domain', 'config']), 'serialization.test.ts', 'start-mock.test.ts', 'units.test.ts'],
  routes: testFiles(['routes'], BROWSER),
  // Chromium: a process of its own, so it runs beside the others.
  browser: testFiles(['routes']).filter((file) => BROWSER.test(file)),
  contract: testFiles(['contract']),
  robustness: testFiles(['robustness']),
  // The CLI as a process, its state file across restarts, and the docs' examples: the longest files, each
  // a suite of its own, so that they spread over the machine's cores.
  e2e: testFiles(['e2e'], /(examples|server-state-file)\.test\.ts$/),
  'e2e-state-file': testFiles(['e2e']).filter((file) => file.endsWith('server-state-file.test.ts')),
  examples: testFiles(['e2e']).filter((file) => file.endsWith('examples.test.ts'))
}
