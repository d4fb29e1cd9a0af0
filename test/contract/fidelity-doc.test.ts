import { readFileSync } from 'node:fs'
import t from 'tap'

// docs/fidelity.md names, for every rule, the test that checks it: each one named must exist, and every
// row must say whether its rule is verified or inferred.
const root = new URL('../..', import.meta.url)
const doc = readFileSync(new URL('docs/fidelity.md', root), 'utf8')

/** The test names a file declares, as patterns: `${…}` in a template-literal name matches anything. */
function testNames (file: string): RegExp[] {
  const source = readFileSync(new URL(file, root), 'utf8')
  const names: RegExp[] = []
  for (const [, quote, raw] of source.matchAll(/\bt\.test\((['`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
    const name = (raw as string).replace(/\\(.)/g, '$1')
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    names.push(new RegExp(`^${quote === '`' ? escaped.replace(/\\\$\\\{[^}]*\\\}/g, '.+') : escaped}$`))
  }
  return names
}

const rows = doc.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Rule') && !line.startsWith('| ---'))
const cited = [...doc.matchAll(/`(test\/[\w/.-]+\.test\.ts)` › `([^`]+)`/g)].map(([, file, name]) => ({ file: file as string, name: name as string }))

t.test('every row of docs/fidelity.md says verified or inferred, and names a test', async (t) => {
  t.ok(rows.length > 40, `${rows.length} rules`)
  for (const row of rows) {
    const [rule = '', kind = '', tests = ''] = row.slice(2, -2).split(' | ')
    t.matchStrict(kind, /^(Verified|Inferred)\b/, rule)
    t.matchStrict(tests, /`test\/[\w/.-]+\.test\.ts` › `[^`]+`/, `${rule}: names its test`)
  }
})

t.test('every test docs/fidelity.md names exists, in the file it names', async (t) => {
  t.ok(cited.length >= rows.length, `${cited.length} tests named`)
  const names = new Map<string, RegExp[]>()
  for (const { file, name } of cited) {
    if (!names.has(file)) names.set(file, testNames(file))
    t.ok(names.get(file)?.some((pattern) => pattern.test(name)), `${file} › ${name}`)
  }
})

t.test('the check sees a test that does not exist', async (t) => {
  const names = testNames('test/routes/deployment.test.ts')
  t.ok(names.some((p) => p.test('the team-scoped alias reaches the same state')))
  t.notOk(names.some((p) => p.test('the team-scoped alias reaches another state')))
  const templated = testNames('test/contract/js-client.test.ts')
  t.ok(templated.some((p) => p.test('without throwErrorOnHttpErrorCode, 400, 401, 403, 404 and 409 reach the caller as the client\'s error, intact')),
    'a name built from a template matches what it becomes')
})
