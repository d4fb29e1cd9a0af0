import t from 'tap'
import { Emulator } from '../src/domain/emulator.js'
import { defaultFixtures } from '../src/domain/fixtures.js'
import { Journal, matches, view, type Recorded } from '../src/domain/journal.js'
import { journalCapture } from '../src/routes/capture.js'

function rec (seq: number, extra: Partial<Recorded> = {}): Recorded {
  return {
    seq,
    at: Date.UTC(2026, 0, 1) + seq,
    method: 'POST',
    url: '/v1/projects/p/services/s/deployment',
    params: { projectId: 'p', serviceId: 's' },
    headers: { authorization: 'Bearer secret-token', 'content-type': 'application/json' },
    body: '{"docker":{"configType":"default"}}',
    status: 200,
    response: '{"data":{}}',
    duration: 1.23456,
    ...extra
  }
}

t.test('the ring keeps the last N entries, oldest first, and never grows past N', async (t) => {
  const j = new Journal(3)
  t.same(j.entries(), [])
  for (let i = 1; i <= 10; i++) {
    j.append(rec(i))
    t.ok(j.size <= 3, `size ${j.size} after ${i} appends`)
  }
  t.equal(j.size, 3)
  t.same(j.entries().map((e) => e.seq), [8, 9, 10])
})

t.test('a journal of capacity 0 records nothing', async (t) => {
  const j = new Journal(0)
  j.append(rec(1))
  t.equal(j.size, 0)
  t.same(j.entries(), [])
})

t.test('a capacity that is not a whole number ≥ 0 is refused', async (t) => {
  t.throws(() => new Journal(-1), RangeError)
  t.throws(() => new Journal(1.5), RangeError)
})

t.test('clear removes everything, or only what the predicate picks, keeping order and the bound', async (t) => {
  const j = new Journal(4)
  for (let i = 1; i <= 6; i++) j.append(rec(i, { params: { projectId: i % 2 === 0 ? 'even' : 'odd' } }))
  t.equal(j.clear((e) => e.params.projectId === 'even'), 2, 'two of the four held were even')
  t.same(j.entries().map((e) => e.seq), [3, 5])
  j.append(rec(7))
  j.append(rec(8))
  j.append(rec(9))
  t.same(j.entries().map((e) => e.seq), [5, 7, 8, 9], 'after a filtered clear the ring still drops the oldest')
  t.equal(j.clear(), 4)
  t.equal(j.size, 0)
})

t.test('view redacts the bearer token and parses JSON bodies', async (t) => {
  const v = view(rec(1, { url: '/v1/x?a=1&b=2' }))
  t.equal(v.headers.authorization, 'Bearer ***')
  t.equal(v.headers['content-type'], 'application/json')
  t.same(v.body, { docker: { configType: 'default' } })
  t.same(v.response, { data: {} })
  t.equal(v.path, '/v1/x')
  t.equal(v.query, 'a=1&b=2')
  t.equal(v.time, '2026-01-01T00:00:00.001Z')
  t.equal(v.durationMs, 1.235)
  t.same(v.params, { projectId: 'p', serviceId: 's' })
})

t.test('view keeps a non-JSON body as text, hides any other authorization scheme, and omits what was not sent', async (t) => {
  const v = view(rec(1, {
    headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-list': ['a', 'b'], 'x-gone': undefined },
    body: '{not json',
    response: undefined,
    params: { projectId: 'p', teamId: undefined }
  }))
  t.equal(v.headers.authorization, '***')
  t.same(v.headers['x-list'], ['a', 'b'])
  t.notOk('x-gone' in v.headers)
  t.equal(v.body, '{not json')
  t.notOk('response' in v)
  t.same(v.params, { projectId: 'p' })
  t.notOk('body' in view(rec(2, { body: undefined })))
})

t.test('matches checks every given filter field and ignores absent ones', async (t) => {
  const r = rec(1)
  t.ok(matches(r, {}))
  t.ok(matches(r, { method: 'post', status: 200, project: 'p', service: 's' }))
  t.notOk(matches(r, { method: 'GET' }))
  t.notOk(matches(r, { status: 400 }))
  t.notOk(matches(r, { project: 'q' }))
  t.notOk(matches(r, { service: 'q' }))
})

t.test('the capture hook records no response body when the payload is not text (a stream or buffer)', async (t) => {
  const emulator = new Emulator(defaultFixtures())
  const capture = journalCapture(emulator) as unknown as (req: unknown, reply: unknown, payload: unknown, done: (err: Error | null, p?: unknown) => void) => void
  const request = { url: '/v1/x', method: 'GET', params: {}, headers: {}, mockNamespace: null, mockRawBody: null, mockStart: 0 }
  const payload = Buffer.from('bytes')
  let passed: unknown
  capture(request, { statusCode: 200 }, payload, (_err, p) => { passed = p })
  t.equal(passed, payload, 'the payload goes on unchanged')
  const [entry] = emulator.journal()
  t.equal(entry?.response, undefined)
  t.equal(entry?.status, 200)
  t.equal(entry?.duration, 0, 'no arrival time noted: no duration rather than one since the process started')
})
