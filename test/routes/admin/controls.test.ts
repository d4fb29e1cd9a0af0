import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ManualClock } from '../../../src/domain/clock.js'
import { build, DEPLOYMENT_URL, get, post, SERVICE_URL } from '../../support/helper.js'

const T0 = new Date('2026-03-01T12:00:00.000Z')

function admin (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) })
}

t.test('fault rules: add, list, read, remove one, remove all', async (t) => {
  const app = await build(t)
  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json(), { rules: [] })

  let res = await admin(app, 'POST', '/_mock/faults', { match: { method: 'POST', path: '/v1/**' }, action: { status: 503, message: 'down' }, times: 2 })
  t.equal(res.statusCode, 201)
  t.strictSame(res.json(), { id: 'fault-1', match: { method: 'POST', path: '/v1/**' }, action: { status: 503, message: 'down' }, times: 2, remaining: 2, matched: 0, applied: 0 })
  res = await admin(app, 'POST', '/_mock/faults', { id: 'slow', action: { delayMs: 10 }, fraction: 0.5 })
  t.strictSame(res.json(), { id: 'slow', match: {}, action: { delayMs: 10 }, fraction: 0.5, seed: 1, remaining: null, matched: 0, applied: 0 })

  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json().rules.map((r: { id: string }) => r.id), ['fault-1', 'slow'])
  t.equal((await admin(app, 'GET', '/_mock/faults/slow')).json().id, 'slow')

  res = await admin(app, 'DELETE', '/_mock/faults/fault-1')
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json().rules.map((r: { id: string }) => r.id), ['slow'])

  res = await admin(app, 'DELETE', '/_mock/faults')
  t.equal(res.statusCode, 204)
  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json(), { rules: [] })
})

t.test('fault rules: unknown ids are 404 and a taken id is 409, in the envelope', async (t) => {
  const app = await build(t)
  let res = await admin(app, 'GET', '/_mock/faults/nope')
  t.equal(res.statusCode, 404)
  t.hasStrict(res.json(), { error: { status: 404, message: 'No fault rule "nope"', details: { id: 'nope' } } })
  t.equal((await admin(app, 'DELETE', '/_mock/faults/nope')).statusCode, 404)
  await admin(app, 'POST', '/_mock/faults', { id: 'x', action: { status: 500 } })
  res = await admin(app, 'POST', '/_mock/faults', { id: 'x', action: { status: 500 } })
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.message, 'A fault rule "x" exists already')
})

t.test('fault rules: invalid bodies are 400 with readable problems and change nothing', async (t) => {
  const app = await build(t)
  const bad: Array<[unknown, RegExp]> = [
    [{}, /action/],
    [{ action: { status: 200 } }, /status/],
    [{ action: { delayMs: 60001 } }, /delayMs/],
    [{ action: { status: 500 }, match: { path: 'no-slash' } }, /path/],
    [{ action: { status: 500 }, match: { method: 'FETCH' } }, /method/],
    [{ action: { status: 500 }, fraction: 0 }, /fraction/],
    [{ action: { status: 500 }, times: 0 }, /times/],
    [{ action: { status: 500 }, bogus: 1 }, /bogus/],
    [{ action: { status: 500, drop: true } }, /both answer a status and drop/],
    [{ action: { rollout: 'DONE' } }, /rollout/]
  ]
  for (const [body, message] of bad) {
    const res = await admin(app, 'POST', '/_mock/faults', body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.matchStrict(res.json().error.message, message)
  }
  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json(), { rules: [] })
})

t.test('fault rules match by project, service and job, the journal\'s words; the path parameters\' names are a 400 naming the word', async (t) => {
  const app = await build(t)
  for (const [old, word] of [['projectId', 'project'], ['serviceId', 'service'], ['jobId', 'job']] as const) {
    const res = await admin(app, 'POST', '/_mock/faults', { match: { [old]: 'x' }, action: { status: 500 } })
    t.equal(res.statusCode, 400, old)
    t.equal(res.json().error.message,
      `body.match.${old} is not allowed (did you mean ${word}?); allowed here: method, path, project, service, job`)
  }
  const res = await admin(app, 'POST', '/_mock/faults', { match: { project: 'default-project', service: 'example-service' }, action: { status: 503 } })
  t.equal(res.statusCode, 201)
  t.strictSame(res.json().match, { project: 'default-project', service: 'example-service' })
  t.equal((await get(app, SERVICE_URL)).statusCode, 503, 'the rule applies to its service')
  t.strictSame((await get(app, '/v1/projects/default-project/services/example-build-service')).statusCode, 200, 'and to no other')
})

t.test('latency: read and set; out of range is 400', async (t) => {
  const app = await build(t, { behaviour: { latencyMs: 5 } })
  t.strictSame((await admin(app, 'GET', '/_mock/latency')).json(), { ms: 5 })
  t.strictSame((await admin(app, 'PUT', '/_mock/latency', { ms: 0 })).json(), { ms: 0 })
  t.strictSame((await admin(app, 'GET', '/_mock/latency')).json(), { ms: 0 })
  t.equal((await admin(app, 'PUT', '/_mock/latency', { ms: 60001 })).statusCode, 400)
  t.equal((await admin(app, 'PUT', '/_mock/latency', { ms: '5' })).statusCode, 400, 'no type coercion')
})

t.test('clock: manual mode stops time, advance moves it, system mode resumes', async (t) => {
  const base = new ManualClock(T0)
  const app = await build(t, { clock: base })
  t.strictSame((await admin(app, 'GET', '/_mock/clock')).json(), { mode: 'system', now: T0.toISOString() })
  let res = await admin(app, 'POST', '/_mock/clock/advance', { ms: 1000 })
  t.equal(res.statusCode, 409, 'the system clock cannot be advanced')
  t.equal(res.json().error.message, 'The clock is not manual: PUT /_mock/clock {"mode":"manual"} first')

  res = await admin(app, 'PUT', '/_mock/clock', { mode: 'manual', now: '2030-01-01T00:00:00Z' })
  t.strictSame(res.json(), { mode: 'manual', now: '2030-01-01T00:00:00.000Z' })
  res = await admin(app, 'POST', '/_mock/clock/advance', { ms: 90_000 })
  t.strictSame(res.json(), { mode: 'manual', now: '2030-01-01T00:01:30.000Z' })
  base.advance(5)
  t.strictSame((await admin(app, 'PUT', '/_mock/clock', { mode: 'system' })).json(), { mode: 'system', now: new Date(T0.getTime() + 5).toISOString() })
  t.strictSame((await admin(app, 'PUT', '/_mock/clock', { mode: 'manual' })).json(), { mode: 'manual', now: new Date(T0.getTime() + 5).toISOString() }, 'manual from now by default')
})

t.test('clock: bad settings are 400', async (t) => {
  const app = await build(t)
  const bad: Array<[unknown, RegExp]> = [
    [{ mode: 'frozen' }, /mode/],
    [{ mode: 'manual', now: 'tomorrow' }, /now/],
    [{ mode: 'manual', now: '2030-13-45T00:00:00Z' }, /now/],
    [{ mode: 'system', now: '2030-01-01T00:00:00Z' }, /for mode "manual" only/]
  ]
  for (const [body, message] of bad) {
    const res = await admin(app, 'PUT', '/_mock/clock', body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.matchStrict(res.json().error.message, message)
  }
  t.equal((await admin(app, 'POST', '/_mock/clock/advance', { ms: -1 })).statusCode, 400)
  t.equal((await admin(app, 'GET', '/_mock/clock')).json().mode, 'system')
})

t.test('rollout: read and set the step durations', async (t) => {
  const app = await build(t, { behaviour: { rollout: { inProgressMs: 10 } } })
  t.strictSame((await admin(app, 'GET', '/_mock/rollout')).json(), { pendingMs: 0, inProgressMs: 10 })
  t.strictSame((await admin(app, 'PUT', '/_mock/rollout', { pendingMs: 1, inProgressMs: 2 })).json(), { pendingMs: 1, inProgressMs: 2 })
  t.strictSame((await admin(app, 'GET', '/_mock/rollout')).json(), { pendingMs: 1, inProgressMs: 2 })
  t.strictSame((await admin(app, 'PUT', '/_mock/rollout', { inProgressMs: 30 })).json(), { pendingMs: 1, inProgressMs: 30 }, 'one duration alone: the other stays')
  t.strictSame((await admin(app, 'PUT', '/_mock/rollout', { pendingMs: 7 })).json(), { pendingMs: 7, inProgressMs: 30 })
  const empty = await admin(app, 'PUT', '/_mock/rollout', {})
  t.equal(empty.statusCode, 400, 'an empty body changes nothing: refused')
  t.equal(empty.json().error.message, 'body must have at least 1 key of: pendingMs, inProgressMs')
  t.equal((await admin(app, 'PUT', '/_mock/rollout', { pendingMs: 1, inProgress: 2 })).statusCode, 400, 'an unknown key')
  t.strictSame((await admin(app, 'GET', '/_mock/rollout')).json(), { pendingMs: 7, inProgressMs: 30 })
})

t.test('rate limit: Northflank\'s 1000 per hour, not enforced, by default; settable', async (t) => {
  const app = await build(t)
  t.strictSame((await admin(app, 'GET', '/_mock/rate-limit')).json(), { enforce: false, max: 1000, windowSeconds: 3600 })
  const res = await admin(app, 'PUT', '/_mock/rate-limit', { enforce: true, max: 5, windowSeconds: 60 })
  t.strictSame(res.json(), { enforce: true, max: 5, windowSeconds: 60 })
  t.strictSame((await admin(app, 'GET', '/_mock/rate-limit')).json(), { enforce: true, max: 5, windowSeconds: 60 })
  t.equal((await admin(app, 'PUT', '/_mock/rate-limit', { enforce: true, max: 0, windowSeconds: 60 })).statusCode, 400)
  t.strictSame((await admin(app, 'PUT', '/_mock/rate-limit', { max: 3 })).json(), { enforce: true, max: 3, windowSeconds: 60 }, 'one setting alone: the others stay')
  t.strictSame((await admin(app, 'PUT', '/_mock/rate-limit', { enforce: false })).json(), { enforce: false, max: 3, windowSeconds: 60 })
  const empty = await admin(app, 'PUT', '/_mock/rate-limit', {})
  t.equal(empty.statusCode, 400)
  t.equal(empty.json().error.message, 'body must have at least 1 key of: enforce, max, windowSeconds')
})

t.test('reset puts every behaviour setting back as built, fixture rules with fresh counts', async (t) => {
  const app = await build(t, {
    clock: new ManualClock(T0),
    behaviour: { latencyMs: 1 },
    fixtures: { ...(await import('../../../src/domain/fixtures.js')).defaultFixtures(), faults: [{ id: 'boot', action: { status: 500 }, times: 1 }] }
  })
  t.equal((await get(app, SERVICE_URL)).statusCode, 500, 'the fixture rule acts')
  await admin(app, 'POST', '/_mock/faults', { action: { status: 502 } })
  await admin(app, 'PUT', '/_mock/latency', { ms: 0 })
  await admin(app, 'PUT', '/_mock/rollout', { pendingMs: 5, inProgressMs: 5 })
  await admin(app, 'PUT', '/_mock/rate-limit', { enforce: true, max: 1, windowSeconds: 10 })
  await admin(app, 'PUT', '/_mock/clock', { mode: 'manual', now: '2030-01-01T00:00:00Z' })

  await admin(app, 'POST', '/_mock/reset')

  t.matchStrict((await admin(app, 'GET', '/_mock/faults')).json().rules, [{ id: 'boot', remaining: 1, matched: 0 }])
  t.strictSame((await admin(app, 'GET', '/_mock/latency')).json(), { ms: 1 })
  t.strictSame((await admin(app, 'GET', '/_mock/rollout')).json(), { pendingMs: 0, inProgressMs: 0 })
  t.strictSame((await admin(app, 'GET', '/_mock/rate-limit')).json(), { enforce: false, max: 1000, windowSeconds: 3600 })
  t.strictSame((await admin(app, 'GET', '/_mock/clock')).json(), { mode: 'system', now: T0.toISOString() })
  const res = await get(app, SERVICE_URL)
  t.equal(res.statusCode, 500, 'the fixture rule acts again')
  t.equal(res.headers['x-ratelimit-remaining'], '999', 'rate-limit counts start afresh')
})

t.test('admin routes are never subject to fault rules, latency or rate limits', async (t) => {
  const app = await build(t)
  await admin(app, 'POST', '/_mock/faults', { match: { path: '/**' }, action: { status: 500 } })
  // A delay runs on the emulator's clock: with a manual clock, a delayed request waits until the clock is
  // advanced, so an admin route that were delayed would not answer here at all.
  await admin(app, 'PUT', '/_mock/clock', { mode: 'manual' })
  await admin(app, 'PUT', '/_mock/latency', { ms: 1000 })
  const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref())
  const res = await Promise.race([admin(app, 'GET', '/_mock/faults'), hung])
  if (res === 'hung') return t.fail('the admin route waited for the latency')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-ratelimit-limit'], undefined)
  t.equal((await app.inject({ method: 'GET', url: '/_mock/health', headers: { prefer: 'status=503' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/_mock/nothing-here' })).statusCode, 404, 'an unknown admin path is a plain 404')
  t.equal(app.emulator.controls.clock.sleeping, 0, 'no admin request is waiting')

  const api = post(app, DEPLOYMENT_URL, {})
  while (app.emulator.controls.clock.sleeping === 0) await new Promise((resolve) => setImmediate(resolve))
  await admin(app, 'POST', '/_mock/clock/advance', { ms: 1000 })
  t.equal((await api).statusCode, 500, 'while the API waits out the latency and gets the fault')
})

t.test('loading new fixtures replaces the fault rules with theirs, also for later resets', async (t) => {
  const app = await build(t, { fixtures: { ...(await import('../../../src/domain/fixtures.js')).defaultFixtures(), faults: [{ id: 'old', action: { status: 500 } }] } })
  await admin(app, 'POST', '/_mock/faults', { id: 'added', action: { status: 502 } })
  await admin(app, 'PUT', '/_mock/latency', { ms: 3 })
  app.emulator.controls.useFixtureFaults([{ id: 'new', action: { status: 503 }, times: 1 }])
  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json().rules.map((r: { id: string }) => r.id), ['new'])
  t.strictSame((await admin(app, 'GET', '/_mock/latency')).json(), { ms: 3 }, 'other settings stay')
  t.equal((await get(app, SERVICE_URL)).statusCode, 503)
  await admin(app, 'POST', '/_mock/reset')
  t.matchStrict((await admin(app, 'GET', '/_mock/faults')).json().rules, [{ id: 'new', remaining: 1 }])
  t.throws(() => app.emulator.controls.useFixtureFaults([{ id: 'ok', action: { status: 500 } }, { action: {} }]), { message: /must ask for something/ })
  t.matchStrict((await admin(app, 'GET', '/_mock/faults')).json().rules, [{ id: 'new' }], 'a bad list changes nothing')
  await admin(app, 'POST', '/_mock/reset')
  t.matchStrict((await admin(app, 'GET', '/_mock/faults')).json().rules, [{ id: 'new' }], 'nor what a reset brings back')
  app.emulator.controls.useFixtureFaults(undefined)
  t.strictSame((await admin(app, 'GET', '/_mock/faults')).json(), { rules: [] })
})

t.test('a literal or an enum in an admin body that does not match is answered with the values allowed', async (t) => {
  const app = await build(t)
  let res = await admin(app, 'POST', '/_mock/faults', { action: { rollout: 'FAIL' } })
  t.equal(res.statusCode, 400)
  t.strictSame(res.json().error.details.errors, [
    { path: 'body.action.rollout', rule: 'const', expected: ['FAILED'], message: 'body.action.rollout must be "FAILED"' }
  ], 'not "must be equal to constant"')
  res = await admin(app, 'PUT', '/_mock/clock', { mode: 'paused' })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error.message, 'body.mode must be one of: system, manual')
})
