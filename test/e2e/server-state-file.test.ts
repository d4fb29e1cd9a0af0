import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { spawnCli } from '../support/cli.js'

const DEPLOYMENT = '/v1/projects/default-project/services/example-service/deployment'

/** Starts the CLI on a free port; resolves with its URL and a stop() that sends SIGTERM and waits. */
function startServer (args: string[]) {
  const child = spawnCli(['--port', '0', ...args])
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const url = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/[^ "]+)/.exec(out)
      if (m !== null) resolve(m[1] as string)
    })
    exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)), reject)
  })
  // Only against a hang: a loaded machine can take many seconds to start a child.
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
  exited.finally(() => clearTimeout(timer))
  return {
    url,
    exited,
    stderr: () => stderr,
    kill: (signal: NodeJS.Signals) => child.kill(signal),
    stop: async () => {
      child.kill('SIGTERM')
      return exited
    }
  }
}

/** A state file's path in a temporary folder removed after the test. */
function stateFile (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nf-mock-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'state.json')
}

async function deploy (url: string, imagePath: string): Promise<number> {
  const res = await fetch(`${url}${DEPLOYMENT}`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ external: { imagePath } })
  })
  return res.status
}

async function imageAt (url: string): Promise<string> {
  const read = await fetch(`${url}${DEPLOYMENT}`, { headers: { authorization: 'Bearer tok' } })
  return ((await read.json()) as { data: { external: { imagePath: string } } }).data.external.imagePath
}

t.test('the CLI saves the state file on SIGTERM and loads it at the next start', async (t) => {
  const file = stateFile(t)

  const first = startServer(['--state-file', file])
  t.equal(await deploy(await first.url, 'nginx:persisted'), 200)
  t.equal(await first.stop(), 0, 'a clean exit')
  t.matchStrict(JSON.parse(readFileSync(file, 'utf8')), { format: 'northflank-mock-state' })

  const second = startServer(['--state-file', file])
  t.equal(await imageAt(await second.url), 'nginx:persisted')
  t.equal(await second.stop(), 0)
})

t.test('an accepted change reaches the state file soon after, so it survives a SIGKILL', async (t) => {
  const file = stateFile(t)

  const first = startServer(['--state-file', file])
  t.equal(await deploy(await first.url, 'nginx:crash-safe'), 200)
  // Saved within a second of the change (SAVE_DELAY_MS); the deadline here only guards against a hang.
  const saved = Date.now()
  while (!(existsSync(file) && readFileSync(file, 'utf8').includes('nginx:crash-safe'))) {
    if (Date.now() - saved > 10_000) throw new Error('the change never reached the state file')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  first.kill('SIGKILL')
  t.not(await first.exited, 0, 'killed, with no chance to save at exit')

  const second = startServer(['--state-file', file])
  t.equal(await imageAt(await second.url), 'nginx:crash-safe')
  t.equal(await second.stop(), 0)
})

t.test('the CLI refuses to start on a bad state file, saying which field', async (t) => {
  const file = stateFile(t)
  writeFileSync(file, JSON.stringify({ format: 'northflank-mock-state', version: 1, savedAt: 'yesterday', fixtures: { projects: [] }, state: { projects: {} } }))
  const server = startServer(['--state-file', file])
  t.equal(await server.exited, 1)
  t.matchStrict(server.stderr(), /^northflank-mock: state file .*state\.json: file\.savedAt must match format "date-time"/)
  await t.rejects(server.url)
})
