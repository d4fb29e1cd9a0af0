/**
 * Fastify's validator compiler for every route: request parts are checked exactly as sent by the Ajv of
 * src/ajv.ts (Fastify's default Ajv coerces types, removes unknown keys and fills defaults, and would
 * accept `{"docker":{"configType":"default"},"bogus":1}`; see "The request body" in
 * docs/northflank-contract.md), and a failure is the 400 of Errors.validation.
 */
import type { ValidateFunction } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'
import {
  DEPLOYMENT_VARIANTS, JOB_DEPLOYMENT_VARIANTS, UpdateDeploymentBodySchema, UpdateJobDeploymentBodySchema, variantOf
} from '../schemas/deployment.js'
import { compile } from './ajv.js'
import { Errors, MAX_PROBLEMS } from './errors.js'
import { problemsOf } from './problems.js'

/**
 * Root schemas that are a oneOf of variants, with the function that tells which variant a value means.
 * Such a value is checked against that variant alone, which accepts exactly what the oneOf accepts:
 * variantOf picks the only variant that could match (see schemas/deployment.ts), and the others all fail.
 * So a failure reports that variant's problems only, not the noise of every branch, and no work is spent
 * on branches that cannot match (a 1 MiB body of unknown keys produced 3 × 96,000 errors, one set per
 * branch; now one set). test/contract/validation-variants.test.ts checks both against the whole oneOf.
 */
const variantChoosers = new WeakMap<object, { choose: (data: unknown) => number, variants: readonly object[] }>([
  [UpdateDeploymentBodySchema, { choose: variantOf, variants: DEPLOYMENT_VARIANTS }],
  [UpdateJobDeploymentBodySchema, { choose: variantOf, variants: JOB_DEPLOYMENT_VARIANTS }]
])

/** For `app.setValidatorCompiler`: one compiler serves every app, as one Ajv does (src/ajv.ts). */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const part = httpPart as string // Fastify always names it: body, params, querystring, headers
  const chooser = variantChoosers.get(schema)
  const schemas = chooser === undefined ? [schema] : chooser.variants
  const choose = chooser?.choose ?? (() => 0)
  // Keys a misspelled top-level key may have meant: those of every variant, not only the one chosen
  // (`{"extrenal":…}` is checked as the unchanged variant, which has no `external`).
  const rootKeys = chooser === undefined ? undefined : [...new Set(schemas.flatMap((v) => Object.keys((v as { properties: object }).properties)))]
  // Compiled on first use: compiling every route's schemas up front was half of start-up (about 100 ms
  // of Ajv for 39 schemas, mostly admin documents that a run may never receive).
  const validators: Array<ValidateFunction | undefined> = []
  return (data: unknown) => {
    const i = choose(data)
    const validate = validators[i] ??= compile(schemas[i] as object)
    if (validate(data)) return { value: data }
    const problems = problemsOf(validate, data, part, MAX_PROBLEMS + 1, rootKeys)
    // The validator lives as long as the process: its errors, which hold the rejected body (verbose), go now.
    validate.errors = null
    return { error: Errors.validation(problems) }
  }
}
