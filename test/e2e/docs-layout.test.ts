// docs/development.md's Layout lists every module (each file under schemas/, src/ and scripts/) with a line
// saying its job, and nothing that is gone.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TREES = ['schemas', 'src', 'scripts']

/** The Layout section's table rows: the paths of the first cell and the text of the second. */
function layoutRows (): Array<{ paths: string[], job: string }> {
  const page = readFileSync(join(ROOT, 'docs', 'development.md'), 'utf8')
  const section = /^## Layout\n([\s\S]*?)^## /m.exec(page)?.[1] ?? ''
  return [...section.matchAll(/^\|([^|\n]*)\|([^\n]*)\|$/gm)]
    .filter(([, first]) => (first as string).includes('`'))
    .map(([, first, rest]) => ({
      paths: [...(first as string).matchAll(/`([^`]+)`/g)].map(([, path]) => path as string),
      job: (rest as string).trim()
    }))
}

function filesUnder (tree: string): string[] {
  return (readdirSync(join(ROOT, tree), { recursive: true }) as string[])
    .map((name) => `${tree}/${name}`)
    .filter((path) => statSync(join(ROOT, path)).isFile())
}

const isModule = (path: string) => TREES.some((tree) => path.startsWith(`${tree}/`)) && !path.endsWith('/')

t.test('docs/development.md lists every module under schemas/, src/ and scripts/, and nothing that is gone', async (t) => {
  const rows = layoutRows()
  const listed = rows.flatMap((row) => row.paths).filter(isModule)
  const onDisk = TREES.flatMap(filesUnder)
  t.strictSame(onDisk.filter((path) => !listed.includes(path)).sort(), [], 'every module has a line')
  t.strictSame(listed.filter((path) => !onDisk.includes(path)).sort(), [], 'every line names a module that exists')
  t.strictSame(listed.filter((path, i) => listed.indexOf(path) !== i), [], 'each module has one line')
  t.strictSame(rows.filter((row) => row.paths.some(isModule) && (row.paths.length !== 1 || row.job === '')).map((row) => row.paths),
    [], 'one module per line, each with its job')
  t.ok(listed.length > 50, `${listed.length} modules listed`)
})

t.test('the Layout\'s folders exist', async (t) => {
  const folders = layoutRows().flatMap((row) => row.paths).filter((path) => path.endsWith('/'))
  t.strictSame(folders.filter((path) => !statSync(join(ROOT, path), { throwIfNoEntry: false })?.isDirectory()), [])
  t.ok(folders.includes('src/') && folders.includes('schemas/') && folders.includes('scripts/'), 'the three trees among them')
})
