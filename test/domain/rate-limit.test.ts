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
  t.strictSame(limiter.hit('k', 3, 60), { limit: 3, remaining: 2, resetSeconds: 60, exceeded: false })
  clock.advance(20_000)
  t.strictSame(limiter.hit('k', 3, 60), { limit: 3, remaining: 1, resetSeconds: 40, exceeded: false })
  clock.advance(19_500)
  t.strictSame(limiter.hit('k', 3, 60), { limit: 3, remaining: 0, resetSeconds: 21, exceeded: false }, 'whole seconds, rounded up')
  t.strictSame(limiter.hit('k', 3, 60), { limit: 3, remaining: 0, resetSeconds: 21, exceeded: true })
})

t.test('moving the clock past the window opens a new one', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 10)
  for (let i = 0; i < 4; i++) limiter.hit('k', 3, 60)
  clock.advance(59_999)
  t.equal(limiter.hit('k', 3, 60).exceeded, true, 'still the first window, 1 ms before its end')
  clock.advance(1)
  t.strictSame(limiter.hit('k', 3, 60), { limit: 3, remaining: 2, resetSeconds: 60, exceeded: false }, 'a new window from this request')
})

t.test('a clock set back before a window\'s start opens a new window', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 10)
  for (let i = 0; i < 4; i++) limiter.hit('k', 3, 60)
  clock.setManual(new Date(T0.getTime() - 1000))
  t.strictSame(limiter.hit('k', 3, 60), { limit: 3, remaining: 2, resetSeconds: 60, exceeded: false })
})

t.test('keys count apart; past the capacity, the key used least recently is forgotten', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 2)
  limiter.hit('a', 1, 60)
  clock.advance(1000)
  limiter.hit('b', 1, 60)
  t.equal(limiter.hit('a', 1, 60).exceeded, true, 'a used again, after b')
  t.equal(limiter.size, 2)
  limiter.hit('c', 1, 60)
  t.equal(limiter.size, 2, 'never more keys than the capacity')
  t.equal(limiter.hit('a', 1, 60).exceeded, true, 'a, opened first but used last, is still counted')
  t.strictSame(limiter.hit('b', 1, 60), { limit: 1, remaining: 0, resetSeconds: 60, exceeded: false }, 'b was forgotten: a fresh window')
})

t.test('a key in use keeps its count however many other keys come and go', async (t) => {
  const clock = manual()
  const capacity = 4
  const limiter = new FixedWindowLimiter(clock, capacity)
  t.equal(limiter.hit('A', 100, 3600).remaining, 99)
  for (let i = 0; i < 2 * capacity; i++) {
    clock.advance(1000)
    limiter.hit(`other-${i}`, 100, 3600)
    limiter.hit(`other-${i}`, 100, 3600)
    if (i % 2 === 1) limiter.hit('A', 100, 3600)
  }
  t.equal(limiter.size, capacity)
  t.strictSame(limiter.hit('A', 100, 3600), { limit: 100, remaining: 100 - 6, resetSeconds: 3600 - 8, exceeded: false },
    'A\'s first window, its sixth request')
})

t.test('past the capacity, ended windows are forgotten before the least recently used live one', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 3)
  limiter.hit('ended-1', 5, 10)
  limiter.hit('ended-2', 5, 10)
  clock.advance(8000)
  limiter.hit('live', 5, 10) // open until 18 s
  clock.advance(1000)
  limiter.hit('ended-1', 5, 10) // used after live, but its window ends at 10 s
  limiter.hit('ended-2', 5, 10)
  clock.advance(2000) // 11 s: ended-1 and ended-2 ended; live, the least recently used, has not
  limiter.hit('new-1', 5, 10)
  limiter.hit('new-2', 5, 10)
  t.equal(limiter.size, 3)
  t.equal(limiter.hit('live', 5, 10).remaining, 3, 'live kept its window: its second request')
  t.equal(limiter.hit('new-1', 5, 10).remaining, 3, 'and so did the keys that came after')
})

t.test('past the capacity, windows opened after the time a clock was set back to go before live ones', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 3)
  limiter.hit('a', 5, 60)
  clock.advance(10_000)
  limiter.hit('b', 5, 60)
  clock.advance(10_000)
  limiter.hit('c', 5, 60)
  clock.setManual(new Date(T0.getTime() + 5000)) // b and c opened after this: their next hit opens afresh
  limiter.hit('d', 5, 60)
  limiter.hit('e', 5, 60)
  t.equal(limiter.size, 3)
  t.equal(limiter.hit('a', 5, 60).remaining, 3, 'a, the least recently used, kept its window')
})

t.test('after the clock was set back and moved on, ended windows still go before live ones', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 3)
  const at = (s: number) => clock.setManual(new Date(T0.getTime() + s * 1000))
  at(200)
  limiter.hit('b', 5, 60) // open 200–260 s
  at(150)
  limiter.hit('c', 5, 60) // open 150–210 s: opened after b, ends before it
  at(160)
  limiter.hit('e', 5, 60) // open 160–220 s
  at(180)
  limiter.hit('e', 5, 60)
  at(215) // c ended; b (the least recently used) and e have not
  limiter.hit('d', 5, 60)
  t.equal(limiter.size, 3)
  t.equal(limiter.hit('b', 5, 60).remaining, 3, 'b kept its window: its second request')
  t.equal(limiter.hit('e', 5, 60).remaining, 2, 'e kept its window: its third request')
  at(271) // e ended at 220 s and b at 260 s; d, now the least recently used (215–275 s), has not
  limiter.hit('f', 5, 60)
  t.equal(limiter.hit('d', 5, 60).remaining, 3, 'd kept its window: its second request')
})

t.test('a limiter of capacity 0 counts one key at a time', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 0)
  limiter.hit('a', 5, 60)
  t.equal(limiter.hit('a', 5, 60).remaining, 3)
  t.equal(limiter.hit('b', 5, 60).remaining, 4)
  t.equal(limiter.size, 1)
})

t.test('a window that reopens moves behind the others in the eviction order', async (t) => {
  const clock = manual()
  const limiter = new FixedWindowLimiter(clock, 2)
  limiter.hit('a', 5, 1)
  clock.advance(500)
  limiter.hit('b', 5, 1)
  clock.advance(600)
  limiter.hit('a', 5, 1) // a's first window ended: it reopens, now newer than b's
  limiter.hit('c', 5, 1) // evicts b: its window has not ended, and a was used since
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
