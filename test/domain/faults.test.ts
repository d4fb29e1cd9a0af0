import fc from 'fast-check'
import t from 'tap'
import type { ApiError } from '../../src/errors.js'
import { checkFaultRules, FaultRules, GLOB_PATH_LIMIT, MAX_RULES, mulberry32, parsePrefer, pathMatcher, requestPath } from '../../src/domain/faults.js'
import { scaled } from '../support/heavy.js'

/** The status of the ApiError a call throws, or undefined. */
function statusOf (fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (err) {
    return (err as ApiError).status
  }
  return undefined
}

const facts = (over: Partial<{ method: string, path: string, project: string, service: string }> = {}) =>
  ({ method: 'POST', path: '/v1/projects/p/services/s/deployment', project: 'p', service: 's', ...over })

t.test('mulberry32 gives the same sequence for the same seed and another for another seed', async (t) => {
  const draw = (seed: number) => { const r = mulberry32(seed); return Array.from({ length: 20 }, r) }
  t.strictSame(draw(42), draw(42))
  t.strictNotSame(draw(42), draw(43))
  t.ok(draw(7).every((x) => x >= 0 && x < 1), 'numbers fall in [0, 1)')
})

t.test('path patterns match exactly, * within a segment, ** across segments', async (t) => {
  t.ok(pathMatcher('/v1/login')('/v1/login'))
  t.notOk(pathMatcher('/v1/login')('/v1/login/x'))
  const one = pathMatcher('/v1/projects/*/services/*/deployment')
  t.ok(one('/v1/projects/p/services/s/deployment'))
  t.notOk(one('/v1/projects/p/x/services/s/deployment'), '* does not cross a slash')
  t.notOk(one('/v1/projects/p/services/s'))
  const prefix = pathMatcher('/v1/**')
  t.ok(prefix('/v1'))
  t.ok(prefix('/v1/projects/p/services/s'))
  t.notOk(prefix('/_mock/health'))
  const mid = pathMatcher('/v1/**/deployment')
  t.ok(mid('/v1/teams/t/projects/p/services/s/deployment'))
  t.notOk(mid('/v1/teams/t/projects/p/services/s'))
  const part = pathMatcher('/v1/projects/proj-*/services/*-api')
  t.ok(part('/v1/projects/proj-1/services/web-api'))
  t.notOk(part('/v1/projects/other/services/web-api'))
  t.notOk(part('/v1/projects/proj-1/services/web-api-2'))
  t.ok(pathMatcher('/a/**/**/b')('/a/b'), 'repeated ** still match zero segments')
  t.ok(pathMatcher('/a/x**y')('/a/xzzy'), '** inside a segment acts as *')
  t.ok(pathMatcher('/v1/log*')('/v1/login'))
  t.ok(pathMatcher('/v1/log*')('/v1/log'), 'a trailing * matches nothing too')
})

/**
 * The glob language written the plain way, as a reference: a memoised search over (pattern segment, path
 * segment), trying every split a `**` allows, and a regular expression per segment. Slow, but obviously
 * right, and sharing nothing with pathMatcher's leftmost-first matching.
 */
function referenceMatch (pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return path === pattern
  const pat = pattern.split('/')
  const segs = path.split('/')
  const res = pat.map((p) => new RegExp(`^${p.split('*').map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`))
  const memo = new Map<string, boolean>()
  const match = (i: number, j: number): boolean => {
    const key = `${i},${j}`
    let found = memo.get(key)
    if (found !== undefined) return found
    if (i === pat.length) found = j === segs.length
    else if (pat[i] === '**') found = match(i + 1, j) || (j < segs.length && match(i, j + 1))
    else found = j < segs.length && (res[i] as RegExp).test(segs[j] as string) && match(i + 1, j + 1)
    memo.set(key, found)
    return found
  }
  return match(0, 0)
}

t.test('path globs match exactly what the plain reference matches, on generated patterns and paths', async (t) => {
  const patternSegment = fc.constantFrom('a', 'b', 'ab', '*', '**', 'a*', '*b', 'a*b', '*a*', 'a**', '*ab*b', '')
  const pathSegment = fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'aab', 'abb', 'bab', 'abab', 'aabb')
  const glob = fc.array(patternSegment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`)
  const path = fc.array(pathSegment, { minLength: 1, maxLength: 8 }).map((s) => `/${s.join('/')}`)
  fc.assert(fc.property(glob, path, (g, p) => pathMatcher(g)(p) === referenceMatch(g, p)), { numRuns: scaled(20_000, 2000) })
  t.pass('no counterexample')
})

t.test('globs are tried on paths up to GLOB_PATH_LIMIT characters and segments; exact patterns on any path', async (t) => {
  const { characters, segments } = GLOB_PATH_LIMIT
  const long = `/v1/${'a'.repeat(characters - 4)}`
  t.equal(long.length, characters)
  t.equal(pathMatcher('/v1/*')(long), true, `${characters} characters`)
  t.equal(pathMatcher('/v1/*')(`${long}a`), false, 'one more: no glob matches')
  t.equal(pathMatcher('/**')(`${long}a`), false)
  t.equal(pathMatcher(`${long}a`)(`${long}a`), true, 'an exact pattern still does')
  const many = '/a'.repeat(segments)
  t.equal(pathMatcher('/**')(many), true, `${segments} segments`)
  t.equal(pathMatcher('/**')(`${many}/a`), false, 'one more: no glob matches')
  t.equal(pathMatcher(`${many}/a`)(`${many}/a`), true, 'an exact pattern still does')
})

t.test('requestPath drops the query string and repeated slashes', async (t) => {
  t.equal(requestPath('/v1/x?y=1'), '/v1/x')
  t.equal(requestPath('//v1//x'), '/v1/x')
  t.equal(requestPath('/v1/x'), '/v1/x')
})

t.test('a rule with times acts on the next N matching requests, then stays listed as spent', async (t) => {
  const rules = new FaultRules()
  rules.add({ action: { status: 503 }, times: 2 })
  t.matchStrict(rules.take(facts()), { rule: 'fault-1', action: { status: 503 } })
  t.ok(rules.take(facts()))
  t.equal(rules.take(facts()), undefined)
  t.matchStrict(rules.list(), [{ id: 'fault-1', remaining: 0, matched: 2, applied: 2, times: 2 }])
})

t.test('a rule matches on method, path, project and service, each when given', async (t) => {
  const rules = new FaultRules()
  rules.add({ match: { method: 'GET', path: '/v1/**', project: 'p', service: 's' }, action: { drop: true } })
  t.equal(rules.take(facts()), undefined, 'POST is not GET')
  t.equal(rules.take(facts({ method: 'GET', project: 'q' })), undefined, 'other project')
  t.equal(rules.take(facts({ method: 'GET', service: 't' })), undefined, 'other service')
  t.equal(rules.take(facts({ method: 'GET', path: '/other' })), undefined, 'other path')
  t.matchStrict(rules.take(facts({ method: 'GET' })), { action: { drop: true } })
  t.matchStrict(rules.list(), [{ matched: 1, applied: 1, remaining: null }])
})

t.test('rules are tried in order and only the first that fires acts', async (t) => {
  const rules = new FaultRules()
  rules.add({ id: 'first', action: { status: 500 }, times: 1 })
  rules.add({ id: 'second', action: { status: 502 } })
  t.equal(rules.take(facts())?.rule, 'first')
  t.equal(rules.take(facts())?.rule, 'second', 'the spent rule is passed over')
  t.matchStrict(rules.list(), [{ id: 'first', matched: 1 }, { id: 'second', matched: 1 }])
})

t.test('a fraction rule fires on the same requests for the same seed', async (t) => {
  const run = (seed?: number) => {
    const rules = new FaultRules()
    rules.add({ action: { status: 500 }, fraction: 0.3, ...(seed === undefined ? {} : { seed }) })
    return Array.from({ length: 200 }, () => rules.take(facts()) !== undefined)
  }
  const a = run(99)
  t.strictSame(run(99), a, 'same seed, same sequence')
  t.strictNotSame(run(100), a, 'another seed, another sequence')
  t.strictSame(run(), run(1), 'no seed is seed 1')
  const fired = a.filter(Boolean).length
  t.ok(fired > 30 && fired < 90, `about 30% of 200 fired (${fired})`)
})

t.test('a fraction rule with times stops after N firings; matches count every draw', async (t) => {
  const rules = new FaultRules()
  rules.add({ action: { status: 500 }, fraction: 0.5, seed: 3, times: 3 })
  let fired = 0
  for (let i = 0; i < 100; i++) if (rules.take(facts()) !== undefined) fired++
  t.equal(fired, 3)
  const [rule] = rules.list()
  t.equal(rule?.applied, 3)
  t.equal(rule?.remaining, 0)
  t.ok((rule?.matched ?? 0) > 3 && (rule?.matched ?? 0) < 100, 'draws stopped once spent')
})

t.test('rollout rules are kept apart from HTTP rules', async (t) => {
  const rules = new FaultRules()
  rules.add({ action: { rollout: 'FAILED' }, times: 1 })
  t.equal(rules.httpRules, 0)
  t.equal(rules.take(facts()), undefined, 'a rollout rule never answers a request')
  t.equal(rules.takeRolloutFailure(facts()), true)
  t.equal(rules.takeRolloutFailure(facts()), false, 'spent')
  rules.add({ action: { status: 500 } })
  t.equal(rules.takeRolloutFailure(facts()), false, 'an HTTP rule never fails a rollout')
  t.equal(rules.httpRules, 1)
})

t.test('ids are generated, kept when given, refused when taken; remove and clear', async (t) => {
  const rules = new FaultRules()
  rules.add({ id: 'fault-1', action: { status: 500 } })
  t.equal(rules.add({ action: { status: 500 } }).id, 'fault-2', 'a generated id skips one taken')
  t.equal(statusOf(() => rules.add({ id: 'fault-1', action: { status: 500 } })), 409)
  t.equal(rules.remove('fault-1'), true)
  t.equal(rules.remove('fault-1'), false)
  t.equal(rules.httpRules, 1)
  rules.add({ id: 'r', action: { rollout: 'FAILED' } })
  t.equal(rules.remove('r'), true)
  t.equal(rules.httpRules, 1, 'removing a rollout rule leaves the HTTP count alone')
  rules.clear()
  t.strictSame(rules.list(), [])
  t.equal(rules.add({ action: { status: 500 } }).id, 'fault-1', 'numbering starts again')
})

t.test('a listed rule is a copy: changing it changes nothing inside', async (t) => {
  const rules = new FaultRules()
  const added = rules.add({ match: { project: 'p' }, action: { status: 500 } })
  added.match.project = 'q'
  const [listed] = rules.list()
  t.equal(listed?.match.project, 'p')
})

t.test('actions that make no sense are refused with 400 and a clear message', async (t) => {
  const rules = new FaultRules()
  const bad = [
    [{}, /must ask for something/],
    [{ status: 500, drop: true }, /both answer a status and drop/],
    [{ rollout: 'FAILED', delayMs: 5 }, /takes no status, delayMs or drop/],
    [{ rollout: 'FAILED', drop: false }, /takes no status, delayMs or drop/],
    [{ delayMs: 5, message: 'x' }, /message goes with body.action.status/]
  ] as const
  for (const [action, message] of bad) {
    const err = t.throws(() => rules.add({ action: action as never })) as ApiError
    t.equal(err.status, 400)
    t.matchStrict(err.message, message)
  }
  t.strictSame(rules.list(), [], 'nothing was added')
})

t.test(`at most ${MAX_RULES} rules are held`, async (t) => {
  const rules = new FaultRules()
  for (let i = 0; i < MAX_RULES; i++) rules.add({ action: { status: 500 } })
  t.equal(statusOf(() => rules.add({ action: { status: 500 } })), 409)
})

t.test('checkFaultRules names the first bad rule of a list', async (t) => {
  t.equal(checkFaultRules([{ action: { status: 500 } }]), undefined)
  t.equal(checkFaultRules([{ action: { status: 500 } }, { action: {} }]), 'faults[1]: action must ask for something: status, delayMs, drop or rollout')
  t.equal(checkFaultRules([{ id: 'a', action: { status: 500 } }, { id: 'a', action: { status: 500 } }]), 'faults[1]: A fault rule "a" exists already')
})

t.test('the Prefer header: status, code, delay, drop; unknown preferences ignored', async (t) => {
  t.strictSame(parsePrefer('status=503'), { status: 503 })
  t.strictSame(parsePrefer('code=404'), { status: 404 })
  t.strictSame(parsePrefer('delay=250'), { delayMs: 250 })
  t.strictSame(parsePrefer('drop'), { drop: true })
  t.strictSame(parsePrefer('drop=true'), { drop: true })
  t.strictSame(parsePrefer('return=minimal, Delay="20"; x=1, STATUS=500'), { delayMs: 20, status: 500 })
  t.equal(parsePrefer('return=minimal'), undefined)
  t.equal(parsePrefer(''), undefined)
})

t.test('a known preference with a bad value is a 400 that says what is wrong', async (t) => {
  const bad = [
    ['status=200', /"status" must be an integer from 400 to 599 \(got "200"\)/],
    ['status=abc', /got "abc"/],
    ['code', /got no value/],
    ['delay=60001', /"delay" must be an integer from 0 to 60000/],
    ['delay=-1', /"delay"/],
    ['delay=1e3', /"delay"/],
    ['drop=yes', /"drop" takes no value/],
    ['drop, status=500', /cannot be asked together/]
  ] as const
  for (const [header, message] of bad) {
    const err = t.throws(() => parsePrefer(header), `Prefer: ${header}`) as ApiError
    t.equal(err.status, 400)
    t.matchStrict(err.message, message)
    t.strictSame(err.details, { reason: 'bad-prefer' })
  }
})
