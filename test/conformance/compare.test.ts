import t from 'tap'
import type { Answer, Compare } from '../../schemas/conformance.js'
import { compareAnswers, pointAt } from '../../src/conformance/compare.js'
import { deeperThan, differences, MAX_DEPTH, shapeOf } from '../../src/conformance/shape.js'

const SHAPE: Compare = { status: 'exact', body: 'shape', values: [], headers: [] }
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, headers, body })

t.test('a shape is the keys and JSON types, recursively, an array the set of its elements\' shapes', async (t) => {
  t.strictSame(shapeOf({ b: [1, 'x', 2, { k: null }], a: true }), {
    object: [['a', 'boolean'], ['b', { array: ['number', 'string', { object: [['k', 'null']] }] }]]
  })
  t.strictSame(shapeOf(JSON.parse('{"__proto__":{"x":1}}')), { object: [['__proto__', { object: [['x', 'number']] }]] }, 'a __proto__ key is a key')
  let deep: unknown = 1
  for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep]
  t.matchStrict(JSON.stringify(shapeOf(deep)), /"deep"/, 'nesting past the bound is not looked into')
  t.equal(deeperThan(deep, MAX_DEPTH), true)
  t.equal(deeperThan({ a: [1] }, 2), false)
  t.equal(deeperThan({ a: [1] }, 1), true)
})

t.test('the differences of two shapes name where and what, at the target and at the emulator', async (t) => {
  const target = shapeOf({ error: { status: '400', id: 'x', details: { errors: [{ path: 'p' }] }, extra: 1 } })
  const emulator = shapeOf({ error: { status: 400, message: 'm', id: 'y', details: { errors: [{ path: 'p', rule: 'r' }] } } })
  t.strictSame(differences(target, emulator, false), [
    'body.error.details.errors[].rule: missing at the target, string at the emulator',
    'body.error.message: missing at the target, string at the emulator',
    'body.error.status: string at the target, number at the emulator',
    'body.error.extra: number at the target, missing at the emulator'
  ])
  t.strictSame(differences(target, emulator, true), [
    'body.error.details.errors[].rule: missing at the target, string at the emulator',
    'body.error.message: missing at the target, string at the emulator',
    'body.error.status: string at the target, number at the emulator'
  ], 'covers: what the target has beyond the emulator does not count')
  t.strictSame(differences(shapeOf({ 'a-b': 1 }), shapeOf({ 'a-b': 'x' }), false), ['body["a-b"]: number at the target, string at the emulator'])
  t.strictSame(differences(shapeOf([1]), shapeOf({}), false), ['body: an array at the target, an object at the emulator'])
  t.strictSame(differences('text', shapeOf({}), false), ['body: text (not JSON) at the target, an object at the emulator'])
  t.strictSame(differences('deep', 'deep', false), [])
  t.strictSame(differences(shapeOf(1), 'deep', false), ['body: number at the target, too deep to compare at the emulator'])
})

t.test('an empty array agrees with any array; arrays of several shapes compare as sets', async (t) => {
  t.strictSame(differences(shapeOf({ known: [] }), shapeOf({ known: ['a'] }), false), [])
  t.strictSame(differences(shapeOf({ known: ['a'] }), shapeOf({ known: [] }), false), [])
  t.strictSame(differences(shapeOf([1, 'a']), shapeOf(['b', 2]), false), [])
  t.strictSame(differences(shapeOf([1, 'a', { x: 1 }]), shapeOf([2, 'b']), true), [], 'covers: the target may have more kinds of element')
  t.strictSame(differences(shapeOf([1, 'a', null]), shapeOf([2, 'b']), false),
    ['body[]: elements of 3 shapes at the target and 2 at the emulator, 0 of the emulator\'s not at the target, 1 of the target\'s not at the emulator'])
  t.strictSame(differences(shapeOf([1, 'a']), shapeOf([2, true]), true),
    ['body[]: elements of 2 shapes at the target and 2 at the emulator, 1 of the emulator\'s not at the target'])
  t.strictSame(differences(shapeOf([{ a: [] }, 1]), shapeOf([{ a: [2] }, 1]), false), [], 'elements equal but for an empty array agree')
})

t.test('compareAnswers: the status (exact or its class), the shape, values at pointers and headers; never the messages', async (t) => {
  const envelope = (status: number, message: string) => ({ error: { status, message, id: message, details: {} } })
  t.strictSame(compareAnswers(SHAPE, json(404, envelope(404, 'Not found')), json(404, envelope(404, 'Service "x" not found'))), [])
  t.strictSame(compareAnswers(SHAPE, json(422, envelope(422, 'a')), json(400, envelope(400, 'b'))), ['status: 422 at the target, 400 at the emulator'])
  t.strictSame(compareAnswers({ ...SHAPE, status: 'class', body: 'none' }, json(204, undefined), json(200, { data: {} })), [])
  t.strictSame(compareAnswers({ ...SHAPE, status: 'class', body: 'none' }, json(301, undefined), json(200, {})), ['status: 3xx at the target, 2xx at the emulator'])
  t.strictSame(compareAnswers(SHAPE, { status: 502, headers: {}, text: '<html>' }, json(502, envelope(502, 'x'))),
    ['body: text (not JSON) at the target, an object at the emulator'])
  t.strictSame(compareAnswers(SHAPE, { status: 200, headers: {} }, json(200, {})), ['body: text (not JSON) at the target, an object at the emulator'],
    'a body not kept is not taken for JSON')
  const values: Compare = { ...SHAPE, body: 'none', values: ['/data/external/registryProvider', '/data/missing', '/a~1b/c~0d'] }
  t.strictSame(compareAnswers(values,
    json(200, { data: { external: { registryProvider: 'custom' } }, 'a/b': { 'c~d': 1 } }),
    json(200, { data: { external: { registryProvider: 'github' } }, 'a/b': { 'c~d': 1 } })),
  ['/data/external/registryProvider: "custom" at the target, "github" at the emulator'])
  t.strictSame(compareAnswers(values, json(200, { data: null }), json(200, { data: { missing: 1 } })),
    ['/data/missing: nothing at the target, 1 at the emulator'], 'a value absent on both sides agrees')
  const headers: Compare = { ...SHAPE, body: 'none', headers: ['allow', 'x-ratelimit-limit'] }
  t.strictSame(compareAnswers(headers, json(405, {}, { 'x-ratelimit-limit': '1000' }), json(405, {}, { allow: 'GET', 'x-ratelimit-limit': '1000' })),
    ['header allow: absent at the target, sent at the emulator'])
  t.strictSame(compareAnswers(headers, json(405, {}, { allow: 'GET' }), json(405, {})), ['header allow: sent at the target, absent at the emulator'],
    'a header absent on both sides agrees')
})

t.test('pointAt follows a JSON pointer through own keys only', async (t) => {
  t.equal(pointAt({ a: { b: 2 } }, '/a/b'), 2)
  t.equal(pointAt({ a: 'x' }, '/a/length'), undefined, 'not into a string')
  t.equal(pointAt({}, '/constructor'), undefined, 'not into the prototype')
  t.strictSame(pointAt({ a: 1 }, ''), { a: 1 })
})
