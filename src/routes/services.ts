/**
 * The service routes of the emulated API: the deployment update and the two reads that show its effect,
 * each under its project path and its team alias (docs/northflank-contract.md).
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { UpdateDeploymentBodySchema } from '../../schemas/deployment.js'
import { ErrorResponses } from '../../schemas/error.js'
import { ServiceParamsSchema, TeamServiceParamsSchema } from '../../schemas/params.js'
import { DataEnvelope, DeploymentReadSchema, EmptyDataSchema, ServiceReadSchema } from '../../schemas/service.js'
import { Permissions } from '../domain/auth.js'
import { readDeployment, readService } from '../domain/deployments.js'
import type { Emulator } from '../domain/emulator.js'
import { BODY_ERRORS, FORBIDDEN, namespaceOf, UNAUTHORIZED, type Authed } from './common.js'
import { requestFacts } from './gateway.js'

/** Each route's prefix, its params, and what its operationIds end with (they must be unique in OpenAPI). */
export const SERVICE_PREFIXES = [
  { prefix: '/v1/projects/:projectId/services/:serviceId', params: ServiceParamsSchema, suffix: '' },
  { prefix: '/v1/teams/:teamId/projects/:projectId/services/:serviceId', params: TeamServiceParamsSchema, suffix: 'InTeam' }
]

const READ_ERRORS = { ...UNAUTHORIZED, ...FORBIDDEN, 404: 'No such project or service' }
const DEPLOYMENT_READ_RESPONSES = ErrorResponses({ ...READ_ERRORS, 409: 'A build service has no deployment' })
const UPDATE_RESPONSES = ErrorResponses({
  ...BODY_ERRORS,
  ...READ_ERRORS,
  404: 'No such project, service, build service, build or built commit',
  409: 'The body is valid but does not fit the service: an image source for a combined or build service, any update of a ' +
    'build service, internal without id for a service that deploys no build yet, or a build that contradicts the branch ' +
    'or commit sent. The message says what to send instead'
})
const DeploymentReadResponse = DataEnvelope(DeploymentReadSchema)
const ServiceReadResponse = DataEnvelope(ServiceReadSchema)

/**
 * The handlers are synchronous, as those of src/routes/jobs.ts: Fastify sends a returned value at once,
 * where an async handler costs a promise and a turn of the microtask queue per request (docs/performance.md).
 */
export function serviceRoutes (api: FastifyInstance, emulator: Emulator, authed: Authed): void {
  const routes = api.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['Services']
  for (const { prefix, params, suffix } of SERVICE_PREFIXES) {
    routes.post(`${prefix}/deployment`, {
      ...authed(Permissions.updateDeployment),
      schema: {
        operationId: `UpdateServiceDeployment${suffix}`,
        summary: 'Update service deployment',
        description: 'Changes what a deployment service runs (an external image or a build) and how it runs it (its docker ' +
          'or buildpack settings). Northflank marks it deprecated in favour of the PATCH service endpoints; it still answers.',
        tags,
        params,
        body: UpdateDeploymentBodySchema,
        response: { 200: EmptyDataSchema, ...UPDATE_RESPONSES }
      }
    }, (request) => {
      const { projectId, serviceId } = request.params
      emulator.update(namespaceOf(request), projectId, serviceId, request.body, () => requestFacts(request))
      return { data: {} }
    })

    routes.get(`${prefix}/deployment`, {
      ...authed(Permissions.viewInstances),
      exposeHeadRoute: true,
      schema: {
        operationId: `GetServiceDeployment${suffix}`,
        summary: 'Get service deployment details',
        description: 'What a service runs: its image source, run settings, instances and region.',
        tags,
        params,
        response: { 200: DeploymentReadResponse, ...DEPLOYMENT_READ_RESPONSES }
      }
    }, (request) => {
      const { projectId, serviceId } = request.params
      return { data: readDeployment(namespaceOf(request).state, projectId, serviceId) }
    })

    routes.get(prefix, {
      ...authed(Permissions.readService),
      exposeHeadRoute: true,
      schema: {
        operationId: `GetService${suffix}`,
        summary: 'Get service',
        description: 'A service, with the status of its latest rollout.',
        tags,
        params,
        response: { 200: ServiceReadResponse, ...ErrorResponses(READ_ERRORS) }
      }
    }, (request) => {
      const { projectId, serviceId } = request.params
      return { data: readService(namespaceOf(request).state, projectId, serviceId, emulator.clock.now()) }
    })
  }
}
