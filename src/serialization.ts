/**
 * Response serializers compiled on first use. Fastify compiles one (fast-json-stringify) for every
 * response schema of every route, HEAD twins included, when the app gets ready: the largest part of
 * buildApp and ready, paid at each start for answers that most runs never send. This factory hands
 * Fastify the same compilers, each deferred to the first answer that needs it; the output is the same.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

type Factory = ReturnType<typeof SerializerSelector>

/** For Fastify's `schemaController: { compilersFactory: { buildSerializer } }` option. */
export function lazySerializers (factory: Factory = SerializerSelector()): Factory {
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options)
    return (route) => {
      let serialize: ((doc: unknown) => string) | undefined
      return (doc) => (serialize ??= compile(route))(doc)
    }
  }
}
