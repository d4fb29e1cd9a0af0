import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { Emulator } from '../../src/domain/emulator.js'
import { defaultFixtures } from '../../src/domain/fixtures.js'
import { build, DEPLOYMENT_URL, PROJECT, SERVICE } from '../support/helper.js'

const as = (token: string) => ({ authorization: `Bearer ${token}` })
const deploy = (app: FastifyInstance, token: string, tag: string, url = DEPLOYMENT_URL) => app.inject({
  method: 'POST', url, headers: { ...as(token), 'content-type': 'application/json' }, payload: { external: { imagePath: `nginx:${tag}` } }
})
const imageOf = async (app: FastifyInstance, token: string, url = DEPLOYMENT_URL) => {
  const res = await app.inject({ method: 'GET', url, headers: as(token) })
  return res.json().data.external.imagePath as string
}
const adminGet = async (app: FastifyInstance, url: string) => (await app.inject({ method: 'GET', url })).json()

t.test('each token sees its own copy of the fixtures', async (t) => {
  const app = await build(t, { isolation: true })
  t.equal((await deploy(app, 'alice', 'a')).statusCode, 200)
  t.equal((await deploy(app, 'bob', 'b')).statusCode, 200)
  t.equal(await imageOf(app, 'alice'), 'nginx:a')
  t.equal(await imageOf(app, 'bob'), 'nginx:b')
  t.equal(await imageOf(app, 'carol'), 'nginx:latest', 'a new token starts from the fixtures')
})

t.test('without isolation every token shares one state', async (t) => {
  const app = await build(t)
  await deploy(app, 'alice', 'a')
  t.equal(await imageOf(app, 'bob'), 'nginx:a')
})

t.test('state, journal and count are scoped with ?token=', async (t) => {
  const app = await build(t, { isolation: true })
  await deploy(app, 'alice', 'a')
  await deploy(app, 'bob', 'b')
  await deploy(app, 'bob', 'b2')
  t.equal((await adminGet(app, '/_mock/state?token=alice')).projects[PROJECT].services[SERVICE].deployment.source.imagePath, 'nginx:a')
  t.equal((await adminGet(app, '/_mock/state?token=bob')).projects[PROJECT].services[SERVICE].deployment.source.imagePath, 'nginx:b2')
  t.equal((await adminGet(app, '/_mock/state')).projects[PROJECT].services[SERVICE].deployment.source.imagePath, 'nginx:latest',
    'unscoped: the default namespace, untouched by token holders')
  t.equal((await adminGet(app, '/_mock/journal/count?token=alice')).count, 1)
  t.equal((await adminGet(app, '/_mock/journal/count?token=bob')).count, 2)
  t.equal((await adminGet(app, '/_mock/journal/count?token=nobody')).count, 0)
  t.strictSame(await adminGet(app, '/_mock/journal?token=nobody'), { capacity: 1000, total: 0, dropped: 0, entries: [] }, 'a token never seen has an empty journal')
  t.equal((await adminGet(app, '/_mock/journal?token=bob')).total, 2)
  const all = await adminGet(app, '/_mock/journal')
  t.equal(all.total, 3)
  t.strictSame(all.entries.map((e: { body: { external: { imagePath: string } } }) => e.body.external.imagePath), ['nginx:a', 'nginx:b', 'nginx:b2'],
    'unscoped: every namespace, merged in arrival order')
})

t.test('a requests without a token, or to an unknown route, is journaled where its token points', async (t) => {
  const app = await build(t, { isolation: true })
  await deploy(app, 'alice', 'a')
  await app.inject({ method: 'GET', url: DEPLOYMENT_URL })
  await app.inject({ method: 'GET', url: '/v1/nowhere', headers: as('alice') })
  await app.inject({ method: 'PUT', url: DEPLOYMENT_URL, headers: as('alice') })
  await app.inject({ method: 'GET', url: '/v1/nowhere', headers: as('stranger') })
  t.strictSame((await adminGet(app, '/_mock/journal?token=alice')).entries.map((e: { status: number }) => e.status), [200, 404, 405])
  t.strictSame((await adminGet(app, '/_mock/journal')).entries.map((e: { status: number }) => e.status), [200, 401, 404, 405, 404])
  t.equal(app.emulator.namespaceCount, 1, 'a token that never passed auth made no namespace')
})

t.test('reset with ?token= resets that namespace only, to its own fixtures when it loaded some', async (t) => {
  const app = await build(t, { isolation: true })
  await deploy(app, 'alice', 'a')
  await deploy(app, 'bob', 'b')
  t.strictSame((await app.inject({ method: 'POST', url: '/_mock/reset?token=alice' })).json(), { reset: { token: 'alice', project: null } })
  t.equal(await imageOf(app, 'alice'), 'nginx:latest')
  t.equal(await imageOf(app, 'bob'), 'nginx:b')
  t.equal((await adminGet(app, '/_mock/journal/count?token=alice')).count, 1, 'only the read-back after the reset')
  t.equal((await adminGet(app, '/_mock/journal/count?token=bob')).count, 2)

  const own = { projects: [{ id: 'mine', services: [{ id: 'web', serviceType: 'deployment', deployment: { external: { imagePath: 'me/web:1' } } }] }] }
  const loaded = await app.inject({ method: 'POST', url: '/_mock/fixtures?token=alice', payload: own })
  t.strictSame(Object.keys(loaded.json().projects), ['mine'])
  t.strictSame(await adminGet(app, '/_mock/fixtures?token=alice'), own)
  t.equal((await adminGet(app, '/_mock/fixtures?token=bob')).projects[0].id, PROJECT)
  const url = '/v1/projects/mine/services/web/deployment'
  await deploy(app, 'alice', 'changed', url)
  await app.inject({ method: 'POST', url: '/_mock/reset?token=alice' })
  t.equal(await imageOf(app, 'alice', url), 'me/web:1')
  t.equal((await app.inject({ method: 'GET', url, headers: as('bob') })).statusCode, 404, 'bob never saw alice\'s fixtures')
})

t.test('reset with ?token=&project= restores one project of one namespace', async (t) => {
  const app = await build(t, { isolation: true })
  await deploy(app, 'alice', 'a')
  await deploy(app, 'bob', 'b')
  await app.inject({ method: 'POST', url: `/_mock/reset?token=alice&project=${PROJECT}` })
  t.equal(await imageOf(app, 'alice'), 'nginx:latest')
  t.equal(await imageOf(app, 'bob'), 'nginx:b')
})

t.test('reset with ?project= alone restores that project in every namespace', async (t) => {
  const app = await build(t, { isolation: true })
  await deploy(app, 'alice', 'a')
  await deploy(app, 'bob', 'b')
  await app.inject({ method: 'POST', url: `/_mock/reset?project=${PROJECT}` })
  t.equal(await imageOf(app, 'alice'), 'nginx:latest')
  t.equal(await imageOf(app, 'bob'), 'nginx:latest')
})

t.test('an unscoped reset drops every namespace and clears every journal', async (t) => {
  const app = await build(t, { isolation: true })
  await deploy(app, 'alice', 'a')
  await app.inject({ method: 'POST', url: '/_mock/fixtures?token=bob', payload: { projects: [] } })
  await app.inject({ method: 'POST', url: '/_mock/reset' })
  t.equal(app.emulator.namespaceCount, 0)
  t.equal((await adminGet(app, '/_mock/journal')).total, 0)
  t.equal(await imageOf(app, 'alice'), 'nginx:latest')
  t.equal(await imageOf(app, 'bob'), 'nginx:latest', 'bob\'s own fixtures went with his namespace')
})

t.test('PUT /_mock/state and DELETE /_mock/journal with ?token= touch that namespace only', async (t) => {
  const app = await build(t, { isolation: true })
  await deploy(app, 'alice', 'a')
  await deploy(app, 'bob', 'b')
  const aliceState = await adminGet(app, '/_mock/state?token=alice')
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state?token=bob', payload: aliceState })).statusCode, 200)
  t.equal(await imageOf(app, 'bob'), 'nginx:a')
  t.strictSame((await app.inject({ method: 'DELETE', url: '/_mock/journal?token=bob' })).json(), { cleared: 2 })
  t.equal((await adminGet(app, '/_mock/journal/count?token=alice')).count, 1)
  t.strictSame((await app.inject({ method: 'DELETE', url: '/_mock/journal?token=nobody' })).json(), { cleared: 0 })
  t.strictSame((await app.inject({ method: 'DELETE', url: '/_mock/journal' })).json(), { cleared: 1 }, 'alice\'s one entry was all that was left')
})

t.test('with a token list, an unknown token is refused and makes no namespace', async (t) => {
  const app = await build(t, { isolation: true, fixtures: { ...defaultFixtures(), tokens: [{ token: 'alice' }, { token: 'bob' }] } })
  t.equal((await deploy(app, 'mallory', 'm')).statusCode, 401)
  t.equal(app.emulator.namespaceCount, 0)
  t.equal((await deploy(app, 'alice', 'a')).statusCode, 200)
  t.equal(app.emulator.namespaceCount, 1)
})

t.test('past the namespace limit a new token gets a 503 and existing ones keep working', async (t) => {
  const app = await build(t, { isolation: true, maxNamespaces: 2 })
  t.equal((await deploy(app, 'a', '1')).statusCode, 200)
  t.equal((await deploy(app, 'b', '1')).statusCode, 200)
  const res = await deploy(app, 'c', '1')
  t.equal(res.statusCode, 503)
  t.matchStrict(res.json().error, { details: { reason: 'too-many-namespaces', max: 2 } })
  t.equal((await deploy(app, 'a', '2')).statusCode, 200)
  await app.inject({ method: 'POST', url: '/_mock/reset' })
  t.equal((await deploy(app, 'c', '1')).statusCode, 200, 'a reset frees them')
})

t.test('a chatty token cannot push another token\'s requests out of its journal', async (t) => {
  t.test('by count: each journal is bounded on its own', async (t) => {
    const app = await build(t, { isolation: true, journalSize: 5 })
    await deploy(app, 'quiet', 'q')
    for (let k = 0; k < 12; k++) await deploy(app, 'chatty', `c${k}`)
    const quiet = await adminGet(app, '/_mock/journal?token=quiet')
    t.strictSame(quiet.entries.map((e: { body: { external: { imagePath: string } } }) => e.body.external.imagePath), ['nginx:q'])
    t.equal(quiet.dropped, 0)
    const chatty = await adminGet(app, '/_mock/journal?token=chatty')
    t.equal(chatty.total, 5, 'each journal bounded on its own')
    t.equal(chatty.dropped, 7)
    t.equal(await imageOf(app, 'quiet'), 'nginx:q')
    t.equal(await imageOf(app, 'chatty'), 'nginx:c11')
  })

  t.test('by bytes: the shared budget evicts from the journal holding the most', async (t) => {
    const budget = 64 * 1024
    const app = await build(t, { isolation: true, journalBytes: budget })
    await deploy(app, 'quiet', 'q')
    const sent = 70
    for (let k = 0; k < sent; k++) {
      const res = await app.inject({
        method: 'POST',
        url: DEPLOYMENT_URL,
        headers: { ...as('chatty'), 'content-type': 'application/json' },
        payload: { external: { imagePath: `nginx:c${k}` }, docker: { configType: 'customCommand', customCommand: 'x'.repeat(4000) } }
      })
      t.equal(res.statusCode, 200)
    }
    const quiet = await adminGet(app, '/_mock/journal?token=quiet')
    t.strictSame(quiet.entries.map((e: { body: { external: { imagePath: string } } }) => e.body.external.imagePath), ['nginx:q'],
      'quiet\'s only entry, older than all of chatty\'s, is still there')
    t.equal(quiet.dropped, 0)
    const chatty = await adminGet(app, '/_mock/journal?token=chatty')
    t.ok(chatty.dropped > 0, 'the budget was passed')
    t.equal(chatty.total + chatty.dropped, sent, 'chatty counts exactly what it lost')
    t.equal(chatty.entries.at(-1).body.external.imagePath, `nginx:c${sent - 1}`, 'chatty keeps its newest')
    t.equal(app.emulator.journals.bytes <= budget, true, 'the budget holds')
    const verify = await app.inject({
      method: 'POST',
      url: '/_mock/verify?token=quiet',
      payload: { method: 'POST', body: { external: { imagePath: 'nginx:q' } }, count: { exactly: 1 } }
    })
    t.equal(verify.statusCode, 200)
    t.strictSame(verify.json(), { data: { matched: 1 } })
  })
})

t.test('the Emulator keeps the default namespace when isolation is off or no token is given', async (t) => {
  const e = new Emulator(defaultFixtures(), { isolation: false })
  t.equal(e.namespaceFor('x'), e.base)
  const i = new Emulator(defaultFixtures(), { isolation: true })
  t.equal(i.namespaceFor(undefined), i.base)
  t.not(i.namespaceFor('x'), i.base)
  t.equal(i.namespaceFor('x'), i.namespaceFor('x'))
})
