import Fastify from 'fastify'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import t from 'tap'
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
