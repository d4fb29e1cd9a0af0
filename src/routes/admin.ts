/**
 * The admin API under /_mock/: health, reset, state, fixtures and the request journal. Not Northflank's:
 * the emulator's own control plane, in the spirit of WireMock's /__admin and LocalStack's /_localstack.
 * Errors use the same envelope as the emulated API.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ADMIN_TAG, ClearedSchema, CountQuerySchema, CountSchema, HealthSchema, JournalQuerySchema, JournalSchema, ResetQuerySchema,
  ResetResultSchema, ScopeQuerySchema, StateDumpSchema, type CountQuery
} from '../../schemas/admin.js'
import { ErrorEnvelopeSchema } from '../../schemas/error.js'
import { FixturesSchema } from '../../schemas/fixtures.js'
import type { Controls } from '../domain/controls.js'
import { StateError, type Emulator, type JournalFilter } from '../domain/emulator.js'
import { checkFaultRules } from '../domain/faults.js'
import { FixturesError } from '../domain/fixtures.js'
import { view } from '../domain/journal.js'
import { Errors } from '../errors.js'
import { VERSION } from '../version.js'

export const ADMIN_TOKEN_HEADER = 'x-mock-admin-token'

const errors = { '4xx': ErrorEnvelopeSchema, '5xx': ErrorEnvelopeSchema }
const tags = [ADMIN_TAG]

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function filterOf (q: CountQuery): JournalFilter {
  return {
    method: q.method,
    project: q.project,
    service: q.service,
    status: q.status === undefined ? undefined : Number(q.status)
  }
}

/**
 * Runs a change made from a document; what the document gets wrong (a FixturesError or StateError, which
 * name the field) becomes a 400. Anything else is a bug and goes on, to be logged as a 500.
 */
export function asBadRequest<T> (run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (err instanceof FixturesError) throw Errors.invalidFixtures(err.problem.replace(/^fixtures\b/, 'body'))
    if (err instanceof StateError) throw Errors.invalidState(err.message)
    throw err
  }
}

const ADMIN_PATH = /^\/+_mock(?:\/|$|\?)/
const HEALTH_PATH = /^\/+_mock\/health(?:\?|$)/

/**
 * The admin token check, for every /_mock/ request but health (Docker healthchecks and harnesses poll it
 * before anything else): a root hook, so it guards the fault, clock and rate-limit routes and unknown
 * /_mock/ paths too. Registered only when a token is set.
 */
export function adminGuard (adminToken: string): onRequestHookHandler {
  const expected = digest(adminToken)
  return async function (request) {
    if (!ADMIN_PATH.test(request.url) || HEALTH_PATH.test(request.url)) return
    const sent = request.headers[ADMIN_TOKEN_HEADER]
    if (typeof sent !== 'string' || sent === '') throw Errors.adminUnauthorized(false)
    // Compared as digests: same length, constant time.
    if (!timingSafeEqual(digest(sent), expected)) throw Errors.adminUnauthorized(true)
  }
}

export function adminRoutes (emulator: Emulator, controls: Controls) {
  return async function (app: FastifyInstance): Promise<void> {
    const startedAt = Date.now()

    // Open even with an admin token: Docker healthchecks and harnesses poll it before anything else.
    app.withTypeProvider<TypeBoxTypeProvider>().get('/_mock/health', {
      // Docker asks every second: its requests are not logged (errors still are).
      logLevel: 'warn',
      schema: { tags, operationId: 'MockHealth', summary: 'Liveness and readiness; no admin token needed', response: { 200: HealthSchema } }
    }, async () => ({
      status: 'ok' as const,
      // Fixtures (or the state file) are loaded before the app is built, so answering means ready.
      ready: true,
      name: 'northflank-mock' as const,
      version: VERSION,
      uptime: (Date.now() - startedAt) / 1000,
      isolation: emulator.isolation,
      journalCapacity: emulator.journalSize
    }))

    await app.register(async function admin (scope) {
      const admin = scope.withTypeProvider<TypeBoxTypeProvider>()

      admin.post('/_mock/reset', {
        schema: {
          tags,
          operationId: 'MockReset',
          summary: 'Back to the fixtures: state, journal and fault rules; or one namespace, or one project',
          querystring: ResetQuerySchema,
          response: { 200: ResetResultSchema, ...errors }
        }
      }, async (request) => {
        const { token, project } = request.query
        emulator.reset({ token, projectId: project })
        return { reset: { token: token ?? null, project: project ?? null } }
      })

      admin.get('/_mock/state', {
        schema: {
          tags,
          operationId: 'MockGetState',
          summary: 'Everything the emulated API reads and changes, as JSON',
          querystring: ScopeQuerySchema,
          response: { 200: StateDumpSchema, ...errors }
        }
      }, async (request) => emulator.dump(request.query.token))

      admin.put('/_mock/state', {
        schema: {
          tags,
          operationId: 'MockReplaceState',
          summary: 'Replace the state with a dump (as GET /_mock/state gives); the fixtures a reset returns to stay',
          querystring: ScopeQuerySchema,
          body: StateDumpSchema,
          response: { 200: StateDumpSchema, ...errors }
        }
      }, async (request) => {
        asBadRequest(() => emulator.restore(request.body, request.query.token, 'body'))
        return emulator.dump(request.query.token)
      })

      admin.get('/_mock/fixtures', {
        schema: {
          tags,
          operationId: 'MockGetFixtures',
          summary: 'The fixtures a reset returns to',
          querystring: ScopeQuerySchema,
          response: { 200: FixturesSchema, ...errors }
        }
      }, async (request) => emulator.fixturesOf(request.query.token))

      admin.post('/_mock/fixtures', {
        schema: {
          tags,
          operationId: 'MockLoadFixtures',
          summary: 'Load fixtures: they replace the state, the fault rules (unscoped) and what a reset returns to; the journal is kept',
          querystring: ScopeQuerySchema,
          body: FixturesSchema,
          response: { 200: StateDumpSchema, ...errors }
        }
      }, async (request) => {
        const { token } = request.query
        const faults = request.body.faults
        asBadRequest(() => {
          // Fault rules are shared by every namespace: a namespace cannot bring its own.
          if (token !== undefined && faults !== undefined) throw Errors.scopedFaults()
          // Checked first, so that either the state and the rules both change or neither does.
          const problem = checkFaultRules(faults ?? [])
          if (problem !== undefined) throw new FixturesError('body', `fixtures.${problem}`)
          emulator.load(request.body, token)
          if (token === undefined) controls.useFixtureFaults(faults)
        })
        return emulator.dump(request.query.token)
      })

      admin.get('/_mock/journal', {
        schema: {
          tags,
          operationId: 'MockGetJournal',
          summary: 'The last requests to the emulated API, oldest first, filtered',
          querystring: JournalQuerySchema,
          response: { 200: JournalSchema, ...errors }
        }
      }, async (request) => {
        const q = request.query
        let found = emulator.journal(q.token, filterOf(q))
        if (q.limit !== undefined) found = found.slice(Math.max(0, found.length - Number(q.limit)))
        return { capacity: emulator.journalSize, total: emulator.journalSizeOf(q.token), entries: found.map(view) }
      })

      admin.get('/_mock/journal/count', {
        schema: {
          tags,
          operationId: 'MockCountJournal',
          summary: 'How many journal entries match, e.g. ?method=POST&service=api&status=200',
          querystring: CountQuerySchema,
          response: { 200: CountSchema, ...errors }
        }
      }, async (request) => ({ count: emulator.journal(request.query.token, filterOf(request.query)).length }))

      admin.delete('/_mock/journal', {
        schema: {
          tags,
          operationId: 'MockClearJournal',
          summary: 'Clear the journal (of one namespace, with a token)',
          querystring: ScopeQuerySchema,
          response: { 200: ClearedSchema, ...errors }
        }
      }, async (request) => ({ cleared: emulator.clearJournal(request.query.token) }))
    })
  }
}
