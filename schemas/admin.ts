/**
 * The admin API under /_mock/ (not Northflank's: the emulator's own control plane): health, reset, state,
 * fixtures and the request journal. Query strings arrive as text and the validator does not coerce, so
 * numbers in queries are digit strings, converted by the routes.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { BuildpackConfigSchema, DockerConfigSchema } from './deployment.js'
import { TokenFixtureSchema } from './fixtures.js'
import { BUILD_SERVICE_ID_PATTERN } from './patterns.js'
import { MethodSchema, RolloutStateSchema } from './faults.js'
import { JOB_TYPES, type JobType } from './job.js'
import { SERVICE_TYPES, type ServiceType } from './service.js'

export const ADMIN_TAG = 'Mock admin'

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  ready: Type.Boolean({ description: 'Fixtures are loaded and the API answers' }),
  name: Type.Literal('northflank-mock'),
  version: Type.String(),
  uptime: Type.Number({ description: 'Seconds since start' }),
  isolation: Type.Boolean({ description: 'Whether each API token has its own state (namespace)' }),
  journalCapacity: Type.Integer({ description: 'How many requests each journal keeps' }),
  journalBytes: Type.Integer({ description: 'How many bytes all journals keep together' })
})
export type Health = Static<typeof HealthSchema>

const Token = Type.String({
  minLength: 1,
  description: 'Isolation only: the API token whose namespace to use; absent: every namespace'
})

/** Most admin operations take a namespace scope. */
export const ScopeQuerySchema = Type.Object({ token: Type.Optional(Token) }, { additionalProperties: false })
export type ScopeQuery = Static<typeof ScopeQuerySchema>

export const ResetQuerySchema = Type.Object({
  token: Type.Optional(Token),
  project: Type.Optional(Type.String({ minLength: 1, description: 'Reset only this project: its state and its journal entries (fault rules, latency, clock and rate limits are shared, and stay)' }))
}, { additionalProperties: false })
export type ResetQuery = Static<typeof ResetQuerySchema>

export const ResetResultSchema = Type.Object({
  reset: Type.Object({
    token: Type.Union([Type.String(), Type.Null()]),
    project: Type.Union([Type.String(), Type.Null()])
  })
})
export type ResetResult = Static<typeof ResetResultSchema>

const STATUS_PATTERN = '^(0|[1-5][0-9][0-9])$'
const DIGITS_PATTERN = '^[0-9]{1,7}$'

const journalFilters = {
  token: Type.Optional(Token),
  method: Type.Optional(MethodSchema('HTTP method')),
  project: Type.Optional(Type.String({ minLength: 1, description: 'The projectId path parameter' })),
  service: Type.Optional(Type.String({ minLength: 1, description: 'The serviceId path parameter' })),
  job: Type.Optional(Type.String({ minLength: 1, description: 'The jobId path parameter' })),
  status: Type.Optional(Type.String({ pattern: STATUS_PATTERN, description: 'The HTTP status answered, e.g. 200; 0: dropped connections' }))
}

export const CountQuerySchema = Type.Object(journalFilters, { additionalProperties: false })
export type CountQuery = Static<typeof CountQuerySchema>

export const JournalQuerySchema = Type.Object({
  ...journalFilters,
  limit: Type.Optional(Type.String({ pattern: DIGITS_PATTERN, description: 'Only the last N matching entries' }))
}, { additionalProperties: false })
export type JournalQuery = Static<typeof JournalQuerySchema>

const SEQ_PATTERN = '^[0-9]{1,15}$'

export const JournalStreamQuerySchema = Type.Object({
  ...journalFilters,
  since: Type.Optional(Type.String({
    pattern: SEQ_PATTERN,
    description: 'First send the matching entries the journal holds with a seq above this (0: all of them), then new ones'
  }))
}, { additionalProperties: false })
export type JournalStreamQuery = Static<typeof JournalStreamQuerySchema>

/** The header naming an isolation namespace by its API token, as `?token=` does (src/routes/admin/scope.ts). */
export const NAMESPACE_HEADER = 'x-mock-namespace'

const namespaceHeader = {
  [NAMESPACE_HEADER]: Type.Optional(Type.String({
    minLength: 1,
    description: 'Isolation only: the API token whose namespace to use, as `token` does, kept out of the URL'
  }))
}

/** The headers of every admin route that takes a namespace scope. */
export const NamespaceHeadersSchema = Type.Object(namespaceHeader)

export const JournalStreamHeadersSchema = Type.Object({
  ...namespaceHeader,
  'last-event-id': Type.Optional(Type.String({
    pattern: SEQ_PATTERN,
    description: 'Sent by a reconnecting EventSource: as `since`, and the larger of the two wins'
  }))
})

export const JournalEntrySchema = Type.Object({
  seq: Type.Integer({ description: 'Order of arrival, across the emulator' }),
  time: Type.String({ format: 'date-time', description: 'When the request arrived (wall clock)' }),
  method: Type.String(),
  path: Type.String({ description: 'As sent, without the query string' }),
  query: Type.String({ description: 'The query string as sent, without "?"; empty when none' }),
  params: Type.Record(Type.String(), Type.String(), { description: 'Path parameters of the matched route' }),
  headers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
    description: 'Request headers; authorization redacted to "Bearer ***"'
  }),
  body: Type.Optional(Type.Unknown({ description: 'The request body: parsed JSON, or the text when not JSON; absent when not read' })),
  status: Type.Integer({ description: 'The HTTP status answered; 0: the connection was dropped (an injected fault)' }),
  response: Type.Optional(Type.Unknown({ description: 'The response body (parsed JSON)' })),
  durationMs: Type.Number({ description: 'From arrival to the response being sent' })
})
export type JournalEntry = Static<typeof JournalEntrySchema>

const Dropped = Type.Integer({
  description: 'Entries evicted (past the capacity or the byte budget) since the journal was last cleared or reset: ' +
    '0 means the journal holds every request since then'
})

export const JournalSchema = Type.Object({
  capacity: Type.Integer({ description: 'Entries kept per journal; older ones are dropped' }),
  total: Type.Integer({ description: 'Entries held now (before filtering)' }),
  dropped: Dropped,
  entries: Type.Array(JournalEntrySchema, { description: 'Matching entries, oldest first' })
})
export type JournalView = Static<typeof JournalSchema>

export const CountSchema = Type.Object({ count: Type.Integer(), dropped: Dropped })
export const ClearedSchema = Type.Object({ cleared: Type.Integer({ description: 'How many entries were removed' }) })

// The state as stored (src/domain/model.ts), with maps as objects keyed by id and sets as arrays.
const DockerStored = Type.Object(DockerConfigSchema.properties, { additionalProperties: false })
const BuildpackStored = Type.Object(BuildpackConfigSchema.properties, { additionalProperties: false })

export const ImageSourceStateSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('external'),
    imagePath: Type.String(),
    credentials: Type.Optional(Type.String())
  }, { additionalProperties: false }),
  Type.Object({
    kind: Type.Literal('internal'),
    buildServiceId: Type.String(),
    repository: Type.String({ description: 'The build service\'s repository' }),
    branch: Type.String(),
    buildSHA: Type.Optional(Type.String({ description: 'As asked: a SHA or "latest"' })),
    requestedBuildId: Type.Optional(Type.String()),
    buildId: Type.Optional(Type.String({ description: 'The build resolved; absent while none is available' })),
    deployedSHA: Type.Optional(Type.String())
  }, { additionalProperties: false })
])

/**
 * Project and service ids in a state, as in fixtures (a letter, then letters, digits and single dashes),
 * also where they key an object: `__proto__` and its like can never become a key.
 */
const StateId = Type.String({ pattern: BUILD_SERVICE_ID_PATTERN, minLength: 1, maxLength: 54 })
const keyedById = <T extends TSchema> (value: T, description: string) =>
  Type.Record(StateId, value, { additionalProperties: false, description })

export const ServiceStateSchema = Type.Object({
  id: StateId,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  serviceType: Type.Unsafe<ServiceType>({ type: 'string', enum: [...SERVICE_TYPES] }),
  tags: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  builder: Type.Optional(Type.Object({
    repository: Type.String(),
    branch: Type.String({ description: 'The default branch' }),
    builds: Type.Optional(Type.Array(Type.Object({
      id: Type.String({ minLength: 1 }),
      branch: Type.String(),
      sha: Type.String(),
      createdAt: Type.String({ format: 'date-time' })
    }, { additionalProperties: false }), { description: 'Absent: builds unknown, any commit is taken' }))
  }, { additionalProperties: false, description: 'Build and combined services: what they build' })),
  deployment: Type.Optional(Type.Object({
    source: Type.Optional(ImageSourceStateSchema),
    docker: DockerStored,
    buildpack: BuildpackStored,
    instances: Type.Integer({ minimum: 0 })
  }, { additionalProperties: false })),
  status: Type.Object({
    rollout: Type.Optional(Type.Object(RolloutStateSchema.properties, {
      additionalProperties: false,
      description: 'The latest rollout; GET service derives status.deployment from it and the clock'
    }))
  }, { additionalProperties: false })
}, { additionalProperties: false })
export type ServiceState = Static<typeof ServiceStateSchema>

export const JobStateSchema = Type.Object({
  id: StateId,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  jobType: Type.Unsafe<JobType>({ type: 'string', enum: [...JOB_TYPES] }),
  tags: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  schedule: Type.Optional(Type.String({ description: 'Cron jobs: the schedule' })),
  deployment: Type.Object({
    source: Type.Optional(ImageSourceStateSchema),
    docker: DockerStored,
    buildpack: BuildpackStored
  }, { additionalProperties: false, description: 'What the next run uses' })
}, { additionalProperties: false })
export type JobState = Static<typeof JobStateSchema>

export const ProjectStateSchema = Type.Object({
  id: StateId,
  name: Type.String(),
  region: Type.String(),
  services: keyedById(ServiceStateSchema, 'Keyed by service id'),
  jobs: Type.Optional(keyedById(JobStateSchema, 'Keyed by job id; absent: none'))
}, { additionalProperties: false })
export type ProjectState = Static<typeof ProjectStateSchema>

export const StateDumpSchema = Type.Object({
  projects: keyedById(ProjectStateSchema, 'Keyed by project id'),
  tokens: Type.Optional(Type.Array(TokenFixtureSchema, { description: 'Absent: any bearer token is accepted' }))
}, { additionalProperties: false, description: 'Everything the emulated API reads and changes' })
export type StateDump = Static<typeof StateDumpSchema>

/** The state file (--state-file): the fixtures reset returns to, and the state as it was at shutdown. */
export const StateFileSchema = Type.Object({
  format: Type.Literal('northflank-mock-state'),
  version: Type.Literal(1),
  savedAt: Type.String({ format: 'date-time' }),
  fixtures: Type.Unknown({ description: 'A fixtures document, checked as --fixtures is' }),
  state: StateDumpSchema
}, { additionalProperties: false })
export type StateFile = Static<typeof StateFileSchema>
