/**
 * `npm test` runs the test files a few to a process (test/suites/*.suite.ts) rather than one each: tap spends
 * about 2 s of CPU starting a test process and its TypeScript loader more compiling the sources, most of the
 * whole run's CPU when paid for each of some fifty files on two cores. Each file still runs alone with
 * `npx tap <file>`. The files of a suite share a process, not state: each builds its own emulators.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROOT = join(TEST_ROOT, '..')

/** A file whose name says it is a test: `.test.` or `.spec.` before a JavaScript or TypeScript extension. */
export const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/

/** Every test file under each folder of test/ (recursively), minus those `skip` matches, in name order. */
export function testFiles (folders: string[], skip: RegExp = /^$/): string[] {
  return folders.flatMap((folder) => (readdirSync(join(TEST_ROOT, folder), { recursive: true }) as string[])
    .filter((name) => TEST_FILE.test(name))
    .map((name) => join(folder, name))
    .filter((file) => !skip.test(file)))
    .sort()
}

/** The test files directly in test/, in name order: the tests of the modules directly in src/. */
export function rootTestFiles (): string[] {
  return readdirSync(TEST_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isFile() && TEST_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort()
}

/** Imports the files one after the other: each queues its tests on tap's root, which runs them in order. */
export async function runFiles (files: string[]): Promise<void> {
  for (const file of files) await import(pathToFileURL(join(TEST_ROOT, file)).href)
}

/** package.json's `tap.include`: the files tap runs by itself. */
function packageInclude (): string[] {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { tap: { include: string[] } }).tap.include
}

/**
 * The files of test/ that `include` patterns name, relative to test/. Only the `test/<folder>/*<end>` form
 * is read; any other throws, so that the check never passes on a pattern it did not understand.
 */
export function tapIncluded (include: string[] = packageInclude()): string[] {
  return include.flatMap((pattern) => {
    const form = /^test\/([\w/-]+)\/\*([\w.-]+)$/.exec(pattern)
    if (form === null) throw new Error(`tap.include: ${pattern} is not of the form test/<folder>/*<end>`)
    const [, folder, end] = form as unknown as [string, string, string]
    return readdirSync(join(TEST_ROOT, folder)).filter((name) => name.endsWith(end)).map((name) => join(folder, name))
  }).sort()
}

function readTestFile (file: string): string {
  return readFileSync(join(TEST_ROOT, file), 'utf8')
}

/**
 * What keeps the suites from running every test file exactly once, in words; none when all is well:
 * a test file (any name with `.test.` or `.spec.`) that no suite runs, or that two run (a suite, or tap
 * itself through `tap.include`), a file a suite lists that is no test file under test/, and a suite with
 * no runner file test/suites/<name>.suite.ts that runs it, or a runner with no suite. `include` and
 * `readRunner` stand for package.json's `tap.include` and the runners' text, for the check's own test.
 */
export function suiteProblems (
  groups: Record<string, string[]>, include: string[] = packageInclude(), readRunner: (file: string) => string = readTestFile
): string[] {
  const byFile = new Map<string, string[]>(testFiles(['.']).map((file) => [file, []]))
  const included = tapIncluded(include)
  for (const file of included) byFile.get(file)?.push('tap.include')
  const problems: string[] = []
  for (const [suite, files] of Object.entries(groups)) {
    for (const file of files) {
      const by = byFile.get(file)
      if (by === undefined) problems.push(`suite ${suite} lists ${file}, which is no test file under test/`)
      else by.push(`suite ${suite}`)
    }
  }
  for (const [file, by] of byFile) {
    if (by.length === 0) problems.push(`${file} runs in no suite`)
    if (by.length > 1) problems.push(`${file} runs ${by.length} times: ${by.join(', ')}`)
  }
  const runners = included.filter((file) => file.startsWith('suites/') && file.endsWith('.suite.ts'))
  for (const suite of Object.keys(groups)) {
    const runner = `suites/${suite}.suite.ts`
    if (!runners.includes(runner)) problems.push(`suite ${suite} has no runner ${runner} that tap includes`)
    else if (!new RegExp(`\\bGROUPS\\.${suite}\\b`).test(readRunner(runner))) problems.push(`${runner} does not run GROUPS.${suite}`)
  }
  for (const runner of runners) {
    const suite = runner.slice('suites/'.length, -'.suite.ts'.length)
    if (!(suite in groups)) problems.push(`${runner} has no suite ${suite} in test/suites/groups.ts`)
  }
  return problems
}
