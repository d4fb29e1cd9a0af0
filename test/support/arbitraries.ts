/**
 * fast-check generators for deployment bodies: valid ones, built from the wire schema's shapes and the
 * docs' rules, and near-misses around every edge the schema has (pattern classes and their boundary
 * characters, length limits, wrong types, unknown keys at each level, mixed variants, missing conditional
 * fields). Every string stays short (≤ MAX_STRING): the verbatim imagePath pattern, which the independent
 * validator runs as is, backtracks badly on long strings that fail it.
 */
import fc from 'fast-check'
import { BUILD_SERVICE_ID_PATTERN, IMAGE_PATH_PATTERN } from '../../schemas/patterns.js'
import { CONDITIONAL_RULES, WIRE_SCHEMA } from './upstream.js'

export const MAX_STRING = 120

const variants = WIRE_SCHEMA.oneOf
const DOCKER_TYPES: string[] = variants[2].properties.docker.properties.configType.enum
const BUILDPACK_TYPES: string[] = variants[2].properties.buildpack.properties.configType.enum

/**
 * Characters at and just past each class boundary of the patterns: `,-.` around '-', '.' and '/' around
 * '/-9', '9:;' past the digits, '@AZ[' and '`az{' around the letters, '^_`' around '_', plus space,
 * controls, non-ASCII and an astral character.
 */
export const BOUNDARY_CHARS = [
  ',', '-', '.', '/', '0', '9', ':', ';', '@', 'A', 'Z', '[', '\\', '^', '_', '`', 'a', 'z', '{', '~',
  ' ', '\t', '\n', '\u0000', '\u007f', 'é', 'İ', '\u2028', '😀'
]

/** Pieces of image references: schemes (and broken ones), the registry's /v1, separators, digests. */
const IMAGE_TOKENS = [
  'http://', 'https://', 'htp://', 'https:/', 'HTTP://', '/v1', '/v1/', 'v1', '/v2', '//', 'registry.example.com',
  'ghcr.io', 'localhost', 'a-b', 'org', '/', '.', '-', '_', ':', '@', 'latest', 'sha256:', 'abc123', 'nginx', '5000'
]

const boundaryString = (maxLength: number) => fc.array(fc.constantFrom(...BOUNDARY_CHARS), { maxLength }).map((cs) => cs.join(''))

/** Any JSON value that is not a string: for "wrong type" at a string or object position. */
export const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 })
)
const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 }), fc.array(fc.integer(), { maxLength: 2 })
)

/** A key no object of the body declares, or one declared at another level. */
const unknownKey = fc.oneof(
  fc.constantFrom('bogus', 'Docker', 'imagepath', 'external ', '', 'image_path', 'configtype', 'data',
    'external', 'internal', 'docker', 'buildpack', 'imagePath', 'credentials', 'id', 'branch', 'buildSHA', 'buildId',
    'configType', 'customProcess', 'customEntrypoint', 'customCommand'),
  fc.string({ maxLength: 12 })
).filter((k) => k !== '__proto__')

/** `value` with one extra key (which may be a declared key of another level). */
function withUnknownKey (value: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(value, unknownKey, fc.jsonValue({ maxDepth: 1 })).map(([v, k, x]) => ({ ...v, [k]: x }))
}

/** A string made by editing a valid one: a character inserted, replaced or removed, or cut short. */
function mutated (valid: fc.Arbitrary<string>, alphabet: string[]): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.nat(), fc.constantFrom(...alphabet), fc.constantFrom('insert', 'replace', 'delete', 'truncate'))
    .map(([s, at, c, how]) => {
      const i = s.length === 0 ? 0 : at % (s.length + 1)
      if (how === 'insert') return s.slice(0, i) + c + s.slice(i)
      if (how === 'replace') return s.slice(0, i) + c + s.slice(i + 1)
      if (how === 'delete') return s.slice(0, i) + s.slice(i + 1)
      return s.slice(0, i)
    })
}

// external.imagePath
export const validImagePath = fc.stringMatching(new RegExp(IMAGE_PATH_PATTERN), { size: 'small' }).filter((s) => s.length <= MAX_STRING)
export const imagePathCandidate: fc.Arbitrary<string> = fc.oneof(
  validImagePath,
  mutated(validImagePath, [...BOUNDARY_CHARS, ...IMAGE_TOKENS]),
  fc.array(fc.constantFrom(...IMAGE_TOKENS, ...BOUNDARY_CHARS), { maxLength: 12 }).map((ts) => ts.join('')),
  boundaryString(12)
).filter((s) => s.length <= MAX_STRING)

// external.credentials: ^[A-Za-z0-9-]+$
const validCredentials = fc.stringMatching(/^[A-Za-z0-9-]+$/, { size: 'small' }).filter((s) => s.length <= MAX_STRING)
const credentialsCandidate = fc.oneof(validCredentials, mutated(validCredentials, BOUNDARY_CHARS), boundaryString(6))

// internal.id: the pattern, 3 to 54 characters
export const validBuildServiceId = fc.stringMatching(new RegExp(BUILD_SERVICE_ID_PATTERN))
  .filter((s) => s.length >= 3 && s.length <= 54)
/** Ids of every length from 0 to 60, the limits 2, 3, 4 and 53, 54, 55 often, in and out of the pattern. */
export const buildServiceIdCandidate: fc.Arbitrary<string> = fc.oneof(
  validBuildServiceId,
  mutated(validBuildServiceId, [...BOUNDARY_CHARS, '--']),
  fc.tuple(fc.oneof(fc.constantFrom(2, 3, 4, 53, 54, 55), fc.integer({ min: 0, max: 60 })), fc.constantFrom('a', 'Z', 'a-', 'a0', '9', '-', '_'), fc.constantFrom('', 'a', '0', '-', 'é'))
    .map(([n, unit, end]) => ('b' + unit.repeat(n)).slice(0, Math.max(0, n - end.length)) + end)
)

// internal.buildSHA: 40 characters, or "latest"
const sha40 = fc.string({ minLength: 40, maxLength: 40 })
export const buildSHACandidate: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant('latest'),
  sha40,
  fc.stringMatching(/^[0-9a-f]{40}$/),
  fc.string({ minLength: 39, maxLength: 41, unit: 'grapheme' }), // code points, not UTF-16 units
  fc.integer({ min: 38, max: 42 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('Latest', 'LATEST', 'latest ', ' latest', 'lates', ''),
  notAString
)

const anyText = fc.oneof(fc.string({ maxLength: 20 }), boundaryString(4))

/** A docker or buildpack object: configType (any of either kind's values, or junk), then some fields. */
function configCandidate (kind: 'docker' | 'buildpack'): fc.Arbitrary<unknown> {
  const fields = Object.keys(CONDITIONAL_RULES[kind])
  const object = fc.record({
    configType: fc.oneof(fc.constantFrom(...DOCKER_TYPES, ...BUILDPACK_TYPES), fc.constantFrom('Default', '', 'default '), notAString),
    ...Object.fromEntries(fields.map((f) => [f, fc.oneof({ weight: 4, arbitrary: anyText }, { weight: 1, arbitrary: notAString })]))
  }, { requiredKeys: [] })
  return fc.oneof({ weight: 6, arbitrary: object }, { weight: 1, arbitrary: withUnknownKey(object) }, { weight: 1, arbitrary: notAnObject })
}

/** A valid docker or buildpack object: a configType of its kind and every field that type requires. */
export function validConfig (kind: 'docker' | 'buildpack'): fc.Arbitrary<Record<string, string>> {
  const rules = CONDITIONAL_RULES[kind]
  const types = kind === 'docker' ? DOCKER_TYPES : BUILDPACK_TYPES
  return fc.tuple(fc.constantFrom(...types), fc.record(Object.fromEntries(Object.keys(rules).map((f) => [f, fc.string({ maxLength: 20 })])), { requiredKeys: [] }))
    .map(([configType, optional]) => {
      const required = Object.entries(rules).filter(([, values]) => values.includes(configType)).map(([f]) => [f, `run-${f}`])
      return { configType, ...optional, ...Object.fromEntries(required) }
    })
}

export const validBody: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    external: fc.record({ imagePath: validImagePath, credentials: validCredentials }, { requiredKeys: ['imagePath'] }),
    docker: validConfig('docker')
  }, { requiredKeys: ['external'] }),
  fc.record({
    internal: fc.record({
      id: validBuildServiceId,
      branch: fc.string({ maxLength: 20 }),
      buildSHA: fc.oneof(fc.constant('latest'), sha40),
      buildId: fc.string({ maxLength: 20 })
    }, { requiredKeys: [] }),
    buildpack: validConfig('buildpack'),
    docker: validConfig('docker')
  }, { requiredKeys: ['internal'] }),
  fc.record({ buildpack: validConfig('buildpack'), docker: validConfig('docker') }, { requiredKeys: [] })
)

const externalCandidate = fc.oneof(
  { weight: 6, arbitrary: fc.record({ imagePath: fc.oneof(imagePathCandidate, notAString), credentials: fc.oneof(credentialsCandidate, notAString) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: withUnknownKey(fc.record({ imagePath: validImagePath })) },
  { weight: 1, arbitrary: notAnObject }
)
const internalCandidate = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      id: fc.oneof(buildServiceIdCandidate, notAString),
      branch: fc.oneof(anyText, notAString),
      buildSHA: buildSHACandidate,
      buildId: fc.oneof(anyText, notAString)
    }, { requiredKeys: [] })
  },
  { weight: 1, arbitrary: withUnknownKey(fc.record({ id: validBuildServiceId }, { requiredKeys: [] })) },
  { weight: 1, arbitrary: notAnObject }
)

const EDITS = ['delete', 'wrongType', 'unknownKey', 'nearMiss', 'otherConfigType', 'addVariant'] as const

/** Every key path of a JSON value, the root (`[]`) included. */
function pathsOf (value: unknown, at: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [at]
  return [at, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))]
}

/**
 * A valid body with exactly one edit: a key removed (a required or conditionally required field among
 * them), a value of the wrong type, an unknown key in one of its objects, a string nudged by one boundary
 * character or cut, a configType swapped for another (of either kind), or a second variant's key added.
 */
export const nearMissBody: fc.Arbitrary<unknown> = fc.tuple(
  validBody, fc.nat(), fc.constantFrom(...EDITS), notAString, unknownKey,
  fc.constantFrom(...BOUNDARY_CHARS), fc.nat(), fc.constantFrom(...DOCKER_TYPES, ...BUILDPACK_TYPES),
  fc.constantFrom('external', 'internal', 'docker', 'buildpack')
).map(([valid, pick, edit, wrong, key, c, at, configType, variant]) => {
  const body = structuredClone(valid)
  const paths = pathsOf(body)
  const path = paths[pick % paths.length] as string[]
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], body)
  const last = path[path.length - 1]
  const target = last === undefined ? body : parent[last]
  switch (edit) {
    case 'delete':
      if (last !== undefined) delete parent[last]
      break
    case 'wrongType':
      if (last === undefined) return wrong
      parent[last] = typeof target === 'string' ? wrong : (typeof wrong === 'object' && wrong !== null ? [] : wrong)
      break
    case 'unknownKey':
      (typeof target === 'object' ? target : parent)[key] = 'x'
      break
    case 'nearMiss':
      if (typeof target === 'string' && last !== undefined) {
        const i = target.length === 0 ? 0 : at % (target.length + 1)
        parent[last] = at % 3 === 0 ? target.slice(0, i) : target.slice(0, i) + c + target.slice(i + (at % 3 === 1 ? 1 : 0))
      }
      break
    case 'otherConfigType':
      if (last === 'configType') parent[last] = configType
      break
    case 'addVariant':
      body[variant] = variant === 'external' ? { imagePath: 'nginx:latest' } : variant === 'internal' ? {} : { configType: 'default' }
      break
  }
  return body
})

/**
 * Bodies on both sides of the line: any mix of the top-level keys (so mixed variants, and buildpack
 * with external), each value valid, nearly valid or of the wrong type, sometimes an unknown top-level key,
 * sometimes not an object at all.
 */
export const candidateBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: validBody },
  { weight: 6, arbitrary: nearMissBody },
  {
    weight: 4,
    arbitrary: fc.record({
      external: externalCandidate,
      internal: internalCandidate,
      docker: configCandidate('docker'),
      buildpack: configCandidate('buildpack')
    }, { requiredKeys: [] })
  },
  { weight: 1, arbitrary: withUnknownKey(validBody) },
  { weight: 1, arbitrary: notAnObject }
)

/** What a fixture holds, for bodies that name it. */
export interface KnownNames { ids: string[], branches: string[], buildIds: string[], shas: string[] }

/**
 * Valid bodies whose internal fields often name what the fixtures hold (build services, branches, builds,
 * commits, or ids that are not build services), so that they reach the rules behind the schema, not only
 * its 404s. Every body is valid on the wire.
 */
export function validBodyNaming (known: KnownNames): fc.Arbitrary<Record<string, unknown>> {
  const often = <T>(values: T[], other: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: other })
  const internal = fc.record({
    id: often(known.ids, validBuildServiceId),
    branch: often(known.branches, fc.string({ maxLength: 20 })),
    buildSHA: often(['latest', ...known.shas], sha40),
    buildId: often(known.buildIds, fc.string({ maxLength: 20 }))
  }, { requiredKeys: [] })
  return fc.oneof(
    { weight: 1, arbitrary: validBody },
    { weight: 3, arbitrary: fc.record({ internal, buildpack: validConfig('buildpack'), docker: validConfig('docker') }, { requiredKeys: ['internal'] }) }
  )
}
