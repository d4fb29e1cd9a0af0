import t, { type Test } from 'tap'
import { ApiClient, ApiClientInMemoryContextProvider, NorthflankApiCallError } from '@northflank/js-client'
import type { FastifyInstance } from 'fastify'
import type { AppOptions } from '../../src/app.js'
import { ManualClock } from '../../src/domain/clock.js'
import { build } from '../support/helper.js'

// Northflank's official JS client against injected faults, rate limits and the rollout lifecycle, on an
// ephemeral port of 127.0.0.1: what a user's test suite would see.

const parameters = { projectId: 'default-project', serviceId: 'example-service' }
const data = { docker: { configType: 'customCommand', customCommand: 'run' } } as any

/** The app on 127.0.0.1, counting the POSTs that reach it (dropped ones included). */
async function serve (t: Test, options: AppOptions = {}): Promise<{ app: FastifyInstance, api: ApiClient, posts: () => number }> {
  const app = await build(t, options)
  let posts = 0
  await app.listen({ port: 0, host: '127.0.0.1' })
  // Node's own event: it sees every request, before any hook could drop it.
  app.server.on('request', (req) => { if (req.method === 'POST') posts++ })
  const { port } = app.server.address() as { port: number }
  const contexts = new ApiClientInMemoryContextProvider()
  await contexts.addContext({ name: 'local', token: 'test-token', host: `http://127.0.0.1:${port}` })
  return { app, api: new ApiClient(contexts, { throwErrorOnHttpErrorCode: true }), posts: () => posts }
}

const addRule = (app: FastifyInstance, rule: unknown) => app.inject({ method: 'POST', url: '/_mock/faults', payload: rule as object })

t.test('the client retries a dropped POST: with times 1 the retry goes through and the update applies once', async (t) => {
  const { app, api, posts } = await serve(t)
  await addRule(app, { match: { method: 'POST' }, action: { drop: true }, times: 1 })
  const res = await api.update.service.deployment({ parameters, data })
  t.strictSame(res.data, {})
  t.equal(posts(), 2, 'the dropped attempt and the retry')
  t.equal((await api.get.service.deployment({ parameters })).data?.docker?.customCommand, 'run')
})

t.test('a rule that drops every POST makes the client give up after its 3 retries: 4 arrivals', async (t) => {
  const { app, api, posts } = await serve(t)
  await addRule(app, { match: { method: 'POST' }, action: { drop: true } })
  await t.rejects(api.update.service.deployment({ parameters, data }))
  t.equal(posts(), 4)
  t.matchStrict((await app.inject({ method: 'GET', url: '/_mock/faults' })).json().rules, [{ matched: 4, applied: 4 }])
})

t.test('an injected status reaches the client as a NorthflankApiCallError with the envelope\'s fields', async (t) => {
  const { app, api, posts } = await serve(t)
  await addRule(app, { action: { status: 503, message: 'maintenance window' }, times: 1 })
  const err = await api.update.service.deployment({ parameters, data }).catch((e: unknown) => e)
  t.ok(err instanceof NorthflankApiCallError)
  t.matchStrict(err, { status: 503, message: 'maintenance window', details: { injected: true } })
  t.equal(posts(), 1, 'no retry on an HTTP error')
})

t.test('an enforced rate limit reaches the client as a 429 with the envelope\'s message', async (t) => {
  const { api } = await serve(t, { behaviour: { rateLimit: { enforce: true, max: 1, windowSeconds: 60 } } })
  await api.get.service({ parameters })
  const err = await api.get.service({ parameters }).catch((e: unknown) => e)
  t.matchStrict(err, { status: 429, message: /^Rate limit exceeded: 1 requests per window; retry in 60 s$/ })
})

t.test('get.service shows the rollout moving as the admin API advances a manual clock', async (t) => {
  const { app, api } = await serve(t, { clock: new ManualClock(new Date('2026-05-01T00:00:00Z')), behaviour: { rollout: { pendingMs: 10_000, inProgressMs: 50_000 } } })
  await app.inject({ method: 'PUT', url: '/_mock/clock', payload: { mode: 'manual' } })
  await api.update.service.deployment({ parameters, data })
  const status = async () => ((await api.get.service({ parameters })).data as any).status.deployment.status
  t.equal(await status(), 'PENDING')
  await app.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { ms: 10_000 } })
  t.equal(await status(), 'IN_PROGRESS')
  await app.inject({ method: 'POST', url: '/_mock/clock/advance', payload: { ms: 50_000 } })
  t.equal(await status(), 'COMPLETED')
})
