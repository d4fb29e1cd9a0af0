import t from 'tap'
import { ENTRY_OVERHEAD_BYTES, entryBytes, JournalStore, matches, view, type Recorded } from '../../src/domain/journal.js'

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

const UNBOUNDED = 2 ** 40
const journalOf = (capacity: number, budget = UNBOUNDED) => new JournalStore(capacity, budget).journal()

t.test('a journal keeps the last N entries, oldest first, never grows past N, and counts what it dropped', async (t) => {
  const j = journalOf(3)
  t.same(j.entries(), [])
  for (let i = 1; i <= 10; i++) {
    j.append(rec(i))
    t.ok(j.size <= 3, `size ${j.size} after ${i} appends`)
  }
  t.equal(j.size, 3)
  t.same(j.entries().map((e) => e.seq), [8, 9, 10])
  t.equal(j.dropped, 7)
  j.clear()
  t.equal(j.dropped, 0, 'a clear makes the journal complete again')
})

t.test('a journal of capacity 0 records nothing', async (t) => {
  const j = journalOf(0)
  j.append(rec(1))
  t.equal(j.size, 0)
  t.same(j.entries(), [])
})

t.test('a capacity or budget that is not a whole number ≥ 0 is refused', async (t) => {
  t.throws(() => new JournalStore(-1, 1), RangeError)
  t.throws(() => new JournalStore(1.5, 1), RangeError)
  t.throws(() => new JournalStore(1, -1), RangeError)
  t.throws(() => new JournalStore(1, 0.5), RangeError)
})

t.test('an entry counts its texts and a fixed overhead against the byte budget', async (t) => {
  const r = rec(1, { headers: { a: 'xy', b: ['1', '23'] }, body: 'b'.repeat(100), response: 'r'.repeat(10), url: '/u' })
  t.equal(entryBytes(r), ENTRY_OVERHEAD_BYTES + 2 + 100 + 10 + (1 + 2) + (1 + '1,23'.length))
})

t.test('an entry counts URL, bodies and response in UTF-8 bytes, not UTF-16 code units', async (t) => {
  const ascii = rec(1, { headers: {}, url: '/u', body: 'e'.repeat(1000), response: undefined })
  t.equal(entryBytes(ascii), ENTRY_OVERHEAD_BYTES + 2 + 1000)
  const euros = rec(2, { headers: {}, url: '/u', body: '€'.repeat(1000), response: undefined })
  t.equal(entryBytes(euros), ENTRY_OVERHEAD_BYTES + 2 + 3000, '€ is three bytes in UTF-8')
  const elsewhere = rec(3, { headers: {}, url: '/é', body: undefined, response: '"日本"' })
  t.equal(entryBytes(elsewhere), ENTRY_OVERHEAD_BYTES + (1 + 2) + (2 + 3 + 3), 'the URL and the response too')
  t.equal(entryBytes(rec(4, { headers: {}, url: '/u', body: '😀', response: undefined })), ENTRY_OVERHEAD_BYTES + 2 + 4,
    'a character outside the BMP: two code units, four bytes')
  t.equal(entryBytes(rec(5, { url: '/u', body: undefined, response: undefined, headerBytes: 40 })), ENTRY_OVERHEAD_BYTES + 2 + 40,
    'header bytes the capture measured are taken as they are')

  const store = new JournalStore(10, UNBOUNDED)
  store.journal().append(euros)
  t.equal(store.bytes, entryBytes(euros), 'the budget counts the same bytes')
})

t.test('all journals share one byte budget: the oldest entries of any journal go first, each journal counting its own', async (t) => {
  const size = entryBytes(rec(1))
  const store = new JournalStore(100, size * 3)
  const a = store.journal()
  const b = store.journal()
  a.append(rec(1))
  b.append(rec(2))
  a.append(rec(3))
  t.equal(store.bytes, size * 3)
  b.append(rec(4))
  t.same(store.entries().map((e) => e.seq), [2, 3, 4], 'the oldest entry overall (a\'s first) went')
  t.same([a.dropped, b.dropped], [1, 0])
  b.append(rec(5))
  t.same(store.entries().map((e) => e.seq), [3, 4, 5])
  t.same(a.entries().map((e) => e.seq), [3])
  t.same(b.entries().map((e) => e.seq), [4, 5])
  t.same([a.dropped, b.dropped], [1, 1])
  t.ok(store.bytes <= size * 3)
  t.equal(b.clear(), 2)
  t.equal(store.bytes, size, 'a clear gives its bytes back')
  t.same(store.entries().map((e) => e.seq), [3])
})

t.test('an entry larger than the whole budget is dropped at once, and counted', async (t) => {
  const store = new JournalStore(10, 1000)
  const j = store.journal()
  j.append(rec(1, { body: 'x'.repeat(2000) }))
  t.same(j.entries(), [])
  t.equal(j.dropped, 1)
  t.equal(store.bytes, 0)
})

t.test('clear removes everything, or only what the predicate picks, keeping order and the bound', async (t) => {
  const j = journalOf(4)
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
