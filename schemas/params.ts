import { Type, type Static } from '@sinclair/typebox'

// Path parameters are plain strings upstream ("string required"); an unknown id is a 404, not a 400.
export const ServiceParamsSchema = Type.Object({
  projectId: Type.String({ description: 'ID of the project' }),
  serviceId: Type.String({ description: 'ID of the service' })
})
export type ServiceParams = Static<typeof ServiceParamsSchema>

/** The team-scoped alias of each route (docs/northflank-contract.md, "The endpoint") has the team's id too. */
export const TeamServiceParamsSchema = Type.Object({
  teamId: Type.String({ description: 'ID of the team' }),
  ...ServiceParamsSchema.properties
})
export type TeamServiceParams = Static<typeof TeamServiceParamsSchema>

export const JobParamsSchema = Type.Object({
  projectId: Type.String({ description: 'ID of the project' }),
  jobId: Type.String({ description: 'ID of the job' })
})
export type JobParams = Static<typeof JobParamsSchema>

export const TeamJobParamsSchema = Type.Object({
  teamId: Type.String({ description: 'ID of the team' }),
  ...JobParamsSchema.properties
})
