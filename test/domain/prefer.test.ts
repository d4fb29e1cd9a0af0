import t from 'tap'
import type { ApiError } from '../../src/errors.js'
import { parsePrefer } from '../../src/domain/prefer.js'

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
