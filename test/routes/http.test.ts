import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { VERSION } from '../../src/version.js'
import { AUTH, build, DEPLOYMENT_URL, get, post, readBack, SERVICE_URL } from '../support/helper.js'

/** What JSON.parse says of a text it cannot parse: the cause a malformed body's message quotes. */
function syntaxError (text: string): string {
  try {
    JSON.parse(text)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error(`${text} is valid JSON`)
}

/** Every non-200 answer is the envelope, with the status repeated and an id. */
function isEnvelope (t: Test, body: string, status: number) {
  const json = JSON.parse(body)
  t.strictSame(Object.keys(json), ['error'])
  t.strictSame(Object.keys(json.error).sort(), ['details', 'id', 'message', 'status'])
  t.equal(json.error.status, status)
  t.type(json.error.message, 'string')
  t.ok(json.error.message.length > 0)
  t.matchStrict(json.error.id, /^[0-9a-f-]{36}$/)
  t.type(json.error.details, 'object')
  return json.error
}

t.test('an unknown route is a 404 in the envelope', async (t) => {
  const app = await build(t)
  for (const url of ['/', '/v1', '/v2/projects/a/services/b/deployment', '/v1/projects/a/services/b/deployment/extra']) {
    const res = await get(app, url)
    t.equal(res.statusCode, 404, url)
    isEnvelope(t, res.body, 404)
  }
})

t.test('a known path with another method is a 405 with Allow', async (t) => {
  const app = await build(t)
  for (const [method, url, allow] of [
    ['PUT', DEPLOYMENT_URL, 'GET, HEAD, POST'],
    ['DELETE', DEPLOYMENT_URL, 'GET, HEAD, POST'],
    ['PATCH', SERVICE_URL, 'GET, HEAD'],
    ['POST', SERVICE_URL, 'GET, HEAD']
  ] as const) {
    const res = await app.inject({ method, url, headers: AUTH })
    t.equal(res.statusCode, 405, `${method} ${url}`)
    t.equal(res.headers.allow, allow)
    isEnvelope(t, res.body, 405)
  }
})

t.test('malformed, empty, poisoned JSON and other content types get their own 4xx', async (t) => {
  const app = await build(t)
  const before = await readBack(app)
  const cases: Array<[string, Record<string, string>, number, string]> = [
    // The cause is V8's own words, which change with Node versions; the emulator's words around it are pinned.
    ['{"docker":', {}, 400, `Request body is not valid JSON: ${syntaxError('{"docker":')}`],
    ['', {}, 400, 'Request body is empty: send a JSON object (the smallest valid one is {})'],
    ['{"__proto__":{"polluted":1},"docker":{"configType":"default"}}', {}, 400, 'Request body has a "__proto__" or "constructor.prototype" key, which is refused'],
    ['{"constructor":{"prototype":{"polluted":1}}}', {}, 400, 'Request body has a "__proto__" or "constructor.prototype" key, which is refused'],
    ['docker=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'Unsupported content type "application/x-www-form-urlencoded": send "application/json"'],
    ['{}', { 'content-type': 'text/plain' }, 415, 'Unsupported content type "text/plain": send "application/json"']
  ]
  for (const [payload, headers, status, message] of cases) {
    const res = await post(app, DEPLOYMENT_URL, payload, headers)
    t.equal(res.statusCode, status, payload)
    t.equal(isEnvelope(t, res.body, status).message, message)
  }
  t.strictSame(await readBack(app), before, 'no rejected request changed the state')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  const charset = await post(app, DEPLOYMENT_URL, '{}', { 'content-type': 'application/json; charset=utf-8' })
  t.equal(charset.statusCode, 200, 'a charset parameter is fine')
})

t.test('a body over the limit is a 413 in the envelope', async (t) => {
  const app = await build(t, { bodyLimit: 2048 })
  const res = await post(app, DEPLOYMENT_URL, { external: { imagePath: `${'a'.repeat(4096)}:1` } })
  t.equal(res.statusCode, 413)
  isEnvelope(t, res.body, 413)
  t.equal((await post(app, DEPLOYMENT_URL, { external: { imagePath: 'a:1' } })).statusCode, 200, 'and the server keeps serving')
})

t.test('a POST without a body or content type is a 400 naming the body', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: DEPLOYMENT_URL, headers: AUTH })
  t.equal(res.statusCode, 400)
  t.equal(isEnvelope(t, res.body, 400).message, 'body must be an object')
})

t.test('an internal error is a 500 in the envelope, logged with its stack, never sent', async (t) => {
  const lines: any[] = []
  const stream = new Writable({ write (chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } })
  const app = await build(t, { logger: { level: 'info', stream } })
  app.get('/boom', async () => { throw new Error('secret internals') })
  const res = await app.inject({ method: 'GET', url: '/boom' })
  t.equal(res.statusCode, 500)
  const error = isEnvelope(t, res.body, 500)
  t.equal(error.message, 'Internal server error')
  t.notMatch(res.body, /secret|at /)
  const logged = lines.find((l) => l.level === 50)
  t.equal(logged.reqId, error.id, 'the error id is the request id in the log')
  t.matchStrict(logged.err.stack, /secret internals/)
  t.equal((await get(app, SERVICE_URL)).statusCode, 200, 'and the server keeps serving')
})

t.test('one log line per request, carrying the id the error envelope shows', async (t) => {
  const lines: any[] = []
  const stream = new Writable({ write (chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } })
  const app = await build(t, { logger: { level: 'info', stream } })
  const ok = await get(app, SERVICE_URL)
  const bad = await post(app, DEPLOYMENT_URL, { nope: 1 })
  const missing = await get(app, '/nowhere')
  t.equal(lines.length, 3)
  t.matchStrict(lines[0], { level: 30, msg: 'request', method: 'GET', url: SERVICE_URL, statusCode: 200, reqId: String })
  t.type(lines[0].responseTime, 'number')
  t.matchStrict(lines[1], { msg: 'request', method: 'POST', statusCode: 400, reqId: bad.json().error.id })
  t.matchStrict(lines[2], { msg: 'request', statusCode: 404, reqId: missing.json().error.id })
  t.not(lines[0].reqId, lines[1].reqId)
  t.equal(ok.statusCode, 200)
})

t.test('every answer names the emulator and its version in a header', async (t) => {
  const app = await build(t)
  for (const res of [await get(app, SERVICE_URL), await get(app, '/nowhere'), await get(app, '/_mock/health')]) {
    t.equal(res.headers['x-northflank-mock'], VERSION)
  }
  t.matchStrict(VERSION, /^\d+\.\d+\.\d+/)
})

t.test('duplicate slashes, as the official client sends with a host ending in /, reach the route', async (t) => {
  const app = await build(t)
  t.equal((await post(app, `/${DEPLOYMENT_URL}`, { docker: { configType: 'default' } })).statusCode, 200)
  t.equal((await get(app, `/${SERVICE_URL.replace('/services/', '//services/')}`)).statusCode, 200)
})

t.test('GET requests with the client\'s content-type: application/json and no body are fine', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: SERVICE_URL, headers: { ...AUTH, 'content-type': 'application/json' } })
  t.equal(res.statusCode, 200)
})

t.test('a body sent without a content type is a 415', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: DEPLOYMENT_URL, headers: AUTH, payload: '{}' })
  t.equal(res.statusCode, 415)
  t.equal(isEnvelope(t, res.body, 415).message, 'Unsupported content type "": send "application/json"')
})

t.test('client errors thrown inside keep their status, with the standard text when they have no message', async (t) => {
  const app = await build(t)
  app.get('/teapot', async () => { throw Object.assign(new Error('short and stout'), { statusCode: 418 }) })
  app.get('/bare', async () => { throw Object.assign(new Error(), { statusCode: 409, code: 'X_CONFLICT' }) })
  const teapot = await app.inject({ method: 'GET', url: '/teapot' })
  t.equal(teapot.statusCode, 418)
  t.strictSame(isEnvelope(t, teapot.body, 418), { status: 418, message: 'short and stout', id: teapot.json().error.id, details: { code: null } })
  const bare = await app.inject({ method: 'GET', url: '/bare' })
  t.strictSame(isEnvelope(t, bare.body, 409), { status: 409, message: 'Conflict', id: bare.json().error.id, details: { code: 'X_CONFLICT' } })
})

t.test('URLs the router cannot take (bad escapes, over-long ids) get the envelope', async (t) => {
  const app = await build(t)
  const bad = await get(app, '/v1/projects/%E0%A4%A/services/x/deployment')
  t.equal(bad.statusCode, 400)
  t.matchStrict(isEnvelope(t, bad.body, 400).message, 'is not a valid url component')
  const long = await get(app, `/v1/projects/a/services/${'x'.repeat(300)}/deployment`)
  t.equal(long.statusCode, 414)
  isEnvelope(t, long.body, 414)
  t.equal(long.headers['x-northflank-mock'], VERSION)
})
