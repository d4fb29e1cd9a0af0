/**
 * The upstream contract as data (schemas/upstream/), and a validator built from it alone: the referee of
 * the differential tests. It shares nothing with the emulator's validation (src/ajv.ts, src/problems.ts
 * and src/validation.ts): not its Ajv options, not its linear-time pattern rewrites, not its way of writing
 * the conditional rules.
 */
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'

function readJson (name: string): any {
  return JSON.parse(readFileSync(new URL(`../../schemas/upstream/${name}`, import.meta.url), 'utf8'))
}

/** The verbatim wire schema of the body (docs/northflank-contract.md, "The request body"), DOCKER and BUILDPACK inlined as upstream does. */
export const WIRE_SCHEMA: Record<string, any> = readJson('update-service-deployment.wire.json')

/** The same for the job endpoint (docs/northflank-contract.md, "Jobs"). */
export const JOB_WIRE_SCHEMA: Record<string, any> = readJson('update-job-deployment.wire.json')

/** kind → field → the configType values that make the field required (the endpoint page, in words). */
export type ConditionalRules = Record<'docker' | 'buildpack', Record<string, string[]>>
const { $comment: _comment, ...rules } = readJson('update-service-deployment.rules.json')
export const CONDITIONAL_RULES: ConditionalRules = rules

/**
 * The wire schema plus the conditional rules, each written as the implication "configType is not one of
 * these, or the field is present" (an anyOf), not as the emulator's if/then.
 */
export function wireSchemaWithRules (): Record<string, any> {
  const schema = structuredClone(WIRE_SCHEMA)
  for (const variant of schema.oneOf) {
    for (const kind of ['docker', 'buildpack'] as const) {
      const block = variant.properties[kind]
      if (block === undefined) continue
      block.allOf = Object.entries(CONDITIONAL_RULES[kind]).map(([field, values]) => ({
        anyOf: [
          { not: { required: ['configType'], properties: { configType: { enum: values } } } },
          { required: [field] }
        ]
      }))
    }
  }
  return schema
}

/**
 * Ajv as a plain JSON-schema validator: patterns compiled verbatim and without the `u` flag (the wire
 * patterns' `\:` and `\@` escapes are invalid in unicode mode), nothing coerced, removed or defaulted,
 * first error only (only the verdict matters here).
 */
export function plainAjv (): Ajv {
  return new Ajv({
    allErrors: false,
    unicodeRegExp: false,
    strict: false,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false
  })
}

export function independentValidator (): ValidateFunction {
  return plainAjv().compile(wireSchemaWithRules())
}
