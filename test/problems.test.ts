import t from 'tap'
import { compile } from '../src/ajv.js'
import { problemsOf } from '../src/problems.js'

t.test('problemsOf describes rules beyond the body schema\'s own plainly', async (t) => {
  const check = (schema: object, data: unknown) => {
    const validate = compile(schema)
    t.notOk(validate(data))
    return problemsOf(validate, data, 'thing')
  }
  t.strictSame(check({ type: 'string', pattern: '^x+$' }, 'y'), [
    { path: 'thing', rule: 'pattern', expected: '^x+$', message: 'thing must match pattern ^x+$' }
  ], 'a pattern with no rewrite runs as written and has no hint')
  t.strictSame(check({ type: 'object', properties: {}, additionalProperties: false }, { a: 1 })[0]?.message,
    'thing.a is not allowed; allowed here: nothing')
  t.strictSame(check({ type: 'integer', minimum: 3 }, 1), [
    { path: 'thing', rule: 'minimum', expected: { comparison: '>=', limit: 3 }, message: 'thing must be >= 3' }
  ], 'other keywords keep Ajv\'s wording')
  t.equal(check({ oneOf: [{ const: 1 }, { type: 'integer', minimum: 5 }] }, 2)[0]?.message, 'thing must be a value or an integer')
  t.equal(check({ type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } } }, { a: ['x', 1] })[0]?.path,
    'thing.a[1]', 'array indexes read as indexes')
  t.equal(check({ type: 'object', properties: { 'a/b': { type: 'string' } } }, { 'a/b': 1 })[0]?.path,
    'thing["a/b"]', 'JSON-pointer escapes are undone')
  t.equal(check({ type: 'object', properties: {}, minProperties: 2 }, {})[0]?.message, 'thing must have at least 2 keys',
    'a count of keys is said in words')
  t.equal(check({ type: 'object', properties: { a: {}, b: {} }, maxProperties: 1 }, { a: 1, b: 2 })[0]?.message,
    'thing must have at most 1 key of: a, b')
})
