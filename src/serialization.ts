/**
 * Response serializers compiled on first use. Fastify compiles one (fast-json-stringify) for every
 * response schema of every route, HEAD twins included, when the app gets ready: the largest part of
 * buildApp and ready, paid at each start for answers that most runs never send. This factory hands
 * Fastify the same compilers, each deferred to the first answer that needs it; the output is the same.
 *
 * One factory serves every app of the process (src/app.ts), and keeps what it compiled by response
 * schema: the schemas are module constants, so a suite that starts an emulator per test compiles each
 * serializer once, not once per test. A serializer's output depends only on its schema, the compiler's
 * options and the shared schemas, so it is reused only between apps whose options and shared schemas are
 * the same as the first app's. Weak keys: a schema that goes away takes its serializer along.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

type Factory = ReturnType<typeof SerializerSelector>
type Serialize = (doc: unknown) => string

/** Options and shared schemas as text, functions by name (the Ajv code options hold one). */
function settingsKey (externalSchemas: unknown, options: unknown): string {
  return JSON.stringify([externalSchemas, options], (_key, value: unknown) =>
    typeof value === 'function' ? `function ${value.name}` : value)
}

/** For Fastify's `schemaController: { compilersFactory: { buildSerializer } }` option. */
export function lazySerializers (factory: Factory = SerializerSelector()): Factory {
  const compiled = new WeakMap<object, Serialize>()
  let sharedSettings: string | undefined
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options)
    const settings = settingsKey(externalSchemas, options)
    sharedSettings ??= settings
    const share = settings === sharedSettings
    return (route) => {
      const schema = route.schema as object
      let serialize: Serialize | undefined
      return (doc) => {
        if (serialize === undefined) {
          serialize = share ? compiled.get(schema) : undefined
          if (serialize === undefined) {
            serialize = compile(route) as Serialize
            if (share) compiled.set(schema, serialize)
          }
        }
        return serialize(doc)
      }
    }
  }
}
