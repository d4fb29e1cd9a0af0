/**
 * What a client controls costs bounded work: hostile paths (thousands of segments, one huge segment) under
 * the API and under /_mock, huge verify queries, fault rules with the worst globs. Over a real listening
 * server, since the point is that the event loop stays free for everyone else. The figures are
 * `npm run bench`'s ("hostile inputs"); here only a stall detector with a wide margin is timed: the old route
 * hints took 0.3 to 0.6 s per such path, so the twenty sent here held a normal request for seconds.
 */
import t, { type Test } from 'tap'
import { HINTABLE } from '../../src/route-hints.js'
import { startMock, type MockServer } from '../../src/index.js'
import { MAX_RULES } from '../../src/domain/faults.js'
import { GLOB_PATH_LIMIT } from '../../src/domain/path-glob.js'
import { MAX_BODY_DEPTH, MAX_BODY_VALUES } from '../../src/domain/verify.js'
import { MAX_WAITING } from '../../src/routes/admin/verify.js'
import { send as raw, type RawAnswer } from '../support/raw.js'

/** As the API's clients send: with a bearer token. */
const send = (base: string, method: string, path: string, body?: unknown) => raw(base, method, path, body, { authorization: 'Bearer hostile' })

async function mock (t: Test, options: Parameters<typeof startMock>[0] = {}): Promise<MockServer> {
  const m = await startMock(options)
  t.teardown(() => m.close())
  return m
}

const HOSTILE_PATHS = {
  'thousands of segments': '/a'.repeat(8000),
  'one huge segment': `/${'a'.repeat(15_000)}`,
  'many near-miss segments': `/v1${'/projectz'.repeat(1500)}`,
  'thousands of segments under /_mock': `/_mock${'/a'.repeat(8000)}`,
  'one huge segment under /_mock': `/_mock/${'a'.repeat(15_000)}`
}

const TOO_LONG = `The path is too long to compare with the emulator's routes (more than ${HINTABLE.segments} segments or ` +
  `${HINTABLE.characters} characters); GET /openapi.json lists them`

for (const adminToken of [undefined, 'secret']) {
  t.test(`hostile paths get a 404 without route hints, and a request sent meanwhile is not held up (admin token ${adminToken === undefined ? 'off' : 'on'})`, async (t) => {
    const m = await mock(t, { adminToken })
    const hostile = Object.entries(HOSTILE_PATHS).flatMap(([name, path]) => Array.from({ length: 4 }, () => ({ name, path })))
    const answers = hostile.map(({ path }) => send(m.url, 'GET', path))
    const normal = send(m.url, 'POST', '/v1/projects/default-project/services/example-service/deployment', { external: { imagePath: 'nginx:meanwhile' } })
    const results = await Promise.all(answers)
    for (const [i, { name, path }] of hostile.entries()) {
      const { status, body } = results[i] as RawAnswer
      const admin = path.startsWith('/_mock')
      if (admin && adminToken !== undefined) {
        // Behind the guard, an unknown admin path is a 401 like any other: it costs no comparison at all.
        t.equal(status, 401, name)
        continue
      }
      t.equal(status, 404, name)
      t.equal(body.error.status, 404)
      t.equal(body.error.message, `No ${admin ? 'admin ' : ''}route GET ${path.slice(0, 200)}… (${path.length} characters).${' ' + TOO_LONG}`, name)
      t.strictSame(body.error.details.hints, [])
    }
    const { status, ms } = await normal
    t.equal(status, 200, 'the normal request is answered')
    // A stall detector, not a speed target: twenty hostile paths used to hold this request for seconds.
    t.ok(ms < 2000, `answered in ${Math.round(ms)} ms while ${hostile.length} hostile paths were answered`)
  })
}

t.test('a path at the edge of what is compared is still compared; one step past it is not', async (t) => {
  const m = await mock(t)
  const typo = await send(m.url, 'POST', '/v1/projects/p/servces/s/deployment', {})
  t.strictSame(typo.body.error.details.hints, [{ method: 'POST', path: '/v1/projects/{projectId}/services/{serviceId}/deployment' }])
  const segments = '/x'.repeat(HINTABLE.segments)
  const characters = `/${'x'.repeat(HINTABLE.characters - 1)}`
  for (const [name, path] of [['segments', segments], ['characters', characters]] as const) {
    const at = await send(m.url, 'GET', path)
    t.notMatch(at.body.error.message, TOO_LONG, `${HINTABLE[name]} ${name}: compared`)
    const past = await send(m.url, 'GET', `${path}x${name === 'segments' ? '/x' : ''}`)
    t.match(past.body.error.message, TOO_LONG, 'one more: not compared')
  }
})

t.test('a verify query holds at most 1000 JSON values nested 32 deep, and 50 headers', async (t) => {
  const m = await mock(t)
  let deep: unknown = 'x'
  for (let i = 0; i < MAX_BODY_DEPTH; i++) deep = { a: deep }
  const wide = Object.fromEntries(Array.from({ length: MAX_BODY_VALUES }, (_, i) => [`k${i}`, i]))
  const message = `body.body holds more than ${MAX_BODY_VALUES} JSON values or nests deeper than ${MAX_BODY_DEPTH} levels: match on the fields that matter`
  for (const [name, body, status] of [
    ['at the depth limit', deep, 406],
    ['one level deeper', { a: deep }, 400],
    ['one value too many', wide, 400],
    ['at the value limit', Object.fromEntries(Object.entries(wide).slice(1)), 406]
  ] as const) {
    const res = await send(m.url, 'POST', '/_mock/verify', { body })
    t.equal(res.status, status, name)
    if (status === 400) t.equal(res.body.error.message, message, name)
  }
  const headers = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`x-h${i}`, 'v']))
  const res = await send(m.url, 'POST', '/_mock/verify', { headers })
  t.equal(res.status, 400)
  t.equal(res.body.error.message, 'body.headers must have at most 50 keys')
})

t.test(`at most ${MAX_WAITING} verifies wait at once; the next is a 503, and the server keeps serving`, async (t) => {
  const m = await startMock()
  const query = { method: 'POST', service: 'nobody', within: 60_000 }
  const all = Array.from({ length: MAX_WAITING + 1 }, () => send(m.url, 'POST', '/_mock/verify', query))
  // All but the last to arrive wait a minute: the first answer is the refusal.
  const refused = await Promise.race(all)
  t.equal(refused.status, 503)
  t.equal(refused.body.error.message, `At most ${MAX_WAITING} verify requests wait at once (within > 0); let some finish, or verify without within`)
  t.strictSame(refused.body.error.details, { reason: 'too-many-waiting', max: MAX_WAITING })
  t.equal((await send(m.url, 'POST', '/_mock/verify', { method: 'POST', count: { atLeast: 0 } })).status, 200, 'a verify that need not wait still answers')
  await m.close()
  const statuses = (await Promise.all(all)).map((a) => a.status).sort()
  t.strictSame(statuses, [...Array(MAX_WAITING).fill(406), 503], 'closing the server answered every waiter')
})

t.test('the worst globs in the most fault rules, against the longest path: every request is still answered', async (t) => {
  const m = await mock(t)
  // Blocks of a's that almost match a path of a's: the matcher's worst case, one rule after another.
  const glob = `/**/${Array.from({ length: 13 }, () => '*a*').join('/')}/b/**`
  for (let i = 0; i < MAX_RULES; i++) {
    const res = await send(m.url, 'POST', '/_mock/faults', { match: { path: glob }, action: { status: 503 } })
    if (res.status !== 201) t.fail(`rule ${i}: ${res.status} ${JSON.stringify(res.body)}`)
  }
  const long = '/a'.repeat(GLOB_PATH_LIMIT.segments)
  const answers = await Promise.all([
    send(m.url, 'GET', long),
    send(m.url, 'POST', '/v1/projects/default-project/services/example-service/deployment', { docker: { configType: 'default' } })
  ])
  t.strictSame(answers.map((a) => a.status), [404, 200], 'no rule fires, and both are answered')
  const tooMany = await send(m.url, 'POST', '/_mock/faults', { match: { path: `/${'*/'.repeat(16)}x` }, action: { status: 503 } })
  t.equal(tooMany.status, 400)
  t.equal(tooMany.body.error.message, 'body.match.path must be a path starting with /: exact, or a glob (with *) of at most 16 segments')
})
