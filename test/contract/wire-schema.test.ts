import { createRequire } from 'node:module'
import t from 'tap'
import { UpdateDeploymentBodySchema, UpdateJobDeploymentBodySchema } from '../../schemas/deployment.js'
import { BUILD_SERVICE_ID_PATTERN, CREDENTIALS_PATTERN, IMAGE_PATH_PATTERN } from '../../schemas/patterns.js'
import { CONDITIONAL_RULES, JOB_WIRE_SCHEMA, WIRE_SCHEMA, type ConditionalRules } from '../support/upstream.js'

// Drift guard: the TypeBox schema (the one the emulator validates with and documents) against the
// verbatim wire schema and the docs' conditional rules, kept as data in schemas/upstream/.

/** The schema as JSON (TypeBox's symbol keys dropped), with `description` and `allOf` taken out. */
function wireOf (schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value) => (key === 'description' || key === 'allOf') ? undefined : value)
}

/** Every `allOf` of the schema, by the path of the object that carries it. */
function allOfsOf (schema: unknown, path = '#', found = new Map<string, unknown[]>()): Map<string, unknown[]> {
  if (Array.isArray(schema)) schema.forEach((s, i) => allOfsOf(s, `${path}/${i}`, found))
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'allOf') found.set(path, value as unknown[])
      else allOfsOf(value, `${path}/${key}`, found)
    }
  }
  return found
}

/** An allOf entry read back as one rule, if and only if it has exactly the if/then shape of one. */
function ruleOf (entry: unknown): [string, string[]] | undefined {
  const e = entry as { if?: any, then?: any }
  const values = e.if?.properties?.configType?.enum
  const field = e.then?.required?.[0]
  const expected = { if: { required: ['configType'], properties: { configType: { enum: values } } }, then: { required: [field] } }
  return JSON.stringify(entry) === JSON.stringify(expected) && typeof field === 'string' ? [field, values] : undefined
}

const emitted = JSON.parse(JSON.stringify(UpdateDeploymentBodySchema))

t.test('the TypeBox body schema, without descriptions and conditional blocks, is the verbatim wire schema', async (t) => {
  t.strictSame(wireOf(UpdateDeploymentBodySchema), WIRE_SCHEMA)
})

t.test('the comparison sees a change on either side', async (t) => {
  const changedPattern = structuredClone(WIRE_SCHEMA)
  changedPattern.oneOf[0].properties.external.properties.credentials.pattern = '^[A-Za-z0-9_-]+$'
  t.strictNotSame(wireOf(UpdateDeploymentBodySchema), changedPattern, 'a changed pattern')
  const extraKeyword = structuredClone(emitted)
  extraKeyword.oneOf[1].properties.internal.properties.branch.minLength = 1
  t.strictNotSame(wireOf(extraKeyword), WIRE_SCHEMA, 'a keyword the wire schema does not have')
  const droppedRule = structuredClone(emitted)
  droppedRule.oneOf[2].properties.docker.allOf.pop()
  t.not(JSON.stringify(allOfsOf(droppedRule).get('#/oneOf/2/properties/docker')), JSON.stringify(allOfsOf(emitted).get('#/oneOf/2/properties/docker')), 'a dropped rule')
})

t.test('the TypeBox schema carries the wire schema\'s patterns byte for byte', async (t) => {
  const wire = WIRE_SCHEMA.oneOf
  t.equal(IMAGE_PATH_PATTERN, wire[0].properties.external.properties.imagePath.pattern)
  t.equal(CREDENTIALS_PATTERN, wire[0].properties.external.properties.credentials.pattern)
  t.equal(BUILD_SERVICE_ID_PATTERN, wire[1].properties.internal.properties.id.pattern)
})

t.test('each docker and buildpack object has exactly the documented conditional rules, and nothing else has any', async (t) => {
  const allOfs = allOfsOf(emitted)
  const expectedPaths = ['#/oneOf/0/properties/docker', '#/oneOf/1/properties/buildpack', '#/oneOf/1/properties/docker',
    '#/oneOf/2/properties/buildpack', '#/oneOf/2/properties/docker']
  t.strictSame([...allOfs.keys()].sort(), expectedPaths.sort())
  for (const [path, entries] of allOfs) {
    const kind = path.endsWith('docker') ? 'docker' : 'buildpack'
    const parsed = entries.map(ruleOf)
    t.notOk(parsed.includes(undefined), `${path}: every allOf entry is an if/then rule`)
    const found: ConditionalRules[typeof kind] = Object.fromEntries(parsed.filter((r) => r !== undefined))
    t.strictSame(found, CONDITIONAL_RULES[kind], `${path}: the rules of the docs page`)
  }
})

t.test('the documented rules name only fields and configType values the wire schema has', async (t) => {
  for (const kind of ['docker', 'buildpack'] as const) {
    const block = WIRE_SCHEMA.oneOf[2].properties[kind]
    for (const [field, values] of Object.entries(CONDITIONAL_RULES[kind])) {
      t.ok(Object.hasOwn(block.properties, field), `${kind}.${field} is a property`)
      for (const value of values) t.ok(block.properties.configType.enum.includes(value), `${kind} configType ${value} exists`)
    }
  }
})

/** The body schemas the official CLI embeds (its `defaults` export), descriptions and all. */
const CLI_BODIES = (() => {
  const { defaults } = createRequire(import.meta.url)('@northflank/cli/dist/defaults.js')
  return { service: defaults.update.service.deployment.opt.body, job: defaults.update.job.deployment.opt.body }
})()

/** A schema without its words: `description` and `example`, which the wire files leave out. */
function withoutWords (schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value) => (key === 'description' || key === 'example') ? undefined : value)
}

/** Every place two JSON values differ, as JSON pointers with both values. */
function differences (a: unknown, b: unknown, at = ''): Array<{ at: string, a: unknown, b: unknown }> {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    return keys.flatMap((k) => differences((a as any)[k], (b as any)[k], `${at}/${k}`))
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ at, a, b }]
}

t.test('the official CLI embeds exactly the wire schemas kept in schemas/upstream/, for the service and the job endpoint', async (t) => {
  t.strictSame(withoutWords(CLI_BODIES.service), WIRE_SCHEMA, 'update service deployment')
  t.strictSame(withoutWords(CLI_BODIES.job), JOB_WIRE_SCHEMA, 'update job deployment')
})

t.test('the job endpoint takes the service endpoint\'s bodies: the day upstream splits them, the shared TypeBox schema must split too', async (t) => {
  t.strictSame(JOB_WIRE_SCHEMA, WIRE_SCHEMA)
  t.strictSame(wireOf(UpdateJobDeploymentBodySchema), JOB_WIRE_SCHEMA, 'the TypeBox job body schema is the job wire schema')
  t.strictSame(differences(CLI_BODIES.job, CLI_BODIES.service), [
    { at: '/oneOf/2/description', a: 'Don\'t modify the deployment.', b: 'Don\'t modify the deployment' }
  ], 'upstream, the two differ in one description only')
  t.equal((UpdateJobDeploymentBodySchema as any).oneOf[2].description, 'Don\'t modify the deployment.', 'which the job schema carries')
})

t.test('the conditional rules the CLI\'s descriptions state in words, for either endpoint, are those of rules.json', async (t) => {
  for (const [endpoint, body] of Object.entries(CLI_BODIES)) {
    for (const kind of ['docker', 'buildpack'] as const) {
      const block = body.oneOf[kind === 'docker' ? 0 : 2].properties[kind]
      const stated: Record<string, string[]> = {}
      for (const [field, schema] of Object.entries(block.properties as Record<string, { description?: string }>)) {
        const words = /Required in case where `configType` is (.+)$/.exec(schema.description ?? '')?.[1]
        if (words !== undefined) stated[field] = [...words.matchAll(/`(\w+)`/g)].map(([, v]) => v as string)
      }
      t.strictSame(stated, CONDITIONAL_RULES[kind], `${endpoint} ${kind}`)
    }
  }
})
