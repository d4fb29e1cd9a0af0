import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client'
import { AdminError, startMock, VerificationError } from '../../../src/index.js'
import { build, DEPLOYMENT_URL, post, SERVICE_URL, get } from '../../support/helper.js'

const verify = (app: FastifyInstance, body: unknown, query = '') =>
  app.inject({ method: 'POST', url: `/_mock/verify${query}`, payload: body as object })
const image = (tag: string) => ({ external: { imagePath: `nginx:${tag}` } })
/** The 406's message for an expectation (`at least 1 matching request`) and how many matched, in the words users read. */
const failed = (expected: string, matched: number, journalTruncated = false) =>
  `expected ${expected}, saw ${matched}` +
    (journalTruncated ? ' (the journal dropped entries since it was last cleared: older requests are not counted)' : '')

t.test('an expectation that holds answers 200 with the count', async (t) => {
  const app = await build(t)
  await post(app, DEPLOYMENT_URL, image('1'))
  await post(app, DEPLOYMENT_URL, image('2'))
  await get(app, SERVICE_URL)
  const ok = async (body: unknown) => {
    const res = await verify(app, body)
    t.equal(res.statusCode, 200, JSON.stringify(body))
    return res.json().data.matched
  }
  t.equal(await ok({}), 3, 'no field: every request, at least one')
  t.equal(await ok({ method: 'post', count: { exactly: 2 } }), 2, 'methods in any case')
  t.equal(await ok({ path: '/v1/projects/*/services/*/deployment', count: { atLeast: 2 } }), 2)
  t.equal(await ok({ project: 'default-project', service: 'example-service', status: 200, count: { exactly: 3 } }), 3)
  t.equal(await ok({ body: { external: { imagePath: 'nginx:2' } }, count: { exactly: 1 } }), 1, 'a body subset')
  t.equal(await ok({ body: { external: {} } }), 2, 'an empty object matches any object there')
  t.equal(await ok({ method: 'DELETE', count: { atMost: 0 } }), 0)
  t.equal(await ok({ headers: { 'Content-Type': 'application/json', authorization: 'Bearer ***' }, count: { exactly: 2 } }), 2,
    'header names in any case; a bearer token matches its redacted form')
})

t.test('an expectation that fails is a 406 saying what was expected and seen, with the near misses closest first', async (t) => {
  const app = await build(t)
  await post(app, DEPLOYMENT_URL, image('1'))
  await get(app, SERVICE_URL)
  await post(app, DEPLOYMENT_URL, image('2'))
  const res = await verify(app, { method: 'POST', body: { external: { imagePath: 'nginx:3' } }, count: { exactly: 1 } })
  t.equal(res.statusCode, 406)
  const { error } = res.json()
  t.equal(error.message, failed('exactly 1 matching request', 0))
  t.matchStrict(error.details, { reason: 'verification-failed', matched: 0, count: { exactly: 1 }, journalTruncated: false })
  t.strictSame(error.details.nearMisses.map((m: { seq: number }) => m.seq), [3, 1, 2], 'the two POSTs first, the newer of equals first; then the GET')
  t.strictSame(error.details.nearMisses[0], {
    seq: 3,
    method: 'POST',
    path: DEPLOYMENT_URL,
    status: 200,
    similarity: 0.5,
    differences: [{ field: 'body.external.imagePath', expected: 'nginx:3', actual: 'nginx:2' }]
  })
  t.strictSame(error.details.nearMisses[2].differences, [
    { field: 'method', expected: 'POST', actual: 'GET' },
    { field: 'body', expected: { external: { imagePath: 'nginx:3' } } }
  ], 'a GET has no body: no actual')
})

t.test('too many matches fail exactly and atMost; at most 5 near misses', async (t) => {
  const app = await build(t)
  for (let i = 0; i < 7; i++) await get(app, SERVICE_URL)
  const over = await verify(app, { method: 'GET', count: { atMost: 2 } })
  t.equal(over.statusCode, 406)
  t.equal(over.json().error.message, failed('at most 2 matching requests', 7))
  const none = await verify(app, { method: 'POST' })
  t.equal(none.json().error.message, failed('at least 1 matching request', 0))
  t.equal(none.json().error.details.nearMisses.length, 5)
})

t.test('the 406 says when the journal dropped entries since it was last cleared', async (t) => {
  const app = await build(t, { journalSize: 2 })
  for (let i = 0; i < 3; i++) await get(app, SERVICE_URL)
  const res = await verify(app, { count: { exactly: 3 } })
  t.equal(res.statusCode, 406)
  t.equal(res.json().error.details.journalTruncated, true)
  t.equal(res.json().error.message, failed('exactly 3 matching requests', 2, true))
  await app.inject({ method: 'DELETE', url: '/_mock/journal' })
  t.equal((await verify(app, { count: { exactly: 1 } })).json().error.details.journalTruncated, false, 'a clear makes it complete again')
})

t.test('a bad query is a 400 naming the field', async (t) => {
  const app = await build(t)
  const problem = async (body: unknown) => {
    const res = await verify(app, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    return res.json().error.message as string
  }
  t.matchStrict(await problem({ methd: 'POST' }), /body\.methd is not allowed/)
  t.matchStrict(await problem({ count: { exactly: -1 } }), /body\.count\.exactly must be >= 0/)
  t.equal(await problem({ count: { exactly: 1, atLeast: 1 } }), 'body.count must have exactly 1 key of: exactly, atLeast, atMost')
  t.equal(await problem({ count: {} }), 'body.count must have exactly 1 key of: exactly, atLeast, atMost')
  t.matchStrict(await problem({ count: { some: 1 } }), /body\.count\.some is not allowed/)
  t.matchStrict(await problem({ within: 60_001 }), /body\.within/)
  t.matchStrict(await problem({ path: 'v1/x' }), /body\.path/)
  t.equal(await problem({ headers: { Authorization: 'Bearer real-token' } }), 'body.headers.authorization: the journal redacts it, so only ' +
    '"Bearer ***" (a bearer token was sent) or "***" can match; to check which token was used, verify with ?token= (isolation)')
  t.equal((await verify(app, {}, '?token=t')).statusCode, 400, 'a token scope needs isolation')
})

t.test('with isolation, ?token= verifies that namespace only', async (t) => {
  const app = await build(t, { isolation: true })
  await post(app, DEPLOYMENT_URL, image('a'), { authorization: 'Bearer a' })
  await post(app, DEPLOYMENT_URL, image('b'), { authorization: 'Bearer b' })
  t.equal((await verify(app, { count: { exactly: 1 } }, '?token=a')).statusCode, 200)
  t.equal((await verify(app, { body: image('b') }, '?token=a')).statusCode, 406)
  t.equal((await verify(app, { count: { exactly: 2 } })).statusCode, 200, 'unscoped: every namespace')
  t.equal((await verify(app, { count: { exactly: 0 } }, '?token=never')).statusCode, 200, 'a namespace not made yet has no requests')
  t.equal(app.emulator.namespaceCount, 2, 'and verifying it made none')
})

t.test('within: a waiting verify is answered by the append that makes it hold', async (t) => {
  const mock = await startMock({ isolation: true })
  t.teardown(mock.close)
  const started = Date.now()
  const waiting = mock.admin.verify({ method: 'POST', body: image('late'), count: { exactly: 1 }, within: 30_000 }, { token: 'w' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  await fetch(`${mock.url}${DEPLOYMENT_URL}`, { method: 'POST', headers: { authorization: 'Bearer other', 'content-type': 'application/json' }, body: JSON.stringify(image('late')) })
  await fetch(`${mock.url}${DEPLOYMENT_URL}`, { method: 'POST', headers: { authorization: 'Bearer w', 'content-type': 'application/json' }, body: JSON.stringify(image('early')) })
  await fetch(`${mock.url}${DEPLOYMENT_URL}`, { method: 'POST', headers: { authorization: 'Bearer w', 'content-type': 'application/json' }, body: JSON.stringify(image('late')) })
  t.equal(await waiting, 1, 'another namespace\'s request and a non-matching one did not end it; the matching one did')
  t.ok(Date.now() - started < 20_000, 'well before the 30 s deadline')
})

t.test('within: an expectation that cannot come true by more requests is answered at once', async (t) => {
  const app = await build(t)
  await get(app, SERVICE_URL)
  const started = Date.now()
  t.equal((await verify(app, { count: { atMost: 0 }, within: 30_000 })).statusCode, 406)
  t.ok(Date.now() - started < 20_000)
})

t.test('within: a verify that never holds answers 406 when the time is up', async (t) => {
  const app = await build(t)
  const res = await verify(app, { method: 'DELETE', within: 50 })
  t.equal(res.statusCode, 406)
})

t.test('a waiting verify ends at once when the server closes, and its connection does not hold up the close', async (t) => {
  const mock = await startMock()
  // A kept-alive connection would hold the close for this long: far beyond the bound below.
  mock.app.server.keepAliveTimeout = 60_000
  const waiting = mock.admin.verify({ method: 'DELETE', within: 60_000 }).catch((err: unknown) => err)
  await new Promise((resolve) => setTimeout(resolve, 100))
  const started = Date.now()
  await mock.close()
  const err = await waiting
  t.ok(err instanceof VerificationError, 'answered with the verdict as it stood')
  t.ok(Date.now() - started < 20_000, 'close waited neither for the 60 s of within nor for the keep-alive timeout')
})

t.test('admin.verify resolves with the count, or rejects with a VerificationError that reads well', async (t) => {
  const mock = await startMock()
  t.teardown(mock.close)
  const contexts = new ApiClientInMemoryContextProvider()
  await contexts.addContext({ name: 'mock', token: 'test-token', host: mock.url })
  const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true })
  await api.update.service.deployment({ parameters: { projectId: 'default-project', serviceId: 'example-service' }, data: image('1.1') })
  t.equal(await mock.admin.verify({ method: 'POST', service: 'example-service', body: image('1.1') }), 1)

  const err = await mock.admin.verify({ method: 'POST', service: 'example-service', body: image('1.2'), count: { exactly: 1 } })
    .catch((e: unknown) => e) as VerificationError
  t.ok(err instanceof VerificationError)
  t.equal(err.matched, 0)
  t.strictSame(err.expected, { exactly: 1 })
  t.equal(err.message, [
    'Verification failed: expected exactly 1 matching request, saw 0.',
    '  Expected: POST any path service=example-service body ⊇ {"external":{"imagePath":"nginx:1.2"}}',
    '  Closest requests (1, most similar first):',
    `    #1 POST ${DEPLOYMENT_URL} → 200`,
    '        body.external.imagePath: expected "nginx:1.2", got "nginx:1.1"'
  ].join('\n'))
})

t.test('a VerificationError names every field of the query, each difference, and a truncated journal', async (t) => {
  const mock = await startMock({ journalSize: 1 })
  t.teardown(mock.close)
  for (const tag of ['old', 'new']) {
    await fetch(`${mock.url}${DEPLOYMENT_URL}`, { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: JSON.stringify(image(tag)) })
  }
  const err = await mock.admin.verify({
    method: 'POST', path: '/v1/**', project: 'default-project', service: 'example-service', status: 201, headers: { 'X-Trace': 'abc' }
  }).catch((e: unknown) => e) as VerificationError
  t.ok(err instanceof VerificationError)
  t.equal(err.journalTruncated, true)
  t.equal(err.message, [
    'Verification failed: expected at least 1 matching request, saw 0 (the journal dropped entries since it was last cleared: older requests are not counted).',
    '  Expected: POST /v1/** project=default-project service=example-service status=201 x-trace: abc',
    '  Closest requests (1, most similar first):',
    `    #2 POST ${DEPLOYMENT_URL} → 200`,
    '        status: expected 201, got 200',
    '        headers.x-trace: expected "abc", got (absent)',
    '  The journal dropped entries since it was last cleared: older requests were not counted.'
  ].join('\n'))
  await mock.admin.clearJournal()
  const none = await mock.admin.verify({}).catch((e: unknown) => e) as VerificationError
  t.equal(none.message, [
    'Verification failed: expected at least 1 matching request, saw 0.',
    '  Expected: any method any path',
    '  No other request was journaled in scope.'
  ].join('\n'))
})

t.test('admin.verify rejects a bad query with the AdminError, not a VerificationError', async (t) => {
  const mock = await startMock()
  t.teardown(mock.close)
  const err = await mock.admin.verify({ count: { exactly: -1 } }).catch((e: unknown) => e)
  t.ok(err instanceof AdminError)
  t.equal((err as AdminError).status, 400)
})

t.test('within with an atLeast count waits for enough matches', async (t) => {
  const mock = await startMock()
  t.teardown(mock.close)
  const waiting = mock.admin.verify({ method: 'GET', count: { atLeast: 2 }, within: 30_000 })
  await new Promise((resolve) => setTimeout(resolve, 50))
  for (let i = 0; i < 2; i++) await fetch(`${mock.url}${SERVICE_URL}`, { headers: { authorization: 'Bearer x' } })
  t.equal(await waiting, 2)
})
