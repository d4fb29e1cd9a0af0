import t from 'tap'
import { startMock } from '../../../src/index.js'
import { send } from '../../support/raw.js'

const DEPLOYMENT = '/v1/projects/default-project/services/example-service/deployment'

t.test('x-mock-namespace names a namespace as ?token= does, on every route that takes a scope', async (t) => {
  const m = await startMock({ isolation: true })
  t.teardown(() => m.close())
  await send(m.url, 'POST', DEPLOYMENT, { external: { imagePath: 'nginx:a' } }, { authorization: 'Bearer alice' })
  const header = { 'x-mock-namespace': 'alice' }
  const viaHeader = await send(m.url, 'GET', '/_mock/journal', undefined, header)
  const viaQuery = await send(m.url, 'GET', '/_mock/journal?token=alice')
  t.equal(viaHeader.status, 200)
  t.strictSame(viaHeader.body, viaQuery.body)
  t.equal(viaHeader.body.entries.length, 1)
  t.strictSame((await send(m.url, 'GET', '/_mock/journal/count', undefined, header)).body, { count: 1, dropped: 0 })
  t.equal((await send(m.url, 'GET', '/_mock/state', undefined, header)).body.projects['default-project'].services['example-service'].deployment.source.imagePath, 'nginx:a')
  t.strictSame((await send(m.url, 'POST', '/_mock/verify', { count: { exactly: 1 } }, header)).body, { data: { matched: 1 } })
  t.strictSame((await send(m.url, 'POST', '/_mock/verify', { count: { exactly: 0 } }, { 'x-mock-namespace': 'bob' })).body, { data: { matched: 0 } })
  t.strictSame((await send(m.url, 'POST', '/_mock/reset', undefined, header)).body, { reset: { token: 'alice', project: null } })
  t.equal((await send(m.url, 'GET', '/_mock/state', undefined, header)).body.projects['default-project'].services['example-service'].deployment.source.imagePath,
    'nginx:latest', 'the reset reached alice\'s namespace')
})

t.test('a header and a query that name different namespaces are a 400; the same one twice is fine', async (t) => {
  const m = await startMock({ isolation: true })
  t.teardown(() => m.close())
  const res = await send(m.url, 'GET', '/_mock/state?token=alice', undefined, { 'x-mock-namespace': 'bob' })
  t.equal(res.status, 400)
  t.strictSame(res.body.error.details, { reason: 'conflicting-scope' })
  t.equal(res.body.error.message, 'The x-mock-namespace header and querystring.token name different namespaces: send one of them')
  t.equal((await send(m.url, 'GET', '/_mock/state?token=alice', undefined, { 'x-mock-namespace': 'alice' })).status, 200)
  t.equal((await send(m.url, 'GET', '/_mock/state', undefined, { 'x-mock-namespace': '' })).status, 400, 'an empty header names nothing')
})

t.test('without isolation, the header is refused as ?token= is', async (t) => {
  const m = await startMock()
  t.teardown(() => m.close())
  const res = await send(m.url, 'GET', '/_mock/journal', undefined, { 'x-mock-namespace': 'alice' })
  t.equal(res.status, 400)
  t.equal(res.body.error.message, 'A namespace scope (x-mock-namespace or querystring.token) needs isolation (--isolation / NORTHFLANK_MOCK_ISOLATION); ' +
    'without it every token shares one state')
})
