/**
 * Admin routes for what the emulated API holds: reset, the state and the fixtures, each for the default
 * namespace or, with a scope (src/routes/admin/scope.ts), for one isolation namespace. Reads never create a namespace (one not made
 * yet shows the fixtures' state); writes may, and count against the namespace limit.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ADMIN_TAG, NamespaceHeadersSchema, ResetQuerySchema, ResetResultSchema, ScopeQuerySchema, StateDumpSchema
} from '../../../schemas/admin.js'
import { ErrorEnvelopeSchema } from '../../../schemas/error.js'
import { FixturesSchema } from '../../../schemas/fixtures.js'
import type { Emulator } from '../../domain/emulator.js'
import { checkFaultRules } from '../../domain/faults.js'
import { FixturesError } from '../../domain/fixtures.js'
import { StateError } from '../../domain/state-dump.js'
import { Errors } from '../../errors.js'
import { scopeOf } from './scope.js'

const errors = { '4xx': ErrorEnvelopeSchema, '5xx': ErrorEnvelopeSchema }
const tags = [ADMIN_TAG]

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

export function stateRoutes (app: FastifyInstance, emulator: Emulator): void {
  const admin = app.withTypeProvider<TypeBoxTypeProvider>()

  admin.post('/reset', {
    schema: {
      tags,
      operationId: 'MockReset',
      summary: 'Back to the fixtures: everything, one namespace or one project',
      description: 'Unscoped: state, every journal and namespace, fault rules, latency, rollout steps, clock and rate-limit ' +
        'counts, as at start. With token: that namespace\'s state and journal, and its rate-limit count. With project: ' +
        'that project\'s state and journal entries.',
      querystring: ResetQuerySchema,
      headers: NamespaceHeadersSchema,
      response: { 200: ResetResultSchema, ...errors }
    }
  }, async (request) => {
    const token = scopeOf(request)
    const { project } = request.query
    emulator.reset({ token, projectId: project })
    return { reset: { token: token ?? null, project: project ?? null } }
  })

  admin.get('/state', {
    schema: {
      tags,
      operationId: 'MockGetState',
      summary: 'Everything the emulated API reads and changes, as JSON',
      description: 'With token: that namespace\'s state; a namespace not made yet shows the fixtures\' state (and is not made).',
      querystring: ScopeQuerySchema,
      headers: NamespaceHeadersSchema,
      response: { 200: StateDumpSchema, ...errors }
    }
  }, async (request) => emulator.dump(scopeOf(request)))

  admin.put('/state', {
    schema: {
      tags,
      operationId: 'MockReplaceState',
      summary: 'Replace the state with a dump, as GET /_mock/state gives it',
      description: 'A snapshot restore: the fixtures a reset returns to stay. A key that differs from its id is a 400 naming it.',
      querystring: ScopeQuerySchema,
      headers: NamespaceHeadersSchema,
      body: StateDumpSchema,
      response: { 200: StateDumpSchema, ...errors }
    }
  }, async (request) => {
    const token = scopeOf(request)
    asBadRequest(() => emulator.restore(request.body, token, 'body'))
    return emulator.dump(token)
  })

  admin.get('/fixtures', {
    schema: {
      tags,
      operationId: 'MockGetFixtures',
      summary: 'The fixtures a reset returns to',
      description: 'With token: those of that namespace (its own loaded fixtures, else the emulator\'s).',
      querystring: ScopeQuerySchema,
      headers: NamespaceHeadersSchema,
      response: { 200: FixturesSchema, ...errors }
    }
  }, async (request) => emulator.fixturesOf(scopeOf(request)))

  admin.post('/fixtures', {
    schema: {
      tags,
      operationId: 'MockLoadFixtures',
      summary: 'Load fixtures: the new state and what a reset returns to',
      description: 'They replace the state, the fault rules (unscoped loads only) and what a reset returns to; the journal ' +
        'is kept. Checked in full first: a bad document changes nothing. Answers the new state.',
      querystring: ScopeQuerySchema,
      headers: NamespaceHeadersSchema,
      body: FixturesSchema,
      response: { 200: StateDumpSchema, ...errors }
    }
  }, async (request) => {
    const token = scopeOf(request)
    const faults = request.body.faults
    asBadRequest(() => {
      // Fault rules are shared by every namespace: a namespace cannot bring its own.
      if (token !== undefined && faults !== undefined) throw Errors.scopedFaults()
      // Checked first, so that either the state and the rules both change or neither does.
      const problem = checkFaultRules(faults ?? [])
      if (problem !== undefined) throw new FixturesError('body', `fixtures.${problem}`)
      emulator.load(request.body, token)
      if (token === undefined) emulator.controls.useFixtureFaults(faults)
    })
    return emulator.dump(token)
  })
}
