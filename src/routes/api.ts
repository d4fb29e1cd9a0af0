/**
 * The emulated Northflank API, as one plugin: the service and job routes (src/routes/services.ts,
 * src/routes/jobs.ts), each under its project path and its team alias (docs/northflank-contract.md), the
 * token check the CLI uses, the gateway in front of them (rate limits, faults, latency, the routes' token
 * checks, journal: src/routes/gateway.ts), the 405 of a known path asked with another method, and the 404
 * for every path that is not the control plane's. Thin: auth, then a domain function, then `{"data": …}`.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ErrorResponses } from '../../schemas/error.js'
import { EmptyDataSchema } from '../../schemas/service.js'
import type { Emulator } from '../domain/emulator.js'
import { Errors } from '../errors.js'
import { closestRoutes, notEmulatedEndpoint, type KnownRoute } from '../route-hints.js'
import { UNAUTHORIZED, type Authed } from './common.js'
import { gateway } from './gateway.js'
import { JOB_PREFIXES, jobRoutes } from './jobs.js'
import { SERVICE_PREFIXES, serviceRoutes } from './services.js'

/** `routes`: every route of the app (filled as they are added), for the hints of the API's 404. */
export function apiPlugin (emulator: Emulator, routes: KnownRoute[]) {
  // A display name spares Fastify its look-up of a nameless plugin in require.cache on each register.
  return Object.assign(async function api (app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<TypeBoxTypeProvider>()
    gateway(app, emulator)

    /**
     * A route that needs a token, and which permission: the gateway's hook checks it (src/routes/gateway.ts).
     * `config.auth` also tells the OpenAPI document that the route needs a token.
     */
    const authed: Authed = (permission) => ({ config: { auth: { permission } } })

    serviceRoutes(api, emulator, authed)
    jobRoutes(api, emulator, authed)

    // The CLI's `login` checks a token with GET /v1/login and reads only the status (any 2xx).
    api.get('/v1/login', {
      ...authed(),
      schema: {
        operationId: 'CheckToken',
        summary: 'Check an API token (the CLI\'s login)',
        description: 'Answers 200 for a token the emulator accepts; the official CLI\'s `login` calls it.',
        tags: ['Auth'],
        response: { 200: EmptyDataSchema, ...ErrorResponses(UNAUTHORIZED) }
      }
    }, () => ({ data: {} }))

    // Inferred: a known path with another method answers 405 with Allow, rather than a bare 404. A PATCH of
    // a job is Northflank's (not emulated) "Patch job", which the 405 names.
    for (const { prefix, kind } of [...SERVICE_PREFIXES.map((p) => ({ ...p, kind: 'service' })), ...JOB_PREFIXES.map((p) => ({ ...p, kind: 'job' }))]) {
      const known: Array<[string, string[]]> = [[`${prefix}/deployment`, ['GET', 'HEAD', 'POST']], [prefix, ['GET', 'HEAD']]]
      for (const [url, methods] of known) {
        const patchJob = kind === 'job' && url === prefix ? 'PATCH /v1/projects/{projectId}/jobs/{jobId}' : undefined
        app.route({
          method: ['DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST'].filter((m) => !methods.includes(m)),
          url,
          config: { notAHint: true },
          schema: { hide: true },
          handler: async (request) => {
            throw Errors.methodNotAllowed(request.method, request.url, methods, request.method === 'PATCH' ? patchJob : undefined)
          }
        })
      }
    }

    // Every path that is not the control plane's: the API's 404, journaled and faulted like its routes.
    app.setNotFoundHandler(async (request) => {
      const { method, url } = request
      const notEmulated = notEmulatedEndpoint(method, url)
      // The endpoint Northflank recommends instead of the emulated POST: point back at the POST.
      const hints = notEmulated !== undefined
        ? [notEmulated.instead]
        : closestRoutes(method, url, routes.filter((r) => !r.url.startsWith('/_mock/')))
      throw Errors.routeNotFound(method, url, hints, notEmulated?.endpoint)
    })
  }, { [Symbol.for('fastify.display-name')]: 'northflank-mock-api' })
}
