import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Fixtures } from '../schemas/fixtures.js'
import { readFixturesFile } from '../src/domain/fixtures.js'
import { AdminError, buildApp, createAdminClient, defaultFixtures, FixturesError, startMock, VERSION } from '../src/index.js'

const PROJECT = 'default-project'
const SERVICE = 'example-service'
const DEPLOYMENT = `/v1/projects/${PROJECT}/services/${SERVICE}/deployment`

async function deploy (url: string, imagePath: string, token = 'tok') {
  return fetch(`${url}${DEPLOYMENT}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ external: { imagePath } })
  })
}

async function imageOf (url: string, token = 'tok'): Promise<string> {
  const res = await fetch(`${url}${DEPLOYMENT}`, { headers: { authorization: `Bearer ${token}` } })
  return ((await res.json()) as { data: { external: { imagePath: string } } }).data.external.imagePath
}

t.test('startMock listens on an ephemeral port of 127.0.0.1 and close() stops it', async (t) => {
  const mock = await startMock()
  t.matchStrict(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.not(mock.url.endsWith(':0'), true)
  const res = await fetch(`${mock.url}/_mock/health`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-northflank-mock'), VERSION)
  t.equal(mock.app.emulator.isolation, false)
  await mock.close()
  await t.rejects(fetch(`${mock.url}/_mock/health`), 'nothing listens after close')
})

t.test('two emulators run side by side, each with its own state', async (t) => {
  const [a, b] = await Promise.all([startMock(), startMock()])
  t.teardown(() => Promise.all([a.close(), b.close()]))
  t.not(a.url, b.url)
  await deploy(a.url, 'nginx:a')
  t.equal(await imageOf(a.url), 'nginx:a')
  t.equal(await imageOf(b.url), 'nginx:latest')
})

t.test('every admin helper works over HTTP', async (t) => {
  const mock = await startMock({ journalSize: 10 })
  t.teardown(() => mock.close())
  const { admin } = mock

  t.matchStrict(await admin.health(), { status: 'ok', ready: true, name: 'northflank-mock', version: VERSION, journalCapacity: 10 })
  t.equal((await deploy(mock.url, 'nginx:1')).status, 200)
  t.equal((await deploy(mock.url, 'not an image')).status, 400)

  const journal = await admin.journal()
  t.strictSame(journal.map((e) => [e.method, e.status]), [['POST', 200], ['POST', 400]])
  t.equal(journal[0]?.headers.authorization, 'Bearer ***')
  t.strictSame(journal[0]?.body, { external: { imagePath: 'nginx:1' } })
  t.equal((await admin.journal({ status: 400 })).length, 1)
  t.strictSame((await admin.journal({ limit: 1 })).map((e) => e.status), [400])
  t.equal(await admin.count({ method: 'POST', service: SERVICE, status: 200 }), 1)
  t.equal(await admin.count({ project: PROJECT }), 2)
  t.equal(await admin.count(), 2)

  const state = await admin.state()
  t.strictSame(state.projects[PROJECT]?.services[SERVICE]?.deployment?.source, { kind: 'external', imagePath: 'nginx:1' })

  t.equal(await admin.clearJournal(), 2)
  t.equal(await admin.count(), 0)

  await admin.reset()
  t.equal(await imageOf(mock.url), 'nginx:latest')
  t.strictSame(await admin.replaceState(state), state)
  t.equal(await imageOf(mock.url), 'nginx:1')
  await admin.reset({ project: PROJECT })
  t.equal(await imageOf(mock.url), 'nginx:latest')

  const fixtures: Fixtures = { projects: [{ id: 'shop', services: [{ id: 'web', serviceType: 'deployment' }] }] }
  const loaded = await admin.loadFixtures(fixtures)
  t.strictSame(Object.keys(loaded.projects), ['shop'])
  t.strictSame(await admin.fixtures(), fixtures)
  await admin.loadFixtures(defaultFixtures())
})

t.test('the admin client throws AdminError with the status and the envelope', async (t) => {
  const mock = await startMock()
  t.teardown(() => mock.close())
  const err = await mock.admin.loadFixtures({ projects: [{ id: 'a', services: [] }, { id: 'a', services: [] }] }).catch((e: unknown) => e)
  t.ok(err instanceof AdminError)
  const e = err as AdminError
  t.equal(e.status, 400)
  t.matchStrict(e.message, 'POST /_mock/fixtures: 400 body.projects[1].id: project "a" is listed twice')
  t.matchStrict(e.body, { error: { status: 400 } })
  const notJson = await mock.admin.reset({ project: 'nope' }).catch((x: unknown) => x)
  t.matchStrict(notJson, { status: 404 })
})

t.test('an AdminError for a body that is not the envelope keeps the text', async (t) => {
  const server = createServer((_req, res) => res.writeHead(502, { connection: 'close' }).end('oops'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as { port: number }
  const err = await createAdminClient(`http://127.0.0.1:${port}/`).state().catch((e: unknown) => e)
  t.ok(err instanceof AdminError)
  t.matchStrict(err, { status: 502, body: 'oops', message: 'GET /_mock/state: 502 oops' })
})

t.test('with an admin token, startMock\'s helpers send it and a bare client is refused', async (t) => {
  const mock = await startMock({ adminToken: 's3cret' })
  t.teardown(() => mock.close())
  t.equal(await mock.admin.count(), 0)
  await t.rejects(createAdminClient(mock.url).count(), { name: 'AdminError', status: 401 })
  t.equal(await createAdminClient(mock.url, { adminToken: 's3cret' }).count(), 0)
})

t.test('with isolation, a client scoped to a token sees only that namespace', async (t) => {
  const mock = await startMock({ isolation: true })
  t.teardown(() => mock.close())
  const alice = createAdminClient(mock.url, { token: 'alice' })
  const bob = createAdminClient(mock.url, { token: 'bob' })
  await deploy(mock.url, 'nginx:alice', 'alice')
  await deploy(mock.url, 'nginx:bob', 'bob')
  t.equal(await alice.count({ method: 'POST' }), 1)
  t.equal((await alice.journal())[0]?.body && JSON.stringify((await alice.journal())[0]?.body), '{"external":{"imagePath":"nginx:alice"}}')
  t.equal((await bob.state()).projects[PROJECT]?.services[SERVICE]?.deployment?.source?.kind, 'external')
  await alice.reset()
  t.equal(await imageOf(mock.url, 'alice'), 'nginx:latest')
  t.equal(await imageOf(mock.url, 'bob'), 'nginx:bob')
  await bob.loadFixtures({ projects: [] })
  t.strictSame((await bob.fixtures()).projects, [])
  t.equal(await bob.clearJournal(), 2)
  t.equal(await mock.admin.count(), 1, 'an unscoped client sees every namespace: alice\'s read-back since her reset is left')
  t.equal(await alice.count({ token: 'bob' }), 0, 'a per-call token overrides the client\'s')
})

t.test('startMock rejects when the port is taken, and leaves nothing running', async (t) => {
  const first = await startMock()
  t.teardown(() => first.close())
  const port = Number(new URL(first.url).port)
  await t.rejects(startMock({ port }), { code: 'EADDRINUSE' })
})

t.test('the fault and clock helpers drive the second half of the control plane', async (t) => {
  const mock = await startMock({ adminToken: 'adm', isolation: true })
  t.teardown(() => mock.close())
  const scoped = createAdminClient(mock.url, { adminToken: 'adm', token: 'alice' })
  const rule = await scoped.addFault({ id: 'down', match: { method: 'POST' }, action: { status: 503 }, times: 1 })
  t.matchStrict(rule, { id: 'down', remaining: 1 })
  t.equal((await deploy(mock.url, 'nginx:x', 'alice')).status, 503)
  t.equal((await deploy(mock.url, 'nginx:x', 'alice')).status, 200, 'times: 1')
  t.matchStrict(await scoped.faults(), [{ id: 'down', applied: 1, remaining: 0 }])
  await scoped.removeFault('down')
  t.strictSame(await scoped.faults(), [])
  await scoped.addFault({ action: { status: 500 } })
  await scoped.clearFaults()
  t.strictSame(await mock.admin.faults(), [])
  await t.rejects(scoped.removeFault('nope'), { name: 'AdminError', status: 404 })

  const stopped = await scoped.setClock({ mode: 'manual', now: '2030-01-01T00:00:00.000Z' })
  t.strictSame(stopped, { mode: 'manual', now: '2030-01-01T00:00:00.000Z' })
  t.strictSame(await scoped.advanceClock(1500), { mode: 'manual', now: '2030-01-01T00:00:01.500Z' })
  t.equal((await scoped.setClock({ mode: 'system' })).mode, 'system')
})

t.test('the admin client refuses a URL that is not http or https, saying so', async (t) => {
  t.throws(() => createAdminClient('ftp://127.0.0.1:21'), { name: 'TypeError', message: /must be http: or https:/ })
})

/** What the command line says of a fixtures file: the FixturesError of the same document read from a file. */
function cliProblem (doc: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'nf-start-fixtures-'))
  try {
    const file = join(dir, 'fixtures.json')
    writeFileSync(file, JSON.stringify(doc))
    readFixturesFile(file)
  } catch (err) {
    return (err as FixturesError).problem
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  throw new Error('the file was accepted')
}

t.test('startMock and buildApp refuse bad fixtures with a FixturesError naming the field, as the command line does', async (t) => {
  const service = (over: Record<string, unknown>) => ({ projects: [{ id: 'shop', services: [{ id: 'web', serviceType: 'deployment', ...over }] }] })
  const cases: Array<[string, unknown, string]> = [
    ['a misspelt service type', service({ serviceType: 'deploy' }),
      'fixtures.projects[0].services[0].serviceType must be one of: deployment, combined, build'],
    ['a service id that is no id', service({ id: 'Bad Id!' }),
      'fixtures.projects[0].services[0].id must be a letter, then letters, digits and single dashes, not ending in a dash'],
    ['a project id that would be a prototype key', { projects: [{ id: '__proto__', services: [] }] },
      'fixtures.projects[0].id must be a letter, then letters, digits and single dashes, not ending in a dash'],
    ['projects that are not a list', { projects: 'x' }, 'fixtures.projects must be an array'],
    ['a fault rule that asks for nothing', { projects: [], faults: [{ action: {} }] },
      'fixtures.faults[0]: action must ask for something: status, delayMs, drop or rollout'],
    ['a fault rule with an unknown key', { projects: [], faults: [{ action: { status: 503 }, when: 'now' }] },
      'fixtures.faults[0].when is not allowed; allowed here: id, match, action, times, fraction, seed'],
    ['a deployment the rules refuse', service({ serviceType: 'combined', deployment: { external: { imagePath: 'nginx:1' } } }),
      'fixtures.projects[0].services[0].deployment: a combined service deploys its own builds (no external or internal)']
  ]
  for (const [name, doc, problem] of cases) {
    t.equal(cliProblem(doc), problem, `${name}: the command line's message`)
    const started = await startMock({ fixtures: doc as Fixtures }).then(async (m) => { await m.close(); return 'started' }, (err: unknown) => err)
    t.ok(started instanceof FixturesError, `${name}: startMock rejects with a FixturesError`)
    t.equal((started as FixturesError).message, `fixtures option: ${problem}`, name)
    t.equal((started as FixturesError).problem, problem)
    await t.rejects(buildApp({ fixtures: doc as Fixtures }), { name: 'FixturesError', message: `fixtures option: ${problem}` }, `${name}: buildApp too`)
  }
  const circular: Record<string, unknown> = { projects: [] }
  circular.self = circular
  await t.rejects(startMock({ fixtures: circular as Fixtures }), { name: 'FixturesError', message: /^fixtures option: is not a JSON document \(/ })
})

t.test('fixtures given as a value are copied: changing the object later never changes what a reset returns to', async (t) => {
  const fixtures = { projects: [{ id: 'shop', services: [{ id: 'web', serviceType: 'deployment' as const, deployment: { external: { imagePath: 'shop/web:1' } } }] }] }
  const mock = await startMock({ fixtures })
  t.teardown(() => mock.close())
  const external = fixtures.projects[0]?.services[0]?.deployment.external as { imagePath: string }
  external.imagePath = 'shop/web:changed'
  await mock.admin.reset()
  t.strictSame((await mock.admin.state()).projects.shop?.services.web?.deployment?.source, { kind: 'external', imagePath: 'shop/web:1' })
})

t.test('a state file whose ids are not ids is refused, naming the key; so is a state sent with one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nf-start-state-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'state.json')
  const mock = await startMock({ stateFile: file })
  await mock.close()
  // JSON.parse makes "__proto__" an own key, as a hand-edited file would have it.
  const saved = JSON.parse(readFileSync(file, 'utf8'))
  const project = saved.state.projects['default-project']
  writeFileSync(file, JSON.stringify({ ...saved, state: { projects: { KEY: { ...project, id: 'KEY' } } } }).replaceAll('"KEY"', '"__proto__"'))
  const text = readFileSync(file, 'utf8')
  t.ok(text.includes('"projects":{"__proto__":'), 'the file has the key')
  await t.rejects(startMock({ stateFile: file }), {
    name: 'StateFileError',
    message: `state file ${file}: file.state.projects.__proto__ is not allowed: a key here must be a letter, then letters, digits and single dashes, not ending in a dash`
  })
  const other = await startMock()
  t.teardown(() => other.close())
  const dump = await other.admin.state()
  const res = await fetch(`${other.url}/_mock/state`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ projects: { 'Bad Id': { ...dump.projects['default-project'], id: 'Bad Id' } } })
  })
  t.equal(res.status, 400)
  t.equal(((await res.json()) as { error: { message: string } }).error.message,
    'body.projects["Bad Id"] is not allowed: a key here must be a letter, then letters, digits and single dashes, not ending in a dash')
})
