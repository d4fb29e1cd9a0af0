import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { Emulator } from '../../src/domain/emulator.js'
import { defaultFixtures } from '../../src/domain/fixtures.js'
import { StateSaver } from '../../src/domain/persistence.js'
import { DEPLOYMENT_URL, post } from '../support/helper.js'

function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nf-mock-saver-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const imageIn = (file: string): string | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).state.projects['default-project'].services['example-service'].deployment.source.imagePath
  } catch {
    return undefined
  }
}

/** Waits (polling the file, a test's view from outside) until `done`, or fails after 10 s. */
async function until (done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!done()) {
    if (Date.now() > deadline) throw new Error('not saved in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

t.test('an accepted update is saved soon after, without closing the app', async (t) => {
  const file = join(tempDir(t), 'state.json')
  const app = await buildApp({ stateFile: file })
  t.teardown(() => app.close())
  t.equal((await post(app, DEPLOYMENT_URL, { external: { imagePath: 'nginx:soon' } })).statusCode, 200)
  await until(() => imageIn(file) === 'nginx:soon')
  t.equal(imageIn(file), 'nginx:soon', 'saved')
})

t.test('admin writes to the default namespace are saved too: a state replaced, fixtures loaded, a reset', async (t) => {
  const file = join(tempDir(t), 'state.json')
  const app = await buildApp({ stateFile: file })
  t.teardown(() => app.close())
  const dump = (await app.inject({ method: 'GET', url: '/_mock/state' })).json()
  dump.projects['default-project'].services['example-service'].deployment.source.imagePath = 'nginx:replaced'
  await app.inject({ method: 'PUT', url: '/_mock/state', payload: dump })
  await until(() => imageIn(file) === 'nginx:replaced')
  await app.inject({ method: 'POST', url: '/_mock/reset' })
  await until(() => imageIn(file) === 'nginx:latest')
  const fixtures = defaultFixtures()
  const service = fixtures.projects[0]?.services[0]
  if (service?.deployment?.external !== undefined) service.deployment.external.imagePath = 'nginx:loaded'
  await app.inject({ method: 'POST', url: '/_mock/fixtures', payload: fixtures })
  await until(() => imageIn(file) === 'nginx:loaded')
  t.equal(imageIn(file), 'nginx:loaded', 'each change saved')
})

t.test('changes made while a save is being written are saved by the next one', async (t) => {
  const file = join(tempDir(t), 'state.json')
  const emulator = new Emulator(defaultFixtures())
  const errors: unknown[] = []
  const saver = new StateSaver(file, emulator, (err) => errors.push(err), 0)
  const set = (tag: string) => {
    emulator.update(emulator.base, 'default-project', 'example-service', { external: { imagePath: `nginx:${tag}` } },
      () => ({ method: 'POST', path: '/' }))
    saver.changed()
  }
  set('a')
  // A timer of the same delay, set after the saver's, fires right after it in the same turn of the event
  // loop: the first save has started writing, and no file operation of it can have finished yet.
  await new Promise((resolve) => setTimeout(resolve, 0))
  for (let i = 0; i < 20; i++) set(`b${i}`)
  await until(() => imageIn(file) === 'nginx:b19')
  t.same(errors, [])
  await saver.close()
  t.equal(imageIn(file), 'nginx:b19')
})

t.test('a save that fails is reported, and the emulator goes on', async (t) => {
  const dir = tempDir(t)
  const emulator = new Emulator(defaultFixtures())
  const errors: unknown[] = []
  const saver = new StateSaver(join(dir, 'missing-dir', 'state.json'), emulator, (err) => errors.push(err), 1)
  saver.changed()
  await until(() => errors.length > 0)
  t.match(errors[0], { code: 'ENOENT' })
  await t.rejects(saver.close(), { code: 'ENOENT' }, 'and the save at close says so too')
})

t.test('the app logs a save that fails and keeps answering', async (t) => {
  const lines: string[] = []
  const app = await buildApp({
    stateFile: join(tempDir(t), 'no-such-dir', 'state.json'),
    logger: { level: 'error', stream: { write: (line: string) => { lines.push(line) } } }
  })
  t.equal((await post(app, DEPLOYMENT_URL, { external: { imagePath: 'nginx:unsaved' } })).statusCode, 200)
  await until(() => lines.some((l) => l.includes('could not save the state file')))
  t.equal((await post(app, DEPLOYMENT_URL, {})).statusCode, 200, 'still serving')
  await t.rejects(app.close(), { code: 'ENOENT' }, 'closing says the state could not be saved')
})
