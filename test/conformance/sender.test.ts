import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import type { ProbeRequest } from '../../schemas/conformance.js'
import { RunError, Sender, UNKNOWN_TOKEN, type SenderOptions } from '../../src/conformance/sender.js'
import { VERSION } from '../../src/version.js'

interface Seen { method: string, url: string, headers: IncomingMessage['headers'], body: string }

/** A listening server answering with `handler`; what it received, in order. */
async function serve (t: Test, handler: (req: Seen, res: ServerResponse, index: number) => void) {
  const seen: Seen[] = []
  const server = createServer({ maxHeaderSize: 64 * 1024 }, async (req, res) => {
    let body = ''
    for await (const chunk of req) body += String(chunk)
    const entry = { method: req.method as string, url: req.url as string, headers: req.headers, body }
    handler(entry, res, seen.push(entry) - 1)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

/** The RunError a promise rejects with, as message and exit code (compared strictly: these are what a user reads). */
async function failure (promise: Promise<unknown>): Promise<{ message: string, exit: number }> {
  const err = await promise.then(() => new Error('resolved'), (e: unknown) => e)
  if (!(err instanceof RunError)) throw err
  return { message: err.message, exit: err.exit }
}

const GET: ProbeRequest = { method: 'GET', path: '/v1/x', auth: 'user', headers: {}, body: null }

/** A sender whose waits are recorded, not slept; `now` is fixed. */
function sender (base: string, options: Partial<SenderOptions> = {}) {
  const waits: number[] = []
  const s = new Sender({
    base,
    token: 'secret-token',
    signal: new AbortController().signal,
    sleep: async (ms) => { waits.push(ms) },
    now: () => Date.parse('2026-03-01T12:00:00Z'),
    ...options
  })
  return { s, waits }
}

const ok = (res: ServerResponse, headers: Record<string, string> = {}, body = '{"data":{}}') => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers })
  res.end(body)
}

t.test('sends what the probe says: method, path as written, the token only for auth user, a body as bytes, fill expanded', async (t) => {
  const { url, seen } = await serve(t, (_req, res) => ok(res, { 'x-northflank-mock': '9.9.9', 'x-other': 'a' }))
  const { s } = sender(url)
  const answer = await s.send({ method: 'POST', path: '//v1/a%zz/b', auth: 'user', headers: { 'content-type': 'text/plain', 'x-pad': '<{{fill}}>' }, body: '{"a":"{{fill}}"}', fill: { char: 'y', count: 3 } }, ['x-other', 'allow'])
  t.strictSame(answer, { status: 200, headers: { 'x-other': 'a', 'x-northflank-mock': '9.9.9' }, body: { data: {} } }, 'the headers asked for and x-northflank-mock')
  t.equal(s.emulated, true)
  await s.send({ ...GET, auth: 'none' })
  await s.send({ ...GET, auth: 'malformed' })
  await s.send({ ...GET, auth: 'unknown' })
  await s.send({ method: 'POST', path: '/v1/y', auth: 'user', headers: {}, body: '{}' })
  const [post, none, malformed, unknown, bare] = seen
  t.matchStrict(post, { method: 'POST', url: '//v1/a%zz/b', body: '{"a":"yyy"}' })
  t.matchStrict(post?.headers, { authorization: 'Bearer secret-token', 'content-type': 'text/plain', 'x-pad': '<yyy>', 'user-agent': `northflank-mock-conformance/${VERSION}` })
  t.equal(none?.headers.authorization, undefined)
  t.equal(malformed?.headers.authorization, 'Basic bmZtb2Nr')
  t.equal(unknown?.headers.authorization, `Bearer ${UNKNOWN_TOKEN}`)
  t.equal(bare?.headers['content-type'], undefined, 'a body sent without a content type has none')
  t.equal(s.requests, 5)
})

t.test('an answer that is not JSON, too large or too deep is kept as text; a redirect is not followed', async (t) => {
  const { url, seen } = await serve(t, (req, res) => {
    if (req.url === '/html') return ok(res, {}, `<html>${'x'.repeat(3000)}</html>`)
    if (req.url === '/huge') return ok(res, {}, `{"a":"${'x'.repeat(1024 * 1024 + 10)}"}`)
    if (req.url === '/deep') return ok(res, {}, '['.repeat(40) + ']'.repeat(40))
    if (req.url === '/empty') return res.writeHead(204).end()
    res.writeHead(302, { location: '/html' }).end()
  })
  const { s } = sender(url)
  const html = await s.send({ ...GET, path: '/html' })
  t.equal(html.text?.length, 2000)
  t.equal(html.body, undefined)
  t.equal((await s.send({ ...GET, path: '/huge' })).text?.length, 2000, 'cut at 1 MiB, then not JSON')
  t.matchStrict((await s.send({ ...GET, path: '/deep' })).text, /^\[{40}\]{40}$/)
  t.strictSame(await s.send({ ...GET, path: '/empty' }), { status: 204, headers: {}, text: '' })
  t.strictSame(await s.send({ ...GET, path: '/moved' }), { status: 302, headers: {}, text: '' })
  t.equal(seen.length, 5, 'the redirect was not followed')
  t.equal(s.emulated, false)
})

t.test('a 429 is retried after its Retry-After, in seconds or as a date, or else x-ratelimit-reset, or else a second', async (t) => {
  const answers = [
    { 'retry-after': '2' },
    { 'retry-after': 'Sun, 01 Mar 2026 12:00:05 GMT' },
    { 'retry-after': 'Sun, 01 Mar 2026 11:59:00 GMT' },
    { 'retry-after': 'soon', 'x-ratelimit-reset': '7' },
    {}
  ]
  const { url, seen } = await serve(t, (_req, res, i) => {
    const headers = answers[Math.floor(i / 2)]
    if (i % 2 === 0 && headers !== undefined) return res.writeHead(429, headers).end('{}')
    ok(res)
  })
  const { s, waits } = sender(url)
  for (let i = 0; i < answers.length; i++) t.equal((await s.send({ ...GET, path: `/p${i}` })).status, 200)
  t.strictSame(waits, [2000, 5000, 0, 7000, 1000].filter((ms) => ms > 0), 'no sleep for a date already past')
  t.strictSame(seen.map((r) => r.url), ['/p0', '/p0', '/p1', '/p1', '/p2', '/p2', '/p3', '/p3', '/p4', '/p4'], 'each retried once, the same request')
  t.equal(s.requests, 10)
})

t.test('once x-ratelimit-remaining is 0, the next request waits for x-ratelimit-reset (or a second)', async (t) => {
  const { url } = await serve(t, (req, res) => {
    if (req.url === '/spent') return ok(res, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '12' })
    if (req.url === '/spent-no-reset') return ok(res, { 'x-ratelimit-remaining': '0' })
    ok(res, { 'x-ratelimit-remaining': '5' })
  })
  const { s, waits } = sender(url)
  await s.send({ ...GET, path: '/spent' })
  t.strictSame(waits, [], 'the answer itself waits for nothing')
  await s.send(GET)
  t.strictSame(waits, [12000])
  await s.send(GET)
  t.strictSame(waits, [12000], 'once')
  await s.send({ ...GET, path: '/spent-no-reset' })
  await s.send(GET)
  t.strictSame(waits, [12000, 1000])
})

t.test('a wait longer than the most allowed, a 429 that does not end, or too many requests stop the run', async (t) => {
  const { url } = await serve(t, (req, res) => {
    if (req.url === '/hour') return res.writeHead(429, { 'retry-after': '3600' }).end()
    if (req.url === '/spent') return ok(res, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3599' })
    if (req.url === '/ok') return ok(res)
    res.writeHead(429, { 'retry-after': '1' }).end()
  })
  const { s } = sender(url)
  t.strictSame(await failure(s.send({ ...GET, path: '/hour' })), { message: 'the target asks to wait 3600 s (it answered 429), longer than 60 s: run again later', exit: 2 })
  t.strictSame(await failure(s.send(GET)), { message: 'the target answered 429 to 3 attempts of GET /v1/x', exit: 2 })
  await s.send({ ...GET, path: '/spent' }).catch(() => undefined)
  t.strictSame(await failure(s.send(GET)), { message: 'the target asks to wait 3599 s (its rate limit is spent), longer than 60 s: run again later', exit: 2 })
  const budget = sender(url, { maxRequests: 2 }).s
  await budget.send({ ...GET, path: '/ok' })
  await budget.send({ ...GET, path: '/ok' })
  t.strictSame(await failure(budget.send({ ...GET, path: '/ok' })), { message: 'stopped at 2 requests to one API, the most a run sends', exit: 2 })
})

t.test('an API that cannot be reached, or does not answer in time, stops the run with a reason (exit 2)', async (t) => {
  const { url } = await serve(t, () => { /* never answers */ })
  const closed = createServer()
  closed.listen(0, '127.0.0.1')
  await once(closed, 'listening')
  const port = (closed.address() as AddressInfo).port
  closed.close()
  await once(closed, 'close')
  const unreachable = sender(`http://127.0.0.1:${port}`).s
  t.strictSame(await failure(unreachable.send(GET)), { message: `cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`, exit: 2 })
  // fetch's own words follow, which vary with Node's version.
  const refused = await failure(sender(url).s.send({ ...GET, headers: { 'x-bad': 'a\nb' } }))
  t.ok(refused.message.startsWith(`the request to ${url} failed: `) && refused.exit === 2, `a request fetch itself refuses: ${refused.message}`)
  const slow = sender(url, { timeoutMs: 100 }).s
  t.strictSame(await failure(slow.send(GET)), { message: `${url} did not answer within 0.1 s`, exit: 2 })
})

t.test('an abort, while waiting for an answer or for a rate limit, stops the run as interrupted (exit 130)', async (t) => {
  const { url } = await serve(t, (req, res) => {
    if (req.url === '/slow') return
    res.writeHead(429, { 'retry-after': '30' }).end()
  })
  const controller = new AbortController()
  const s = new Sender({ base: url, token: 'x', signal: controller.signal })
  const waiting = s.send({ ...GET, path: '/slow' })
  setTimeout(() => controller.abort(), 50)
  t.strictSame(await failure(waiting), { message: 'interrupted', exit: 130 })
  const second = new AbortController()
  const sleeping = new Sender({ base: url, token: 'x', signal: second.signal })
  const limited = sleeping.send(GET)
  setTimeout(() => second.abort(), 100)
  const started = performance.now()
  t.strictSame(await failure(limited), { message: 'interrupted', exit: 130 })
  t.ok(performance.now() - started < 10_000, 'the 30 s wait ends with the abort')
})
