import { readFileSync } from 'node:fs'
import t from 'tap'
import { catalogue } from '../../src/conformance/catalogue.js'
import { committedSnapshots, CONTEXTS, observedRules, tableRows } from '../support/conformance.js'

// docs/fidelity.md names, for every rule, the test that checks it: each one named must exist, and every
// row must say whether its rule is verified or inferred. Each rule has an id, which the conformance probes
// (src/conformance/catalogue.ts) are keyed by.
const root = new URL('../..', import.meta.url)
const doc = readFileSync(new URL('docs/fidelity.md', root), 'utf8')
const conformanceDoc = readFileSync(new URL('docs/conformance.md', root), 'utf8')

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

const rows = doc.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Id') && !line.startsWith('| ---'))
/** Each rule's id (its first cell, in backticks) → its kind. */
const kinds = new Map(rows.map((row) => {
  const [id = '', , kind = ''] = row.slice(2, -2).split(' | ')
  return [id.replace(/^`|`$/g, ''), kind]
}))
const cited = [...doc.matchAll(/`(test\/[\w/.-]+\.test\.ts)` › `([^`]+)`/g)].map(([, file, name]) => ({ file: file as string, name: name as string }))

t.test('every row of docs/fidelity.md says verified or inferred, and names a test', async (t) => {
  t.ok(rows.length > 40, `${rows.length} rules`)
  for (const row of rows) {
    const [id = '', rule = '', kind = '', tests = ''] = row.slice(2, -2).split(' | ')
    t.matchStrict(id, /^`[a-z0-9]+(-[a-z0-9]+)*`$/, `${rule}: has an id`)
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

t.test('every rule has an id of its own', async (t) => {
  t.equal(kinds.size, rows.length, 'no id twice')
})

/** Every rule id some probe is for, over contexts that make the catalogue emit every probe it has. */
const probed = new Set(CONTEXTS.flatMap(({ ids, facts, allowDeploy }) => catalogue(ids, facts, allowDeploy).map((p) => p.rule)))
/** docs/conformance.md's table of the rules no probe is for, and why: id → reason. */
const unprobed = new Map(tableRows(conformanceDoc.split('## Rules not probed')[1] ?? '')
  .filter(([id]) => id !== 'Rule')
  .map(([id = '', why = '']) => [id.replace(/^`|`$/g, ''), why]))

t.test('every probe is keyed by a rule of docs/fidelity.md, and every rule is probed or says why not in docs/conformance.md', async (t) => {
  t.ok(probed.size > 30, `${probed.size} rules probed`)
  for (const rule of probed) t.ok(kinds.has(rule), `probe rule ${rule} is in docs/fidelity.md`)
  t.ok(unprobed.size > 10, `${unprobed.size} rules not probed`)
  for (const [rule, why] of unprobed) {
    t.ok(kinds.has(rule), `${rule}, not probed, is in docs/fidelity.md`)
    t.notOk(probed.has(rule), `${rule} is not probed, as docs/conformance.md says`)
    t.ok(why.length > 20, `${rule}: says why it is not probed`)
  }
  t.strictSame([...kinds.keys()].filter((id) => !probed.has(id) && !unprobed.has(id)), [], 'no rule is left out of both')
})

/** Each rule docs/fidelity.md marks observed → the date it names, sorted by rule. */
function marks (kindsOf: Map<string, string>): Array<[string, string]> {
  const found: Array<[string, string]> = []
  for (const [id, kind] of kindsOf) {
    const day = /observed at Northflank on (\d{4}-\d{2}-\d{2})/.exec(kind)?.[1]
    if (day !== undefined) found.push([id, day])
  }
  return found.sort(([a], [b]) => a < b ? -1 : 1)
}

const sorted = (covered: Map<string, string>) => [...covered].sort(([a], [b]) => a < b ? -1 : 1)

t.test('the rules docs/fidelity.md marks observed at Northflank are those the committed snapshots cover, with their dates', async (t) => {
  const snapshots = committedSnapshots()
  t.strictSame(marks(kinds), sorted(observedRules(snapshots.values())), `${snapshots.size} snapshots committed under test/parity/`)
})

t.test('the check of the marks sees a rule a snapshot covers that the doc does not mark, and reads a mark with its date', async (t) => {
  const snapshot = (date: string, rules: string[]) => ({ date, probes: rules.map((rule) => ({ rule })) }) as never
  const covered = observedRules([snapshot('2027-01-05T10:00:00.000Z', ['update-200', 'login']), snapshot('2027-02-01T09:00:00.000Z', ['login'])])
  t.strictSame(sorted(covered), [['login', '2027-02-01'], ['update-200', '2027-01-05']], 'the latest snapshot that covers a rule dates it')
  const unmarked = new Map([...kinds].map(([id, kind]) => [id, kind.replace(/; observed at Northflank on [\d-]+/, '')]))
  t.notOk(JSON.stringify(marks(unmarked)) === JSON.stringify(sorted(covered)), 'a doc without the marks fails against such snapshots')
  const marked = new Map(unmarked)
  marked.set('login', 'Verified: the CLI; observed at Northflank on 2027-02-01')
  marked.set('update-200', 'Verified: the endpoint page; observed at Northflank on 2027-01-05')
  t.strictSame(marks(marked), sorted(covered), 'and one with them passes')
})
