import { Type, type Static } from '@sinclair/typebox'

/**
 * Every non-200 answer, as Northflank sends it (docs/northflank-contract.md, "Errors"): the official client
 * reads `message`, `id` and `details` from here, and throws when a body is not JSON.
 */
export const ErrorEnvelopeSchema = Type.Object({
  error: Type.Object({
    status: Type.Integer({ description: 'The HTTP status, repeated' }),
    message: Type.String({ description: 'What went wrong, for a person' }),
    id: Type.String({ description: 'Error id; the same id is in the log line of the request' }),
    details: Type.Object({}, { additionalProperties: true, description: 'Machine-readable particulars' })
  })
}, { description: 'Error' })
export type ErrorEnvelope = Static<typeof ErrorEnvelopeSchema>

/** One problem found in a request body, as listed in `details.errors` of a 400. */
export const ValidationProblemSchema = Type.Object({
  path: Type.String({ description: 'Where, e.g. body.external.imagePath' }),
  rule: Type.String({ description: 'The JSON-schema keyword broken, e.g. pattern, required, additionalProperties' }),
  expected: Type.Unknown({ description: 'What the rule wants: the pattern, the allowed values, the limit…' }),
  message: Type.String()
})
export type ValidationProblem = Static<typeof ValidationProblemSchema>

/**
 * The envelope as the response schema of each status a route can answer, with what that status means
 * there (the OpenAPI document's response descriptions). `4xx` and `5xx` cover the rest: 405, 429, 500…
 */
export function ErrorResponses (described: Record<number, string>) {
  const responses: Record<string, typeof ErrorEnvelopeSchema> = {}
  for (const [status, description] of Object.entries(described)) {
    responses[status] = Type.Object(ErrorEnvelopeSchema.properties, { description })
  }
  responses['4xx'] = Type.Object(ErrorEnvelopeSchema.properties, { description: 'Another client error (e.g. 405 Method Not Allowed, 429)' })
  responses['5xx'] = Type.Object(ErrorEnvelopeSchema.properties, { description: 'Internal error; its id is in the emulator\'s log' })
  return responses
}
