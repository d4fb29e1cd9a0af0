import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { Emulator } from '../../src/domain/emulator.js'
import { defaultFixtures } from '../../src/domain/fixtures.js'
import { SAVE_DELAY_MS, StateSaver, writeAtomically, type WriteFile } from '../../src/domain/persistence.js'
import { DEPLOYMENT_URL, post, readBack } from '../support/helper.js'

function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nf-mock-saver-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const imageOf = (text: string): string | undefined => {
  try {
    return JSON.parse(text).state.projects['default-project'].services['example-service'].deployment.source.imagePath
  } catch {
    return undefined
  }
}

const imageIn = (file: string): string | undefined => {
  try {
    return imageOf(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** Changes the default namespace's image, as an accepted update does (the caller tells the saver). */
function setImage (emulator: Emulator, tag: string): void {
  emulator.update(emulator.base, 'default-project', 'example-service', { external: { imagePath: tag } },
    () => ({ method: 'POST', path: '/' }))
}

/**
 * Resolves when a timer of `ms`, set now, fires. Timers of one delay fire in the order they were set, so
 * by then every timer of `ms` set before has fired: a save the saver had armed has started.
 */
const timerOf = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The saver's delay in the tests below: short; only the order of timers matters. */
const DELAY = 5

/**
 * A saver's write function that records each write (the image it saves). While `hold` is on, a write
 * stays in flight until the test calls its `release`. With `real`, it then writes the file
 * (writeAtomically); otherwise nothing. `all` are the writes' promises, to wait for every write begun.
 */
function recorder (real = false) {
  const writes: Array<{ image: string | undefined, release: () => void }> = []
  const all: Array<Promise<void>> = []
  const rec = {
    hold: false,
    writes,
    all,
    images: () => writes.map((w) => w.image),
    write: ((path, text) => {
      const done = new Promise<void>((resolve) => {
        writes.push({ image: imageOf(text), release: resolve })
        if (!rec.hold) resolve()
      }).then(async () => { if (real) await writeAtomically(path, text) })
      all.push(done)
      return done
    }) satisfies WriteFile
  }
  return rec
}

/** An emulator and a saver on `file` writing through a recorder, errors collected. */
function saverWith (file: string, rec: ReturnType<typeof recorder>, delayMs = DELAY) {
  const emulator = new Emulator(defaultFixtures())
  const errors: unknown[] = []
  const saver = new StateSaver(file, emulator, (err) => errors.push(err), delayMs, rec.write)
  return { emulator, saver, errors }
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
  t.strictSame(errors, [])
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
  t.matchStrict(errors[0], { code: 'ENOENT' })
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

t.test('close during the debounce cancels the timer and saves once: the state as it is at close', async (t) => {
  const rec = recorder()
  const { emulator, saver } = saverWith(join(tempDir(t), 'state.json'), rec)
  setImage(emulator, 'nginx:a')
  saver.changed()
  setImage(emulator, 'nginx:b')
  await saver.close()
  t.strictSame(rec.images(), ['nginx:b'], 'one save, at close')
  await timerOf(DELAY)
  t.strictSame(rec.images(), ['nginx:b'], 'the timer armed before close never fires')
})

t.test('a save in flight at close is awaited, then the final save is made, and nothing after it', async (t) => {
  const rec = recorder()
  const { emulator, saver, errors } = saverWith(join(tempDir(t), 'state.json'), rec)
  rec.hold = true
  setImage(emulator, 'nginx:a')
  saver.changed()
  await timerOf(DELAY)
  rec.hold = false
  t.strictSame(rec.images(), ['nginx:a'], 'the save has started and is held in flight')
  // A change while it is writing: the saver owes one more save, which close() must make, not a timer.
  setImage(emulator, 'nginx:b')
  saver.changed()
  let closed = false
  const closing = saver.close().then(() => { closed = true })
  await new Promise((resolve) => setImmediate(resolve))
  t.strictSame(rec.images(), ['nginx:a'], 'close() writes nothing while the save is in flight')
  t.equal(closed, false, 'and has not resolved')
  rec.writes[0]?.release()
  await closing
  t.strictSame(rec.images(), ['nginx:a', 'nginx:b'], 'then one final save, of the state at close')
  await timerOf(DELAY)
  t.strictSame(rec.images(), ['nginx:a', 'nginx:b'], 'and no timer survives close to write again')
  t.strictSame(errors, [])
})

t.test('a change after close is not saved: the final save is the last write', async (t) => {
  const rec = recorder()
  const { emulator, saver } = saverWith(join(tempDir(t), 'state.json'), rec)
  await saver.close()
  setImage(emulator, 'nginx:after')
  saver.changed()
  await timerOf(DELAY)
  t.strictSame(rec.images(), ['nginx:latest'], 'only the save at close')
})

t.test('close twice is safe and saves once', async (t) => {
  const rec = recorder()
  const { emulator, saver } = saverWith(join(tempDir(t), 'state.json'), rec)
  setImage(emulator, 'nginx:a')
  saver.changed()
  await Promise.all([saver.close(), saver.close()])
  await saver.close()
  t.strictSame(rec.images(), ['nginx:a'], 'one write for three calls, at once and after')
})

t.test('close twice after a failed final save: both say so, and it is not retried', async (t) => {
  const rec = recorder()
  const failing: WriteFile = async (path, text) => {
    await rec.write(path, text)
    throw Object.assign(new Error('disk full'), { code: 'ENOSPC' })
  }
  const saver = new StateSaver(join(tempDir(t), 'state.json'), new Emulator(defaultFixtures()), () => {}, DELAY, failing)
  await t.rejects(saver.close(), { code: 'ENOSPC' })
  await t.rejects(saver.close(), { code: 'ENOSPC' }, 'the second close reports the same failure')
  t.equal(rec.writes.length, 1, 'written once')
})

t.test('two savers one after the other on one file: the later one\'s state is what the file holds', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'state.json')
  const rec = recorder(true)
  // The app's delay, longer than a write takes: a timer the first saver left would fire after its close.
  const first = saverWith(file, rec, SAVE_DELAY_MS)
  rec.hold = true
  setImage(first.emulator, 'nginx:first-1')
  first.saver.changed()
  await timerOf(SAVE_DELAY_MS)
  rec.hold = false
  // A change while the first save is being written, then close: the case that left a timer behind.
  setImage(first.emulator, 'nginx:first-2')
  first.saver.changed()
  const firstClosed = first.saver.close()
  rec.writes[0]?.release()
  await firstClosed
  t.equal(imageIn(file), 'nginx:first-2', 'the first saver\'s last state')

  const second = saverWith(file, rec, SAVE_DELAY_MS)
  setImage(second.emulator, 'nginx:second')
  second.saver.changed()
  await second.saver.close()
  // Any timer either saver left has fired by then, and every write begun is waited for.
  await timerOf(SAVE_DELAY_MS)
  await Promise.allSettled(rec.all)
  t.equal(imageIn(file), 'nginx:second', 'the second saver\'s state, not overwritten by the first')
  t.strictSame([...first.errors, ...second.errors], [])
  t.strictSame(readdirSync(dir), ['state.json'], 'no temporary file left')
})

/** Timers that keep the process alive: a saver's pending save is one. */
const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

t.test('two apps one after the other on one file, 20 times: the later one\'s state is what the file holds', async (t) => {
  const file = join(tempDir(t), 'state.json')
  let expected = 'nginx:latest'
  for (let i = 0; i < 20; i++) {
    const timers = activeTimers()
    const first = await buildApp({ stateFile: file })
    t.equal((await readBack(first)).external.imagePath, expected, `${i}: the first app starts from the file`)
    // The update's save is made to be in flight at close, with a change made while it writes: the
    // saver's timer is armed inside the request, and a timer of the same delay set right after it
    // fires right after it, in the same turn of the event loop, before any file operation can finish.
    const saverChanged = first.emulator.onChange
    const changedWhileSaving = new Promise<void>((resolve) => {
      first.emulator.onChange = () => {
        saverChanged?.()
        first.emulator.onChange = saverChanged
        setTimeout(() => {
          setImage(first.emulator, `nginx:first-${i}-again`)
          resolve()
        }, SAVE_DELAY_MS)
      }
    })
    t.equal((await post(first, DEPLOYMENT_URL, { external: { imagePath: `nginx:first-${i}` } })).statusCode, 200)
    await changedWhileSaving
    await first.close()
    t.equal(activeTimers(), timers, `${i}: no timer of the first app survives its close`)

    const second = await buildApp({ stateFile: file })
    t.equal((await readBack(second)).external.imagePath, `nginx:first-${i}-again`, `${i}: the second app starts from the first's last state`)
    t.equal((await post(second, DEPLOYMENT_URL, { external: { imagePath: `nginx:second-${i}` } })).statusCode, 200)
    await second.close()
    t.equal(imageIn(file), `nginx:second-${i}`, `${i}: the file holds the second app's state`)
    expected = `nginx:second-${i}`
  }
})
