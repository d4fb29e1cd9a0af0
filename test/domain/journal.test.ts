import t from 'tap'
import { ENTRY_OVERHEAD_BYTES, entryBytes, type Journal, JournalStore, matches, view, type Recorded } from '../../src/domain/journal.js'

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
  t.strictSame(j.entries(), [])
  for (let i = 1; i <= 10; i++) {
    j.append(rec(i))
    t.ok(j.size <= 3, `size ${j.size} after ${i} appends`)
  }
  t.equal(j.size, 3)
  t.strictSame(j.entries().map((e) => e.seq), [8, 9, 10])
  t.equal(j.dropped, 7)
  j.clear()
  t.equal(j.dropped, 0, 'a clear makes the journal complete again')
})

t.test('a journal of capacity 0 records nothing', async (t) => {
  const j = journalOf(0)
  j.append(rec(1))
  t.equal(j.size, 0)
  t.strictSame(j.entries(), [])
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

/** A record of about `bytes` bytes: its body pads it out. */
function sized (seq: number, bytes: number): Recorded {
  const r = rec(seq, { headers: {}, url: '/u', body: undefined, response: undefined })
  return { ...r, body: 'x'.repeat(bytes - entryBytes(r)) }
}

t.test('past the byte budget the journal holding the most bytes loses its oldest entry, whoever appended', async (t) => {
  const store = new JournalStore(100, 10_000)
  const quiet = store.journal('quiet')
  const chatty = store.journal('chatty')
  const middling = store.journal('middling')
  quiet.append(sized(1, 1000))
  middling.append(sized(2, 2000))
  for (let seq = 3; seq < 40; seq++) chatty.append(sized(seq, 1500))
  t.strictSame(quiet.entries().map((e) => e.seq), [1], 'the oldest entry of all stays: its journal is the smallest')
  t.strictSame(middling.entries().map((e) => e.seq), [2])
  t.equal(chatty.size, 4, 'chatty keeps what fits beside the others: 7000 bytes of 10 000')
  t.strictSame([quiet.dropped, middling.dropped, chatty.dropped], [0, 0, 37 - 4])
  t.equal(store.bytes, 1000 + 2000 + 4 * 1500)

  // Now the quiet journal appends, and chatty (6000 bytes, the most) pays for it.
  quiet.append(sized(40, 1500))
  t.strictSame(quiet.entries().map((e) => e.seq), [1, 40])
  t.strictSame(chatty.entries().map((e) => e.seq), [37, 38, 39])
  t.strictSame([quiet.dropped, middling.dropped, chatty.dropped], [0, 0, 34])

  // Whoever holds the most at each step loses its oldest: middling (6000) first, then chatty (4500).
  middling.append(sized(41, 4000))
  t.strictSame(middling.entries().map((e) => e.seq), [41], 'middling held 6000 bytes, the most: its own oldest went')
  t.strictSame(chatty.entries().map((e) => e.seq), [38, 39], 'then chatty held the most: 4500 against 4000 and 2500')
  t.strictSame(quiet.entries().map((e) => e.seq), [1, 40])
  t.strictSame([quiet.dropped, middling.dropped, chatty.dropped], [0, 1, 35])
  t.equal(store.bytes, 2500 + 4000 + 3000)
})

t.test('under a random load, only a journal holding the most bytes loses entries to the budget, and every count is exact', async (t) => {
  let seed = 42
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const budget = 50_000
  const store = new JournalStore(30, budget)
  const journals = Array.from({ length: 12 }, (_, i) => store.journal(`t${i}`))
  const appended = journals.map(() => 0)
  const held = (j: Journal): number => j.entries().reduce((sum, e) => sum + entryBytes(e), 0)
  let unfair = 0
  let inexact = 0
  for (let seq = 1; seq <= 3000; seq++) {
    // Skewed: low journals append far more, and larger entries.
    const k = Math.min(random(12), random(12))
    const appender = journals[k] as Journal
    const before = journals.map(held)
    const droppedBefore = journals.map((j) => j.dropped)
    appender.append(sized(seq, 600 + random(400) * (12 - k)))
    appended[k] = (appended[k] as number) + 1
    const after = journals.map(held)
    journals.forEach((j, i) => {
      if (i === k || j.dropped === droppedBefore[i]) return
      // It lost entries while another journal appended: it must have held at least what any other holds now.
      if (after.some((bytes, o) => o !== i && bytes > (before[i] as number))) unfair++
    })
    if (store.bytes !== after.reduce((a, b) => a + b, 0) || store.bytes > budget) inexact++
  }
  t.equal(unfair, 0, 'no journal lost an entry while another held more')
  t.equal(inexact, 0, 'store.bytes is the sum of what the journals hold, within the budget')
  t.strictSame(journals.map((j) => j.size + j.dropped), appended, 'each journal: kept + dropped = appended')
  t.ok(journals.some((j, i) => i !== 0 && j.dropped > 0), 'the budget did evict from several journals')
})
t.test('an entry larger than the whole budget is dropped at once, and counted, and takes nothing else with it', async (t) => {
  const store = new JournalStore(10, 5000)
  const j = store.journal()
  const other = store.journal()
  j.append(sized(1, 2000))
  other.append(sized(2, 2000))
  j.append(rec(3, { body: 'x'.repeat(6000) }))
  t.strictSame(j.entries().map((e) => e.seq), [1], 'its own journal keeps its older entry')
  t.strictSame(other.entries().map((e) => e.seq), [2])
  t.equal(j.dropped, 1)
  t.equal(other.dropped, 0)
  t.equal(store.bytes, 4000)
  const empty = store.journal()
  empty.append(rec(4, { body: 'x'.repeat(6000) }))
  t.strictSame([empty.size, empty.dropped], [0, 1], 'into an empty journal too')
  t.equal(store.bytes, 4000)
})

t.test('the store tells its listeners of every append, an entry dropped at once included', async (t) => {
  const store = new JournalStore(10, 1000)
  const j = store.journal('a')
  const seen: Array<[number, string | undefined]> = []
  const unsubscribe = store.subscribe((entry, journal) => { seen.push([entry.seq, journal.token]) })
  j.append(sized(1, 600))
  j.append(rec(2, { body: 'x'.repeat(2000) }))
  unsubscribe()
  j.append(sized(3, 600))
  t.strictSame(seen, [[1, 'a'], [2, 'a']])
})

t.test('clearing journals gives their bytes back, and journals cleared and forgotten are never evicted from again', async (t) => {
  const store = new JournalStore(100, 11_000)
  const journals = [1000, 3000, 2000, 600].map((bytes, i) => {
    const j = store.journal(`t${i}`)
    j.append(sized(i * 10 + 1, bytes))
    j.append(sized(i * 10 + 2, bytes))
    return j
  })
  const [, b, c, d] = journals as [Journal, Journal, Journal, Journal]
  t.strictSame(b.entries().map((e) => e.seq), [12], 'b held the most when the budget was passed')
  t.strictSame(journals.map((j) => j.dropped), [0, 1, 0, 0])
  t.equal(store.bytes, 2000 + 3000 + 4000 + 1200)

  t.equal(c.clear((e) => e.seq === 21), 1, 'a filtered clear')
  t.equal(store.bytes, 2000 + 3000 + 2000 + 1200)
  t.equal(c.clear((e) => e.seq === 22), 1, 'a filtered clear that empties the journal')
  t.equal(b.clear(), 1)
  t.equal(store.bytes, 2000 + 1200)
  t.strictSame(store.entries().map((e) => e.seq), [1, 2, 31, 32])

  // As an unscoped reset does: clear every journal, then forget them.
  for (const j of journals) j.clear()
  t.equal(store.bytes, 0)
  t.strictSame(store.entries(), [])
  t.strictSame(journals.map((j) => [j.size, j.dropped]), [[0, 0], [0, 0], [0, 0], [0, 0]])
  t.equal(d.clear(), 0, 'clearing an empty journal again is harmless')

  const fresh = store.journal('fresh')
  const next = store.journal('next')
  next.append(sized(100, 1000))
  for (let seq = 101; seq <= 130; seq++) fresh.append(sized(seq, 1000))
  t.strictSame([fresh.size, fresh.dropped], [10, 20], 'the budget evicts from the journals that hold entries now')
  t.strictSame([next.size, next.dropped], [1, 0])
  t.equal(store.bytes, 11_000)
  t.strictSame(journals.map((j) => [j.size, j.dropped]), [[0, 0], [0, 0], [0, 0], [0, 0]], 'the forgotten journals are untouched')
})

t.test('clear removes everything, or only what the predicate picks, keeping order and the bound', async (t) => {
  const j = journalOf(4)
  for (let i = 1; i <= 6; i++) j.append(rec(i, { params: { projectId: i % 2 === 0 ? 'even' : 'odd' } }))
  t.equal(j.clear((e) => e.params.projectId === 'even'), 2, 'two of the four held were even')
  t.strictSame(j.entries().map((e) => e.seq), [3, 5])
  j.append(rec(7))
  j.append(rec(8))
  j.append(rec(9))
  t.strictSame(j.entries().map((e) => e.seq), [5, 7, 8, 9], 'after a filtered clear the ring still drops the oldest')
  t.equal(j.clear(), 4)
  t.equal(j.size, 0)
})

t.test('view redacts the bearer token and parses JSON bodies', async (t) => {
  const v = view(rec(1, { url: '/v1/x?a=1&b=2' }))
  t.equal(v.headers.authorization, 'Bearer ***')
  t.equal(v.headers['content-type'], 'application/json')
  t.strictSame(v.body, { docker: { configType: 'default' } })
  t.strictSame(v.response, { data: {} })
  t.equal(v.path, '/v1/x')
  t.equal(v.query, 'a=1&b=2')
  t.equal(v.time, '2026-01-01T00:00:00.001Z')
  t.equal(v.durationMs, 1.235)
  t.strictSame(v.params, { projectId: 'p', serviceId: 's' })
})

t.test('view keeps a non-JSON body as text, hides any other authorization scheme, and omits what was not sent', async (t) => {
  const v = view(rec(1, {
    headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-list': ['a', 'b'], 'x-gone': undefined },
    body: '{not json',
    response: undefined,
    params: { projectId: 'p', teamId: undefined }
  }))
  t.equal(v.headers.authorization, '***')
  t.strictSame(v.headers['x-list'], ['a', 'b'])
  t.notOk('x-gone' in v.headers)
  t.equal(v.body, '{not json')
  t.notOk('response' in v)
  t.strictSame(v.params, { projectId: 'p' })
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
