import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Fixtures } from '../../../schemas/fixtures.js'
import { ApiError } from '../../../src/errors.js'
import { asBadRequest } from '../../../src/routes/admin/state.js'
import { VERSION } from '../../../src/version.js'
import { richFixtures } from '../../support/fixtures/rich.js'
import { AUTH, build, DEPLOYMENT_URL, get, post, PROJECT, readBack, SERVICE } from '../../support/helper.js'

const admin = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })

const nginx = (tag: string) => ({ external: { imagePath: `nginx:${tag}` } })

const SMALL: Fixtures = {
  projects: [{
    id: 'shop',
    services: [
      { id: 'web', serviceType: 'deployment', deployment: { external: { imagePath: 'shop/web:1' } } },
      { id: 'worker', serviceType: 'deployment' }
    ]
  }]
}

t.test('GET /_mock/health', async (t) => {
  t.test('answers ok, ready, name, version and uptime, with the emulator header', async (t) => {
    const app = await build(t, { isolation: true, journalSize: 5 })
    const res = await admin(app, 'GET', '/_mock/health')
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-northflank-mock'], VERSION)
    const body = res.json()
    t.matchStrict(body, { status: 'ok', ready: true, name: 'northflank-mock', version: VERSION, isolation: true, journalCapacity: 5 })
    t.type(body.uptime, 'number')
  })

  t.test('needs no admin token, so healthchecks work when one is set', async (t) => {
    const app = await build(t, { adminToken: 'adm' })
    t.equal((await admin(app, 'GET', '/_mock/health')).statusCode, 200)
  })
})

t.test('the admin token', async (t) => {
  t.test('when set, admin routes answer 401 without it, naming the header', async (t) => {
    const app = await build(t, { adminToken: 'adm' })
    for (const [method, url] of [['GET', '/_mock/state'], ['POST', '/_mock/reset'], ['GET', '/_mock/journal'], ['DELETE', '/_mock/journal']] as const) {
      const res = await admin(app, method, url)
      t.equal(res.statusCode, 401, `${method} ${url}`)
      t.hasStrict(res.json().error, { status: 401, message: 'Unauthorized: this emulator has an admin token; send it as "x-mock-admin-token: <token>"', details: { reason: 'missing-admin-token' } })
    }
  })

  t.test('a wrong token is a 401 too, and the right one passes', async (t) => {
    const app = await build(t, { adminToken: 'adm' })
    const bad = await admin(app, 'GET', '/_mock/state', undefined, { 'x-mock-admin-token': 'nope' })
    t.equal(bad.statusCode, 401)
    t.equal(bad.json().error.details.reason, 'bad-admin-token')
    t.equal((await admin(app, 'GET', '/_mock/state', undefined, { 'x-mock-admin-token': 'adm' })).statusCode, 200)
  })

  t.test('without one configured, admin routes are open', async (t) => {
    const app = await build(t)
    t.equal((await admin(app, 'GET', '/_mock/state')).statusCode, 200)
  })

  t.test('does not guard the emulated API', async (t) => {
    const app = await build(t, { adminToken: 'adm' })
    t.equal((await get(app, DEPLOYMENT_URL)).statusCode, 200)
  })
})

t.test('POST /_mock/reset', async (t) => {
  t.test('puts the state back to the fixtures and clears the journal', async (t) => {
    const app = await build(t)
    const before = await readBack(app)
    t.equal((await post(app, DEPLOYMENT_URL, nginx('2'))).statusCode, 200)
    t.not((await readBack(app)).external.imagePath, before.external.imagePath)
    const res = await admin(app, 'POST', '/_mock/reset')
    t.equal(res.statusCode, 200)
    t.strictSame(res.json(), { reset: { token: null, project: null } })
    t.strictSame(await readBack(app), before)
    const journal = (await admin(app, 'GET', '/_mock/journal')).json()
    t.strictSame(journal.entries.map((e: { method: string }) => e.method), ['GET'], 'only the read-back after the reset')
  })

  t.test('?project= restores that project only, and drops only its journal entries', async (t) => {
    const app = await build(t, { fixtures: { projects: [...SMALL.projects, { id: 'other', services: [{ id: 'api', serviceType: 'deployment' }] }] } })
    await post(app, '/v1/projects/shop/services/web/deployment', nginx('shop'))
    await post(app, '/v1/projects/other/services/api/deployment', nginx('other'))
    const res = await admin(app, 'POST', '/_mock/reset?project=shop')
    t.strictSame(res.json(), { reset: { token: null, project: 'shop' } })
    t.equal((await readBack(app, '/v1/projects/shop/services/web/deployment')).external.imagePath, 'shop/web:1')
    t.equal((await readBack(app, '/v1/projects/other/services/api/deployment')).external.imagePath, 'nginx:other')
    const count = await admin(app, 'GET', '/_mock/journal/count?method=POST')
    t.strictSame(count.json(), { count: 1, dropped: 0 }, 'the POST to the other project is still journaled')
  })

  t.test('?project= of a project that is neither in the fixtures nor the state is a 404', async (t) => {
    const app = await build(t)
    const res = await admin(app, 'POST', '/_mock/reset?project=nope')
    t.equal(res.statusCode, 404)
    t.equal(res.json().error.message, 'Project "nope" not found')
  })

  t.test('?project= removes a project that the state has but the fixtures do not', async (t) => {
    const app = await build(t)
    await admin(app, 'POST', '/_mock/fixtures', SMALL)
    const dump = (await admin(app, 'GET', '/_mock/state')).json()
    await admin(app, 'POST', '/_mock/fixtures', { projects: [] })
    t.equal((await admin(app, 'PUT', '/_mock/state', dump)).statusCode, 200)
    t.equal((await admin(app, 'POST', '/_mock/reset?project=shop')).statusCode, 200)
    t.strictSame((await admin(app, 'GET', '/_mock/state')).json(), { projects: {} })
  })

  t.test('an unknown query parameter is a 400 naming it', async (t) => {
    const app = await build(t)
    const res = await admin(app, 'POST', '/_mock/reset?projects=x')
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error.message, /querystring\.projects is not allowed/)
  })

  t.test('a token scope without isolation is a 400 rather than a reset of everyone', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, nginx('kept'))
    const res = await admin(app, 'POST', '/_mock/reset?token=a')
    t.equal(res.statusCode, 400)
    t.hasStrict(res.json().error, { message: 'A namespace scope (x-mock-namespace or querystring.token) needs isolation (--isolation / NORTHFLANK_MOCK_ISOLATION); without it every token shares one state', details: { reason: 'isolation-off' } })
    t.equal((await readBack(app)).external.imagePath, 'nginx:kept')
    for (const url of ['/_mock/state?token=a', '/_mock/fixtures?token=a', '/_mock/journal?token=a', '/_mock/journal/count?token=a']) {
      t.equal((await admin(app, 'GET', url)).statusCode, 400, url)
    }
    t.equal((await admin(app, 'DELETE', '/_mock/journal?token=a')).statusCode, 400)
  })
})

t.test('GET /_mock/state', async (t) => {
  t.test('dumps projects and services keyed by id, with what the API changed', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, { external: { imagePath: 'ghcr.io/acme/app:2', credentials: 'creds' } })
    const state = (await admin(app, 'GET', '/_mock/state')).json()
    const service = state.projects[PROJECT].services[SERVICE]
    t.strictSame(service.deployment.source, { kind: 'external', imagePath: 'ghcr.io/acme/app:2', credentials: 'creds' })
    t.equal(service.status.rollout.outcome, 'COMPLETED')
    t.strictSame(Object.keys(state.projects[PROJECT].services).sort(), ['example-build-service', 'example-combined-service', 'example-service'])
    t.notOk('tokens' in state, 'no token list: any token is accepted')
  })

  t.test('includes the token list when the fixtures have one', async (t) => {
    const tokens = [{ token: 'ro', permissions: ['Project > Services > General > Read'], projects: ['shop'] }, { token: 'all' }]
    const app = await build(t, { fixtures: { ...SMALL, tokens } })
    t.strictSame((await admin(app, 'GET', '/_mock/state')).json().tokens, tokens)
  })
})

t.test('PUT /_mock/state', async (t) => {
  t.test('restores a dump exactly, as the API then reads it', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, nginx('snap'))
    const dump = (await admin(app, 'GET', '/_mock/state')).json()
    const read = await readBack(app)
    await admin(app, 'POST', '/_mock/reset')
    const res = await admin(app, 'PUT', '/_mock/state', dump)
    t.equal(res.statusCode, 200)
    t.strictSame(res.json(), dump)
    t.strictSame(await readBack(app), read)
  })

  t.test('restores the token list too, with and without permissions and projects', async (t) => {
    const app = await build(t)
    const dump = (await admin(app, 'GET', '/_mock/state')).json()
    const tokens = [{ token: 'test-token', permissions: ['Project > Services > General > Read'], projects: [PROJECT] }, { token: 'all' }]
    t.equal((await admin(app, 'PUT', '/_mock/state', { ...dump, tokens })).statusCode, 200)
    t.strictSame((await admin(app, 'GET', '/_mock/state')).json().tokens, tokens)
    t.equal((await get(app, DEPLOYMENT_URL)).statusCode, 403, 'test-token now lacks View Instances')
    t.equal((await get(app, DEPLOYMENT_URL, { authorization: 'Bearer all' })).statusCode, 200)
    t.equal((await get(app, DEPLOYMENT_URL, { authorization: 'Bearer other' })).statusCode, 401)
  })

  t.test('refuses a dump whose key and id differ, naming the field, and keeps the state', async (t) => {
    const app = await build(t)
    const dump = (await admin(app, 'GET', '/_mock/state')).json()
    dump.projects[PROJECT].services[SERVICE].id = 'renamed'
    let res = await admin(app, 'PUT', '/_mock/state', dump)
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error, { message: `body.projects["${PROJECT}"].services["${SERVICE}"].id: is "renamed", but the service is keyed "${SERVICE}"`, details: { reason: 'invalid-state' } })
    dump.projects[PROJECT].services[SERVICE].id = SERVICE
    dump.projects[PROJECT].id = 'moved'
    res = await admin(app, 'PUT', '/_mock/state', dump)
    t.matchStrict(res.json().error.message, /^body\.projects\["default-project"\]\.id: is "moved"/)
    t.equal((await get(app, DEPLOYMENT_URL)).statusCode, 200)
  })

  t.test('refuses a document of the wrong shape with the schema\'s problems', async (t) => {
    const app = await build(t)
    const res = await admin(app, 'PUT', '/_mock/state', { projects: { p: { id: 'p', name: 'p', region: 'r', services: { s: { id: 's' } } } } })
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error.message, /body\.projects\.p\.services\.s\.name is required/)
  })
})

t.test('GET and POST /_mock/fixtures', async (t) => {
  t.test('GET answers the fixtures a reset returns to', async (t) => {
    const app = await build(t, { fixtures: SMALL })
    t.strictSame((await admin(app, 'GET', '/_mock/fixtures')).json(), SMALL)
  })

  t.test('GET answers fixtures with docker settings, whose schema has if/then blocks and the wire patterns', async (t) => {
    const fixtures = richFixtures()
    const app = await build(t, { fixtures })
    const res = await admin(app, 'GET', '/_mock/fixtures')
    t.equal(res.statusCode, 200)
    t.strictSame(res.json(), fixtures)
  })

  t.test('POST replaces the state and the reset target, keeps the journal, and answers the new state', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, nginx('1'))
    const res = await admin(app, 'POST', '/_mock/fixtures', SMALL)
    t.equal(res.statusCode, 200)
    t.strictSame(Object.keys(res.json().projects), ['shop'])
    t.equal((await get(app, DEPLOYMENT_URL)).statusCode, 404, 'the old project is gone')
    t.strictSame((await admin(app, 'GET', '/_mock/fixtures')).json(), SMALL)
    t.equal((await admin(app, 'GET', '/_mock/journal/count')).json().count, 2, 'the POST and the GET are still journaled')
    await post(app, '/v1/projects/shop/services/web/deployment', nginx('changed'))
    await admin(app, 'POST', '/_mock/reset')
    t.equal((await readBack(app, '/v1/projects/shop/services/web/deployment')).external.imagePath, 'shop/web:1', 'reset returns to the loaded fixtures')
  })

  t.test('a document the schema refuses is a 400 naming the field, and the state is left as it was', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, nginx('before'))
    const res = await admin(app, 'POST', '/_mock/fixtures', { projects: [{ id: 'shop', services: [{ id: 'web', serviceType: 'lambda' }] }] })
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error.message, 'body.projects[0].services[0].serviceType must be one of: deployment, combined, build')
    t.equal((await readBack(app)).external.imagePath, 'nginx:before')
  })

  t.test('a document only building refuses (duplicate ids, a refused deployment) is a 400 naming the field, state untouched', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, nginx('before'))
    let res = await admin(app, 'POST', '/_mock/fixtures', { projects: [{ id: 'a', services: [] }, { id: 'a', services: [] }] })
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error, { message: 'body.projects[1].id: project "a" is listed twice', details: { reason: 'invalid-fixtures' } })
    res = await admin(app, 'POST', '/_mock/fixtures', {
      projects: [{ id: 'a', services: [{ id: 'd', serviceType: 'deployment', deployment: { internal: { id: 'missing' } } }] }]
    })
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error.message, /^body\.projects\[0\]\.services\[0\]\.deployment: /)
    t.equal((await readBack(app)).external.imagePath, 'nginx:before')
    t.equal((await admin(app, 'GET', '/_mock/fixtures')).json().projects[0].id, PROJECT)
  })

  t.test('a body that is not JSON is a 400, state untouched', async (t) => {
    const app = await build(t)
    const res = await app.inject({ method: 'POST', url: '/_mock/fixtures', headers: { 'content-type': 'application/json' }, payload: '{"projects":' })
    t.equal(res.statusCode, 400)
    t.equal((await get(app, DEPLOYMENT_URL)).statusCode, 200)
  })
})

t.test('the journal', async (t) => {
  t.test('records method, path, params, redacted headers, body, status, response and duration', async (t) => {
    const app = await build(t)
    const body = { external: { imagePath: 'nginx:1.27' }, docker: { configType: 'default' } }
    await post(app, `${DEPLOYMENT_URL}?trace=1`, body)
    const { entries, capacity, total } = (await admin(app, 'GET', '/_mock/journal')).json()
    t.equal(capacity, 1000)
    t.equal(total, 1)
    t.equal(entries.length, 1)
    const e = entries[0]
    t.matchStrict(e, {
      seq: Number,
      method: 'POST',
      path: DEPLOYMENT_URL,
      query: 'trace=1',
      params: { projectId: PROJECT, serviceId: SERVICE },
      status: 200,
      body,
      response: { data: {} }
    })
    t.equal(e.headers.authorization, 'Bearer ***')
    t.notMatch(JSON.stringify(e), AUTH.authorization.split(' ')[1] as string, 'the token appears nowhere')
    t.ok(Date.parse(e.time) > 0)
    t.type(e.durationMs, 'number')
    t.ok(e.durationMs >= 0)
  })

  t.test('records refused requests too: bad JSON as text, 401s, unknown routes', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, '{oops')
    await app.inject({ method: 'GET', url: DEPLOYMENT_URL })
    await get(app, '/v1/nowhere')
    const { entries } = (await admin(app, 'GET', '/_mock/journal')).json()
    t.strictSame(entries.map((e: { status: number }) => e.status), [400, 401, 404])
    t.equal(entries[0].body, '{oops')
    t.equal(entries[1].response.error.details.reason, 'missing-token')
    t.notOk('authorization' in entries[1].headers)
  })

  t.test('does not record admin requests', async (t) => {
    const app = await build(t)
    await admin(app, 'GET', '/_mock/health')
    await admin(app, 'GET', '/_mock/state')
    await admin(app, 'GET', '/_mock/nothing-here')
    await admin(app, 'GET', '//_mock/state')
    t.strictSame((await admin(app, 'GET', '/_mock/journal')).json().entries, [])
  })

  t.test('filters by method, project, service and status; count answers how many match', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, nginx('1'))
    await post(app, DEPLOYMENT_URL, { external: { imagePath: 'not an image' } })
    await post(app, `/v1/projects/${PROJECT}/services/example-build-service/deployment`, {})
    await get(app, DEPLOYMENT_URL)
    await get(app, `/v1/projects/other/services/${SERVICE}`)
    const count = async (q: string) => (await admin(app, 'GET', `/_mock/journal/count?${q}`)).json().count
    t.equal(await count(''), 5)
    t.equal(await count('method=POST'), 3)
    t.equal(await count('method=post'), 3, 'the method in any case')
    t.equal(await count(`method=POST&service=${SERVICE}&status=200`), 1)
    t.equal(await count(`service=${SERVICE}`), 4)
    t.equal(await count(`project=${PROJECT}`), 4)
    t.equal(await count('project=other'), 1)
    t.equal(await count('status=400'), 1)
    t.equal(await count('status=409'), 1)
    const list = (await admin(app, 'GET', '/_mock/journal?method=POST&limit=2')).json()
    t.strictSame(list.entries.map((e: { status: number }) => e.status), [400, 409], 'limit keeps the last matches')
    t.equal(list.total, 5, 'total counts what is held, before filtering')
  })

  t.test('a malformed filter is a 400 naming it', async (t) => {
    const app = await build(t)
    let res = await admin(app, 'GET', '/_mock/journal/count?status=ok')
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error.message, /querystring\.status must match pattern/)
    res = await admin(app, 'GET', '/_mock/journal/count?limit=3')
    t.matchStrict(res.json().error.message, /querystring\.limit is not allowed/)
    res = await admin(app, 'GET', '/_mock/journal?limit=-1')
    t.equal(res.statusCode, 400)
  })

  t.test('DELETE clears it and says how many entries went', async (t) => {
    const app = await build(t)
    await get(app, DEPLOYMENT_URL)
    await get(app, DEPLOYMENT_URL)
    t.strictSame((await admin(app, 'DELETE', '/_mock/journal')).json(), { cleared: 2 })
    t.strictSame((await admin(app, 'GET', '/_mock/journal')).json().entries, [])
    t.strictSame((await admin(app, 'DELETE', '/_mock/journal')).json(), { cleared: 0 })
  })

  t.test('never grows past its bound', async (t) => {
    const app = await build(t, { journalSize: 7 })
    for (let i = 0; i < 25; i++) await get(app, DEPLOYMENT_URL)
    const { entries, total, capacity } = (await admin(app, 'GET', '/_mock/journal')).json()
    t.equal(capacity, 7)
    t.equal(total, 7)
    t.equal(entries.length, 7)
    const seqs = entries.map((e: { seq: number }) => e.seq)
    t.strictSame(seqs, [...seqs].sort((a, b) => a - b), 'oldest first')
    t.equal(seqs[6] - seqs[0], 6, 'the last seven, consecutive')
  })

  t.test('a size of 0 turns it off', async (t) => {
    const app = await build(t, { journalSize: 0 })
    await get(app, DEPLOYMENT_URL)
    t.strictSame((await admin(app, 'GET', '/_mock/journal')).json(), { capacity: 0, total: 0, dropped: 0, entries: [] })
  })
})

t.test('asBadRequest turns document errors into 400s and lets anything else through unchanged', async (t) => {
  t.equal(asBadRequest(() => 42), 42)
  const bug = new TypeError('a bug')
  t.throws(() => asBadRequest(() => { throw bug }), bug)
  try {
    asBadRequest(() => { throw bug })
  } catch (err) {
    t.equal(err, bug, 'the very same error, not wrapped')
    t.notOk(err instanceof ApiError)
  }
})

t.test('the control plane and fault rules', async (t) => {
  const FAULT = { id: 'down', match: { method: 'POST' as const }, action: { status: 503 } }

  t.test('a full reset clears fault rules added at run time; a scoped one leaves them', async (t) => {
    const app = await build(t, { isolation: true })
    t.equal((await admin(app, 'POST', '/_mock/faults', FAULT)).statusCode, 201)
    t.equal((await post(app, DEPLOYMENT_URL, nginx('x'))).statusCode, 503)
    await admin(app, 'POST', '/_mock/reset?token=test-token')
    await admin(app, 'POST', `/_mock/reset?project=${PROJECT}`)
    t.equal((await post(app, DEPLOYMENT_URL, nginx('x'))).statusCode, 503, 'rules are shared: a scoped reset keeps them')
    await admin(app, 'POST', '/_mock/reset')
    t.strictSame((await admin(app, 'GET', '/_mock/faults')).json().rules, [])
    t.equal((await post(app, DEPLOYMENT_URL, nginx('x'))).statusCode, 200)
  })

  t.test('loading fixtures with faults puts their rules in force, and a reset returns to them', async (t) => {
    const app = await build(t)
    const res = await admin(app, 'POST', '/_mock/fixtures', { ...SMALL, faults: [FAULT] })
    t.equal(res.statusCode, 200)
    const url = '/v1/projects/shop/services/web/deployment'
    t.equal((await post(app, url, nginx('x'))).statusCode, 503)
    await admin(app, 'DELETE', '/_mock/faults')
    t.equal((await post(app, url, nginx('x'))).statusCode, 200)
    await admin(app, 'POST', '/_mock/reset')
    t.equal((await post(app, url, nginx('x'))).statusCode, 503, 'the fixtures\' rules are back')
    t.equal((await admin(app, 'GET', '/_mock/journal')).json().entries.length, 1, 'the journal was cleared by the reset')
  })

  t.test('fixtures with a bad fault rule are a 400 naming it, and neither state nor rules change', async (t) => {
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, nginx('before'))
    const res = await admin(app, 'POST', '/_mock/fixtures', { ...SMALL, faults: [FAULT, FAULT] })
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error, { message: /^body\.faults\[1\]: /, details: { reason: 'invalid-fixtures' } })
    t.equal((await readBack(app)).external.imagePath, 'nginx:before')
    t.strictSame((await admin(app, 'GET', '/_mock/faults')).json().rules, [])
  })

  t.test('fixtures loaded for one namespace cannot bring fault rules, which every namespace shares', async (t) => {
    const app = await build(t, { isolation: true })
    const res = await admin(app, 'POST', '/_mock/fixtures?token=a', { ...SMALL, faults: [FAULT] })
    t.equal(res.statusCode, 400)
    t.matchStrict(res.json().error, { message: /^body\.faults: /, details: { reason: 'scoped-faults' } })
    t.equal((await admin(app, 'POST', '/_mock/fixtures?token=a', SMALL)).statusCode, 200)
  })

  t.test('the admin token guards the fault, clock and unknown /_mock/ routes too, never the API', async (t) => {
    const app = await build(t, { adminToken: 'adm' })
    for (const url of ['/_mock/faults', '/_mock/clock', '/_mock/nothing', '//_mock/state?x=1']) {
      t.equal((await admin(app, 'GET', url)).statusCode, 401, url)
    }
    t.equal((await admin(app, 'GET', '/_mock/faults', undefined, { 'x-mock-admin-token': 'adm' })).statusCode, 200)
    t.equal((await admin(app, 'GET', '/_mock/health?verbose=1')).statusCode, 200)
    t.equal((await get(app, '/_mockery')).statusCode, 404, 'a path that only starts like /_mock is not guarded')
  })
})

t.test('a connection dropped on purpose is journaled with status 0 and no response', async (t) => {
  const app = await build(t)
  await t.rejects(post(app, DEPLOYMENT_URL, nginx('lost'), { prefer: 'drop' }))
  await admin(app, 'POST', '/_mock/faults', { match: { method: 'GET' }, action: { drop: true }, times: 1 })
  await t.rejects(get(app, DEPLOYMENT_URL))
  const { entries } = (await admin(app, 'GET', '/_mock/journal')).json()
  t.strictSame(entries.map((e: { method: string, status: number }) => [e.method, e.status]), [['POST', 0], ['GET', 0]])
  t.notOk('response' in entries[0])
  t.strictSame((await admin(app, 'GET', '/_mock/journal/count?status=0&method=POST')).json(), { count: 1, dropped: 0 }, 'status=0 finds dropped connections')
  t.equal((await admin(app, 'GET', '/_mock/journal/count?status=00')).statusCode, 400)
})

t.test('with the journal off, a dropped connection records nothing', async (t) => {
  const app = await build(t, { journalSize: 0 })
  await t.rejects(post(app, DEPLOYMENT_URL, nginx('lost'), { prefer: 'drop' }))
  t.equal(app.emulator.journalSizeOf(), 0)
})
