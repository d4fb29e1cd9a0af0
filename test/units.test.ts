import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { Emulator } from '../src/domain/emulator.js'
import { defaultFixtures } from '../src/domain/fixtures.js'
import { updateDeployment } from '../src/domain/deployments.js'
import { editDistance, nearMatches } from '../src/near-match.js'
import { compile } from '../src/ajv.js'
import { problemsOf } from '../src/problems.js'
import { packageVersion } from '../src/version.js'

t.test('problemsOf describes rules beyond the body schema\'s own plainly', async (t) => {
  const check = (schema: object, data: unknown) => {
    const validate = compile(schema)
    t.notOk(validate(data))
    return problemsOf(validate, data, 'thing')
  }
  t.strictSame(check({ type: 'string', pattern: '^x+$' }, 'y'), [
    { path: 'thing', rule: 'pattern', expected: '^x+$', message: 'thing must match pattern ^x+$' }
  ], 'a pattern with no rewrite runs as written and has no hint')
  t.strictSame(check({ type: 'object', properties: {}, additionalProperties: false }, { a: 1 })[0]?.message,
    'thing.a is not allowed; allowed here: nothing')
  t.strictSame(check({ type: 'integer', minimum: 3 }, 1), [
    { path: 'thing', rule: 'minimum', expected: { comparison: '>=', limit: 3 }, message: 'thing must be >= 3' }
  ], 'other keywords keep Ajv\'s wording')
  t.equal(check({ oneOf: [{ const: 1 }, { type: 'integer', minimum: 5 }] }, 2)[0]?.message, 'thing must be a value or an integer')
  t.equal(check({ type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } } }, { a: ['x', 1] })[0]?.path,
    'thing.a[1]', 'array indexes read as indexes')
  t.equal(check({ type: 'object', properties: { 'a/b': { type: 'string' } } }, { 'a/b': 1 })[0]?.path,
    'thing["a/b"]', 'JSON-pointer escapes are undone')
  t.equal(check({ type: 'object', properties: {}, minProperties: 2 }, {})[0]?.message, 'thing must have at least 2 keys',
    'a count of keys is said in words')
  t.equal(check({ type: 'object', properties: { a: {}, b: {} }, maxProperties: 1 }, { a: 1, b: 2 })[0]?.message,
    'thing must have at most 1 key of: a, b')
})

t.test('Emulator.reset returns the state to the fixtures', async (t) => {
  const emulator = new Emulator(defaultFixtures(), { clock: { now: () => new Date(0) } })
  updateDeployment(emulator.state, 'default-project', 'example-service', { external: { imagePath: 'x:1' } }, emulator.clock.now())
  emulator.reset()
  const svc = emulator.state.projects.get('default-project')?.services.get('example-service')
  t.strictSame(svc?.deployment?.source, { kind: 'external', imagePath: 'nginx:latest', credentials: undefined })
  t.equal(svc?.status.rollout?.startedAt, '2026-01-01T00:00:00.000Z', 'as deployed at fixture time, not at the update')
})

t.test('packageVersion reads the nearest package.json up the tree, or says 0.0.0', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'nf-version-'))
  mkdirSync(join(root, 'dist', 'src'), { recursive: true })
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', version: '9.8.7' }))
  t.equal(packageVersion(pathToFileURL(join(root, 'dist', 'src', 'version.js')).href), '9.8.7')
  t.equal(packageVersion(pathToFileURL('/version.js').href), '0.0.0')
})

t.test('editDistance counts insertions, deletions, substitutions and adjacent swaps as one edit each', async (t) => {
  const cases: Array<[string, string, number]> = [
    ['', '', 0], ['', 'abc', 3], ['abc', '', 3], ['external', 'external', 0],
    ['extrenal', 'external', 1], // a swap
    ['externl', 'external', 1], ['externall', 'external', 1], ['exturnal', 'external', 1],
    ['kitten', 'sitting', 3], ['ca', 'abc', 3], ['internal', 'external', 2]
  ]
  for (const [a, b, d] of cases) {
    t.equal(editDistance(a, b), d, `${JSON.stringify(a)} → ${JSON.stringify(b)}`)
    t.equal(editDistance(b, a), d, 'and back')
  }
})

t.test('nearMatches names the close candidates, closest first, and nothing for a stranger', async (t) => {
  const top = ['external', 'docker', 'internal', 'buildpack']
  t.strictSame(nearMatches('extrenal', top), ['external'])
  t.strictSame(nearMatches('Docker', top), ['docker'], 'case is not an edit')
  t.strictSame(nearMatches('intrnal', top), ['internal'])
  t.strictSame(nearMatches('ternal', top), ['external', 'internal'], 'ties in the candidates\' order')
  t.strictSame(nearMatches('imagepath', ['imagePath', 'credentials']), ['imagePath'])
  t.strictSame(nearMatches('buildSha', ['id', 'branch', 'buildSHA', 'buildId']), ['buildSHA'], 'the closest only, not buildId')
  t.strictSame(nearMatches('bogus', top), [])
  t.strictSame(nearMatches('k0', ['id']), [], 'two edits are too many for a two-letter key')
  t.strictSame(nearMatches('docker', top), [], 'a candidate itself is no typo')
  t.strictSame(nearMatches('extrenal', ['externals', 'external']), ['external'], 'a closer one replaces a farther one found first')
  t.strictSame(nearMatches('Docker', ['docker', 'dockers']), ['docker'], 'a farther one found later is left out')
  t.strictSame(nearMatches('x'.repeat(1 << 20), top), [], 'a huge key is dismissed by its length')
})
