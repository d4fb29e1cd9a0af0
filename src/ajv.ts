/**
 * The one Ajv of the process, and every Ajv option the project sets. It checks a value exactly as given:
 * no type coercion, no removal of unknown keys, no defaults, unlike Fastify's default Ajv (see "The
 * request body" in docs/northflank-contract.md), and runs every pattern through its linear-time rewrite.
 * The request validator (src/validation.ts) and the files the domain reads (fixtures, the state file) all
 * compile with it; src/problems.ts turns its errors into problems. Knows nothing of Fastify.
 */
import { Ajv, type ValidateFunction } from 'ajv'
import { fullFormats } from 'ajv-formats/dist/formats.js'
import { LINEAR_REWRITES } from '../schemas/patterns.js'

/** Ajv's hook for building pattern matchers: the rewrite where one is declared, else the pattern itself. */
export function linearRegExp (pattern: string, flags: string): RegExp {
  return new RegExp(LINEAR_REWRITES.get(pattern) ?? pattern, flags)
}
linearRegExp.code = 'linearRegExp'

const rfc3339 = fullFormats['date-time'] as { validate: (value: string) => boolean }

/**
 * The one format the schemas use (timestamps): ajv-formats' RFC 3339 date-time, which checks the calendar
 * (2026-02-30 is refused), and an instant JavaScript can hold: a leap second (23:59:60) is valid RFC 3339
 * but no Date, so it is refused rather than turned into an Invalid Date.
 */
function isDateTime (value: string): boolean {
  return rfc3339.validate(value) && !Number.isNaN(Date.parse(value))
}

/**
 * One instance for every app of the process: the schemas are module constants, and Ajv keeps what it
 * compiled by schema object, so a test suite that starts an emulator per test pays Ajv's compile once per
 * schema, not once per test (it was most of a per-test emulator's first requests).
 */
const ajv = new Ajv({
  allErrors: true, // report every problem at once, not the first
  verbose: true, // errors carry the data and schema they concern, for src/problems.ts's messages
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  strict: true,
  strictRequired: false, // the if/then blocks require fields the object declares, not the then-branch itself
  code: { regExp: linearRegExp },
  formats: { 'date-time': { type: 'string', validate: isDateTime } }
})

/** The validator of a schema: compiled on its first call, the same function after. */
export function compile (schema: object): ValidateFunction {
  return ajv.compile(schema)
}

/**
 * The options of the Ajv fast-json-stringify builds for the response serializers (Fastify's
 * `serializerOpts.ajv`), which picks the if/then branch of an answer (the fixtures' docker settings,
 * schemas/deployment.ts). It gets the patterns' rewrites that compile with the u flag, as the validator's
 * Ajv does (the wire patterns' `\-` does not), and no strict-types warning on stderr: the blocks are valid
 * JSON Schema, their type stated on the object around them.
 */
export const SERIALIZER_AJV_OPTIONS = { strictTypes: false, code: { regExp: linearRegExp } }
