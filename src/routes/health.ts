import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { HealthSchema } from '../../schemas/admin.js'
import { VERSION } from '../version.js'

/** GET /_mock/health: liveness for Docker healthchecks and test harnesses. No token needed. */
export async function healthRoutes (app: FastifyInstance): Promise<void> {
  const startedAt = Date.now()
  app.withTypeProvider<TypeBoxTypeProvider>().get('/_mock/health', {
    // Docker asks every second: its requests are not logged (errors still are).
    logLevel: 'warn',
    schema: { tags: ['Mock admin'], summary: 'Liveness and readiness', response: { 200: HealthSchema } }
  }, async () => ({ status: 'ok' as const, ready: true, name: 'northflank-mock' as const, version: VERSION, uptime: (Date.now() - startedAt) / 1000 }))
}
