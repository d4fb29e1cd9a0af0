import fc from 'fast-check'
import t from 'tap'
import type { Recorded } from '../../src/domain/journal.js'
import { compare, compile, describeExpectation, holds, matchesQuery } from '../../src/domain/verify.js'

function rec (body: unknown, extra: Partial<Recorded> = {}): Recorded {
  return {
    seq: 1,
    at: 0,
    method: 'POST',
    url: '/v1/projects/p/services/s/deployment?x=1',
    params: { projectId: 'p', serviceId: 's' },
    headers: { authorization: 'Bearer secret', 'content-type': 'application/json', 'x-many': ['a', 'b'] },
    body: body === undefined ? undefined : JSON.stringify(body),
    status: 200,
    response: '{"data":{}}',
    duration: 1,
    ...extra
  }
}

t.test('the fast matcher agrees with the comparison that lists differences, on generated bodies and queries', async (t) => {
  const json = fc.jsonValue({ maxDepth: 3 })
  fc.assert(fc.property(json, json, fc.boolean(), (expected, actual, sameShape) => {
    // Half the time, query a part of the actual body, so matches are common too.
    const query = sameShape && actual !== null && typeof actual === 'object' && !Array.isArray(actual)
      ? Object.fromEntries(Object.entries(actual).slice(0, 1))
      : expected
    const r = rec(actual)
    const m = compile({ body: query })
    const { count, differences } = compare(r, m)
    return matchesQuery(r, m) === (count === 0) && (count === 0) === (differences.length === 0)
  }), { seed: 20261202, numRuns: 2000 })
})

t.test('the job filter matches the jobId path parameter', async (t) => {
  const jobEntry = rec({}, { url: '/v1/projects/p/jobs/j/deployment', params: { projectId: 'p', jobId: 'j' } })
  t.equal(matchesQuery(jobEntry, compile({ job: 'j' })), true)
  t.equal(matchesQuery(jobEntry, compile({ job: 'k' })), false)
  t.equal(matchesQuery(rec({}), compile({ job: 'j' })), false, 'a service request has no job')
  t.strictSame(compare(jobEntry, compile({ job: 'k' })).differences, [{ field: 'job', expected: 'k', actual: 'j' }])
})

t.test('a near miss counts every difference but keeps the first ten, written out only then', async (t) => {
  const query = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i]))
  const { count, differences, similarity } = compare(rec({ other: true }), compile({ body: query }))
  t.equal(count, 25)
  t.strictSame(differences, Array.from({ length: 10 }, (_, i) => ({ field: `body.k${i}`, expected: i })))
  t.equal(similarity, 0)
  const deep = compare(rec({ a: { 'b c': 1 } }), compile({ method: 'GET', body: { a: { 'b c': 2 } } }))
  t.strictSame(deep.differences, [{ field: 'method', expected: 'GET', actual: 'POST' }, { field: 'body.a["b c"]', expected: 2, actual: 1 }])
})

t.test('objects match as subsets, recursively; arrays and scalars by equality', async (t) => {
  const r = rec({ a: { b: 1, c: [1, 2] }, d: 'x' })
  const ok = (body: unknown) => matchesQuery(r, compile({ body }))
  t.ok(ok({}))
  t.ok(ok({ a: { b: 1 } }))
  t.ok(ok({ a: { c: [1, 2] }, d: 'x' }))
  t.notOk(ok({ a: { c: [1] } }), 'an array is not a subset match')
  t.notOk(ok({ a: { b: '1' } }), 'no coercion')
  t.notOk(ok({ e: null }), 'a missing key is not null')
  t.notOk(matchesQuery(rec(undefined), compile({ body: {} })), 'no body at all matches no body query')
  const text = rec(undefined, { body: '{not json' })
  t.ok(matchesQuery(text, compile({ body: '{not json' })), 'a body that is not JSON is matched as its text')
  t.notOk(matchesQuery(text, compile({ body: {} })))
})

t.test('every field narrows the match; path globs, header names in any case, authorization only as redacted', async (t) => {
  const r = rec({})
  const ok = (q: Parameters<typeof compile>[0]) => matchesQuery(r, compile(q))
  t.ok(ok({ method: 'post', path: '/v1/projects/*/services/*/deployment', project: 'p', service: 's', status: 200 }))
  t.ok(ok({ path: '/v1/**' }), 'the query string is not part of the path')
  t.notOk(ok({ path: '/v1/projects/p/services/s' }))
  t.notOk(ok({ method: 'GET' }))
  t.notOk(ok({ status: 400 }))
  t.notOk(ok({ project: 'q' }))
  t.notOk(ok({ service: 'q' }))
  t.ok(ok({ headers: { 'Content-Type': 'application/json', 'X-Many': 'a, b' } }))
  t.ok(ok({ headers: { authorization: 'Bearer ***' } }))
  t.notOk(ok({ headers: { authorization: 'Bearer secret' } }), 'the token itself never matches')
})

t.test('similarity orders near misses: more of the query met is closer', async (t) => {
  const m = compile({ method: 'POST', status: 200, body: { a: 1, b: 2 } })
  const close = compare(rec({ a: 1, b: 3 }), m)
  const far = compare(rec({ a: 0, b: 3 }, { status: 500 }), m)
  t.ok(close.similarity > far.similarity)
  t.equal(close.similarity, (1 + 1 + 0.5) / 3)
})

t.test('expectations: exactly, at least, at most, and the default at least one', async (t) => {
  t.ok(holds(undefined, 1))
  t.notOk(holds(undefined, 0))
  t.ok(holds({ exactly: 2 }, 2))
  t.notOk(holds({ exactly: 2 }, 3))
  t.ok(holds({ atLeast: 2 }, 3))
  t.ok(holds({ atMost: 0 }, 0))
  t.notOk(holds({ atMost: 0 }, 1))
  t.equal(describeExpectation(undefined), 'at least 1 matching request')
  t.equal(describeExpectation({ atLeast: 2 }), 'at least 2 matching requests')
  t.equal(describeExpectation({ exactly: 3 }), 'exactly 3 matching requests')
  t.equal(describeExpectation({ atMost: 0 }), 'at most 0 matching requests')
})
