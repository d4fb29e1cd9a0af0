/** Which test files each suite runs (test/support/suite.ts says why suites exist). */
import { rootTestFiles, testFiles } from '../support/suite.js'

const BROWSER = /\.browser\.(?:test|spec)\./

export const GROUPS: Record<string, string[]> = {
  // The plain modules: src/domain/, the configuration, and the modules directly in src/.
  unit: [...testFiles(['domain', 'config']), ...rootTestFiles()],
  routes: testFiles(['routes'], BROWSER),
  // Chromium: a process of its own, so it runs beside the others.
  browser: testFiles(['routes']).filter((file) => BROWSER.test(file)),
  contract: testFiles(['contract']),
  // `northflank-mock conformance` against stand-in targets, and the replay of Northflank's snapshots.
  conformance: testFiles(['conformance', 'parity']),
  robustness: testFiles(['robustness']),
  // The CLI as a process and its state file across restarts; the docs' examples, the longest file, are a
  // suite of their own, so that they spread over the machine's cores.
  e2e: testFiles(['e2e'], /examples\.test\.ts$/),
  examples: testFiles(['e2e']).filter((file) => file.endsWith('examples.test.ts'))
}
