import t from 'tap'
import { compile, linearRegExp, SERIALIZER_AJV_OPTIONS } from '../src/ajv.js'
import { LINEAR_REWRITES } from '../schemas/patterns.js'

t.test('a schema compiles once: the same validator on every call', async (t) => {
  const schema = { type: 'integer' }
  t.equal(compile(schema), compile(schema))
  t.not(compile(schema), compile({ type: 'integer' }), 'another schema object is another validator')
})

t.test('values are checked exactly as given: no coercion, no defaults, no removed keys', async (t) => {
  const validate = compile({
    type: 'object',
    properties: { n: { type: 'integer' }, d: { type: 'string', default: 'x' } },
    additionalProperties: false
  })
  t.equal(validate({ n: '1' }), false, '"1" is not coerced to an integer')
  const data: Record<string, unknown> = { n: 1 }
  t.equal(validate(data), true)
  t.strictSame(data, { n: 1 }, 'no default filled in')
  const extra = { n: 1, bogus: true }
  t.equal(validate(extra), false, 'an unknown key is refused')
  t.strictSame(extra, { n: 1, bogus: true }, 'and left in place')
})

t.test('every error is reported, with the data it concerns', async (t) => {
  const validate = compile({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } })
  t.equal(validate({ a: 1, b: 2 }), false)
  t.strictSame(validate.errors?.map((e) => [e.instancePath, e.data]), [['/a', 1], ['/b', 2]])
})

t.test('date-times are RFC 3339 instants a Date can hold', async (t) => {
  const validate = compile({ type: 'string', format: 'date-time' })
  t.equal(validate('2026-01-01T00:00:00Z'), true)
  t.equal(validate('2026-01-01T00:00:00.123+02:00'), true)
  t.equal(validate('2026-02-30T00:00:00Z'), false, 'the calendar is checked')
  t.equal(validate('2026-12-31T23:59:60Z'), false, 'a leap second is valid RFC 3339 but no Date')
  t.equal(validate('2026-01-01'), false, 'a date alone is not a date-time')
})

t.test('patterns with a linear rewrite run as the rewrite; others as written', async (t) => {
  const [pattern, rewrite] = [...LINEAR_REWRITES].find(([from, to]) => from !== to) as [string, string]
  t.not(pattern, rewrite)
  t.equal(linearRegExp(pattern, 'u').source, new RegExp(rewrite, 'u').source)
  t.equal(linearRegExp('^x+$', 'u').source, '^x+$')
  t.equal(SERIALIZER_AJV_OPTIONS.code.regExp, linearRegExp, 'the serializers\' Ajv uses the same rewrites')
})
