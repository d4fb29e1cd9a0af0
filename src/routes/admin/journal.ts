/**
 * Admin routes for the journal of requests to the emulated API: read (filtered), count and clear, for
 * every namespace or, with a scope (src/routes/admin/scope.ts), for one. Every read says how many entries were dropped since the
 * journal was last cleared, so a test can tell a complete journal from a truncated one.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ADMIN_TAG, ClearedSchema, CountQuerySchema, CountSchema, JournalQuerySchema, JournalSchema, NamespaceHeadersSchema, ScopeQuerySchema, type CountQuery
} from '../../../schemas/admin.js'
import { ErrorEnvelopeSchema } from '../../../schemas/error.js'
import type { Emulator, JournalFilter } from '../../domain/emulator.js'
import { view } from '../../domain/journal.js'
import { scopeOf } from './scope.js'

const errors = { '4xx': ErrorEnvelopeSchema, '5xx': ErrorEnvelopeSchema }
const tags = [ADMIN_TAG]

export function filterOf (q: CountQuery): JournalFilter {
  return {
    method: q.method,
    project: q.project,
    service: q.service,
    job: q.job,
    status: q.status === undefined ? undefined : Number(q.status)
  }
}

export function journalRoutes (app: FastifyInstance, emulator: Emulator): void {
  const admin = app.withTypeProvider<TypeBoxTypeProvider>()

  admin.get('/journal', {
    schema: {
      tags,
      operationId: 'MockGetJournal',
      summary: 'The last requests to the emulated API, oldest first, filtered',
      description: 'Bounded per namespace in entries and across all of them in bytes; `dropped` counts what was evicted ' +
        'since the journal was last cleared or reset.',
      querystring: JournalQuerySchema,
      headers: NamespaceHeadersSchema,
      response: { 200: JournalSchema, ...errors }
    }
  }, async (request) => {
    const q = request.query
    const token = scopeOf(request)
    let found = emulator.journal(token, filterOf(q))
    if (q.limit !== undefined) found = found.slice(Math.max(0, found.length - Number(q.limit)))
    return {
      capacity: emulator.journalSize,
      total: emulator.journalSizeOf(token),
      dropped: emulator.droppedOf(token),
      entries: found.map(view)
    }
  })

  admin.get('/journal/count', {
    schema: {
      tags,
      operationId: 'MockCountJournal',
      summary: 'How many journal entries match, e.g. ?method=POST&service=api&status=200',
      description: 'The same filters as GET /_mock/journal; `dropped` as there.',
      querystring: CountQuerySchema,
      headers: NamespaceHeadersSchema,
      response: { 200: CountSchema, ...errors }
    }
  }, async (request) => {
    const token = scopeOf(request)
    return { count: emulator.journal(token, filterOf(request.query)).length, dropped: emulator.droppedOf(token) }
  })

  admin.delete('/journal', {
    schema: {
      tags,
      operationId: 'MockClearJournal',
      summary: 'Clear the journal (of one namespace, with a token)',
      description: 'Also zeroes `dropped`: the journal is complete again.',
      querystring: ScopeQuerySchema,
      headers: NamespaceHeadersSchema,
      response: { 200: ClearedSchema, ...errors }
    }
  }, async (request) => ({ cleared: emulator.clearJournal(scopeOf(request)) }))
}
