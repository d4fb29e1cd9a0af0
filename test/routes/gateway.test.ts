import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, DEPLOYMENT_URL, get, post, readBack, SERVICE_URL } from '../support/helper.js'

const addRule = (app: FastifyInstance, rule: unknown) => app.inject({ method: 'POST', url: '/_mock/faults', payload: rule as object })
const rules = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/_mock/faults' })).json().rules

t.test('Prefer: status=503 answers 503 in the envelope, saying it was injected, and changes nothing', async (t) => {
  const app = await build(t)
  const before = await readBack(app)
  const res = await post(app, DEPLOYMENT_URL, { external: { imagePath: 'nginx:1' } }, { prefer: 'status=503' })
  t.equal(res.statusCode, 503)
  t.hasStrict(res.json(), { error: { status: 503, message: 'Service Unavailable (injected by the Prefer header)', details: { injected: true, by: 'the Prefer header' } } })
  t.type(res.json().error.id, 'string')
  t.strictSame(await readBack(app), before)
  const anonymous = await app.inject({ method: 'GET', url: SERVICE_URL, headers: { prefer: 'status=503' } })
  t.equal(anonymous.statusCode, 503, 'faults come before authentication, as from a gateway')
})

t.test('Prefer: code=404 (Prism\'s spelling) works too, and on unknown routes of the API', async (t) => {
  const app = await build(t)
  const res = await get(app, '/v1/nowhere', { prefer: 'code=429' })
  t.equal(res.statusCode, 429)
  t.equal(res.json().error.message, 'Too Many Requests (injected by the Prefer header)')
  const odd = await get(app, SERVICE_URL, { prefer: 'status=599' })
  t.equal(odd.statusCode, 599)
  t.equal(odd.json().error.message, 'Error (injected by the Prefer header)', 'a status without a name still has a message')
})

t.test('Prefer with a bad value is a 400 naming the problem; an unknown preference is ignored', async (t) => {
  const app = await build(t)
  const res = await get(app, SERVICE_URL, { prefer: 'delay=soon' })
  t.equal(res.statusCode, 400)
  t.hasStrict(res.json().error, { message: 'Prefer header: "delay" must be an integer from 0 to 60000 (got "soon")', details: { reason: 'bad-prefer' } })
  t.equal((await get(app, SERVICE_URL, { prefer: 'return=minimal' })).statusCode, 200)
  t.equal((await get(app, SERVICE_URL, { prefer: ['return=minimal', 'status=500'] })).statusCode, 500, 'repeated Prefer headers are read together')
})

t.test('Prefer: delay holds the answer back without holding other requests', async (t) => {
  const app = await build(t)
  const order: string[] = []
  const slow = get(app, SERVICE_URL, { prefer: 'delay=300' }).then((res) => { order.push('slow'); return res })
  const fast = get(app, SERVICE_URL).then((res) => { order.push('fast'); return res })
  const [s, f] = await Promise.all([slow, fast])
  t.equal(s.statusCode, 200)
  t.equal(f.statusCode, 200)
  t.strictSame(order, ['fast', 'slow'])
})

t.test('Prefer: delay with status waits, then answers the status', async (t) => {
  const app = await build(t)
  const res = await get(app, SERVICE_URL, { prefer: 'delay=20, status=500' })
  t.equal(res.statusCode, 500)
})

t.test('Prefer: drop destroys the connection and the update is not applied', async (t) => {
  const app = await build(t)
  const before = await readBack(app)
  await t.rejects(post(app, DEPLOYMENT_URL, { external: { imagePath: 'nginx:1' } }, { prefer: 'drop' }), { code: 'LIGHT_ECONNRESET' })
  t.strictSame(await readBack(app), before)
})

t.test('a dropped connection is a reset socket for a real HTTP client', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  await addRule(app, { match: { method: 'GET' }, action: { drop: true }, times: 1 })
  const attempt = () => new Promise<number | string>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: SERVICE_URL, headers: { authorization: 'Bearer x' } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    req.end()
  })
  t.equal(await attempt(), 'ECONNRESET')
  t.equal(await attempt(), 200, 'the next request (a client\'s retry) gets through')
})

t.test('a rule answers the next N matching requests, then lets them through', async (t) => {
  const app = await build(t)
  await addRule(app, { match: { method: 'POST', path: '/v1/projects/*/services/*/deployment' }, action: { status: 502, message: 'upstream down' }, times: 2 })
  for (let i = 0; i < 2; i++) {
    const res = await post(app, DEPLOYMENT_URL, {})
    t.equal(res.statusCode, 502)
    t.hasStrict(res.json().error, { message: 'upstream down', details: { injected: true, by: 'fault rule "fault-1"' } })
  }
  t.equal((await get(app, DEPLOYMENT_URL)).statusCode, 200, 'a GET does not match')
  t.equal((await post(app, DEPLOYMENT_URL, {})).statusCode, 200)
  t.matchStrict(await rules(app), [{ remaining: 0, matched: 2, applied: 2 }])
})

t.test('a rule matches the team alias paths by project and service', async (t) => {
  const app = await build(t)
  await addRule(app, { match: { project: 'default-project', service: 'example-service' }, action: { status: 503 } })
  const res = await get(app, '/v1/teams/t/projects/default-project/services/example-service')
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.message, 'Service Unavailable (injected by fault rule "fault-1")', 'a rule without a message says it injected the answer')
  t.equal((await get(app, '/v1/projects/default-project/services/example-build-service')).statusCode, 200)
})

t.test('a delay rule delays, and the request is then handled', async (t) => {
  const app = await build(t)
  await addRule(app, { match: { method: 'POST' }, action: { delayMs: 200 }, times: 1 })
  const order: string[] = []
  const slow = post(app, DEPLOYMENT_URL, { docker: { configType: 'customCommand', customCommand: 'sleep' } }).then((r) => { order.push('post'); return r })
  const fast = get(app, SERVICE_URL).then(() => { order.push('get') })
  const [res] = await Promise.all([slow, fast])
  t.equal(res.statusCode, 200)
  t.strictSame(order, ['get', 'post'])
  t.equal((await readBack(app)).docker.customCommand, 'sleep')
})

t.test('a seeded fraction rule fails the same requests on every run', async (t) => {
  const run = async () => {
    const app = await build(t)
    await addRule(app, { action: { status: 500 }, fraction: 0.5, seed: 2024 })
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) statuses.push((await get(app, SERVICE_URL)).statusCode)
    return statuses
  }
  const first = await run()
  t.strictSame(await run(), first)
  t.ok(first.includes(500) && first.includes(200), 'some fail, some pass')
})

t.test('Prefer takes precedence over rules and spends none of them', async (t) => {
  const app = await build(t)
  await addRule(app, { action: { status: 500 }, times: 1 })
  t.equal((await get(app, SERVICE_URL, { prefer: 'status=418' })).statusCode, 418)
  t.matchStrict(await rules(app), [{ matched: 0, remaining: 1 }])
  t.equal((await get(app, SERVICE_URL, { prefer: 'delay=1' })).statusCode, 500, 'a delay alone does not stop the rule')
})

t.test('global latency delays API requests, not admin ones', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/_mock/latency', payload: { ms: 300 } })
  const order: string[] = []
  const api = get(app, SERVICE_URL).then((r) => { order.push('api'); return r })
  const adm = app.inject({ method: 'GET', url: '/_mock/latency' }).then(() => { order.push('admin') })
  const [res] = await Promise.all([api, adm])
  t.equal(res.statusCode, 200)
  t.strictSame(order, ['admin', 'api'])
})

t.test('closing the app ends pending delays at once, so nothing hangs', async (t) => {
  const app = await build(t)
  const pending = get(app, SERVICE_URL, { prefer: 'delay=60000' })
  await new Promise((resolve) => setImmediate(resolve))
  await app.close()
  const guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref())
  const outcome = await Promise.race([pending.then((r) => r.statusCode), guard])
  t.not(outcome, 'hung')
})

t.test('every API response carries x-ratelimit-* headers, counted per token', async (t) => {
  const app = await build(t)
  let res = await get(app, SERVICE_URL)
  t.equal(res.headers['x-ratelimit-limit'], '1000')
  t.equal(res.headers['x-ratelimit-remaining'], '999')
  t.equal(res.headers['x-ratelimit-reset'], '3600', 'seconds until the window resets')
  res = await get(app, SERVICE_URL)
  t.equal(res.headers['x-ratelimit-remaining'], '998')
  res = await get(app, SERVICE_URL, { authorization: 'Bearer another-token' })
  t.equal(res.headers['x-ratelimit-remaining'], '999', 'another token has its own count')
  res = await app.inject({ method: 'GET', url: SERVICE_URL })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['x-ratelimit-remaining'], '999', 'no token: counted by address, errors included')
  res = await get(app, '/v1/nowhere')
  t.equal(res.statusCode, 404)
  t.equal(res.headers['x-ratelimit-remaining'], '997', 'unknown API routes count too')
})

t.test('past the limit, not enforced (the default): requests pass with remaining 0', async (t) => {
  const app = await build(t, { behaviour: { rateLimit: { max: 2 } } })
  await get(app, SERVICE_URL)
  await get(app, SERVICE_URL)
  const res = await get(app, SERVICE_URL)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-ratelimit-remaining'], '0')
})

t.test('past the limit, enforced: 429 in the envelope with retry-after, per token', async (t) => {
  const app = await build(t, { behaviour: { rateLimit: { enforce: true, max: 2, windowSeconds: 60 } } })
  t.equal((await get(app, SERVICE_URL)).statusCode, 200)
  t.equal((await post(app, DEPLOYMENT_URL, {})).statusCode, 200)
  const res = await post(app, DEPLOYMENT_URL, { external: { imagePath: 'nginx:2' } })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '60')
  t.equal(res.headers['x-ratelimit-remaining'], '0')
  t.equal(res.headers['x-ratelimit-reset'], '60')
  t.hasStrict(res.json(), { error: { status: 429, message: 'Rate limit exceeded: 2 requests per window; retry in 60 s', details: { reason: 'rate-limited', limit: 2, retryAfter: 60 } } })
  const other = await get(app, DEPLOYMENT_URL, { authorization: 'Bearer other' })
  t.equal(other.statusCode, 200, 'another token is not limited')
  t.not(other.json().data.external.imagePath, 'nginx:2', 'the limited update was not applied')
})

t.test('enforcement switched on through the admin API takes effect at once', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'PUT', url: '/_mock/rate-limit', payload: { enforce: true, max: 1, windowSeconds: 3600 } })
  t.equal((await get(app, SERVICE_URL)).statusCode, 200)
  t.equal((await get(app, SERVICE_URL)).statusCode, 429)
})
