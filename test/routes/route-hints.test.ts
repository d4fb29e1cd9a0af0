import t from 'tap'
import { startMock } from '../../src/index.js'
import { closestRoutes } from '../../src/route-hints.js'
import { AUTH, build } from '../support/helper.js'

const UPDATE = { method: 'POST', path: '/v1/projects/{projectId}/services/{serviceId}/deployment' }

t.test('a 404 names the closest emulated route when one is close', async (t) => {
  const app = await build(t)
  const miss = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string) => {
    const res = await app.inject({ method, url, headers: { ...AUTH, 'content-type': 'application/json' }, payload: method === 'GET' ? undefined : '{}' })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    return res.json().error
  }
  const patch = await miss('PATCH', '/v1/projects/p/services/deployment/web')
  t.equal(patch.message, 'No route PATCH /v1/projects/p/services/deployment/web. The emulator has POST ' +
    '/v1/projects/{projectId}/services/{serviceId}/deployment (Northflank\'s PATCH /v1/projects/{projectId}/services/deployment/{serviceId} is not emulated)',
  'the PATCH service endpoint Northflank recommends: pointed back at the POST')
  t.strictSame(patch.details.hints, [UPDATE])
  t.equal((await miss('POST', '/v1/projects/p/service/s/deployment')).message,
    'No route POST /v1/projects/p/service/s/deployment. The emulator has POST /v1/projects/{projectId}/services/{serviceId}/deployment', 'a typo in a segment')
  t.strictSame((await miss('POST', '/projects/p/services/s/deployment')).details.hints, [UPDATE], '/v1 missing')
  t.strictSame((await miss('DELETE', '/v1/login')).details.hints, [{ method: 'GET', path: '/v1/login' }], 'the method differs')
  t.strictSame((await miss('GET', '/openapi.jsn')).details.hints, [{ method: 'GET', path: '/openapi.json' }])
  const far = await miss('GET', '/v2/something/else/entirely')
  t.strictSame(far.details.hints, [], 'nothing close: no hint')
  t.equal(far.message, 'No route GET /v2/something/else/entirely.')
})

t.test('over HTTP, a trailing slash names the route without it, of the same method', async (t) => {
  const m = await startMock({ logger: false })
  t.teardown(m.close)
  const miss = async (method: string, path: string) => {
    const res = await fetch(`${m.url}${path}`, {
      method, headers: { ...AUTH, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}'
    })
    t.equal(res.status, 404, `${method} ${path}`)
    return ((await res.json()) as { error: { message: string, details: { hints: unknown[] } } }).error
  }
  const post = await miss('POST', '/v1/projects/p/services/s/deployment/')
  t.equal(post.message, 'No route POST /v1/projects/p/services/s/deployment/. The emulator has POST ' +
    '/v1/projects/{projectId}/services/{serviceId}/deployment', 'the POST, not the GET of the same path')
  t.strictSame(post.details.hints, [UPDATE])
  t.strictSame((await miss('GET', '/v1/projects/p/services/s/deployment/')).details.hints,
    [{ method: 'GET', path: '/v1/projects/{projectId}/services/{serviceId}/deployment' }], 'and a GET, the GET')
  t.strictSame((await miss('POST', '/v1/projects/p/services/s/deploymnt')).details.hints, [UPDATE],
    'a typo: the route of the same method, though the GET is as close by path')
  const admin = await fetch(`${m.url}/_mock/reset/`, { method: 'POST' })
  t.equal(((await admin.json()) as { error: { message: string } }).error.message,
    'No admin route POST /_mock/reset/. The emulator has POST /_mock/reset', 'the admin API too')
})

t.test('an unknown admin path names the closest admin route, behind the admin token', async (t) => {
  const app = await build(t, { adminToken: 'tok' })
  const res = await app.inject({ method: 'GET', url: '/_mock/journals', headers: { 'x-mock-admin-token': 'tok' } })
  t.equal(res.statusCode, 404)
  t.equal(res.json().error.message, 'No admin route GET /_mock/journals. The emulator has GET /_mock/journal')
  t.equal((await app.inject({ method: 'GET', url: '/_mock/journals' })).statusCode, 401, 'without the token: no hint, a 401')
})

t.test('routes answering only 405 are never hints; known paths with another method get the 405', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'PATCH', url: '/v1/projects/p/services/s/deployment', headers: AUTH })
  t.equal(res.statusCode, 405)
  const hints = closestRoutes('PUT', '/v1/projects/p/services/s/deploymen', [
    { method: 'POST', url: '/v1/projects/:projectId/services/:serviceId/deployment' },
    { method: 'GET', url: '/v1/projects/:projectId/services/:serviceId/deployment' }
  ])
  t.strictSame(hints, [
    { method: 'POST', path: '/v1/projects/{projectId}/services/{serviceId}/deployment' },
    { method: 'GET', path: '/v1/projects/{projectId}/services/{serviceId}/deployment' }
  ], 'two routes just as close are both named')
})
