/**
 * The test control plane under /_mock (not Northflank's API: the emulator's own, in the spirit of
 * WireMock's /__admin and LocalStack's /_localstack), as one plugin registered with `prefix: '/_mock'`.
 * It owns its routes, its guards and its 404: the check of who is calling (no other web page, no unknown
 * host: src/routes/admin/callers.ts) and the admin token are hooks of this encapsulation context, so they
 * run for every route here and for this 404, whatever spelling of the path the router matched
 * (`/%5Fmock/state`, `//_mock/state`…), and for nothing else. Errors use the API's envelope.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { HealthSchema } from '../../../schemas/admin.js'
import type { Emulator } from '../../domain/emulator.js'
import { Errors } from '../../errors.js'
import { closestRoutes, type KnownRoute } from '../../route-hints.js'
import { VERSION } from '../../version.js'
import { callerCheck, type AllowedHosts } from './callers.js'
import { controlRoutes } from './controls.js'
import { journalRoutes } from './journal.js'
import { journalStreamRoutes } from './journal-stream.js'
import { stateRoutes } from './state.js'
import { uiRoutes } from './ui/index.js'
import { verifyRoutes } from './verify.js'

export const ADMIN_TOKEN_HEADER = 'x-mock-admin-token'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * An admin route that needs no admin token: health, which Docker polls before anything else, and the
     * inspector page, which holds no data and asks for the token itself (a browser opening a URL sends no header).
     */
    adminOpen?: boolean
  }
}

export interface AdminOptions {
  emulator: Emulator
  /** When set, every admin route but health and the inspector page needs it in the x-mock-admin-token header. */
  adminToken?: string
  /** Host names answered besides the defaults (src/routes/admin/callers.ts). */
  allowedHosts: AllowedHosts
  /** Every route of the app, for the hints of the admin 404. */
  routes: KnownRoute[]
  /** Milliseconds between the journal stream's heartbeats (default 15 s). */
  streamHeartbeatMs?: number
}

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

export const adminPlugin = Object.assign(async function adminPlugin (
  app: FastifyInstance, { emulator, adminToken, allowedHosts, routes, streamHeartbeatMs }: AdminOptions
): Promise<void> {
  // First: other web pages are refused before anything else is looked at, the admin token included.
  app.addHook('onRequest', callerCheck(allowedHosts))
  if (adminToken !== undefined) {
    const expected = digest(adminToken)
    app.addHook('onRequest', function adminGuard (request, _reply, done) {
      if (request.routeOptions.config.adminOpen === true) return done()
      const sent = request.headers[ADMIN_TOKEN_HEADER]
      if (typeof sent !== 'string' || sent === '') return done(Errors.adminUnauthorized(false))
      // Compared as digests: same length, constant time.
      done(timingSafeEqual(digest(sent), expected) ? undefined : Errors.adminUnauthorized(true))
    })
  }
  // Behind the guard: without the token, an unknown admin path is a 401 like the others.
  app.setNotFoundHandler(async (request) => {
    const hints = closestRoutes(request.method, request.url, routes.filter((r) => r.url.startsWith('/_mock/')))
    throw Errors.adminRouteNotFound(request.method, request.url, hints)
  })

  const startedAt = Date.now()
  app.withTypeProvider<TypeBoxTypeProvider>().get('/health', {
    config: { adminOpen: true },
    // Docker asks every second: its requests are not logged (errors still are).
    logLevel: 'warn',
    schema: {
      tags: ['Mock admin'],
      operationId: 'MockHealth',
      summary: 'Liveness and readiness; no admin token needed',
      description: 'Answers as soon as the emulator serves requests (fixtures are loaded before it listens).',
      response: { 200: HealthSchema }
    }
  }, async () => ({
    status: 'ok' as const,
    ready: true,
    name: 'northflank-mock' as const,
    version: VERSION,
    // Real time: how long the process has run, whatever the emulator's clock says.
    uptime: (Date.now() - startedAt) / 1000,
    isolation: emulator.isolation,
    journalCapacity: emulator.journalSize,
    journalBytes: emulator.journals.budget
  }))

  // In this context, under its guard: no encapsulation of their own needed.
  stateRoutes(app, emulator)
  journalRoutes(app, emulator)
  journalStreamRoutes(app, emulator, { heartbeatMs: streamHeartbeatMs })
  verifyRoutes(app, emulator)
  controlRoutes(app, emulator)
  uiRoutes(app)
}, {
  // Fastify looks a nameless plugin up in require.cache on every register; a display name spares it.
  [Symbol.for('fastify.display-name')]: 'northflank-mock-admin'
})
