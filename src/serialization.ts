/**
 * Response serializers compiled on first use. Fastify compiles every route's response schemas when the
 * app starts, with fast-json-stringify (which also drops fields a schema does not declare, so nothing
 * undeclared leaks out); for the ~40 routes here that was most of building an app, and a test suite that
 * starts an emulator per test pays it each time, mostly for admin answers a run may never send. The
 * same compiler, with Fastify's default options, runs when a route first answers a status instead.
 */
import type { FastifySerializerCompiler } from 'fastify'
import fastJsonStringify from 'fast-json-stringify'

export const lazySerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  let serialize: ((data: unknown) => string) | undefined
  return (data: unknown) => (serialize ??= fastJsonStringify(schema as object))(data)
}
