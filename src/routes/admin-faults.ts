/**
 * The test control plane's behaviour endpoints (tag "Mock admin"): fault rules (/_mock/faults), global
 * latency (/_mock/latency), the clock (/_mock/clock), rollout step durations (/_mock/rollout) and rate
 * limits (/_mock/rate-limit). Thin: each calls the Controls and answers what is now in force.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ErrorEnvelopeSchema } from '../../schemas/error.js'
import {
  ClockAdvanceSchema, ClockSchema, ClockSetSchema, FaultRuleIdParamsSchema, FaultRuleInputSchema, FaultRuleListSchema,
  FaultRuleSchema, LatencySchema, RateLimitSettingsSchema, RolloutSettingsSchema, type ClockState
} from '../../schemas/faults.js'
import type { Controls } from '../domain/controls.js'
import { Errors } from '../errors.js'

const tags = ['Mock admin']
const errors = { '4xx': ErrorEnvelopeSchema, '5xx': ErrorEnvelopeSchema }

export function adminFaultRoutes (controls: Controls) {
  return async function (app: FastifyInstance): Promise<void> {
    const admin = app.withTypeProvider<TypeBoxTypeProvider>()
    const clockState = (): ClockState => ({ mode: controls.clock.mode, now: controls.clock.now().toISOString() })

    admin.get('/_mock/faults', {
      schema: { tags, summary: 'List fault rules, in the order they are tried', response: { 200: FaultRuleListSchema, ...errors } }
    }, async () => ({ rules: controls.faults.list() }))

    admin.post('/_mock/faults', {
      schema: { tags, summary: 'Add a fault rule (tried after those already there)', body: FaultRuleInputSchema, response: { 201: FaultRuleSchema, ...errors } }
    }, async (request, reply) => reply.code(201).send(controls.faults.add(request.body)))

    admin.delete('/_mock/faults', {
      schema: { tags, summary: 'Remove every fault rule', response: { 204: {}, ...errors } }
    }, async (_request, reply) => {
      controls.faults.clear()
      return reply.code(204).send()
    })

    admin.get('/_mock/faults/:id', {
      schema: { tags, summary: 'A fault rule and its counts', params: FaultRuleIdParamsSchema, response: { 200: FaultRuleSchema, ...errors } }
    }, async (request) => {
      const rule = controls.faults.list().find((r) => r.id === request.params.id)
      if (rule === undefined) throw Errors.faultRuleNotFound(request.params.id)
      return rule
    })

    admin.delete('/_mock/faults/:id', {
      schema: { tags, summary: 'Remove a fault rule', params: FaultRuleIdParamsSchema, response: { 204: {}, ...errors } }
    }, async (request, reply) => {
      if (!controls.faults.remove(request.params.id)) throw Errors.faultRuleNotFound(request.params.id)
      return reply.code(204).send()
    })

    admin.get('/_mock/latency', {
      schema: { tags, summary: 'Global latency', response: { 200: LatencySchema, ...errors } }
    }, async () => ({ ms: controls.latencyMs }))

    admin.put('/_mock/latency', {
      schema: { tags, summary: 'Set the delay added to every request of the emulated API', body: LatencySchema, response: { 200: LatencySchema, ...errors } }
    }, async (request) => {
      controls.latencyMs = request.body.ms
      return { ms: controls.latencyMs }
    })

    admin.get('/_mock/clock', {
      schema: { tags, summary: 'The emulator\'s clock', response: { 200: ClockSchema, ...errors } }
    }, async () => clockState())

    admin.put('/_mock/clock', {
      schema: { tags, summary: 'Switch the clock to manual (time stands still) or back to the system\'s', body: ClockSetSchema, response: { 200: ClockSchema, ...errors } }
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

    admin.post('/_mock/clock/advance', {
      schema: { tags, summary: 'Move the manual clock forward', body: ClockAdvanceSchema, response: { 200: ClockSchema, ...errors } }
    }, async (request) => {
      if (!controls.clock.advance(request.body.ms)) throw Errors.clockNotManual()
      return clockState()
    })

    admin.get('/_mock/rollout', {
      schema: { tags, summary: 'Rollout step durations', response: { 200: RolloutSettingsSchema, ...errors } }
    }, async () => ({ ...controls.rollout }))

    admin.put('/_mock/rollout', {
      schema: { tags, summary: 'Set rollout step durations (for updates accepted from now on)', body: RolloutSettingsSchema, response: { 200: RolloutSettingsSchema, ...errors } }
    }, async (request) => {
      controls.rollout = { ...request.body }
      return { ...controls.rollout }
    })

    admin.get('/_mock/rate-limit', {
      schema: { tags, summary: 'Rate-limit settings', response: { 200: RateLimitSettingsSchema, ...errors } }
    }, async () => ({ ...controls.rateLimit }))

    admin.put('/_mock/rate-limit', {
      schema: { tags, summary: 'Set rate limits (counts so far are kept)', body: RateLimitSettingsSchema, response: { 200: RateLimitSettingsSchema, ...errors } }
    }, async (request) => {
      controls.rateLimit = { ...request.body }
      return { ...controls.rateLimit }
    })
  }
}
