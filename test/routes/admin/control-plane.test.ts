/**
 * The control plane's promises that span modules: rate limits on the emulator's clock, one reset for
 * everything, namespaces made only by accepted API requests and admin writes, delays on the clock.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ManualClock } from '../../../src/domain/clock.js'
import { build, DEPLOYMENT_URL, get, post, SERVICE_URL } from '../../support/helper.js'

const T0 = new Date('2026-06-01T00:00:00Z')
const admin = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  app.inject({ method, url, ...(payload === undefined ? {} : { payload }) })
const limits = (res: { headers: Record<string, unknown> }) =>
  [res.headers['x-ratelimit-limit'], res.headers['x-ratelimit-remaining'], res.headers['x-ratelimit-reset']]

t.test('rate limits run on the emulator\'s clock: advancing a manual clock past the window opens a new one', async (t) => {
  const app = await build(t, { behaviour: { rateLimit: { enforce: true, max: 3, windowSeconds: 60 } } })
  await admin(app, 'PUT', '/_mock/clock', { mode: 'manual' })
  for (let i = 0; i < 3; i++) t.equal((await get(app, SERVICE_URL)).statusCode, 200)
  const limited = await get(app, SERVICE_URL)
  t.equal(limited.statusCode, 429)
  t.strictSame(limits(limited), ['3', '0', '60'], 'time stands still: the window has all its 60 s left')
  t.strictSame(limited.json().error.details, { reason: 'rate-limited', limit: 3, retryAfter: 60 })

  await admin(app, 'POST', '/_mock/clock/advance', { ms: 45_000 })
  const later = await get(app, SERVICE_URL)
  t.equal(later.statusCode, 429)
  t.equal(later.headers['x-ratelimit-reset'], '15', 'the reset counts down on the emulator\'s clock')
  t.equal(later.headers['retry-after'], '15')

  await admin(app, 'POST', '/_mock/clock/advance', { ms: 16_000 })
  const fresh = await get(app, SERVICE_URL)
  t.equal(fresh.statusCode, 200, 'past the window: a new one')
  t.strictSame(limits(fresh), ['3', '2', '60'])
})

t.test('a reset scoped to a token restarts that token\'s rate-limit count only', async (t) => {
  const app = await build(t, { isolation: true, behaviour: { rateLimit: { enforce: true, max: 1, windowSeconds: 60 } } })
  const as = (token: string) => ({ authorization: `Bearer ${token}` })
  await get(app, SERVICE_URL, as('a'))
  await get(app, SERVICE_URL, as('b'))
  t.equal((await get(app, SERVICE_URL, as('a'))).statusCode, 429)
  t.equal((await admin(app, 'POST', '/_mock/reset?token=a')).statusCode, 200)
  t.equal((await get(app, SERVICE_URL, as('a'))).statusCode, 200, 'a starts afresh')
  t.equal((await get(app, SERVICE_URL, as('b'))).statusCode, 429, 'b is still limited')
})

t.test('one reset puts back state, journal, fault rules, latency, rollout steps, clock and rate-limit counts', async (t) => {
  const app = await build(t, { clock: new ManualClock(T0) })
  const fixtureState = (await admin(app, 'GET', '/_mock/state')).json()
  await post(app, DEPLOYMENT_URL, { external: { imagePath: 'nginx:changed' } })
  await admin(app, 'POST', '/_mock/faults', { match: { method: 'DELETE' }, action: { status: 502 } })
  await admin(app, 'PUT', '/_mock/latency', { ms: 5 })
  await admin(app, 'PUT', '/_mock/rollout', { pendingMs: 5, inProgressMs: 5 })
  await admin(app, 'PUT', '/_mock/rate-limit', { enforce: true, max: 50, windowSeconds: 10 })
  await admin(app, 'PUT', '/_mock/clock', { mode: 'manual', now: '2030-01-01T00:00:00Z' })

  t.strictSame((await admin(app, 'POST', '/_mock/reset')).json(), { reset: { token: null, project: null } })

  t.strictSame((await admin(app, 'GET', '/_mock/state')).json(), fixtureState)
  t.strictSame((await admin(app, 'GET', '/_mock/journal')).json(), { capacity: 1000, total: 0, dropped: 0, entries: [] })
  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json(), { rules: [] })
  t.strictSame((await admin(app, 'GET', '/_mock/latency')).json(), { ms: 0 })
  t.strictSame((await admin(app, 'GET', '/_mock/rollout')).json(), { pendingMs: 0, inProgressMs: 0 })
  t.strictSame((await admin(app, 'GET', '/_mock/rate-limit')).json(), { enforce: false, max: 1000, windowSeconds: 3600 })
  t.strictSame((await admin(app, 'GET', '/_mock/clock')).json(), { mode: 'system', now: T0.toISOString() })
  t.equal((await get(app, SERVICE_URL)).headers['x-ratelimit-remaining'], '999', 'counts start afresh')
})

t.test('a project reset leaves fault rules, latency and the clock: every project shares them', async (t) => {
  const app = await build(t)
  await admin(app, 'POST', '/_mock/faults', { id: 'kept', match: { method: 'DELETE' }, action: { status: 502 } })
  await admin(app, 'PUT', '/_mock/clock', { mode: 'manual' })
  t.equal((await admin(app, 'POST', '/_mock/reset?project=default-project')).statusCode, 200)
  t.matchStrict((await admin(app, 'GET', '/_mock/faults')).json().rules, [{ id: 'kept' }])
  t.equal((await admin(app, 'GET', '/_mock/clock')).json().mode, 'manual')
})

t.test('admin reads for a token without a namespace answer as it would look, and make none', async (t) => {
  const app = await build(t, { isolation: true, maxNamespaces: 3 })
  const fixtureState = (await admin(app, 'GET', '/_mock/state')).json()
  for (const token of ['r1', 'r2', 'r3', 'r4']) {
    t.strictSame((await admin(app, 'GET', `/_mock/state?token=${token}`)).json(), fixtureState, `${token}: the fixtures' state`)
    t.strictSame((await admin(app, 'GET', `/_mock/journal?token=${token}`)).json(), { capacity: 1000, total: 0, dropped: 0, entries: [] })
    t.strictSame((await admin(app, 'GET', `/_mock/journal/count?token=${token}`)).json(), { count: 0, dropped: 0 })
    t.equal((await admin(app, 'GET', `/_mock/fixtures?token=${token}`)).statusCode, 200)
    t.equal((await admin(app, 'POST', `/_mock/reset?token=${token}`)).statusCode, 200)
    t.equal((await admin(app, 'POST', `/_mock/reset?token=${token}&project=default-project`)).statusCode, 200)
    t.equal((await admin(app, 'DELETE', `/_mock/journal?token=${token}`)).json().cleared, 0)
  }
  t.equal(app.emulator.namespaceCount, 0, 'no namespace was made')
  for (const token of ['c1', 'c2', 'c3']) {
    t.equal((await post(app, DEPLOYMENT_URL, { external: { imagePath: `nginx:${token}` } }, { authorization: `Bearer ${token}` })).statusCode, 200,
      `${token}: a real client is served`)
  }
  t.equal(app.emulator.namespaceCount, 3)
})

t.test('admin writes with a token make its namespace, count against the limit, and get a clear 503 past it', async (t) => {
  const app = await build(t, { isolation: true, maxNamespaces: 2 })
  const dump = (await admin(app, 'GET', '/_mock/state')).json()
  t.equal((await admin(app, 'PUT', '/_mock/state?token=w1', dump)).statusCode, 200)
  t.equal((await admin(app, 'POST', '/_mock/fixtures?token=w2', { projects: [] })).statusCode, 200)
  t.equal(app.emulator.namespaceCount, 2)
  const full = await admin(app, 'PUT', '/_mock/state?token=w3', dump)
  t.equal(full.statusCode, 503)
  t.equal(full.json().error.message, 'Isolation keeps at most 2 namespaces (one per API token); POST /_mock/reset drops them all')
  t.equal((await get(app, SERVICE_URL, { authorization: 'Bearer new-client' })).statusCode, 503, 'the limit is shared with API tokens')
  t.equal((await get(app, SERVICE_URL, { authorization: 'Bearer w1' })).statusCode, 200, 'w1 made its namespace: it is served')
})

t.test('injected delays run on the emulator\'s clock: with a manual clock, a delayed request waits for it', async (t) => {
  const app = await build(t)
  await admin(app, 'PUT', '/_mock/clock', { mode: 'manual' })
  await admin(app, 'PUT', '/_mock/latency', { ms: 30_000 })
  let answered = false
  const pending = get(app, SERVICE_URL).then((res) => { answered = true; return res })
  for (let i = 0; i < 50 && app.emulator.clock.sleeping === 0; i++) await new Promise((resolve) => setImmediate(resolve))
  t.equal(app.emulator.clock.sleeping, 1, 'the request is waiting')
  await admin(app, 'POST', '/_mock/clock/advance', { ms: 29_999 })
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(answered, false, '1 ms short: still waiting')
  await admin(app, 'POST', '/_mock/clock/advance', { ms: 1 })
  t.equal((await pending).statusCode, 200)
})

t.test('fault rules take methods in any case and show them in uppercase', async (t) => {
  const app = await build(t)
  const added = await admin(app, 'POST', '/_mock/faults', { match: { method: 'post' }, action: { status: 503 }, times: 1 })
  t.equal(added.statusCode, 201)
  t.equal(added.json().match.method, 'POST')
  t.equal((await post(app, DEPLOYMENT_URL, {})).statusCode, 503, 'and match the request')
  const bad = await admin(app, 'POST', '/_mock/faults', { match: { method: 'fetch' }, action: { status: 503 } })
  t.equal(bad.statusCode, 400)
  t.matchStrict(bad.json().error.message, /body\.match\.method/)
})

t.test('dates are checked against the calendar: 2026-02-30 is refused', async (t) => {
  const app = await build(t)
  const res = await admin(app, 'PUT', '/_mock/clock', { mode: 'manual', now: '2026-02-30T00:00:00Z' })
  t.equal(res.statusCode, 400)
  t.matchStrict(res.json().error.message, /body\.now must match format "date-time"/)
  t.equal((await admin(app, 'PUT', '/_mock/clock', { mode: 'manual', now: '2028-02-29T00:00:00Z' })).statusCode, 200, 'a leap day is fine')
})

t.test('an update to a service without a deployment says what kind of service it is', async (t) => {
  const app = await build(t)
  const dump = (await admin(app, 'GET', '/_mock/state')).json()
  delete dump.projects['default-project'].services['example-service'].deployment
  t.equal((await admin(app, 'PUT', '/_mock/state', dump)).statusCode, 200)
  const res = await post(app, DEPLOYMENT_URL, { docker: { configType: 'default' } })
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.message, 'Service "example-service" (a deployment service) has no deployment to update')
  t.matchStrict(res.json().error.message, /a deployment service/)
  const build_ = await post(app, '/v1/projects/default-project/services/example-build-service/deployment', {})
  t.equal(build_.json().error.message, 'Service "example-build-service" is a build service: it has no deployment to update')
})
