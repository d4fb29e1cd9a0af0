/**
 * The test control plane's behaviour settings (admin API under /_mock/, and the fixtures' `faults`):
 * fault rules, global latency, the clock, rollout step durations and rate limits.
 */
import { Type, type Static } from '@sinclair/typebox'
import { PATH_GLOB_PATTERN } from './patterns.js'

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** One of METHODS in any case (`post` is `POST`), as a pattern: JSON Schema has no case-insensitive enum. */
export function MethodSchema (description: string) {
  const anyCase = METHODS.map((m) => [...m].map((c) => `[${c}${c.toLowerCase()}]`).join(''))
  return Type.String({ pattern: `^(?:${anyCase.join('|')})$`, description: `${description}: ${METHODS.join(', ')}, in any case` })
}

/** A request path to match, without the query string: exact, or a glob (src/domain/path-glob.ts, pathMatcher). */
export const PathGlobSchema = (description: string) => Type.String({ minLength: 1, maxLength: 1024, pattern: PATH_GLOB_PATTERN, description })

const DelayMs = (description: string) => Type.Integer({ minimum: 0, maximum: 60000, description })

export const FaultMatchSchema = Type.Object({
  method: Type.Optional(MethodSchema('HTTP method (shown in uppercase); absent: any')),
  path: Type.Optional(PathGlobSchema('Request path without the query string: exact, or a glob where * matches within one segment ' +
    'and a ** segment matches any number of segments (/v1/** matches every API path); absent: any')),
  // The words the journal filters and verify use too, so one query reads the same everywhere.
  project: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The projectId path parameter; absent: any' })),
  service: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The serviceId path parameter; absent: any' })),
  job: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The jobId path parameter; absent: any' }))
}, { additionalProperties: false, description: 'Which requests of the emulated API the rule concerns; every field given must match' })
export type FaultMatch = Static<typeof FaultMatchSchema>

export const FaultActionSchema = Type.Object({
  status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: 'Answer this status, in the error envelope, instead of handling the request' })),
  message: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'The envelope\'s message (with status); default: the status text, marked as injected' })),
  delayMs: Type.Optional(DelayMs('Wait this long first (then answer the status, drop, or handle the request)')),
  drop: Type.Optional(Type.Boolean({ description: 'true: destroy the connection without an answer' })),
  rollout: Type.Optional(Type.Literal('FAILED', { description: 'Accept the update but make its rollout end FAILED' }))
}, { additionalProperties: false, description: 'What happens: status (and message), delayMs, drop, or rollout' })
export type FaultAction = Static<typeof FaultActionSchema>

const ruleFields = {
  id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'Default: fault-N' })),
  match: Type.Optional(FaultMatchSchema),
  action: FaultActionSchema,
  times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000000, description: 'Act on the next N matching requests only; absent: on every one' })),
  fraction: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Act on this fraction of matching requests, drawn from a seeded PRNG' })),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'PRNG seed for fraction (default 1): same seed, same sequence' }))
}

export const FaultRuleInputSchema = Type.Object(ruleFields, { additionalProperties: false })
export type FaultRuleInput = Static<typeof FaultRuleInputSchema>

export const FaultRuleSchema = Type.Object({
  ...ruleFields,
  id: Type.String(),
  match: FaultMatchSchema,
  remaining: Type.Union([Type.Integer(), Type.Null()], { description: 'How many more times it acts; null: no limit' }),
  matched: Type.Integer({ description: 'Requests that matched' }),
  applied: Type.Integer({ description: 'Requests it acted on' })
})
export type FaultRule = Static<typeof FaultRuleSchema>

export const FaultRuleListSchema = Type.Object({ rules: Type.Array(FaultRuleSchema) })

export const FaultRuleIdParamsSchema = Type.Object({
  id: Type.String({ description: 'ID of the fault rule: the one it was created with, or fault-N' })
})

export const LatencySchema = Type.Object({
  ms: DelayMs('Added to every request of the emulated API')
}, { additionalProperties: false })
export type Latency = Static<typeof LatencySchema>

export const ClockSchema = Type.Object({
  mode: Type.Unsafe<'system' | 'manual'>({ type: 'string', enum: ['system', 'manual'] }),
  now: Type.String({ format: 'date-time', description: 'The emulator\'s time' })
})
export type ClockState = Static<typeof ClockSchema>

export const ClockSetSchema = Type.Object({
  mode: Type.Unsafe<'system' | 'manual'>({ type: 'string', enum: ['system', 'manual'], description: 'manual: time stands still until advanced' }),
  now: Type.Optional(Type.String({ format: 'date-time', description: 'manual only: the time to stop at (RFC 3339); default: now' }))
}, { additionalProperties: false })
export type ClockSet = Static<typeof ClockSetSchema>

export const ClockAdvanceSchema = Type.Object({
  ms: Type.Integer({ minimum: 0, maximum: 31536000000, description: 'Milliseconds to move a manual clock forward (up to a year)' })
}, { additionalProperties: false })
export type ClockAdvance = Static<typeof ClockAdvanceSchema>

const StepMs = (description: string) => Type.Integer({ minimum: 0, maximum: 86400000, description })

export const RolloutSettingsSchema = Type.Object({
  pendingMs: StepMs('How long a rollout stays PENDING (0: not at all)'),
  inProgressMs: StepMs('How long it then stays IN_PROGRESS before COMPLETED or FAILED (0: not at all)')
}, { additionalProperties: false })
export type RolloutSettingsBody = Static<typeof RolloutSettingsSchema>

/** PUT /_mock/rollout: one duration or both; one left out keeps its value. */
export const RolloutSettingsUpdateSchema = Type.Partial(RolloutSettingsSchema, {
  additionalProperties: false,
  minProperties: 1,
  description: 'The durations to change; one left out keeps its current value'
})
export type RolloutSettingsUpdate = Static<typeof RolloutSettingsUpdateSchema>

export const RateLimitSettingsSchema = Type.Object({
  enforce: Type.Boolean({ description: 'Answer 429 past the limit; false: only count and send the headers' }),
  max: Type.Integer({ minimum: 1, maximum: 1000000000, description: 'Requests per window and token (Northflank: 1000)' }),
  windowSeconds: Type.Integer({ minimum: 1, maximum: 86400, description: 'Window, from a token\'s first request (Northflank: 3600)' })
}, { additionalProperties: false })
export type RateLimitSettings = Static<typeof RateLimitSettingsSchema>

/** PUT /_mock/rate-limit: any of the settings; one left out keeps its value. */
export const RateLimitSettingsUpdateSchema = Type.Partial(RateLimitSettingsSchema, {
  additionalProperties: false,
  minProperties: 1,
  description: 'The settings to change; one left out keeps its current value'
})
export type RateLimitSettingsUpdate = Static<typeof RateLimitSettingsUpdateSchema>

const StepDuration = Type.Integer({ minimum: 0, maximum: 86400000 })

/**
 * One rollout as a service stores it (src/domain/rollout.ts), and as a state dump holds it:
 * GET service derives `status.deployment` from it and the clock.
 */
export const RolloutStateSchema = Type.Object({
  startedAt: Type.String({ format: 'date-time', description: 'When the update was accepted' }),
  pendingMs: StepDuration,
  inProgressMs: StepDuration,
  outcome: Type.Unsafe<'COMPLETED' | 'FAILED'>({ type: 'string', enum: ['COMPLETED', 'FAILED'] }),
  deployedSHA: Type.Optional(Type.String({ description: 'The commit being deployed, when a build is' })),
  waitingForBuild: Type.Optional(Type.Boolean({ description: 'latest with no build yet: stays PENDING' }))
}, { additionalProperties: false })
