/**
 * problemsOf turns the errors of a failed validation (src/ajv.ts's Ajv) into problems a person can act
 * on: a path, the rule, what was expected and a message, for the request validator (src/validation.ts)
 * and the files the domain reads (fixtures, the state file). Knows nothing of Fastify.
 */
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { ValidationProblem } from '../schemas/error.js'
import { PATTERN_HINTS } from '../schemas/patterns.js'
import { nearMatches } from './near-match.js'

/**
 * Problems for a failed validation, in the order Ajv found them; at most `limit`. `rootKeys`: what an
 * unknown top-level key may be a misspelling of, when more than the schema's own properties.
 */
export function problemsOf (
  validate: ValidateFunction, data: unknown, part: string, limit = Infinity, rootKeys?: readonly string[]
): ValidationProblem[] {
  let errors = validate.errors as ErrorObject[] // set whenever validation fails
  // A nested oneOf (buildSHA) is reported once, as itself, rather than as each branch's complaint.
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`)
  errors = errors.filter((e) => e.keyword !== 'if' && !oneOfs.some((p) => e.schemaPath.startsWith(p)))

  return errors.slice(0, limit).map((e) => describe(e, part, rootKeys))
}

function describe (e: ErrorObject, part: string, rootKeys: readonly string[] | undefined): ValidationProblem {
  const at = pathOf(part, e.instancePath)
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required': {
      const field = String(params.missingProperty)
      const path = child(at, field)
      // An if/then of schemas/deployment.ts: name the configType that makes the field required.
      const configType = e.schemaPath.includes('/then/') ? (e.data as { configType?: unknown }).configType : undefined
      const when = typeof configType === 'string' ? ` when configType is ${configType}` : ''
      return { path, rule: 'required', expected: field, message: `${path} is required${when}` }
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const path = child(at, key)
      const parent = e.parentSchema as { properties?: object, patternProperties?: object }
      if (parent.properties === undefined) {
        // A record keyed by pattern (ids in a state): say what a key must look like.
        const patterns = Object.keys(parent.patternProperties as object)
        const words = patterns.map(mustDo).join(' or ')
        return { path, rule: 'additionalProperties', expected: patterns, message: `${path} is not allowed: a key here must ${words}` }
      }
      const own = Object.keys(parent.properties)
      const root = e.instancePath === ''
      const near = nearMatches(key, root && rootKeys !== undefined ? rootKeys : own)
      // The root of a body of variants is checked as one variant (src/validation.ts): `{"extrenal":…}` as the
      // one without external. When the key it is near belongs to another variant, the list is every
      // variant's keys, so that it holds what "did you mean" names.
      const allowed = near.some((k) => !own.includes(k)) ? [...(rootKeys as readonly string[])].sort() : own
      const why = root && (key === 'external' || key === 'internal')
        ? ' (a body has external or internal, not both)'
        : near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ''
      return {
        path,
        rule: 'additionalProperties',
        expected: allowed,
        message: `${path} is not allowed${why}; allowed here: ${allowed.length > 0 ? allowed.join(', ') : 'nothing'}`
      }
    }
    case 'type':
      return { path: at, rule: 'type', expected: params.type, message: `${at} must be ${article(String(params.type))}` }
    case 'pattern': {
      const pattern = String(params.pattern)
      // The words first; the pattern itself stays in `expected`.
      return { path: at, rule: 'pattern', expected: pattern, message: `${at} must ${mustDo(pattern)}` }
    }
    case 'minLength':
    case 'maxLength': {
      const limit = Number(params.limit)
      const bound = e.keyword === 'minLength' ? 'at least' : 'at most'
      return { path: at, rule: e.keyword, expected: limit, message: `${at} must be ${bound} ${limit} characters long` }
    }
    case 'minProperties':
    case 'maxProperties': {
      // The verify count: one key of several, said in words rather than Ajv's "fewer than 1 properties".
      const limit = Number(params.limit)
      // A record (verify's headers) has no `properties`: then the keys are the caller's own.
      const schema = e.parentSchema as { properties?: object, minProperties?: number, maxProperties?: number }
      const bound = schema.minProperties === schema.maxProperties ? 'exactly' : e.keyword === 'minProperties' ? 'at least' : 'at most'
      const keys = Object.keys(schema.properties ?? {})
      return {
        path: at,
        rule: e.keyword,
        expected: limit,
        message: `${at} must have ${bound} ${limit} ${limit === 1 ? 'key' : 'keys'}${keys.length > 0 ? ` of: ${keys.join(', ')}` : ''}`
      }
    }
    case 'enum': {
      const values = params.allowedValues as unknown[]
      return { path: at, rule: 'enum', expected: values, message: `${at} must be one of: ${values.map(String).join(', ')}` }
    }
    case 'const': {
      // A TypeBox literal (a fault rule's action.rollout, a state file's format): the one value, as JSON.
      const value = params.allowedValue
      return { path: at, rule: 'const', expected: [value], message: `${at} must be ${JSON.stringify(value)}` }
    }
    case 'oneOf': {
      const branches = (e.schema as object[]).map(summary)
      return { path: at, rule: 'oneOf', expected: branches, message: `${at} must be ${branches.join(' or ')}` }
    }
    default:
      return { path: at, rule: e.keyword, expected: params, message: `${at} ${e.message as string}` }
  }
}

/** What a string must do to pass a pattern, in words: `be <PATTERN_HINTS' words>`, or `match pattern <it>`. */
function mustDo (pattern: string): string {
  const hint = PATTERN_HINTS.get(pattern)
  return hint === undefined ? `match pattern ${pattern}` : `be ${hint}`
}

/** A schema in a few words, for oneOf messages: `a string of exactly 40 characters`, `"latest"`. */
function summary (schema: object): string {
  const s = schema as { type?: string, enum?: unknown[], minLength?: number, maxLength?: number }
  if (s.enum !== undefined) return s.enum.map((v) => JSON.stringify(v)).join(' or ')
  if (s.type === 'string' && s.minLength !== undefined && s.minLength === s.maxLength) {
    return `a string of exactly ${s.minLength} characters`
  }
  return article(s.type ?? 'value')
}

function article (type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/
/** Longer keys are cut in paths, so a 1 MiB key does not make a 3 MB answer. */
const MAX_KEY_SHOWN = 64

const INDEX = /^(?:0|[1-9]\d*)$/

function child (path: string, key: string): string {
  if (key.length > MAX_KEY_SHOWN) return `${path}[${JSON.stringify(key.slice(0, MAX_KEY_SHOWN))}…]`
  if (IDENTIFIER.test(key)) return `${path}.${key}`
  return INDEX.test(key) ? `${path}[${key}]` : `${path}[${JSON.stringify(key)}]`
}

/** `/external/imagePath` → `body.external.imagePath` (JSON pointer unescaped). */
function pathOf (part: string, pointer: string): string {
  if (pointer === '') return part
  return pointer.slice(1).split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
    // Digits are array indices (fixtures documents have arrays): projects[0], not projects["0"].
    .reduce((path, t) => /^\d+$/.test(t) ? `${path}[${t}]` : child(path, t), part)
}
