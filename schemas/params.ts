import { Type, type Static } from '@sinclair/typebox'

// Path parameters are plain strings upstream ("string required"); an unknown id is a 404, not a 400.
export const ServiceParamsSchema = Type.Object({
  projectId: Type.String({ description: 'ID of the project' }),
  serviceId: Type.String({ description: 'ID of the service' }),
  teamId: Type.Optional(Type.String({ description: 'ID of the team (team-scoped routes only)' }))
})
export type ServiceParams = Static<typeof ServiceParamsSchema>
