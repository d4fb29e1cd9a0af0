/**
 * The body of POST /v1/projects/{projectId}/services/{serviceId}/deployment and of POST
 * /v1/projects/{projectId}/jobs/{jobId}/deployment, as TypeBox schemas.
 *
 * Emitted JSON equals the verbatim wire schema (docs/northflank-contract.md, "The request body"; kept as
 * schemas/upstream/… by the drift guard) plus two things: descriptions from the docs page, and `allOf` if/then blocks for the fields the
 * docs require in words ("Required in case where `configType` is …"). The two endpoints' wire schemas are
 * the same (test/contract/wire-schema.test.ts fails the day they differ), so they share every part but the
 * one description that differs upstream.
 */
import { Type, type Static } from '@sinclair/typebox'
import { BUILD_SERVICE_ID_PATTERN, CREDENTIALS_PATTERN, IMAGE_PATH_PATTERN } from './patterns.js'

/** `then: required [field]` whenever configType is one of `values`. */
function requiredWhen (field: string, values: string[]) {
  return {
    if: { required: ['configType'], properties: { configType: { enum: values } } },
    then: { required: [field] }
  }
}

export const DOCKER_CONFIG_TYPES = ['default', 'customEntrypoint', 'customCommand', 'customEntrypointCustomCommand'] as const
export const BUILDPACK_CONFIG_TYPES = [
  'default', 'customProcess', 'customCommand', 'customEntrypointCustomCommand', 'originalEntrypointCustomCommand'
] as const

/** Which configType values require which field (docs page, word for word). */
export const DOCKER_REQUIRED_WHEN = {
  customEntrypoint: ['customEntrypoint', 'customEntrypointCustomCommand'],
  customCommand: ['customCommand', 'customEntrypointCustomCommand']
}
export const BUILDPACK_REQUIRED_WHEN = {
  customProcess: ['customProcess'],
  customEntrypoint: ['customEntrypointCustomCommand'],
  customCommand: ['customCommand', 'customEntrypointCustomCommand', 'originalEntrypointCustomCommand']
}

/** A string enum written as the wire schema writes it (`type` + `enum`, not TypeBox's anyOf of consts). */
function StringEnum<const T extends readonly string[]> (values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

export const DockerConfigSchema = Type.Object({
  configType: StringEnum(DOCKER_CONFIG_TYPES, { description: 'Type of entrypoint & command override configuration' }),
  customEntrypoint: Type.Optional(Type.String({ description: 'Custom entrypoint which should be used.' })),
  customCommand: Type.Optional(Type.String({ description: 'Custom command which should be used.' }))
}, {
  additionalProperties: false,
  description: 'Allows for customization of docker runtime',
  allOf: Object.entries(DOCKER_REQUIRED_WHEN).map(([field, values]) => requiredWhen(field, values))
})
export type DockerConfig = Static<typeof DockerConfigSchema>

export const BuildpackConfigSchema = Type.Object({
  configType: StringEnum(BUILDPACK_CONFIG_TYPES, { description: 'Type of buildpack run configuration' }),
  customProcess: Type.Optional(Type.String({ description: 'Custom process which should be run.' })),
  customEntrypoint: Type.Optional(Type.String({ description: 'Custom entrypoint which should be run.' })),
  customCommand: Type.Optional(Type.String({ description: 'Custom command which should be run.' }))
}, {
  additionalProperties: false,
  description: 'Allows for customization of buildpack runtime',
  allOf: Object.entries(BUILDPACK_REQUIRED_WHEN).map(([field, values]) => requiredWhen(field, values))
})
export type BuildpackConfig = Static<typeof BuildpackConfigSchema>

export const ExternalSourceSchema = Type.Object({
  imagePath: Type.String({
    pattern: IMAGE_PATH_PATTERN,
    description: 'Image to be deployed. When not deploying from Dockerhub the URL must be specified.'
  }),
  credentials: Type.Optional(Type.String({
    pattern: CREDENTIALS_PATTERN,
    description: 'ID of the saved credentials to use to access this external image.'
  }))
}, { additionalProperties: false })

const CommitShaSchema = Type.String({ minLength: 40, maxLength: 40, description: 'A commit sha.' })
const LatestSchema = StringEnum(['latest'] as const, { description: 'Latest commit.' })

export const InternalSourceSchema = Type.Object({
  id: Type.Optional(Type.String({
    pattern: BUILD_SERVICE_ID_PATTERN, minLength: 3, maxLength: 54, description: 'ID of the build service to deploy'
  })),
  branch: Type.Optional(Type.String({ description: 'Branch to deploy' })),
  // The wire schema's own oneOf (not TypeBox's anyOf): the two branches cannot both match.
  buildSHA: Type.Optional(Type.Unsafe<string>({
    oneOf: [CommitShaSchema, LatestSchema],
    description: "Commit SHA to deploy, or 'latest' to deploy the most recent commit"
  })),
  buildId: Type.Optional(Type.String({ description: 'ID of the build that should be deployed' }))
}, { additionalProperties: false })

// Inlined at each use, as the wire schema does.
const docker = Type.Optional(DockerConfigSchema)
const buildpack = Type.Optional(BuildpackConfigSchema)

export const ExternalDeploymentSchema = Type.Object({
  external: ExternalSourceSchema,
  docker
}, { additionalProperties: false, description: 'An external deployment' })

export const InternalDeploymentSchema = Type.Object({
  internal: InternalSourceSchema,
  buildpack,
  docker
}, { additionalProperties: false, description: 'An internal deployment' })

export const UnchangedDeploymentSchema = Type.Object({
  buildpack,
  docker
}, { additionalProperties: false, description: "Don't modify the deployment" })

export type ExternalDeployment = Static<typeof ExternalDeploymentSchema>
export type InternalDeployment = Static<typeof InternalDeploymentSchema>
export type UnchangedDeployment = Static<typeof UnchangedDeploymentSchema>

/** The three variants, in the wire schema's order; `variantOf` relies on that order. */
export const DEPLOYMENT_VARIANTS = [ExternalDeploymentSchema, InternalDeploymentSchema, UnchangedDeploymentSchema]

export const UpdateDeploymentBodySchema = Type.Unsafe<ExternalDeployment | InternalDeployment | UnchangedDeployment>({
  oneOf: DEPLOYMENT_VARIANTS
})
export type UpdateDeploymentBody = Static<typeof UpdateDeploymentBodySchema>

/** The job endpoint's third variant: the service's, but for its description, which upstream ends with a period. */
export const UnchangedJobDeploymentSchema = Type.Object(UnchangedDeploymentSchema.properties, {
  additionalProperties: false,
  description: "Don't modify the deployment."
})

/** The job endpoint's variants, in the same order: `variantOf` chooses among them too. */
export const JOB_DEPLOYMENT_VARIANTS = [ExternalDeploymentSchema, InternalDeploymentSchema, UnchangedJobDeploymentSchema]

/** The body of POST …/jobs/{jobId}/deployment: the same bodies as the service endpoint's. */
export const UpdateJobDeploymentBodySchema = Type.Unsafe<UpdateDeploymentBody>({ oneOf: JOB_DEPLOYMENT_VARIANTS })

/**
 * Which variant a body means: only the external variant allows `external`, only the internal one
 * `internal`, so a body that has the key can match no other branch. Used to report one branch's errors
 * instead of all three.
 */
export function variantOf (body: unknown): 0 | 1 | 2 {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    if (Object.hasOwn(body, 'external')) return 0
    if (Object.hasOwn(body, 'internal')) return 1
  }
  return 2
}
