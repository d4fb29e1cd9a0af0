import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { AppOptions } from '../../src/app.js'
import { build, DEPLOYMENT_URL, post, readBack } from '../support/helper.js'

// Northflank's official CLI (@northflank/cli, a dev dependency) against the emulator on an ephemeral
// port. Its config lives in a temporary HOME, never the user's; the config is seeded with a far-future
// lastUpdateCheck so the CLI does not ask the npm registry for a newer version on each run.

const require = createRequire(import.meta.url)
const CLI = join(dirname(require.resolve('@northflank/cli/package.json')), 'dist', 'cli.js')

/** lastUpdateCheck in the year 3000: the CLI checks for updates once a day after it. */
const NEVER = 32503680000000

interface Run { code: number | null, stdout: string, stderr: string }

interface Cli {
  app: FastifyInstance
  host: string
  home: string
  run: (...args: string[]) => Promise<Run>
  config: () => any
  /** Authorization headers of the requests the emulator received, by `METHOD url`. */
  received: Array<{ route: string, authorization: string | undefined }>
}

async function cli (t: Test, options: AppOptions = {}): Promise<Cli> {
  const app = await build(t, options)
  const received: Cli['received'] = []
  app.addHook('onRequest', async (request) => {
    received.push({ route: `${request.method} ${request.url}`, authorization: request.headers.authorization })
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const host = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  const home = mkdtempSync(join(tmpdir(), 'northflank-mock-cli-'))
  t.teardown(() => rmSync(home, { recursive: true, force: true }))
  mkdirSync(join(home, '.northflank'))
  writeFileSync(join(home, '.northflank', 'config.json'), JSON.stringify({ contexts: [], lastUpdateCheck: NEVER }))
  // Only what the CLI needs: no NODE_OPTIONS (tap's loaders), no token or context from the caller's env.
  const env = { PATH: process.env.PATH ?? '', HOME: home, USERPROFILE: home, NO_COLOR: '1' }

  // Async on purpose: the emulator answers from this same process while the CLI runs.
  const run = (...args: string[]) => new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => { stdout += chunk })
    child.stderr.on('data', (chunk) => { stderr += chunk })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  const config = () => JSON.parse(readFileSync(join(home, '.northflank', 'config.json'), 'utf8'))
  return { app, host, home, run, config, received }
}

const login = (c: Cli, token = 'tok-abc') => c.run('login', '--name', 'local', '--token', token, '--host', c.host)

/**
 * The context a login saves (the first test checks that shape in the CLI's own config), written directly:
 * the update tests start logged in without paying a CLI run for it.
 */
function loggedIn (c: Cli, token = 'tok-abc'): void {
  writeFileSync(join(c.home, '.northflank', 'config.json'),
    JSON.stringify({ ...c.config(), contexts: [{ name: 'local', host: c.host, token }], current: 'local' }))
}

t.test('northflank login --host <emulator> checks the token with GET /v1/login and saves the context', async (t) => {
  const c = await cli(t)
  const out = await login(c)
  t.matchStrict(out.stdout, `Successfully logged in using token login, added context with name local (api host: ${c.host})`)
  // At least once: on a loaded machine the CLI times out and asks again, as often as the load makes it;
  // whatever the count, every request is this one.
  t.ok(c.received.length >= 1, `${c.received.length} requests`)
  t.strictSame(new Set(c.received.map((r) => JSON.stringify(r))), new Set([JSON.stringify({ route: 'GET /v1/login', authorization: 'Bearer tok-abc' })]))
  const config = c.config()
  t.equal(config.current, 'local')
  t.strictSame(config.contexts, [{ name: 'local', host: c.host, token: 'tok-abc' }], 'the context, and nothing else')
  // The CLI stamps lastUpdateCheck after asking the registry: unchanged, it did not ask.
  t.equal(config.lastUpdateCheck, NEVER, 'no update check went to the npm registry')
})

t.test('northflank login with a token the emulator does not know fails and saves nothing', async (t) => {
  const c = await cli(t, { fixtures: { projects: [], tokens: [{ token: 'the-only-token' }] } })
  const out = await login(c, 'wrong-token')
  // The CLI exits 0 even then: its output and the saved config are what tell.
  t.matchStrict(out.stderr, 'Failed to login with the provided token')
  t.notMatch(out.stdout, 'Successfully logged in')
  t.strictSame(c.config().contexts, [])
})

t.test('northflank update service deployment --file <body> changes the deployment', async (t) => {
  const c = await cli(t)
  loggedIn(c)
  const file = join(c.home, 'body.json')
  writeFileSync(file, JSON.stringify({ external: { imagePath: 'ghcr.io/org/app:1.2.3' }, docker: { configType: 'customCommand', customCommand: 'run --fast' } }))
  const out = await c.run('update', 'service', 'deployment', '--projectId', 'default-project', '--serviceId', 'example-service', '--file', file)
  t.equal(out.code, 0, out.stderr)
  t.matchStrict(out.stdout, 'The request was completed successfully (HTTP status: OK)')
  t.matchStrict(c.received.at(-1), { route: 'POST /v1/projects/default-project/services/example-service/deployment', authorization: 'Bearer tok-abc' })
  const now = await readBack(c.app)
  t.strictSame(now.external, { imagePath: 'ghcr.io/org/app:1.2.3', registryProvider: 'github', privateImage: false })
  t.strictSame(now.docker, { configType: 'customCommand', customCommand: 'run --fast' })
  t.equal(c.config().lastUpdateCheck, NEVER, 'no update check went to the npm registry')
})

t.test('northflank update job deployment --file <body> changes what the job runs, and get job deployment reads it', async (t) => {
  const c = await cli(t)
  loggedIn(c)
  const file = join(c.home, 'job.json')
  writeFileSync(file, JSON.stringify({ external: { imagePath: 'ghcr.io/org/batch:7' } }))
  const out = await c.run('update', 'job', 'deployment', '--projectId', 'default-project', '--jobId', 'example-job', '--file', file)
  t.equal(out.code, 0, out.stderr)
  t.matchStrict(out.stdout, 'The request was completed successfully (HTTP status: OK)')
  t.matchStrict(c.received.at(-1), { route: 'POST /v1/projects/default-project/jobs/example-job/deployment', authorization: 'Bearer tok-abc' })
  const read = await c.run('get', 'job', 'deployment', '--projectId', 'default-project', '--jobId', 'example-job', '--output', 'json')
  t.equal(read.code, 0, read.stderr)
  t.strictSame(JSON.parse(read.stdout).external, { imagePath: 'ghcr.io/org/batch:7', registryProvider: 'github', privateImage: false })
})

t.test('northflank update service deployment with an invalid body prints the emulator\'s message and exits 1', async (t) => {
  const c = await cli(t)
  loggedIn(c)
  const body = { external: { imagePath: 'nginx' }, docker: { configType: 'customEntrypoint' } }
  const file = join(c.home, 'bad.json')
  writeFileSync(file, JSON.stringify(body))
  const before = await readBack(c.app)
  const expected = (await post(c.app, DEPLOYMENT_URL, body)).json().error

  const out = await c.run('update', 'service', 'deployment', '--projectId', 'default-project', '--serviceId', 'example-service', '--file', file)
  t.equal(out.code, 1)
  t.matchStrict(out.stderr, 'Failed: Error occured while trying to run command, error: API request failed')
  t.equal(expected.message, 'body.external.imagePath must be an image with a :tag or @digest, e.g. nginx:latest, ghcr.io/org/app:1.0 or ' +
    'repo/app@sha256:…; body.docker.customEntrypoint is required when configType is customEntrypoint', 'the message users read')
  t.matchStrict(out.stderr, `Message: ${expected.message} (HTTP status code: 400, NF error id: `)
  t.matchStrict(out.stderr, `details :${JSON.stringify(expected.details)}`)
  t.strictSame(await readBack(c.app), before, 'nothing changed')
})
