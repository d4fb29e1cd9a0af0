/**
 * The admin token cannot be side-stepped by spelling an admin path differently: the guard belongs to the
 * admin plugin's encapsulation context, so every spelling the router matches to an admin route (or to the
 * admin 404) meets it. Sent over a real socket, byte for byte, since clients and `inject` may normalise
 * a URL before it leaves.
 */
import t from 'tap'
import { startMock } from '../../../src/index.js'
import { send } from '../../support/raw.js'

const TOKEN = 's3cret'
const DEPLOYMENT = '/v1/projects/default-project/services/example-service/deployment'

// Each is an admin route (or an admin path) spelled another way: escapes anywhere, either case of hex
// digit, doubled and trailing slashes.
const SPELLINGS: Array<[string, string, string?]> = [
  ['GET', '/%5Fmock/state'],
  ['GET', '/%5fmock/state'],
  ['GET', '/_moc%6B/state'],
  ['GET', '/_moc%6b/state'],
  ['GET', '/_mock/%73tate'],
  ['GET', '/%5F%6D%6F%63%6B/%73%74%61%74%65'],
  ['GET', '//_mock/state'],
  ['GET', '/_mock//state'],
  ['GET', '/_mock/state/'],
  ['GET', '/%5Fmock/journal'],
  ['GET', '/%5Fmock/journal/count'],
  ['GET', '/%5Fmock/journal/stream'],
  ['GET', '/_mock/journal/%73tream?since=0'],
  ['GET', '/%5Fmock/fixtures'],
  ['GET', '/%5Fmock/nothing-here'],
  ['POST', '/%5Fmock/reset'],
  ['POST', '/_moc%6B/reset'],
  ['POST', '//_mock/reset'],
  ['POST', '/_mock/reset/'],
  ['PUT', '/%5Fmock/state', '{"projects":{}}'],
  ['POST', '/%5Fmock/fixtures', '{"projects":[]}'],
  ['POST', '/%5Fmock/faults', '{"action":{"status":503}}'],
  ['DELETE', '/%5Fmock/journal'],
  ['PUT', '/_mock/%6Catency', '{"ms":5000}'],
  ['PUT', '/%5Fmock/clock', '{"mode":"manual"}'],
  ['PUT', '/%5Fmock/rate-limit', '{"enforce":true,"max":1,"windowSeconds":60}']
]

t.test('no spelling of an admin path reaches an admin route without the token, and the state is untouched', async (t) => {
  const mock = await startMock({ adminToken: TOKEN })
  t.teardown(mock.close)
  const deployed = await send(mock.url, 'POST', DEPLOYMENT, '{"external":{"imagePath":"nginx:kept"}}', { authorization: 'Bearer api' })
  t.equal(deployed.status, 200)
  const before = await mock.admin.state()
  const journalBefore = await mock.admin.journal()

  for (const [method, path, body] of SPELLINGS) {
    const res = await send(mock.url, method, path, body)
    t.equal(res.status, 401, `${method} ${path}: 401 without the token`)
    t.matchStrict(res.body, { error: { status: 401, details: { reason: 'missing-admin-token' } } }, `${method} ${path}: the envelope`)
    const wrong = await send(mock.url, method, path, body, { 'x-mock-admin-token': 'guess' })
    t.equal(wrong.status, 401, `${method} ${path}: 401 with a wrong token`)
  }

  t.strictSame(await mock.admin.state(), before, 'the state is as it was')
  t.strictSame(await mock.admin.faults(), [], 'no fault rule was added')
  t.equal((await mock.admin.setClock({ mode: 'system' })).mode, 'system')
  t.strictSame(await mock.admin.journal(), journalBefore, 'nothing was cleared, and no admin request was journaled as API traffic')
  const api = await send(mock.url, 'GET', DEPLOYMENT, undefined, { authorization: 'Bearer api' })
  t.equal(api.status, 200, 'the API still answers at once: no latency was set')
  t.equal(api.body.data.external.imagePath, 'nginx:kept')
})

t.test('with the token, the same spellings reach the same routes', async (t) => {
  const mock = await startMock({ adminToken: TOKEN })
  t.teardown(mock.close)
  const auth = { 'x-mock-admin-token': TOKEN }
  t.equal((await send(mock.url, 'GET', '/%5Fmock/state', undefined, auth)).status, 200)
  t.equal((await send(mock.url, 'GET', '/_moc%6B/state', undefined, auth)).status, 200)
  t.equal((await send(mock.url, 'GET', '//_mock/state', undefined, auth)).status, 200)
  t.equal((await send(mock.url, 'POST', '/%5Fmock/reset', undefined, auth)).status, 200)
  const unknown = await send(mock.url, 'GET', '/%5Fmock/nothing-here', undefined, auth)
  t.equal(unknown.status, 404, 'an unknown admin path is a 404 once past the guard')
  t.hasStrict(unknown.body, { error: { status: 404, message: 'No admin route GET /%5Fmock/nothing-here. GET /openapi.json lists them (tag "Mock admin")' } })
})

t.test('health stays open under every spelling; other paths are not guarded', async (t) => {
  const mock = await startMock({ adminToken: TOKEN })
  t.teardown(mock.close)
  for (const path of ['/_mock/health', '/%5Fmock/health', '//_mock/health', '/_mock/%68ealth']) {
    const res = await send(mock.url, 'GET', path)
    t.equal(res.status, 200, path)
    t.equal(res.body.status, 'ok')
  }
  t.equal((await send(mock.url, 'GET', '/openapi.json')).status, 200, 'the OpenAPI document needs no admin token')
  const api404 = await send(mock.url, 'GET', '/_mocks/state')
  t.equal(api404.status, 404, 'a path that only starts like /_mock is the API\'s 404, not the guard\'s 401')
})

t.test('without an admin token, admin requests under any spelling are never journaled as API traffic', async (t) => {
  const mock = await startMock()
  t.teardown(mock.close)
  for (const [method, path] of [['GET', '/%5Fmock/state'], ['POST', '/%5Fmock/reset'], ['GET', '/%5Fmock/nothing']]) {
    await send(mock.url, method as string, path as string)
  }
  await send(mock.url, 'GET', '/v1/unknown')
  t.strictSame((await mock.admin.journal()).map((e) => e.path), ['/v1/unknown'], 'only the API\'s 404 is journaled')
})
