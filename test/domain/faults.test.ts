import t from 'tap'
import type { ApiError } from '../../src/errors.js'
import { checkFaultRules, FaultRules, MAX_RULES } from '../../src/domain/faults.js'

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
