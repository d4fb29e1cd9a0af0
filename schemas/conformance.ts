/**
 * The report of `northflank-mock conformance` (docs/conformance.md): what each probe sent, what the target
 * and the emulator answered, and whether they agree. A report committed under test/parity/ is a snapshot
 * that the test suite replays against the emulator, so this schema also checks the snapshots.
 */
import { Type, type Static } from '@sinclair/typebox'
import { FixturesSchema } from './fixtures.js'

function StringEnum<const T extends readonly string[]> (values: T, description: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description })
}

/** A string of one character repeated, standing where FILL_MARKER stands in the body and the headers. */
export const FILL_MARKER = '{{fill}}'
/** The largest fill a probe sends: a little over the emulator's default body limit (1 MiB). */
export const MAX_FILL = 2 * 1024 * 1024

export const AUTH_KINDS = ['user', 'none', 'malformed', 'unknown'] as const
export type AuthKind = typeof AUTH_KINDS[number]

export const ProbeRequestSchema = Type.Object({
  method: Type.String({ minLength: 1 }),
  path: Type.String({ pattern: '^/', description: 'The request target as sent, percent-escapes and all' }),
  auth: StringEnum(AUTH_KINDS, 'user: the token of the run (never written down); none: no Authorization header; ' +
    'malformed: not a Bearer header; unknown: a Bearer token nobody has'),
  headers: Type.Record(Type.String(), Type.String(), { description: 'Headers besides Authorization, e.g. content-type' }),
  body: Type.Union([Type.String(), Type.Null()], { description: 'The body as sent; null: none' }),
  fill: Type.Optional(Type.Object({
    char: Type.String({ minLength: 1, maxLength: 1 }),
    count: Type.Integer({ minimum: 0, maximum: MAX_FILL })
  }, { additionalProperties: false, description: `What ${FILL_MARKER} stands for in the body and the headers: char × count` }))
}, { additionalProperties: false })
export type ProbeRequest = Static<typeof ProbeRequestSchema>

export const CompareSchema = Type.Object({
  status: StringEnum(['exact', 'class'] as const, 'exact: the same status; class: the same class (2xx, 4xx…)'),
  body: StringEnum(['shape', 'covers', 'none'] as const,
    'shape: the same keys and JSON types, recursively; covers: the target has every key the emulator answers, with the ' +
    'same type (a read shows fields the emulator does not emulate); none: not compared'),
  values: Type.Array(Type.String({ pattern: '^/' }), { description: 'JSON pointers whose values must be equal' }),
  headers: Type.Array(Type.String(), { description: 'Headers both answers must carry' })
}, { additionalProperties: false })
export type Compare = Static<typeof CompareSchema>

export const SAFETY = ['read', 'token', 'schema', 'absent', 'deploy'] as const
export type Safety = typeof SAFETY[number]

export const AnswerSchema = Type.Object({
  status: Type.Integer(),
  headers: Type.Record(Type.String(), Type.String(), { description: 'The headers compared, and x-northflank-mock when sent' }),
  body: Type.Optional(Type.Unknown({ description: 'The body, when it is JSON (not kept when the probe compares nothing in it)' })),
  text: Type.Optional(Type.String({ description: 'The body, when it is not JSON or nests too deep (cut to 2000 characters)' }))
}, { additionalProperties: false })
export type Answer = Static<typeof AnswerSchema>

export const ProbeRecordSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  rule: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'The rule of docs/fidelity.md the probe is for' }),
  safety: StringEnum(SAFETY, 'Why the request cannot change the target (docs/conformance.md)'),
  request: ProbeRequestSchema,
  compare: CompareSchema,
  target: AnswerSchema,
  emulator: AnswerSchema,
  agree: Type.Boolean(),
  differences: Type.Array(Type.String())
}, { additionalProperties: false })
export type ProbeRecord = Static<typeof ProbeRecordSchema>

export const ReportSchema = Type.Object({
  target: Type.String({ description: 'The URL of the API measured' }),
  date: Type.String({ format: 'date-time' }),
  version: Type.String({ description: 'The emulator\'s version' }),
  complete: Type.Boolean({ description: 'Every probe was sent' }),
  stopped: Type.Union([Type.String(), Type.Null()], { description: 'Why the run stopped early; null when complete' }),
  redacted: Type.Boolean({ description: 'Project, service, job and team ids are placeholders' }),
  targetIsEmulator: Type.Boolean({ description: 'The target answered with x-northflank-mock: it is an emulator, not Northflank' }),
  options: Type.Object({ job: Type.Boolean(), team: Type.Boolean(), allowDeploy: Type.Boolean() }, { additionalProperties: false }),
  requests: Type.Object({ target: Type.Integer({ minimum: 0 }), emulator: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  mirror: FixturesSchema,
  notes: Type.Array(Type.String()),
  probes: Type.Array(ProbeRecordSchema)
}, { additionalProperties: false })
export type Report = Static<typeof ReportSchema>
