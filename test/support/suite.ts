/**
 * `npm test` runs the test files a few to a process (test/suites/*.suite.ts) rather than one each: tap spends
 * about 2 s of CPU starting a test process and its TypeScript loader more compiling the sources, most of the
 * whole run's CPU when paid for each of some fifty files on two cores. Each file still runs alone with
 * `npx tap <file>`. The files of a suite share a process, not state: each builds its own emulators.
 */
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Every *.test.ts under each folder of test/ (recursively), minus those `skip` matches, in name order. */
export function testFiles (folders: string[], skip: RegExp = /^$/): string[] {
  return folders.flatMap((folder) => (readdirSync(join(TEST_ROOT, folder), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(folder, name))
    .filter((file) => !skip.test(file)))
    .sort()
}

/** Imports the files one after the other: each queues its tests on tap's root, which runs them in order. */
export async function runFiles (files: string[]): Promise<void> {
  for (const file of files) await import(pathToFileURL(join(TEST_ROOT, file)).href)
}

/** The test files no suite runs (a file added to a new folder must join one). */
export function unclaimed (claimed: string[]): string[] {
  const all = testFiles(['.'], /^(suites|bench)\//).map((file) => relative('.', file))
  return all.filter((file) => !claimed.includes(file))
}
