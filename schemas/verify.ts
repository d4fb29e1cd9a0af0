/**
 * POST /_mock/verify: a query over the journal, the count expected, and how long to wait for it
 * (docs/control-plane.md, "Verify").
 */
import { Type, type Static } from '@sinclair/typebox'
import { MethodSchema, PathGlobSchema } from './faults.js'

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 })

export const CountExpectationSchema = Type.Object({
  exactly: Type.Optional(Count),
  atLeast: Type.Optional(Count),
  atMost: Type.Optional(Count)
}, {
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: 'Exactly one of exactly, atLeast, atMost; default {"atLeast":1}'
})
export type CountExpectation = Static<typeof CountExpectationSchema>

export const VerifyQuerySchema = Type.Object({
  method: Type.Optional(MethodSchema('HTTP method')),
  path: Type.Optional(PathGlobSchema('Path without the query string: exact, or a glob as in fault rules (* within a segment, ** across segments)')),
  project: Type.Optional(Type.String({ minLength: 1, description: 'The projectId path parameter' })),
  service: Type.Optional(Type.String({ minLength: 1, description: 'The serviceId path parameter' })),
  job: Type.Optional(Type.String({ minLength: 1, description: 'The jobId path parameter' })),
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 599, description: 'The status answered; 0: a dropped connection' })),
  body: Type.Optional(Type.Unknown({
    description: 'A JSON value the recorded body must contain: objects match as subsets, recursively; arrays and scalars by equality. ' +
      'At most 1000 values, nested at most 32 deep'
  })),
  headers: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String(), {
    maxProperties: 50,
    description: 'Headers the request must have, names in any case. authorization is redacted: only "Bearer ***" or "***" can match it'
  })),
  count: Type.Optional(CountExpectationSchema),
  within: Type.Optional(Type.Integer({
    minimum: 0,
    maximum: 60_000,
    description: 'Milliseconds to wait for the expectation to hold (real time, not the emulator\'s clock); default 0'
  }))
}, { additionalProperties: false, description: 'Which journaled requests count, and how many are expected' })
export type VerifyQuery = Static<typeof VerifyQuerySchema>

export const VerifyResultSchema = Type.Object({
  data: Type.Object({ matched: Type.Integer({ description: 'How many journaled requests match' }) })
}, { description: 'The expectation holds' })

export const DifferenceSchema = Type.Object({
  field: Type.String({ description: 'method, path, project, service, job, status, headers.<name>, or body.<path>' }),
  expected: Type.Unknown(),
  actual: Type.Optional(Type.Unknown({ description: 'Absent when the request has no such field' }))
})

export const NearMissSchema = Type.Object({
  seq: Type.Integer(),
  method: Type.String(),
  path: Type.String(),
  status: Type.Integer(),
  similarity: Type.Number({ description: 'Share of the query it meets, 0 to 1' }),
  differences: Type.Array(DifferenceSchema)
})
export type NearMiss = Static<typeof NearMissSchema>
