/**
 * GET /_mock/journal/stream against a real listening server, read by a plain node:http client that parses
 * the Server-Sent Events itself (test/support/sse.ts).
 */
import { connect } from 'node:net'
import t, { type Test } from 'tap'
import { startMock, type MockServer, type StartOptions } from '../../../src/index.js'
import { CLOSE_GRACE_MS, STREAM_BUFFER_BYTES } from '../../../src/routes/admin/journal-stream.js'
import { openStream, type SseEvent } from '../../support/sse.js'

const PROJECT = 'default-project'
const deployment = (service: string, project = PROJECT) => `/v1/projects/${project}/services/${service}/deployment`

async function mock (t: Test, options: StartOptions = {}): Promise<MockServer> {
  const m = await startMock(options)
  t.teardown(m.close)
  return m
}

function send (m: MockServer, method: string, path: string, body?: unknown, token = 't') {
  return fetch(`${m.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

const parsed = (events: SseEvent[]) => events.map((e) => JSON.parse(e.data))

t.test('each request journaled after connecting arrives as `event: entry` with its seq as id and the entry as GET /_mock/journal shows it', async (t) => {
  const m = await mock(t)
  const stream = await openStream(`${m.url}/_mock/journal/stream`)
  t.equal(stream.status, 200)
  t.matchStrict(stream.headers['content-type'], /^text\/event-stream/)
  t.equal(stream.headers['cache-control'], 'no-store')
  await send(m, 'POST', deployment('example-service'), { external: { imagePath: 'nginx:1' } })
  await send(m, 'GET', `/v1/projects/${PROJECT}/services/example-service`)
  const events = await stream.waitForEvents(2)
  t.strictSame(events.map((e) => [e.event, e.id]), [['entry', '1'], ['entry', '2']])
  t.strictSame(parsed(events), await m.admin.journal(), 'the same entries, token redacted, bodies parsed')
  t.equal(parsed(events)[0].headers.authorization, 'Bearer ***')
  t.matchStrict(stream.comments[0], /journal stream/, 'a first comment line: the headers and the subscription are in place')
  stream.close()
})

t.test('filters: method, project, service and status, as GET /_mock/journal takes them', async (t) => {
  const m = await mock(t, {
    fixtures: { projects: [{ id: 'p', services: [{ id: 'a', serviceType: 'deployment' }, { id: 'b', serviceType: 'deployment' }] }, { id: 'q', services: [{ id: 'a', serviceType: 'deployment' }] }] }
  })
  const streams = {
    method: await openStream(`${m.url}/_mock/journal/stream?method=post`),
    project: await openStream(`${m.url}/_mock/journal/stream?project=q`),
    service: await openStream(`${m.url}/_mock/journal/stream?service=b`),
    status: await openStream(`${m.url}/_mock/journal/stream?status=400`),
    all: await openStream(`${m.url}/_mock/journal/stream?method=POST&project=p&service=a&status=200`)
  }
  await send(m, 'POST', deployment('a', 'p'), { external: { imagePath: 'nginx:1' } }) // 1
  await send(m, 'POST', deployment('b', 'p'), { bogus: 1 }) // 2: 400
  await send(m, 'GET', '/v1/projects/q/services/a') // 3
  await send(m, 'POST', deployment('a', 'q'), { external: { imagePath: 'nginx:2' } }) // 4
  await streams.all.waitForEvents(1)
  await streams.method.waitForEvents(3)
  await streams.project.waitForEvents(2)
  await streams.service.waitForEvents(1)
  await streams.status.waitForEvents(1)
  // Every stream has seen every append by now (the last one above was appended before its answer).
  const seqs = (s: { events: SseEvent[] }) => s.events.map((e) => Number(e.id))
  t.strictSame(seqs(streams.method), [1, 2, 4])
  t.strictSame(seqs(streams.project), [3, 4])
  t.strictSame(seqs(streams.service), [2])
  t.strictSame(seqs(streams.status), [2])
  t.strictSame(seqs(streams.all), [1])
  for (const s of Object.values(streams)) s.close()
})

t.test('?token= streams one namespace (isolation); without isolation it is the same 400 as elsewhere', async (t) => {
  const m = await mock(t, { isolation: true })
  const a = await openStream(`${m.url}/_mock/journal/stream?token=a`)
  const every = await openStream(`${m.url}/_mock/journal/stream`)
  await send(m, 'POST', deployment('example-service'), { external: { imagePath: 'nginx:b' } }, 'b')
  await send(m, 'POST', deployment('example-service'), { external: { imagePath: 'nginx:a' } }, 'a')
  await every.waitForEvents(2)
  await a.waitForEvents(1)
  t.strictSame(parsed(a.events).map((e) => e.body.external.imagePath), ['nginx:a'], 'only token a\'s request')
  t.strictSame(parsed(every.events).map((e) => e.body.external.imagePath), ['nginx:b', 'nginx:a'], 'unscoped: every namespace')
  a.close()
  every.close()

  const plain = await mock(t)
  const refused = await openStream(`${plain.url}/_mock/journal/stream?token=a`)
  t.equal(refused.status, 400)
  t.matchStrict(JSON.parse(await refused.text()), { error: { status: 400, details: { reason: 'isolation-off' } } })
  const unknown = await openStream(`${plain.url}/_mock/journal/stream?methd=GET`)
  t.equal(unknown.status, 400, 'an unknown filter is refused, as by GET /_mock/journal')
  await unknown.text()
})

t.test('?since=N and Last-Event-ID first send the matching entries held above N, then new ones, none twice', async (t) => {
  const m = await mock(t)
  for (let i = 1; i <= 3; i++) await send(m, 'POST', deployment('example-service'), { external: { imagePath: `nginx:${i}` } })
  await send(m, 'GET', `/v1/projects/${PROJECT}/services/example-service`) // 4

  const all = await openStream(`${m.url}/_mock/journal/stream?since=0&method=POST`)
  const after = await openStream(`${m.url}/_mock/journal/stream?since=1`)
  const resumed = await openStream(`${m.url}/_mock/journal/stream?since=0`, { 'last-event-id': '3' })
  await send(m, 'POST', deployment('example-service'), { external: { imagePath: 'nginx:5' } }) // 5
  t.strictSame((await all.waitForEvents(4)).map((e) => e.id), ['1', '2', '3', '5'])
  t.strictSame((await after.waitForEvents(4)).map((e) => e.id), ['2', '3', '4', '5'])
  t.strictSame((await resumed.waitForEvents(2)).map((e) => e.id), ['4', '5'], 'the larger of since and Last-Event-ID wins')
  for (const s of [all, after, resumed]) s.close()

  const bad = await openStream(`${m.url}/_mock/journal/stream`, { 'last-event-id': 'x' })
  t.equal(bad.status, 400)
  t.matchStrict(JSON.parse(await bad.text()).error.message, /last-event-id/)
})

t.test('the admin token guards the stream like every admin route', async (t) => {
  const m = await mock(t, { adminToken: 'adm' })
  const without = await openStream(`${m.url}/_mock/journal/stream`)
  t.equal(without.status, 401)
  await without.text()
  const withToken = await openStream(`${m.url}/_mock/journal/stream`, { 'x-mock-admin-token': 'adm' })
  t.equal(withToken.status, 200)
  await send(m, 'GET', `/v1/projects/${PROJECT}/services/example-service`)
  t.equal((await withToken.waitForEvents(1))[0]?.event, 'entry')
  withToken.close()
})

t.test('a heartbeat comment keeps a quiet stream alive', async (t) => {
  const m = await mock(t, { streamHeartbeatMs: 20 })
  const stream = await openStream(`${m.url}/_mock/journal/stream`)
  await stream.waitForComment(/^heartbeat$/)
  t.equal(stream.events.length, 0, 'comments only: no event for a client to handle')
  stream.close()
})

t.test('the journal has a listener only while a client is connected', async (t) => {
  const m = await mock(t)
  const store = m.app.emulator.journals
  const subscribe = store.subscribe.bind(store)
  let listening = 0
  store.subscribe = (listener) => {
    listening++
    const unsubscribe = subscribe(listener)
    return () => {
      listening--
      unsubscribe()
    }
  }
  t.equal(listening, 0)
  const stream = await openStream(`${m.url}/_mock/journal/stream`)
  t.equal(listening, 1, 'subscribed once the headers arrive')
  stream.close()
  // The server learns of the hang-up a moment later.
  for (let i = 0; i < 500; i++) {
    if (listening === 0) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.equal(listening, 0, 'unsubscribed when the client went away')
  t.equal((await send(m, 'GET', `/v1/projects/${PROJECT}/services/example-service`)).status, 200, 'and requests go on')
})

t.test('closing the server ends every stream cleanly, without waiting for the clients', async (t) => {
  const m = await startMock()
  const streams = [await openStream(`${m.url}/_mock/journal/stream`), await openStream(`${m.url}/_mock/journal/stream?since=0`)]
  const closed = m.close().then(() => 'closed')
  const deadline = new Promise((resolve) => setTimeout(resolve, 5000, 'still waiting')).then((v) => v)
  t.equal(await Promise.race([closed, deadline]), 'closed', 'app.close() did not wait for the connected clients (heartbeat: 15 s)')
  for (const s of streams) await t.resolves(s.ended, 'the response ended (not reset)')
})

/** A raw client that reads the response head, then nothing until resumed: bytes pile up on the server. */
async function stalledStream (m: MockServer, path: string) {
  const { port } = new URL(m.url)
  const socket = connect(Number(port), '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
  await new Promise<void>((resolve) => socket.once('data', (chunk: string) => { received += chunk; resolve() }))
  socket.pause()
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {})
  return {
    /** Reads everything until the server ends the response. */
    readAll: async (): Promise<string> => {
      socket.on('data', (chunk: string) => { received += chunk })
      socket.resume()
      await closed
      return received
    }
  }
}

// Entries of ~500 KB each; loopback buffers take a few MB, so 32 MB more than the stream's bound is sure to
// back up into the server. Appended to the journal directly, as the API's capture hook does: what is under
// test is the stream, and 76 requests of 500 KB through the API take seconds.
const LARGE = 'x'.repeat(500_000)
const BACKED_UP = Math.ceil((STREAM_BUFFER_BYTES + 32 * 1024 * 1024) / LARGE.length)

function appendLarge (m: MockServer, count: number): void {
  const { emulator } = m.app
  for (let i = 0; i < count; i++) {
    const seq = emulator.nextSeq()
    const url = deployment('example-service')
    emulator.base.journal.append({ seq, at: Date.now(), method: 'POST', url, params: {}, headers: {}, body: LARGE, status: 400, response: undefined, duration: 1 })
  }
}

t.test('a burst of entries larger than the socket takes at once is queued and delivered in order', async (t) => {
  const m = await mock(t)
  const stream = await openStream(`${m.url}/_mock/journal/stream`)
  appendLarge(m, 6) // 3 MB in one tick: the first fills the stream's buffer, the rest wait for the client
  const events = await stream.waitForEvents(6)
  t.strictSame(events.map((e) => [e.event, Number(e.id)]), [1, 2, 3, 4, 5, 6].map((seq) => ['entry', seq]))
  t.equal(JSON.parse(events[5]?.data as string).body, LARGE)
  stream.close()
})

t.test('a client that falls too far behind is told so and the stream ends; it resumes with since', async (t) => {
  const m = await mock(t)
  const slow = await stalledStream(m, '/_mock/journal/stream')
  appendLarge(m, BACKED_UP)
  const received = await slow.readAll()
  const ids = [...received.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]))
  const overflow = /event: overflow\ndata: (.*)\n/.exec(received)
  t.ok(overflow, 'an overflow event')
  t.ok(ids.length > 0 && ids.length < BACKED_UP, `${ids.length} of ${BACKED_UP} entries sent before it`)
  t.strictSame(JSON.parse(overflow?.[1] ?? '{}'), { lastId: ids.at(-1) }, 'it names the last id sent')
  t.strictSame(ids, ids.map((_, i) => i + 1), 'in order, none skipped before the overflow')

  // The rest comes from the journal, written as fast as this client reads: no overflow for a backlog.
  const resumed = await openStream(`${m.url}/_mock/journal/stream?since=${ids.at(-1)}`)
  const rest = await resumed.waitForEvents(BACKED_UP - ids.length, 20_000)
  t.strictSame(rest.map((e) => Number(e.id)), rest.map((_, i) => (ids.at(-1) as number) + 1 + i), 'since picks up where it stopped')
  t.ok(rest.every((e) => e.event === 'entry'))
  resumed.close()
})

t.test('closing the server cuts a client that stopped reading, after a short grace', async (t) => {
  const m = await startMock()
  appendLarge(m, BACKED_UP)
  const slow = await stalledStream(m, '/_mock/journal/stream?since=0')
  const closed = m.close().then(() => 'closed')
  const deadline = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS + 5000, 'still waiting'))
  t.equal(await Promise.race([closed, deadline]), 'closed', 'app.close() did not wait for the stalled client')
  const received = await slow.readAll()
  const sent = [...received.matchAll(/^id: \d+$/gm)].length
  t.ok(sent < BACKED_UP, `its connection was cut (${sent} of ${BACKED_UP} entries had been sent)`)
})
