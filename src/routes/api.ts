/**
 * The emulated Northflank API: the deployment update and the two read endpoints, each under its project
 * path and its team alias (reference §1). Thin: auth, then a domain function, then `{"data": …}`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { UpdateDeploymentBodySchema } from '../../schemas/deployment.js'
import { ErrorResponses } from '../../schemas/error.js'
import { ServiceParamsSchema, TeamServiceParamsSchema } from '../../schemas/params.js'
import { DataEnvelope, DeploymentReadSchema, EmptyDataSchema, ServiceReadSchema } from '../../schemas/service.js'
import { authorize, bearerToken, Permissions } from '../domain/auth.js'
import type { Controls } from '../domain/controls.js'
import { readDeployment, readService, updateDeployment } from '../domain/deployments.js'
import type { Emulator, Namespace } from '../domain/emulator.js'
import type { State } from '../domain/model.js'
import { Errors } from '../errors.js'
import { requestFacts } from './behaviour.js'

/** Each route's prefix, its params, and what its operationIds end with (they must be unique in OpenAPI). */
const PREFIXES = [
  { prefix: '/v1/projects/:projectId/services/:serviceId', params: ServiceParamsSchema, suffix: '' },
  { prefix: '/v1/teams/:teamId/projects/:projectId/services/:serviceId', params: TeamServiceParamsSchema, suffix: 'InTeam' }
]

// What each status means, per route (every error status is inferred: see docs/fidelity.md).
const UNAUTHORIZED = { 401: 'Token missing, malformed or unknown' }
const READ_ERRORS = {
  ...UNAUTHORIZED,
  403: 'The token lacks the permission or access to the project',
  404: 'No such project or service'
}
const UPDATE_ERRORS = ErrorResponses({
  400: 'The body is not JSON or breaks the schema (details.errors lists every problem); a body the schema accepts is never a 400',
  ...READ_ERRORS,
  404: 'No such project, service, build service, build or built commit',
  409: 'The body is valid but does not fit the service: an image source for a combined or build service, any update of a ' +
    'build service, internal without id for a service that deploys no build yet, or a build that contradicts the branch ' +
    'or commit sent. The message says what to send instead',
  413: 'The body is larger than the limit',
  415: 'The body is not application/json'
})

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes of the emulated API need a bearer token, and most a permission (reference §1, §5). */
    auth?: { permission?: string }
  }
}

/** The state of the request's namespace: every route below has `auth`, whose hook has set it. */
function stateOf (request: FastifyRequest): State {
  return (request.mockNamespace as Namespace).state
}

export function apiRoutes (emulator: Emulator, controls: Controls) {
  return async function (app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<TypeBoxTypeProvider>()

    // Auth before the body is even read: an unauthenticated client learns nothing about its body.
    // Callback style: an async hook costs a promise and a microtask on every request.
    api.addHook('onRequest', (request, _reply, done) => {
      const auth = request.routeOptions.config.auth
      if (auth === undefined) return done()
      try {
        const token = bearerToken(request.headers.authorization)
        // Isolation: a token's namespace is made only once the token is accepted, so made-up tokens cost nothing.
        const existing = emulator.existingNamespace(token)
        authorize((existing ?? emulator.base).state, token, auth.permission, (request.params as { projectId?: string }).projectId)
        request.mockNamespace = existing ?? emulator.namespaceFor(token)
      } catch (err) {
        return done(err as Error)
      }
      done()
    })

    const allowed = new Map<string, string[]>()
    for (const { prefix, params, suffix } of PREFIXES) {
      const tags = ['Services']
      api.post(`${prefix}/deployment`, {
        config: { auth: { permission: Permissions.updateDeployment } },
        schema: {
          operationId: `UpdateServiceDeployment${suffix}`,
          summary: 'Update service deployment',
          tags,
          params,
          body: UpdateDeploymentBodySchema,
          response: { 200: EmptyDataSchema, ...UPDATE_ERRORS }
        }
      }, async (request) => {
        const { projectId, serviceId } = request.params
        updateDeployment(stateOf(request), projectId, serviceId, request.body, emulator.clock.now(),
          () => controls.planRollout(requestFacts(request)))
        return { data: {} }
      })

      api.get(`${prefix}/deployment`, {
        config: { auth: { permission: Permissions.viewInstances } },
        schema: {
          operationId: `GetServiceDeployment${suffix}`,
          summary: 'Get service deployment details',
          tags,
          params,
          response: { 200: DataEnvelope(DeploymentReadSchema), ...ErrorResponses({ ...READ_ERRORS, 409: 'A build service has no deployment' }) }
        }
      }, async (request) => {
        const { projectId, serviceId } = request.params
        return { data: readDeployment(stateOf(request), projectId, serviceId) }
      })

      api.get(prefix, {
        config: { auth: { permission: Permissions.readService } },
        schema: {
          operationId: `GetService${suffix}`,
          summary: 'Get service',
          tags,
          params,
          response: { 200: DataEnvelope(ServiceReadSchema), ...ErrorResponses(READ_ERRORS) }
        }
      }, async (request) => {
        const { projectId, serviceId } = request.params
        return { data: readService(stateOf(request), projectId, serviceId, emulator.clock.now()) }
      })

      allowed.set(`${prefix}/deployment`, ['GET', 'HEAD', 'POST'])
      allowed.set(prefix, ['GET', 'HEAD'])
    }

    // The CLI's `login` checks a token with GET /v1/login and reads only the status (any 2xx).
    api.get('/v1/login', {
      config: { auth: {} },
      schema: {
        operationId: 'CheckToken',
        summary: 'Check an API token (the CLI\'s login)',
        tags: ['Auth'],
        response: { 200: EmptyDataSchema, ...ErrorResponses(UNAUTHORIZED) }
      }
    }, async () => ({ data: {} }))

    // Inferred: a known path with another method answers 405 with Allow, rather than a bare 404.
    for (const [url, methods] of allowed) {
      const others = ['DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST'].filter((m) => !methods.includes(m))
      app.route({
        method: others,
        url,
        schema: { hide: true },
        handler: async (request) => { throw Errors.methodNotAllowed(request.method, request.url, methods) }
      })
    }
  }
}
