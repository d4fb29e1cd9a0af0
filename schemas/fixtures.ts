/**
 * The fixtures document: the projects, services, builds and API tokens the emulator starts with
 * (`--fixtures FILE` or `NORTHFLANK_MOCK_FIXTURES`). Deployments in it use the request body's own shapes,
 * so a fixture can hold nothing the real API would refuse.
 */
import { Type, type Static } from '@sinclair/typebox'
import { BuildpackConfigSchema, DockerConfigSchema, ExternalSourceSchema, InternalSourceSchema } from './deployment.js'
import { FaultRuleInputSchema } from './faults.js'
import { JOB_TYPES, type JobType } from './job.js'
import { BUILD_SERVICE_ID_PATTERN } from './patterns.js'

const Id = (description: string) => Type.String({ pattern: BUILD_SERVICE_ID_PATTERN, minLength: 1, maxLength: 54, description })

export const BuildFixtureSchema = Type.Object({
  id: Type.String({ minLength: 1, description: 'Build id, e.g. premium-guide-6393' }),
  branch: Type.String({ minLength: 1 }),
  sha: Type.String({ minLength: 40, maxLength: 40, description: 'The commit built' }),
  createdAt: Type.Optional(Type.String({ format: 'date-time' }))
}, { additionalProperties: false })
export type BuildFixture = Static<typeof BuildFixtureSchema>

export const ServiceFixtureSchema = Type.Object({
  id: Id('Service id'),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  serviceType: Type.Unsafe<'deployment' | 'combined' | 'build'>({ type: 'string', enum: ['deployment', 'combined', 'build'] }),
  tags: Type.Optional(Type.Array(Type.String())),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** Build and combined services: the repository and default branch they build. */
  repository: Type.Optional(Type.String()),
  branch: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Build and combined services: the builds that exist. Absent: builds are unlisted, and any commit, build
   * id or branch's latest is taken as built.
   */
  builds: Type.Optional(Type.Array(BuildFixtureSchema)),
  /** Deployment and combined services: what runs now. */
  deployment: Type.Optional(Type.Object({
    external: Type.Optional(ExternalSourceSchema),
    internal: Type.Optional(InternalSourceSchema),
    docker: Type.Optional(DockerConfigSchema),
    buildpack: Type.Optional(BuildpackConfigSchema),
    instances: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 }))
  }, { additionalProperties: false }))
}, { additionalProperties: false })
export type ServiceFixture = Static<typeof ServiceFixtureSchema>

export const JobFixtureSchema = Type.Object({
  id: Id('Job id'),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  jobType: Type.Unsafe<JobType>({ type: 'string', enum: [...JOB_TYPES] }),
  /** Cron jobs only: the schedule GET job shows (default `0 * * * *`). */
  schedule: Type.Optional(Type.String({ minLength: 1 })),
  tags: Type.Optional(Type.Array(Type.String())),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** What the job's next run uses: external or internal (exactly one), as the update body writes them. */
  deployment: Type.Object({
    external: Type.Optional(ExternalSourceSchema),
    internal: Type.Optional(InternalSourceSchema),
    docker: Type.Optional(DockerConfigSchema),
    buildpack: Type.Optional(BuildpackConfigSchema)
  }, { additionalProperties: false })
}, { additionalProperties: false })
export type JobFixture = Static<typeof JobFixtureSchema>

export const ProjectFixtureSchema = Type.Object({
  id: Id('Project id'),
  name: Type.Optional(Type.String()),
  region: Type.Optional(Type.String({ minLength: 1 })),
  services: Type.Array(ServiceFixtureSchema),
  /** Jobs; absent: none. */
  jobs: Type.Optional(Type.Array(JobFixtureSchema))
}, { additionalProperties: false })
export type ProjectFixture = Static<typeof ProjectFixtureSchema>

export const TokenFixtureSchema = Type.Object({
  token: Type.String({ minLength: 1 }),
  /** Permission names as the docs write them; absent: every permission. */
  permissions: Type.Optional(Type.Array(Type.String())),
  /** Project ids this token may use; absent: every project. */
  projects: Type.Optional(Type.Array(Type.String()))
}, { additionalProperties: false })
export type TokenFixture = Static<typeof TokenFixtureSchema>

export const FixturesSchema = Type.Object({
  projects: Type.Array(ProjectFixtureSchema),
  /** When present, only these tokens are accepted (401 otherwise); absent: any bearer token is. */
  tokens: Type.Optional(Type.Array(TokenFixtureSchema)),
  /** Fault rules in place at start and after every reset, as POST /_mock/faults takes them. */
  faults: Type.Optional(Type.Array(FaultRuleInputSchema, { maxItems: 100 })) // MAX_RULES (src/domain/faults.ts)
}, { additionalProperties: false })
export type Fixtures = Static<typeof FixturesSchema>
