/**
 * Admin routes for how the emulated API behaves: fault rules (/faults), global latency (/latency), the
 * clock (/clock), rollout step durations (/rollout) and rate limits (/rate-limit). Thin: each calls the
 * emulator's Controls and answers what is now in force.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ErrorEnvelopeSchema } from '../../../schemas/error.js'
import {
  ClockAdvanceSchema, ClockSchema, ClockSetSchema, FaultRuleIdParamsSchema, FaultRuleInputSchema, FaultRuleListSchema,
  FaultRuleSchema, LatencySchema, RateLimitSettingsSchema, RateLimitSettingsUpdateSchema, RolloutSettingsSchema, RolloutSettingsUpdateSchema,
  type ClockState
} from '../../../schemas/faults.js'
import type { Emulator } from '../../domain/emulator.js'
import { Errors } from '../../errors.js'

const tags = ['Mock admin']
const errors = { '4xx': ErrorEnvelopeSchema, '5xx': ErrorEnvelopeSchema }

export function controlRoutes (app: FastifyInstance, emulator: Emulator): void {
  const admin = app.withTypeProvider<TypeBoxTypeProvider>()
  const controls = emulator.controls
  const clockState = (): ClockState => ({ mode: controls.clock.mode, now: controls.clock.now().toISOString() })

  admin.get('/faults', {
    schema: {
      tags,
      operationId: 'MockListFaults',
      summary: 'List fault rules, in the order they are tried',
      description: 'Each with its counts: how many requests matched it and how many it acted on.',
      response: { 200: FaultRuleListSchema, ...errors }
    }
  }, async () => ({ rules: controls.faults.list() }))

  admin.post('/faults', {
    schema: {
      tags,
      operationId: 'MockAddFault',
      summary: 'Add a fault rule, tried after those already there',
      description: 'A rule matches requests of the emulated API (method, path glob, project, service) and answers a status, ' +
        'waits, drops the connection, or makes an accepted update\'s rollout fail; `times` and `fraction` limit it.',
      body: FaultRuleInputSchema,
      response: { 201: FaultRuleSchema, ...errors }
    }
  }, async (request, reply) => reply.code(201).send(controls.addFault(request.body)))

  admin.delete('/faults', {
    schema: {
      tags,
      operationId: 'MockClearFaults',
      summary: 'Remove every fault rule',
      description: 'Until the next reset, which brings back the fixtures\' rules.',
      response: { 204: {}, ...errors }
    }
  }, async (_request, reply) => {
    controls.clearFaults()
    return reply.code(204).send()
  })

  admin.get('/faults/:id', {
    schema: {
      tags,
      operationId: 'MockGetFault',
      summary: 'A fault rule and its counts',
      description: 'A 404 when no rule has this id.',
      params: FaultRuleIdParamsSchema,
      response: { 200: FaultRuleSchema, ...errors }
    }
  }, async (request) => {
    const rule = controls.faults.list().find((r) => r.id === request.params.id)
    if (rule === undefined) throw Errors.faultRuleNotFound(request.params.id)
    return rule
  })

  admin.delete('/faults/:id', {
    schema: {
      tags,
      operationId: 'MockRemoveFault',
      summary: 'Remove a fault rule',
      description: 'A 404 when no rule has this id.',
      params: FaultRuleIdParamsSchema,
      response: { 204: {}, ...errors }
    }
  }, async (request, reply) => {
    if (!controls.removeFault(request.params.id)) throw Errors.faultRuleNotFound(request.params.id)
    return reply.code(204).send()
  })

  admin.get('/latency', {
    schema: {
      tags,
      operationId: 'MockGetLatency',
      summary: 'Global latency',
      description: 'The delay added to every request of the emulated API, in milliseconds.',
      response: { 200: LatencySchema, ...errors }
    }
  }, async () => ({ ms: controls.latencyMs }))

  admin.put('/latency', {
    schema: {
      tags,
      operationId: 'MockSetLatency',
      summary: 'Set the delay added to every request of the emulated API',
      description: 'On the emulator\'s clock: with a manual clock, delayed requests wait until it is advanced.',
      body: LatencySchema,
      response: { 200: LatencySchema, ...errors }
    }
  }, async (request) => {
    controls.latencyMs = request.body.ms
    return { ms: controls.latencyMs }
  })

  admin.get('/clock', {
    schema: {
      tags,
      operationId: 'MockGetClock',
      summary: 'The emulator\'s clock',
      description: 'Its mode (system or manual) and the time it reads.',
      response: { 200: ClockSchema, ...errors }
    }
  }, async () => clockState())

  admin.put('/clock', {
    schema: {
      tags,
      operationId: 'MockSetClock',
      summary: 'Switch the clock to manual (time stands still) or back to the system\'s',
      description: 'The clock drives rollouts, rate-limit windows and injected delays. `now` (manual only) sets the time to stop at.',
      body: ClockSetSchema,
      response: { 200: ClockSchema, ...errors }
    }
  }, async (request) => {
    const { mode, now } = request.body
    const at = now === undefined ? undefined : new Date(now)
    if (mode === 'system') {
      if (at !== undefined) throw Errors.validation([{ path: 'body.now', rule: 'combination', expected: 'mode manual', message: 'body.now is for mode "manual" only' }])
      controls.clock.setSystem()
    } else {
      controls.clock.setManual(at)
    }
    return clockState()
  })

  admin.post('/clock/advance', {
    schema: {
      tags,
      operationId: 'MockAdvanceClock',
      summary: 'Move the manual clock forward',
      description: 'A 409 when the clock is the system\'s: switch it to manual first.',
      body: ClockAdvanceSchema,
      response: { 200: ClockSchema, ...errors }
    }
  }, async (request) => {
    if (!controls.clock.advance(request.body.ms)) throw Errors.clockNotManual()
    return clockState()
  })

  admin.get('/rollout', {
    schema: {
      tags,
      operationId: 'MockGetRollout',
      summary: 'Rollout step durations',
      description: 'How long an accepted update\'s rollout stays PENDING, then IN_PROGRESS.',
      response: { 200: RolloutSettingsSchema, ...errors }
    }
  }, async () => ({ ...controls.rollout }))

  admin.put('/rollout', {
    schema: {
      tags,
      operationId: 'MockSetRollout',
      summary: 'Set rollout step durations',
      description: 'For updates accepted from now on; rollouts already started keep theirs. A duration left out keeps its value.',
      body: RolloutSettingsUpdateSchema,
      response: { 200: RolloutSettingsSchema, ...errors }
    }
  }, async (request) => {
    controls.rollout = { ...controls.rollout, ...request.body }
    return { ...controls.rollout }
  })

  admin.get('/rate-limit', {
    schema: {
      tags,
      operationId: 'MockGetRateLimit',
      summary: 'Rate-limit settings',
      description: 'Whether 429s are answered, and the limit and window counted.',
      response: { 200: RateLimitSettingsSchema, ...errors }
    }
  }, async () => ({ ...controls.rateLimit }))

  admin.put('/rate-limit', {
    schema: {
      tags,
      operationId: 'MockSetRateLimit',
      summary: 'Set rate limits',
      description: 'Counts so far are kept; a reset starts them afresh. A setting left out keeps its value.',
      body: RateLimitSettingsUpdateSchema,
      response: { 200: RateLimitSettingsSchema, ...errors }
    }
  }, async (request) => {
    controls.rateLimit = { ...controls.rateLimit, ...request.body }
    return { ...controls.rateLimit }
  })
}
