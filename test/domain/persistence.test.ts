import { randomUUID } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { Emulator } from '../../src/domain/emulator.js'
import { defaultFixtures } from '../../src/domain/fixtures.js'
import { readStateFile, StateFileError, stateFileOf, writeAtomically, writeStateFile } from '../../src/domain/persistence.js'
import { DEPLOYMENT_URL, post, readBack } from '../support/helper.js'

function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nf-mock-state-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('a missing state file means a first start: state comes from the fixtures', async (t) => {
  const dir = tempDir(t)
  t.equal(readStateFile(join(dir, 'state.json')), undefined)
  const app = await buildApp({ stateFile: join(dir, 'state.json') })
  t.equal((await readBack(app)).external.imagePath, 'nginx:latest')
  await app.close()
})

t.test('state is saved when the app closes and loaded at the next start, fixtures included', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'state.json')
  const first = await buildApp({ stateFile: file })
  await post(first, DEPLOYMENT_URL, { external: { imagePath: 'nginx:saved' } })
  await first.close()
  const saved = JSON.parse(readFileSync(file, 'utf8'))
  t.matchStrict(saved, { format: 'northflank-mock-state', version: 1, savedAt: String })
  t.strictSame(readdirSync(dir), ['state.json'], 'no temporary file left behind')

  const second = await buildApp({ stateFile: file, fixtures: { projects: [] } })
  t.teardown(() => second.close())
  t.equal((await readBack(second)).external.imagePath, 'nginx:saved', 'the state file wins over fixtures')
  await second.inject({ method: 'POST', url: '/_mock/reset' })
  t.equal((await readBack(second)).external.imagePath, 'nginx:latest', 'a reset returns to the saved fixtures')
})

t.test('a state file that cannot be used stops the start with a message naming the field', async (t) => {
  const dir = tempDir(t)
  const good = stateFileOf(new Emulator(defaultFixtures()), new Date('2026-01-01T00:00:00Z'))
  const cases: Array<[string, string, RegExp]> = [
    ['not json', '{"format":', /is not valid JSON/],
    ['wrong shape', JSON.stringify({ ...good, version: 2 }), /file\.version/],
    ['bad fixtures', JSON.stringify({ ...good, fixtures: { projects: [{ id: 'a', services: [] }, { id: 'a', services: [] }] } }), /file\.fixtures\.projects\[1\]\.id: project "a" is listed twice/],
    ['bad fixtures shape', JSON.stringify({ ...good, fixtures: { projects: 1 } }), /fixtures\.projects must be an array/],
    ['key and id differ', JSON.stringify({ ...good, state: { projects: { x: { id: 'y', name: 'y', region: 'r', services: {} } } } }), /file\.state\.projects\["x"\]\.id: is "y"/]
  ]
  for (const [name, text, message] of cases) {
    const file = join(dir, `${name.replaceAll(' ', '-')}.json`)
    writeFileSync(file, text)
    t.throws(() => readStateFile(file), { name: 'StateFileError', message }, name)
    await t.rejects(buildApp({ stateFile: file }), StateFileError, `${name}: buildApp refuses it too`)
  }
  t.throws(() => readStateFile(dir), { message: /cannot be read/ }, 'a directory is not a state file')
})

t.test('what is saved round-trips: a state file of a changed emulator restores the same dump', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 's.json')
  const e = new Emulator(defaultFixtures())
  e.load({ ...defaultFixtures(), tokens: [{ token: 'ro', permissions: ['x'], projects: ['default-project'] }] })
  await writeStateFile(file, e)
  const back = readStateFile(file)
  const again = new Emulator(back?.fixtures ?? defaultFixtures())
  if (back !== undefined) again.state = back.state
  const json = (x: unknown) => JSON.parse(JSON.stringify(x))
  t.strictSame(json(again.dump()), json(e.dump()))
})

t.test('writeAtomically replaces the file whole and leaves no temporary file', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'f.json')
  // The first text is the longer, so a write in place that did not truncate would leave its tail.
  await writeAtomically(file, 'one, the longer')
  await writeAtomically(file, 'two')
  t.equal(readFileSync(file, 'utf8'), 'two')
  t.strictSame(readdirSync(dir), ['f.json'])
})

t.test('a failed write leaves the old file as it was and no temporary file', async (t) => {
  const dir = tempDir(t)
  const target = join(dir, 'taken')
  mkdirSync(join(target, 'inside'), { recursive: true })
  // rename() cannot replace a non-empty directory: the write fails after the temporary file is written.
  await t.rejects(writeAtomically(target, 'x'))
  t.strictSame(readdirSync(dir), ['taken'])
  await t.rejects(writeAtomically(join(dir, 'no', 'such', 'dir.json'), 'x'), { code: 'ENOENT' })
})

t.test('a state file that cannot be written makes close() reject', async (t) => {
  const dir = tempDir(t)
  const app = await buildApp({ stateFile: join(dir, 'missing-dir', 'state.json') })
  await t.rejects(app.close(), { code: 'ENOENT' })
})

t.test('the state file is readable and writable by its owner only (0600), even one made before', async (t) => {
  const file = join(tempDir(t), 'state.json')
  const app = await buildApp({ stateFile: file })
  await app.close()
  t.equal(statSync(file).mode & 0o777, 0o600, 'created 0600')
  // A file left world-readable (by hand, or by another tool): the next save replaces it with a 0600 one.
  chmodSync(file, 0o644)
  await writeStateFile(file, new Emulator(defaultFixtures()))
  t.equal(statSync(file).mode & 0o777, 0o600, 'saved again, 0600')
})

t.test('a start removes the temporary files interrupted saves of its state file left, and nothing else', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'state.json')
  writeFileSync(file, JSON.stringify(stateFileOf(new Emulator(defaultFixtures()))))
  // What a process killed mid-write leaves: writeAtomically's own temporary files of this state file.
  const stale = [`.state.json.${randomUUID()}.tmp`, `.state.json.${randomUUID()}.tmp`]
  const uuid = randomUUID()
  // Names of other shapes are not this saver's: they stay.
  const kept = [
    'state.json',
    `.other.json.${uuid}.tmp`,
    `state.json.${uuid}.tmp`,
    `.state.json.${uuid}.tmp.bak`,
    `.state.json.${uuid.toUpperCase()}.tmp`,
    '.state.json.not-a-uuid.tmp',
    `.state.json.${uuid}-${uuid}.tmp`,
    'notes.txt'
  ]
  for (const name of [...stale, ...kept.slice(1)]) writeFileSync(join(dir, name), '{"format":')
  // A directory of the very shape is not a file a write left.
  const directory = `.state.json.${randomUUID()}.tmp`
  mkdirSync(join(dir, directory))
  const app = await buildApp({ stateFile: file })
  t.strictSame(readdirSync(dir).sort(), [...kept, directory].sort(), 'at start, only the stale temporary files are gone')
  await app.close()
  t.strictSame(readdirSync(dir).sort(), [...kept, directory].sort(), 'and the saves leave none')
})
