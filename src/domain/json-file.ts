import { readFileSync } from 'node:fs'

/**
 * A JSON file, parsed. What goes wrong becomes `fail(message)`, the message saying what (unreadable, not
 * JSON); a file that does not exist is `undefined` when `optional`, else a failure like the others.
 */
export function readJsonFile (path: string, fail: (message: string) => Error, optional = false): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw fail(`cannot be read (${(err as Error).message})`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw fail(`is not valid JSON (${(err as Error).message})`)
  }
}
