import t from 'tap'
import { RolloutStateSchema } from '../../schemas/faults.js'
import { ControlledClock, ManualClock } from '../../src/domain/clock.js'
import { rolloutStatus, startRollout } from '../../src/domain/rollout.js'
import { compile } from '../../src/ajv.js'
import { build, DEPLOYMENT_URL, get, post, SERVICE_URL } from '../support/helper.js'

const T0 = new Date('2026-03-01T12:00:00.000Z')
const at = (ms: number) => new Date(T0.getTime() + ms)
const SHA = '6f3a0e1c5b2d4f7a8e9c0b1d2e3f4a5b6c7d8e9f'
const FROM_BUILD = { internal: { id: 'example-build-service', branch: 'master', buildId: 'premium-guide-6393' } }

t.test('a rollout is PENDING, then IN_PROGRESS, then COMPLETED with the deployed SHA', async (t) => {
  const r = startRollout({ pendingMs: 1000, inProgressMs: 2000, outcome: 'COMPLETED' }, T0, SHA, false)
  t.strictSame(rolloutStatus(r, at(0)), { status: 'PENDING', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString() })
  t.equal(rolloutStatus(r, at(999)).status, 'PENDING')
  t.strictSame(rolloutStatus(r, at(1000)), { status: 'IN_PROGRESS', reason: 'DEPLOYING', lastTransitionTime: at(1000).toISOString() })
  t.equal(rolloutStatus(r, at(2999)).status, 'IN_PROGRESS')
  t.strictSame(rolloutStatus(r, at(3000)), { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: at(3000).toISOString(), deployedSHA: SHA })
})

t.test('zero durations complete a rollout in the instant it starts', async (t) => {
  const r = startRollout({ pendingMs: 0, inProgressMs: 0, outcome: 'COMPLETED' }, T0, undefined, false)
  t.strictSame(rolloutStatus(r, T0), { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString() }, 'no deployedSHA without a build')
})

t.test('a failed rollout ends FAILED, without a deployed SHA', async (t) => {
  const r = startRollout({ pendingMs: 0, inProgressMs: 500, outcome: 'FAILED' }, T0, SHA, false)
  t.equal(rolloutStatus(r, at(100)).status, 'IN_PROGRESS')
  t.strictSame(rolloutStatus(r, at(500)), { status: 'FAILED', reason: 'DEPLOYING', lastTransitionTime: at(500).toISOString() })
})

t.test('a rollout waiting for a build stays PENDING however late', async (t) => {
  const r = startRollout({ pendingMs: 0, inProgressMs: 0, outcome: 'COMPLETED' }, T0, undefined, true)
  t.strictSame(rolloutStatus(r, at(86_400_000)), { status: 'PENDING', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString() })
  t.strictSame(JSON.parse(JSON.stringify(r)), r, 'a rollout is plain data')
})

t.test('stored rollouts match the schema a state dump checks them with', async (t) => {
  const valid = compile(RolloutStateSchema)
  t.ok(valid(startRollout({ pendingMs: 1, inProgressMs: 2, outcome: 'FAILED' }, T0, SHA, false)))
  t.ok(valid(startRollout({ pendingMs: 0, inProgressMs: 0, outcome: 'COMPLETED' }, T0, undefined, true)))
  t.notOk(valid({ startedAt: 'yesterday', pendingMs: 0, inProgressMs: 0, outcome: 'COMPLETED' }), 'a bad time is refused')
  t.notOk(valid({ startedAt: T0.toISOString(), pendingMs: -1, inProgressMs: 0, outcome: 'COMPLETED' }), 'a negative step is refused')
})

t.test('a manual clock stands still until set or advanced', async (t) => {
  const clock = new ManualClock(T0)
  t.strictSame(clock.now(), T0)
  clock.advance(1500)
  t.strictSame(clock.now(), at(1500))
  clock.set(at(-5))
  t.strictSame(clock.now(), at(-5))
  t.ok(Math.abs(new ManualClock().now().getTime() - Date.now()) < 60_000, 'by default it starts at the current time')
})

t.test('the controlled clock follows its base until manual, and back', async (t) => {
  const base = new ManualClock(T0)
  const clock = new ControlledClock(base)
  t.equal(clock.mode, 'system')
  t.equal(clock.advance(10), false, 'a system clock cannot be advanced')
  base.advance(10)
  t.strictSame(clock.now(), at(10))
  clock.setManual()
  t.equal(clock.mode, 'manual')
  base.advance(1000)
  t.strictSame(clock.now(), at(10), 'manual time does not follow the base')
  t.equal(clock.advance(5), true)
  t.strictSame(clock.now(), at(15))
  clock.setManual(T0)
  t.strictSame(clock.now(), T0)
  clock.setSystem()
  t.strictSame(clock.now(), at(1010))
})

t.test('GET service walks a rollout through its steps as the manual clock advances', async (t) => {
  const app = await build(t, { clock: new ManualClock(T0), behaviour: { rollout: { pendingMs: 1000, inProgressMs: 2000 } } })
  const status = async () => (await get(app, SERVICE_URL)).json().data.status.deployment
  await app.inject({ method: 'PUT', url: '/_mock/clock', payload: { mode: 'manual' } })
  t.equal((await post(app, DEPLOYMENT_URL, FROM_BUILD)).statusCode, 200)
  t.strictSame(await status(), { status: 'PENDING', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString() })
  await app.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { ms: 1000 } })
  t.strictSame(await status(), { status: 'IN_PROGRESS', reason: 'DEPLOYING', lastTransitionTime: at(1000).toISOString() })
  await app.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { ms: 2000 } })
  t.strictSame(await status(), { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: at(3000).toISOString(), deployedSHA: SHA })
})

t.test('by default an update\'s rollout is COMPLETED at once, at the update\'s time', async (t) => {
  const app = await build(t, { clock: new ManualClock(T0) })
  await post(app, DEPLOYMENT_URL, FROM_BUILD)
  t.strictSame((await get(app, SERVICE_URL)).json().data.status, {
    deployment: { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString(), deployedSHA: SHA }
  })
})

t.test('new step durations apply to updates accepted afterwards', async (t) => {
  const app = await build(t, { clock: new ManualClock(T0) })
  await post(app, DEPLOYMENT_URL, FROM_BUILD)
  await app.inject({ method: 'PUT', url: '/_mock/rollout', payload: { pendingMs: 0, inProgressMs: 5000 } })
  t.equal((await get(app, SERVICE_URL)).json().data.status.deployment.status, 'COMPLETED', 'the earlier rollout is unchanged')
  await post(app, DEPLOYMENT_URL, { docker: { configType: 'default' } })
  t.equal((await get(app, SERVICE_URL)).json().data.status.deployment.status, 'IN_PROGRESS')
})

t.test('a rollout rule makes the next accepted update\'s rollout end FAILED, and only that one', async (t) => {
  const app = await build(t, { clock: new ManualClock(T0) })
  const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { match: { service: 'example-service' }, action: { rollout: 'FAILED' }, times: 1 } })
  t.equal(res.statusCode, 201)
  // A refused update does not spend the rule.
  t.equal((await post(app, DEPLOYMENT_URL, { internal: { id: 'no-such-builder' } })).statusCode, 404)
  t.equal((await post(app, DEPLOYMENT_URL, FROM_BUILD)).statusCode, 200, 'the update itself is accepted')
  t.strictSame((await get(app, SERVICE_URL)).json().data.status.deployment, { status: 'FAILED', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString() })
  t.matchStrict((await app.inject({ method: 'GET', url: '/_mock/faults' })).json().rules, [{ matched: 1, applied: 1, remaining: 0 }])
  await post(app, DEPLOYMENT_URL, FROM_BUILD)
  t.equal((await get(app, SERVICE_URL)).json().data.status.deployment.status, 'COMPLETED')
})

t.test('buildSHA latest with no build: the service is updated, its rollout stays PENDING with no SHA', async (t) => {
  const app = await build(t, { clock: new ManualClock(T0) })
  await app.inject({ method: 'POST', url: '/_mock/faults', payload: { action: { rollout: 'FAILED' } } })
  const res = await post(app, DEPLOYMENT_URL, { internal: { id: 'example-build-service', branch: 'no-builds-here', buildSHA: 'latest' } })
  t.equal(res.statusCode, 200)
  t.equal((await get(app, DEPLOYMENT_URL)).json().data.instances, 0, 'no instances run')
  t.strictSame((await get(app, SERVICE_URL)).json().data.status.deployment, { status: 'PENDING', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString() })
  t.matchStrict((await app.inject({ method: 'GET', url: '/_mock/faults' })).json().rules, [{ matched: 0 }], 'nothing was rolled out, so no rule was spent')
})

t.test('a service never updated shows no rollout status', async (t) => {
  const app = await build(t)
  const res = await get(app, '/v1/projects/default-project/services/example-build-service')
  t.strictSame(res.json().data.status, {})
})
