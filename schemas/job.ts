/**
 * What the job read endpoints answer (docs/northflank-contract.md, "Jobs"): GET …/jobs/{jobId}/deployment
 * and GET …/jobs/{jobId}, with the fields of the official client's GetJobDeploymentResult and GetJobResult
 * that the emulator knows. Also the response schemas they are serialized with.
 */
import { Type, type Static } from '@sinclair/typebox'
import { BuildpackRead, DockerRead, ExternalRead, InternalRead, StorageRead } from './service.js'

export const JOB_TYPES = ['manual', 'cron'] as const
export type JobType = typeof JOB_TYPES[number]

/** `deployment` of GET job: where and how it runs, not what it runs (the client's GetJobResult has no source). */
const runFields = {
  region: Type.Optional(Type.String()),
  buildpack: Type.Optional(BuildpackRead),
  docker: Type.Optional(DockerRead),
  storage: Type.Optional(StorageRead)
}

/** GET …/jobs/{jobId}/deployment: exactly one of internal (a build service's build) or external (an image). */
export const JobDeploymentReadSchema = Type.Object({
  ...runFields,
  internal: Type.Optional(InternalRead),
  external: Type.Optional(ExternalRead)
})
export type JobDeploymentRead = Static<typeof JobDeploymentReadSchema>

export const JobReadSchema = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  name: Type.String(),
  tags: Type.Array(Type.String()),
  description: Type.Optional(Type.String()),
  projectId: Type.String(),
  jobType: Type.Unsafe<JobType>({ type: 'string', enum: [...JOB_TYPES] }),
  createdAt: Type.String({ format: 'date-time' }),
  disabledCI: Type.Boolean(),
  disabledCD: Type.Boolean(),
  deployment: Type.Optional(Type.Object(runFields)),
  billing: Type.Object({ deploymentPlan: Type.String() }),
  suspended: Type.Optional(Type.Boolean({ description: 'Cron jobs: whether scheduling is suspended' })),
  settings: Type.Object({
    cron: Type.Optional(Type.Object({
      schedule: Type.Optional(Type.String()),
      concurrencyPolicy: Type.Optional(Type.Unsafe<'Allow' | 'Forbid' | 'Replace'>({ type: 'string', enum: ['Allow', 'Forbid', 'Replace'] }))
    })),
    backoffLimit: Type.Integer(),
    activeDeadlineSeconds: Type.Integer()
  })
})
export type JobRead = Static<typeof JobReadSchema>
