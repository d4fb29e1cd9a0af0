/**
 * The emulated Northflank API, as one plugin: the deployment update and the two read endpoints, each under
 * its project path and its team alias (docs/northflank-contract.md), the token check the CLI uses, the
 * gateway in front of them (rate limits, faults, latency, journal: src/routes/gateway.ts), and the 404 for
 * every path that is not the control plane's. Thin: auth, then a domain function, then `{"data": …}`.
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { UpdateDeploymentBodySchema } from '../../schemas/deployment.js'
import { ErrorResponses } from '../../schemas/error.js'
import { ServiceParamsSchema, TeamServiceParamsSchema } from '../../schemas/params.js'
import { DataEnvelope, DeploymentReadSchema, EmptyDataSchema, ServiceReadSchema } from '../../schemas/service.js'
import { authorize, bearerToken, Permissions } from '../domain/auth.js'
import { readDeployment, readService } from '../domain/deployments.js'
import type { Emulator, Namespace } from '../domain/emulator.js'
import { Errors } from '../errors.js'
import { closestRoutes, documented, serviceTypeEndpoint, type KnownRoute } from '../route-hints.js'
import { gateway, requestFacts } from './gateway.js'

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
const READ_RESPONSES = ErrorResponses(READ_ERRORS)
const DeploymentReadResponse = DataEnvelope(DeploymentReadSchema)
const ServiceReadResponse = DataEnvelope(ServiceReadSchema)
const DEPLOYMENT_READ_RESPONSES = ErrorResponses({ ...READ_ERRORS, 409: 'A build service has no deployment' })
const LOGIN_RESPONSES = ErrorResponses(UNAUTHORIZED)
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
    /** Routes of the emulated API need a bearer token, and most a permission (docs/northflank-contract.md). */
    auth?: { permission?: string }
    /** A route that only answers 405: never named as a 404's hint. */
    notAHint?: boolean
  }
}

/** The request's namespace: every route with `authed` has it set by the auth hook. */
function namespaceOf (request: FastifyRequest): Namespace {
  return request.mockNamespace as Namespace
}

/** `routes`: every route of the app (filled as they are added), for the hints of the API's 404. */
export function apiPlugin (emulator: Emulator, routes: KnownRoute[]) {
  // A display name spares Fastify its look-up of a nameless plugin in require.cache on each register.
  return Object.assign(async function api (app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<TypeBoxTypeProvider>()
    gateway(app, emulator)

    /**
     * A route's token check: before the body is even read, so an unauthenticated client learns nothing
     * about its body. Isolation: a token's namespace is made only once the token is accepted, so made-up
     * tokens cost nothing. `config.auth` also tells the OpenAPI document that the route needs a token.
     */
    const authed = (permission?: string): { config: { auth: { permission?: string } }, onRequest: onRequestHookHandler } => ({
      config: { auth: { permission } },
      onRequest: function auth (request, _reply, done) {
        try {
          const token = bearerToken(request.headers.authorization)
          const existing = emulator.existingNamespace(token)
          authorize((existing ?? emulator.base).state, token, permission, (request.params as { projectId?: string }).projectId)
          request.mockNamespace = existing ?? emulator.namespaceFor(token)
        } catch (err) {
          return done(err as Error)
        }
        done()
      }
    })

    for (const { prefix, params, suffix } of PREFIXES) {
      const tags = ['Services']
      api.post(`${prefix}/deployment`, {
        ...authed(Permissions.updateDeployment),
        schema: {
          operationId: `UpdateServiceDeployment${suffix}`,
          summary: 'Update service deployment',
          description: 'Changes what a deployment service runs (an external image or a build) and how it runs it (its docker ' +
            'or buildpack settings). Northflank marks it deprecated in favour of the PATCH service endpoints; it still answers.',
          tags,
          params,
          body: UpdateDeploymentBodySchema,
          response: { 200: EmptyDataSchema, ...UPDATE_ERRORS }
        }
      }, async (request) => {
        const { projectId, serviceId } = request.params
        emulator.update(namespaceOf(request), projectId, serviceId, request.body, () => requestFacts(request))
        return { data: {} }
      })

      api.get(`${prefix}/deployment`, {
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
      }, async (request) => {
        const { projectId, serviceId } = request.params
        return { data: readDeployment(namespaceOf(request).state, projectId, serviceId) }
      })

      api.get(prefix, {
        ...authed(Permissions.readService),
        exposeHeadRoute: true,
        schema: {
          operationId: `GetService${suffix}`,
          summary: 'Get service',
          description: 'A service, with the status of its latest rollout.',
          tags,
          params,
          response: { 200: ServiceReadResponse, ...READ_RESPONSES }
        }
      }, async (request) => {
        const { projectId, serviceId } = request.params
        return { data: readService(namespaceOf(request).state, projectId, serviceId, emulator.clock.now()) }
      })
    }

    // The CLI's `login` checks a token with GET /v1/login and reads only the status (any 2xx).
    api.get('/v1/login', {
      ...authed(),
      schema: {
        operationId: 'CheckToken',
        summary: 'Check an API token (the CLI\'s login)',
        description: 'Answers 200 for a token the emulator accepts; the official CLI\'s `login` calls it.',
        tags: ['Auth'],
        response: { 200: EmptyDataSchema, ...LOGIN_RESPONSES }
      }
    }, async () => ({ data: {} }))

    // Inferred: a known path with another method answers 405 with Allow, rather than a bare 404.
    for (const { prefix } of PREFIXES) {
      const known: Array<[string, string[]]> = [[`${prefix}/deployment`, ['GET', 'HEAD', 'POST']], [prefix, ['GET', 'HEAD']]]
      for (const [url, methods] of known) {
        app.route({
          method: ['DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST'].filter((m) => !methods.includes(m)),
          url,
          config: { notAHint: true },
          schema: { hide: true },
          handler: async (request) => { throw Errors.methodNotAllowed(request.method, request.url, methods) }
        })
      }
    }

    // Every path that is not the control plane's: the API's 404, journaled and faulted like its routes.
    app.setNotFoundHandler(async (request) => {
      const { method, url } = request
      const notEmulated = serviceTypeEndpoint(method, url)
      // The endpoint Northflank recommends instead of the emulated POST: point back at the POST.
      const hints = notEmulated !== undefined
        ? [{ method: 'POST', path: documented(`${PREFIXES[0]?.prefix as string}/deployment`) }]
        : closestRoutes(method, url, routes.filter((r) => !r.url.startsWith('/_mock/')))
      throw Errors.routeNotFound(method, url, hints, notEmulated)
    })
  }, { [Symbol.for('fastify.display-name')]: 'northflank-mock-api' })
}
