import Fastify from 'fastify'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import t, { type Test } from 'tap'
import { lazySerializers } from '../src/serialization.js'

/** fast-json-stringify's compiler factory, counting the serializers it compiles. */
function counting () {
  const compiled: string[] = []
  const factory: ReturnType<typeof SerializerSelector> = (externalSchemas, options) => {
    const compile = SerializerSelector()(externalSchemas, options)
    return (route) => {
      compiled.push(`${route.method} ${route.url} ${route.httpStatus}`)
      return compile(route)
    }
  }
  return { compiled, factory }
}

t.test('a response serializer is compiled at its first answer, once, and serializes as fast-json-stringify does', async (t) => {
  const { compiled, factory } = counting()
  const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: lazySerializers(factory) } } })
  t.teardown(() => app.close())
  const response = { 200: { type: 'object', properties: { kept: { type: 'string' }, count: { type: 'integer' } } } }
  app.get('/a', { schema: { response } }, async () => ({ kept: 'yes', count: '7', dropped: true }))
  app.get('/b', { schema: { response } }, async () => ({ kept: 'b' }))
  await app.ready()
  t.strictSame(compiled, [], 'nothing compiled at ready')

  for (let i = 0; i < 2; i++) {
    const res = await app.inject('/a')
    t.equal(res.body, '{"kept":"yes","count":7}', 'the schema shapes the body: coerced, unknown keys dropped')
  }
  t.strictSame(compiled, ['GET /a 200'], 'compiled once, for the route that answered')
})

const RESPONSE = { 200: { type: 'object', properties: { kept: { type: 'string' }, count: { type: 'integer' } } } }

/** An app whose one route answers through `serializers`, with the given serializer options. */
async function appWith (t: Test, serializers: ReturnType<typeof lazySerializers>, serializerOpts: object = {}) {
  const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: serializers } }, serializerOpts })
  t.teardown(() => app.close())
  app.get('/a', { schema: { response: RESPONSE } }, async () => ({ kept: 'yes', count: 7.5, dropped: true }))
  return app
}

t.test('apps with the same options share the serializers: the second app compiles nothing', async (t) => {
  const { compiled, factory } = counting()
  const serializers = lazySerializers(factory)
  for (const app of [await appWith(t, serializers), await appWith(t, serializers)]) {
    t.equal((await app.inject('/a')).body, '{"kept":"yes","count":7}')
  }
  t.strictSame(compiled, ['GET /a 200'], 'compiled once for both')
})

t.test('an app with other serializer options compiles its own serializers', async (t) => {
  const { compiled, factory } = counting()
  const serializers = lazySerializers(factory)
  const first = await appWith(t, serializers)
  const other = await appWith(t, serializers, { rounding: 'ceil' })
  t.equal((await first.inject('/a')).body, '{"kept":"yes","count":7}', 'an integer by truncation, the default')
  t.equal((await other.inject('/a')).body, '{"kept":"yes","count":8}', 'rounded up, as its options say')
  t.strictSame(compiled, ['GET /a 200', 'GET /a 200'], 'one each')
})
