import t from 'tap'
import { ControlledClock, ManualClock } from '../../src/domain/clock.js'
import { FixedWindowLimiter, rateLimitKey, tokenKey } from '../../src/domain/rate-limit.js'

const T0 = new Date('2026-06-01T00:00:00Z')

function manual () {
  const clock = new ControlledClock(new ManualClock(T0))
  clock.setManual(T0)
  return clock
}

t.test('a window counts max requests; the next is past the limit; the reset counts down on the clock', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 10)
  t.same(limiter.hit('k', 3, 60), { limit: 3, remaining: 2, resetSeconds: 60, exceeded: false })
  clock.advance(20_000)
  t.same(limiter.hit('k', 3, 60), { limit: 3, remaining: 1, resetSeconds: 40, exceeded: false })
  clock.advance(19_500)
  t.same(limiter.hit('k', 3, 60), { limit: 3, remaining: 0, resetSeconds: 21, exceeded: false }, 'whole seconds, rounded up')
  t.same(limiter.hit('k', 3, 60), { limit: 3, remaining: 0, resetSeconds: 21, exceeded: true })
})

t.test('moving the clock past the window opens a new one', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 10)
  for (let i = 0; i < 4; i++) limiter.hit('k', 3, 60)
  clock.advance(59_999)
  t.equal(limiter.hit('k', 3, 60).exceeded, true, 'still the first window, 1 ms before its end')
  clock.advance(1)
  t.same(limiter.hit('k', 3, 60), { limit: 3, remaining: 2, resetSeconds: 60, exceeded: false }, 'a new window from this request')
})

t.test('a clock set back before a window\'s start opens a new window', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 10)
  for (let i = 0; i < 4; i++) limiter.hit('k', 3, 60)
  clock.setManual(new Date(T0.getTime() - 1000))
  t.same(limiter.hit('k', 3, 60), { limit: 3, remaining: 2, resetSeconds: 60, exceeded: false })
})

t.test('keys count apart; past the capacity, the key whose window opened first is forgotten', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 2)
  limiter.hit('a', 1, 60)
  limiter.hit('a', 1, 60)
  clock.advance(1000)
  limiter.hit('b', 1, 60)
  t.equal(limiter.hit('b', 1, 60).exceeded, true)
  t.equal(limiter.size, 2)
  limiter.hit('c', 1, 60)
  t.equal(limiter.size, 2, 'never more keys than the capacity')
  t.equal(limiter.hit('b', 1, 60).exceeded, true, 'b is still counted')
  t.same(limiter.hit('a', 1, 60), { limit: 1, remaining: 0, resetSeconds: 60, exceeded: false }, 'a was forgotten: a fresh window')
})

t.test('a window that reopens moves behind the others in the eviction order', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 2)
  limiter.hit('a', 5, 1)
  clock.advance(500)
  limiter.hit('b', 5, 1)
  clock.advance(600)
  limiter.hit('a', 5, 1) // a's first window ended: it reopens, now newer than b's
  limiter.hit('c', 5, 1) // evicts b, whose window opened first
  t.equal(limiter.hit('a', 5, 1).remaining, 3, 'a kept its reopened window (its second request)')
  t.equal(limiter.hit('b', 5, 1).remaining, 4, 'b starts afresh')
})

t.test('reset forgets one key or every key', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 10)
  limiter.hit('a', 1, 60)
  limiter.hit('b', 1, 60)
  limiter.reset('a')
  t.equal(limiter.hit('a', 1, 60).exceeded, false)
  t.equal(limiter.hit('b', 1, 60).exceeded, true)
  limiter.reset()
  t.equal(limiter.size, 0)
})

t.test('requests are counted by bearer token, else by client address', async (t) => {
  t.equal(rateLimitKey('Bearer abc', '10.0.0.1'), tokenKey('abc'))
  t.equal(rateLimitKey('bearer   abc', '10.0.0.1'), tokenKey('abc'), 'the scheme in any case, as RFC 6750 has it')
  t.equal(rateLimitKey(undefined, '10.0.0.1'), 'ip:10.0.0.1')
  t.equal(rateLimitKey('Basic dXNlcg==', '10.0.0.1'), 'ip:10.0.0.1')
  t.equal(rateLimitKey('Bearer a b', '::1'), 'ip:::1', 'a malformed token is no token')
})
