import fc from 'fast-check'
import t from 'tap'
import { ControlledClock, isoTime, ManualClock } from '../../src/domain/clock.js'

const T0 = new Date('2026-06-01T00:00:00Z')

/** Whether a promise has settled, after letting pending callbacks run. */
async function settled (p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  await new Promise((resolve) => setImmediate(resolve))
  return done
}

t.test('with a manual clock, a sleep ends when the clock is advanced past it, not before', async (t) => {
  const clock = new ControlledClock(new ManualClock(T0))
  clock.setManual()
  const sleep = clock.sleep(1000)
  t.equal(clock.sleeping, 1)
  clock.advance(999)
  t.equal(await settled(sleep), false, '1 ms short')
  clock.advance(1)
  t.equal(await settled(sleep), true)
  t.equal(clock.sleeping, 0)
})

t.test('switching a manual clock to the system\'s lets the rest of a sleep run in real time', async (t) => {
  const clock = new ControlledClock()
  clock.setManual()
  const sleep = clock.sleep(60_000)
  clock.advance(59_990)
  clock.setSystem()
  const started = Date.now()
  await sleep
  t.ok(Date.now() - started < 5_000, 'the 10 ms left ran on a timer')
})

t.test('switching to manual stops a system sleep until the clock is advanced', async (t) => {
  const clock = new ControlledClock()
  const sleep = clock.sleep(60_000)
  clock.setManual()
  clock.advance(59_000)
  t.equal(await settled(sleep), false)
  clock.advance(1_000)
  t.equal(await settled(sleep), true)
})

t.test('release ends every pending sleep at once', async (t) => {
  const clock = new ControlledClock()
  const a = clock.sleep(60_000)
  clock.setManual()
  const b = clock.sleep(1)
  clock.release()
  t.equal(await settled(a), true)
  t.equal(await settled(b), true)
  t.equal(clock.sleeping, 0)
})

t.test('millis reads the same time as now, in every mode', async (t) => {
  const base = new ManualClock(T0)
  const clock = new ControlledClock(base)
  t.equal(clock.millis(), T0.getTime())
  clock.setManual(new Date(5))
  t.equal(clock.millis(), 5)
  t.equal(clock.now().getTime(), 5)
})

t.test('isoTime writes every instant as toISOString does', async (t) => {
  const fixed = [
    0, -1, 1, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2026, 11, 7, 3, 18, 0, 123), Date.UTC(2028, 1, 29, 23, 59, 59, 999),
    -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, 1.5, -0.5, 8.64e15, -8.64e15
  ]
  for (const ms of fixed) t.equal(isoTime(ms), new Date(ms).toISOString(), String(ms))
  // Any instant, then one a little later, in the same second or the next, as the second's text is kept between calls.
  const failure = fc.check(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 - 2000 }), fc.integer({ min: 0, max: 2000 }), (ms, step) =>
    isoTime(ms) === new Date(ms).toISOString() && isoTime(ms + step) === new Date(ms + step).toISOString()
  ), { numRuns: 5000 })
  t.equal(failure.failed, false, fc.defaultReportMessage(failure) ?? '')
})
