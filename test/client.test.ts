import { createServer, type IncomingMessage } from 'node:http'
import t from 'tap'
import type { JournalEntry } from '../schemas/admin.js'
import { AdminError, createAdminClient, startMock, type AdminClient, type MockServer } from '../src/index.js'
import { CALLS, deploy, DEPLOYMENT, firstOf, NOT_CLIENT_METHODS } from './support/admin-calls.js'

/** Resolves once the next journal stream has subscribed: entries appended after that are sent to it. */
function nextSubscriber (m: MockServer): Promise<void> {
  const store = m.app.emulator.journals
  const subscribe = store.subscribe.bind(store)
  return new Promise((resolve) => {
    store.subscribe = (listener) => {
      store.subscribe = subscribe
      const unsubscribe = subscribe(listener)
      resolve()
      return unsubscribe
    }
  })
}

interface Operation { id: string, method: string, path: RegExp }

/** The /_mock operations of the emulator's own OpenAPI document, each with its path template as a pattern. */
async function adminOperations (url: string): Promise<Operation[]> {
  const doc = await (await fetch(`${url}/openapi.json`)).json() as { paths: Record<string, Record<string, { operationId: string }>> }
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/_mock/'))
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({
      id: op.operationId,
      method: method.toUpperCase(),
      path: new RegExp(`^${path.replace(/\{[^/}]+\}/g, '[^/]+')}$`)
    })))
}

t.test('every admin operation of the OpenAPI document has a client method, and each method calls its operation', async (t) => {
  const mock = await startMock()
  t.teardown(() => mock.close())
  const operations = await adminOperations(mock.url)
  t.ok(operations.length > 20, `the document has the admin operations (${operations.length})`)
  const seen: string[] = []
  mock.app.server.on('request', (req: IncomingMessage) => {
    const path = (req.url as string).split('?')[0] as string
    const op = operations.find((o) => o.method === req.method && o.path.test(path))
    if (!path.startsWith('/v1/')) seen.push(op?.id ?? `${req.method as string} ${path} (no operation)`)
  })
  const methods = Object.keys(mock.admin).filter((key) => typeof mock.admin[key as keyof AdminClient] === 'function').sort()
  t.strictSame(methods, Object.keys(CALLS).sort(), 'the client\'s methods are the rows of the table: none untested')

  for (const [name, { operation, call }] of Object.entries(CALLS)) {
    seen.length = 0
    await call(mock.admin, mock.url)
    // The helper reads (state, fixtures) of a second client count too: only this method's calls are asserted.
    const own = name === 'replaceState' || name === 'loadFixtures' ? seen.slice(1) : seen
    t.strictSame(own, [operation], `${name} calls ${operation}`)
  }

  const documented = operations.map((o) => o.id).sort()
  const covered = [...Object.values(CALLS).map((c) => c.operation), ...Object.keys(NOT_CLIENT_METHODS)].sort()
  t.strictSame(documented.filter((id) => !covered.includes(id)), [], 'every operation has a method (or a reason why not)')
  t.strictSame(covered.filter((id) => !documented.includes(id)), [], 'every method\'s operation is in the document')
  t.strictSame(covered, documented, 'one method per operation')
})

t.test('latency, clock, rollout and rate limits: read and set, one field at a time', async (t) => {
  const mock = await startMock({ behaviour: { rollout: { pendingMs: 100 } } })
  t.teardown(() => mock.close())
  const { admin } = mock
  t.equal(await admin.latency(), 0)
  t.equal(await admin.setLatency(25), 25)
  t.equal(await admin.latency(), 25)
  await admin.setLatency(0)

  t.equal((await admin.clock()).mode, 'system')
  await admin.setClock({ mode: 'manual', now: '2030-01-01T00:00:00.000Z' })
  t.strictSame(await admin.clock(), { mode: 'manual', now: '2030-01-01T00:00:00.000Z' })

  t.strictSame(await admin.rollout(), { pendingMs: 100, inProgressMs: 0 })
  t.strictSame(await admin.setRollout({ inProgressMs: 5000 }), { pendingMs: 100, inProgressMs: 5000 }, 'pendingMs kept')
  t.strictSame(await admin.setRollout({ pendingMs: 0, inProgressMs: 1 }), { pendingMs: 0, inProgressMs: 1 })
  await t.rejects(admin.setRollout({}), {
    name: 'AdminError', status: 400, message: 'PUT /_mock/rollout: 400 body must have at least 1 key of: pendingMs, inProgressMs'
  })

  t.strictSame(await admin.rateLimit(), { enforce: false, max: 1000, windowSeconds: 3600 })
  t.strictSame(await admin.setRateLimit({ enforce: true, max: 2 }), { enforce: true, max: 2, windowSeconds: 3600 })
  t.equal(await deploy(mock.url, 'nginx:1'), 200)
  t.equal(await deploy(mock.url, 'nginx:2'), 200)
  t.equal(await deploy(mock.url, 'nginx:3'), 429, 'enforced')
  t.strictSame(await admin.setRateLimit({ enforce: false }), { enforce: false, max: 2, windowSeconds: 3600 })
  t.equal(await deploy(mock.url, 'nginx:4'), 200)

  await admin.addFault({ id: 'down', match: { method: 'POST' }, action: { status: 503 } })
  t.matchStrict(await admin.fault('down'), { id: 'down', action: { status: 503 }, matched: 0, applied: 0 })
  await t.rejects(admin.fault('nope'), { name: 'AdminError', status: 404 })
})

t.test('streamJournal gives the matching entries as they come, in scope, until the loop is left', async (t) => {
  const mock = await startMock({ isolation: true })
  t.teardown(() => mock.close())
  await deploy(mock.url, 'nginx:old', 'alice')
  const alice = createAdminClient(mock.url, { token: 'alice' })
  const got: Array<[number, string, unknown]> = []
  const subscribed = nextSubscriber(mock)
  const reading = (async () => {
    for await (const entry of alice.streamJournal({ method: 'POST' })) {
      got.push([entry.seq, entry.method, entry.body])
      if (got.length === 2) break
    }
  })()
  await subscribed
  await deploy(mock.url, 'nginx:bob', 'bob')
  await fetch(`${mock.url}${DEPLOYMENT}`, { headers: { authorization: 'Bearer alice' } })
  await deploy(mock.url, 'nginx:1', 'alice')
  await deploy(mock.url, 'nginx:2', 'alice')
  await reading
  t.strictSame(got.map(([, method, body]) => [method, body]), [
    ['POST', { external: { imagePath: 'nginx:1' } }],
    ['POST', { external: { imagePath: 'nginx:2' } }]
  ], 'alice\'s POSTs only, from when it opened')

  const since = await firstOf(alice.streamJournal({ since: 0 }))
  t.equal((since?.body as { external: { imagePath: string } }).external.imagePath, 'nginx:old', 'since: 0 starts with what the journal holds')
  await t.rejects(firstOf(alice.streamJournal({ status: 999 })), {
    name: 'AdminError', status: 400, message: /^GET \/_mock\/journal\/stream\?status=999: 400 querystring\.status must /
  })
})

t.test('streamJournal ends on its signal, and when the emulator closes', async (t) => {
  const mock = await startMock()
  await deploy(mock.url, 'nginx:1')
  const controller = new AbortController()
  const aborted = mock.admin.streamJournal({ since: 0, signal: controller.signal })[Symbol.asyncIterator]()
  t.equal((await aborted.next()).done, false, 'an entry')
  const waiting = aborted.next()
  controller.abort()
  t.strictSame(await waiting, { done: true, value: undefined }, 'aborted while reading: the loop ends, no error')
  t.equal(await firstOf(mock.admin.streamJournal({ signal: controller.signal })), undefined, 'aborted before: nothing is read')

  const open = mock.admin.streamJournal({ since: 0 })[Symbol.asyncIterator]()
  t.equal((await open.next()).done, false, 'an entry')
  const next = open.next()
  await mock.close()
  t.strictSame(await next, { done: true, value: undefined }, 'the emulator closed: the loop ends')
  await t.rejects(firstOf(mock.admin.streamJournal()), { code: 'ECONNREFUSED' }, 'nothing listens: the error')
})

t.test('streamJournal fails when the connection breaks mid-stream', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(': northflank-mock journal stream\n\n', () => res.socket?.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as { port: number }
  await t.rejects(firstOf(createAdminClient(`http://127.0.0.1:${port}`).streamJournal()), { code: 'ECONNRESET' })
})

/** Entries of 500 KB appended at once, as the API's capture does: the stream queues past its bound. */
function appendLarge (m: MockServer, count: number): number[] {
  const { emulator } = m.app
  const body = 'x'.repeat(500_000)
  return Array.from({ length: count }, () => {
    const seq = emulator.nextSeq()
    emulator.base.journal.append({ seq, at: Date.now(), method: 'POST', url: DEPLOYMENT, params: {}, headers: {}, body, status: 400, response: undefined, duration: 1 })
    return seq
  })
}

t.test('streamJournal picks up from the journal when the emulator stopped queueing for it', async (t) => {
  const mock = await startMock({ journalBytes: 64 * 1024 * 1024 })
  t.teardown(() => mock.close())
  const streams: string[] = []
  mock.app.server.on('request', (req: IncomingMessage) => { if (req.url?.startsWith('/_mock/journal/stream') === true) streams.push(req.url) })
  await deploy(mock.url, 'nginx:1')
  const entries = mock.admin.streamJournal({ since: 0 })[Symbol.asyncIterator]()
  const first = await entries.next()
  t.equal(first.done, false)
  // 6 MB in one tick, while the client reads nothing: more than the 4 MiB the emulator queues for it.
  const appended = appendLarge(mock, 12)
  const seqs: number[] = []
  while (seqs.at(-1) !== appended.at(-1)) seqs.push(((await entries.next()).value as JournalEntry).seq)
  await entries.return?.()
  t.strictSame(seqs, appended, 'every entry, in order, none twice')
  t.equal(streams.length, 2, 'it reconnected once')
  t.matchStrict(streams[1], /^\/_mock\/journal\/stream\?since=\d+$/)
  t.ok(Number(/since=(\d+)/.exec(streams[1] as string)?.[1]) < (appended.at(-1) as number), 'from the last entry it had given')
})

t.test('AdminError keeps a body that is not JSON as text', async (t) => {
  const server = createServer((_req, res) => res.writeHead(503).end('down'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as { port: number }
  const err = await firstOf(createAdminClient(`http://127.0.0.1:${port}`).streamJournal()).catch((e: unknown) => e)
  t.ok(err instanceof AdminError)
  t.matchStrict(err, { status: 503, body: 'down', message: 'GET /_mock/journal/stream: 503 down' })
})
