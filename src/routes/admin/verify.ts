/**
 * POST /_mock/verify: does the journal hold the requests a test expects? Answers at once when it does;
 * otherwise waits up to `within` ms, woken by each journal append in scope (never polling), then answers
 * 200 with the count or 406 with the near misses. A waiting verify ends at once when the server closes.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ADMIN_TAG, NamespaceHeadersSchema, ScopeQuerySchema } from '../../../schemas/admin.js'
import { ErrorEnvelopeSchema } from '../../../schemas/error.js'
import { VerifyQuerySchema, VerifyResultSchema, type CountExpectation } from '../../../schemas/verify.js'
import type { Emulator } from '../../domain/emulator.js'
import {
  compile, countMatches, describeExpectation, holds, matchesQuery, MAX_BODY_DEPTH, MAX_BODY_VALUES, oversizedBody, type Matcher, type Verdict
} from '../../domain/verify.js'
import { Errors } from '../../errors.js'
import { scopeOf } from './scope.js'

/** Whether more requests could still make a failed expectation hold (not when too many matched already). */
function couldStillHold (count: CountExpectation | undefined, matched: number): boolean {
  if (count === undefined || count.atLeast !== undefined) return true
  return count.exactly !== undefined && matched < count.exactly
}

/**
 * Verifies waiting at once: each one is told of every journal append, so their number bounds the work an
 * API request adds (docs/control-plane.md, "Verify").
 */
export const MAX_WAITING = 100

export function verifyRoutes (app: FastifyInstance, emulator: Emulator): void {
  /** Ends each pending wait now (the server is closing). */
  const waiting = new Set<() => void>()
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    for (const end of [...waiting]) end()
    done()
  })

  /** The verdict once it holds, or once `ms` have passed, or once the server closes. */
  function waitFor (token: string | undefined, m: Matcher, ms: number, aborted: Promise<void>): Promise<Verdict> {
    return new Promise((resolve) => {
      let ended = false
      const end = (): void => {
        if (ended) return
        ended = true
        clearTimeout(timer)
        unsubscribe()
        waiting.delete(end)
        resolve(emulator.verify(token, m))
      }
      // Real time: the harness waits for its client, whatever the emulated API's clock says.
      const timer = setTimeout(end, ms)
      const unsubscribe = emulator.journals.subscribe((entry, journal) => {
        if (token !== undefined && journal.token !== token) return
        // Only an append that matches can change the count; then a count, not the whole verdict, says whether it holds.
        if (matchesQuery(entry, m) && holds(m.query.count, countMatches(emulator.journal(token), m))) end()
      })
      waiting.add(end)
      aborted.then(end, end)
    })
  }

  app.withTypeProvider<TypeBoxTypeProvider>().post('/verify', {
    schema: {
      tags: [ADMIN_TAG],
      operationId: 'MockVerify',
      summary: 'Check that the journal holds the requests a test expects, waiting up to `within` ms',
      description: 'Counts the journaled requests that match (method, path glob, project, service, status, a body subset, ' +
        'headers) and compares the count with `count`. 200 with the count when it holds; otherwise 406 saying what was ' +
        'expected and seen, with up to 5 near misses and whether the journal dropped entries.',
      querystring: ScopeQuerySchema,
      headers: NamespaceHeadersSchema,
      body: VerifyQuerySchema,
      response: { 200: VerifyResultSchema, 406: ErrorEnvelopeSchema, '4xx': ErrorEnvelopeSchema, '5xx': ErrorEnvelopeSchema }
    }
  }, async (request, reply) => {
    const token = scopeOf(request)
    const query = request.body
    for (const [name, value] of Object.entries(query.headers ?? {})) {
      if (name.toLowerCase() === 'authorization' && value !== 'Bearer ***' && value !== '***') throw Errors.authorizationNotMatchable()
    }
    const tooLarge = oversizedBody(query)
    if (tooLarge !== undefined) throw Errors.validation([{ path: 'body.body', rule: 'size', expected: { values: MAX_BODY_VALUES, depth: MAX_BODY_DEPTH }, message: tooLarge }])
    const m = compile(query)
    let verdict = emulator.verify(token, m)
    const within = query.within ?? 0
    if (!verdict.ok && within > 0 && couldStillHold(query.count, verdict.matched)) {
      if (waiting.size >= MAX_WAITING) throw Errors.tooManyWaiting(MAX_WAITING)
      const aborted = new Promise<void>((resolve) => reply.raw.once('close', resolve))
      verdict = await waitFor(token, m, within, aborted)
      // Answered because the server is closing: the socket closes with the answer. Kept alive, it would
      // hold up the close (Node closed the idle connections when the close began) for the keep-alive timeout.
      if (closing) reply.header('connection', 'close')
    }
    if (verdict.ok) return { data: { matched: verdict.matched } }
    throw Errors.verificationFailed(describeExpectation(query.count), verdict.matched, {
      count: query.count ?? { atLeast: 1 },
      nearMisses: verdict.nearMisses,
      journalTruncated: emulator.droppedOf(token) > 0
    })
  })
}
