/**
 * The state file (--state-file), for long-lived dev instances: read at start, saved shortly after every
 * change and at shutdown (docs/control-plane.md, "Persistence"). A write goes to a temporary file in the
 * same directory, is fsynced, then renamed over the old one (rename is atomic within a file system), and
 * the directory is fsynced: after a crash at any point the file is the old one or the new one, never half
 * of either. Only the default namespace is kept; isolation namespaces are per test run. No Fastify here.
 */
import { randomUUID } from 'node:crypto'
import { readdirSync, rmSync, type Dirent } from 'node:fs'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { StateFileSchema, type StateFile } from '../../schemas/admin.js'
import type { Fixtures } from '../../schemas/fixtures.js'
import { compile } from '../ajv.js'
import { problemsOf } from '../problems.js'
import type { Emulator } from './emulator.js'
import { checkFixtures, FixturesError } from './fixtures.js'
import { readJsonFile } from './json-file.js'
import type { State } from './model.js'
import { dumpState, restoreState } from './state-dump.js'

export class StateFileError extends Error {
  constructor (path: string, message: string) {
    super(`state file ${path}: ${message}`)
    this.name = 'StateFileError'
  }
}

export interface Saved {
  fixtures: Fixtures
  state: State
}

/** The saved fixtures and state, or undefined when the file does not exist yet (a first start). */
export function readStateFile (path: string): Saved | undefined {
  const doc = readJsonFile(path, (message) => new StateFileError(path, message), true)
  if (doc === undefined) return undefined
  const validate = compile(StateFileSchema)
  if (!validate(doc)) {
    throw new StateFileError(path, problemsOf(validate, doc, 'file').map((p) => p.message).join('; '))
  }
  const file = doc as StateFile
  try {
    return { fixtures: checkFixtures(file.fixtures, `${path} (its "fixtures")`), state: restoreState(file.state, 'file.state') }
  } catch (err) {
    // A FixturesError or a StateError, each naming the field.
    throw new StateFileError(path, err instanceof FixturesError ? err.problem.replace(/^fixtures\b/, 'file.fixtures') : (err as Error).message)
  }
}

export function stateFileOf (emulator: Emulator, now: Date = new Date()): StateFile {
  return {
    format: 'northflank-mock-state',
    version: 1,
    savedAt: now.toISOString(),
    fixtures: emulator.fixtures,
    state: dumpState(emulator.base.state)
  }
}

function stateFileText (emulator: Emulator): string {
  return JSON.stringify(stateFileOf(emulator), null, 2) + '\n'
}

/** Writes the emulator's fixtures and default state to `path`, atomically. */
export async function writeStateFile (path: string, emulator: Emulator): Promise<void> {
  await writeAtomically(path, stateFileText(emulator))
}

/** How long after a change its save starts: changes in a burst are saved together. */
export const SAVE_DELAY_MS = 200

/** How a saver writes a text to its file; the default is writeAtomically (tests hold a write in flight). */
export type WriteFile = (path: string, text: string) => Promise<void>

/**
 * Saves the state file after each change, off the request path: `changed()` only arms a timer; the
 * save takes a snapshot (synchronously, so it is one consistent state) and writes it atomically. At most
 * one write runs at a time; changes during a write are saved by the next one. The timer is real time,
 * not the emulator's clock: durability is about the process, and a manual clock standing still must not
 * stop saves.
 *
 * `close()` ends it: the pending timer is cleared, a write in flight is awaited, the state is written once
 * more, and from then on the saver never writes again (`changed()` is a no-op, no timer is armed), so a
 * later instance on the same file is never overwritten by this one.
 *
 * Stale temporary files of this state file (left by a process killed mid-write) are removed when a saver
 * is created: the saver is what writes them, and at its start this process has no write of its own in
 * flight. Every user of the file gets that, not only the app. Two processes saving to one file at once are
 * not supported (the last save wins): a second start would remove the first's temporary file mid-write.
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> | undefined
  private dirty = false
  private closing: Promise<void> | undefined

  constructor (
    private readonly path: string,
    private readonly emulator: Emulator,
    private readonly onError: (err: unknown) => void,
    private readonly delayMs = SAVE_DELAY_MS,
    private readonly write: WriteFile = writeAtomically
  ) {
    removeStaleTempFiles(path)
  }

  changed (): void {
    if (this.closing !== undefined) return
    this.dirty = true
    if (this.timer === undefined && this.writing === undefined) this.timer = setTimeout(() => this.save(), this.delayMs)
  }

  /** Waits for a running write, then writes the state as it is now (shutdown), once however often called. */
  async close (): Promise<void> {
    this.closing ??= this.finalSave()
    return this.closing
  }

  private async finalSave (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    await this.writing
    await this.write(this.path, stateFileText(this.emulator))
  }

  private save (): void {
    this.timer = undefined
    this.dirty = false
    this.writing = this.write(this.path, stateFileText(this.emulator))
      .catch(this.onError)
      .finally(() => {
        this.writing = undefined
        // Closing: the final save writes what is left, and nothing may write after it.
        if (this.dirty && this.closing === undefined) this.timer = setTimeout(() => this.save(), this.delayMs)
      })
  }
}

/** writeAtomically's temporary file for `path`, by name: hidden, beside it, unique per write. */
function tempFileName (path: string, id: string): string {
  return `.${basename(path)}.${id}.tmp`
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function isTempFileOf (path: string, name: string): boolean {
  const id = name.slice(basename(path).length + 2, -'.tmp'.length)
  return UUID.test(id) && name === tempFileName(path, id)
}

/**
 * Removes the temporary files that writes to `path` left behind when interrupted (`.<name>.<uuid>.tmp` in
 * its directory, regular files of exactly that shape). Best effort: a directory that cannot be read is
 * reported by the saves themselves, and a leftover that cannot be removed is clutter, not lost state.
 */
function removeStaleTempFiles (path: string): void {
  const dir = dirname(path)
  let entries: Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    if (!entry.isFile() || !isTempFileOf(path, entry.name)) continue
    // force: gone already is fine. Otherwise rm fails only for want of permission, which a test run as
    // root (the CI container) cannot bring about, hence:
    /* c8 ignore next 3 */
    try {
      rmSync(join(dir, entry.name), { force: true })
    } catch {}
  }
}

export async function writeAtomically (path: string, text: string): Promise<void> {
  const dir = dirname(path)
  // Same directory as the target, so the rename never crosses file systems; hidden, unique per write.
  const tmp = join(dir, tempFileName(path, randomUUID()))
  try {
    const file = await open(tmp, 'wx', 0o600)
    try {
      await file.writeFile(text, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  await syncDirectory(dir)
}

/** Makes the rename itself durable. */
async function syncDirectory (dir: string): Promise<void> {
  let handle: FileHandle
  /* c8 ignore start */
  try {
    handle = await open(dir, 'r')
  } catch {
    return // some platforms (Windows) cannot open a directory; the rename is still atomic there
  }
  /* c8 ignore stop */
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
