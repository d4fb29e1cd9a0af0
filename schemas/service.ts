/**
 * What the read endpoints answer (docs/northflank-contract.md, "What the read endpoints show"):
 * GET …/services/{serviceId}/deployment and GET …/services/{serviceId}. Also the response schemas Fastify serializes them with, so a field the
 * emulator does not declare here never leaks out.
 */
import { Type, type Static } from '@sinclair/typebox'
import { BuildpackConfigSchema, DockerConfigSchema } from './deployment.js'

// The run configurations as stored and read back: the request shapes without the if/then rules.
export const DockerRead = Type.Object(DockerConfigSchema.properties)
export const BuildpackRead = Type.Object(BuildpackConfigSchema.properties)
export const StorageRead = Type.Object({ ephemeralStorage: Type.Object({ storageSize: Type.Integer() }) })

export const REGISTRY_PROVIDERS = ['acr', 'ecr', 'gar', 'dockerhub', 'dhi', 'github', 'gitlab', 'custom', 'legacy'] as const
export type RegistryProvider = typeof REGISTRY_PROVIDERS[number]

export const ExternalRead = Type.Object({
  imagePath: Type.String(),
  registryProvider: Type.Unsafe<RegistryProvider>({ type: 'string', enum: [...REGISTRY_PROVIDERS] }),
  privateImage: Type.Boolean()
})

const internalFields = {
  nfObjectId: Type.String({ description: 'ID of the build service' }),
  nfObjectType: Type.Literal('service'),
  repository: Type.String(),
  branch: Type.String(),
  buildSHA: Type.String(),
  deployedSHA: Type.Optional(Type.String({ description: 'The commit running, once a build is deployed' }))
}

const common = {
  region: Type.Optional(Type.String()),
  instances: Type.Optional(Type.Integer()),
  docker: Type.Optional(DockerRead),
  buildpack: Type.Optional(BuildpackRead),
  storage: Type.Optional(StorageRead)
}

/** `internal` of GET …/deployment, for services and jobs alike. */
export const InternalRead = Type.Object({
  appId: Type.String(),
  ...internalFields,
  buildId: Type.Optional(Type.String({ description: 'Absent while no build is available' }))
})

export const DeploymentReadSchema = Type.Object({
  ...common,
  internal: Type.Optional(InternalRead),
  external: Type.Optional(ExternalRead)
})
export type DeploymentRead = Static<typeof DeploymentReadSchema>

/** In GET service, `deployment.internal` has no appId and no buildId. */
export const ServiceDeploymentReadSchema = Type.Object({
  ...common,
  internal: Type.Optional(Type.Object(internalFields)),
  external: Type.Optional(ExternalRead)
})

export const ROLLOUT_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const
export type RolloutStatus = typeof ROLLOUT_STATUSES[number]

export const DeploymentStatusSchema = Type.Object({
  status: Type.Unsafe<RolloutStatus>({ type: 'string', enum: [...ROLLOUT_STATUSES] }),
  reason: Type.Unsafe<'SCALING' | 'DEPLOYING'>({ type: 'string', enum: ['SCALING', 'DEPLOYING'] }),
  lastTransitionTime: Type.Optional(Type.String({ format: 'date-time' })),
  deployedSHA: Type.Optional(Type.String())
})
export type DeploymentStatus = Static<typeof DeploymentStatusSchema>

export const SERVICE_TYPES = ['combined', 'build', 'deployment'] as const
export type ServiceType = typeof SERVICE_TYPES[number]

export const ServiceReadSchema = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  tags: Type.Array(Type.String()),
  projectId: Type.String(),
  serviceType: Type.Unsafe<ServiceType>({ type: 'string', enum: [...SERVICE_TYPES] }),
  createdAt: Type.String({ format: 'date-time' }),
  disabledCI: Type.Boolean(),
  disabledCD: Type.Boolean(),
  billing: Type.Object({ deploymentPlan: Type.String() }),
  status: Type.Object({ deployment: Type.Optional(DeploymentStatusSchema) }),
  servicePaused: Type.Boolean(),
  ports: Type.Array(Type.Object({}, { additionalProperties: true })),
  deployment: Type.Optional(ServiceDeploymentReadSchema)
})
export type ServiceRead = Static<typeof ServiceReadSchema>

/** `{"data": …}`: every 200 of the API wraps its result so. */
export function DataEnvelope<T extends ReturnType<typeof Type.Object>> (data: T) {
  return Type.Object({ data })
}

export const EmptyDataSchema = DataEnvelope(Type.Object({}))
