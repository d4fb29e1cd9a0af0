/**
 * The test control plane's settings that shape how the emulated API behaves (as opposed to what it holds):
 * fault rules, global latency, the clock, rollout step durations and rate limits. One per app; `reset`
 * puts everything back as the app was built. No Fastify here.
 */
import type { FaultRuleInput, RateLimitSettings } from '../../schemas/faults.js'
import { ControlledClock } from './clock.js'
import { systemClock, type Clock } from './emulator.js'
import { FaultRules, type RequestFacts } from './faults.js'
import { IMMEDIATE, type RolloutPlan, type RolloutSettings } from './rollout.js'

/** Northflank's own limit (reference §4), counted but not enforced unless asked. */
export const NORTHFLANK_RATE_LIMIT: Readonly<RateLimitSettings> = { enforce: false, max: 1000, windowSeconds: 3600 }

export interface ControlOptions {
  /** The clock the emulator reads until switched to manual; default: the system's. */
  clock?: Clock
  /** Global latency added to every request of the emulated API, in ms. */
  latencyMs?: number
  rollout?: Partial<RolloutSettings>
  rateLimit?: Partial<RateLimitSettings>
  /** Fault rules in place at start and after every reset (the fixtures' `faults`). */
  faults?: FaultRuleInput[]
}

export class Controls {
  readonly clock: ControlledClock
  faults = new FaultRules()
  latencyMs = 0
  rollout: RolloutSettings = { ...IMMEDIATE }
  rateLimit: RateLimitSettings = { ...NORTHFLANK_RATE_LIMIT }
  private readonly resetListeners: Array<() => void> = []

  constructor (private options: ControlOptions = {}) {
    this.clock = new ControlledClock(options.clock ?? systemClock)
    this.reset()
  }

  /** Back to the settings the app was built with: fixture rules with fresh counts, the base clock. */
  reset (): void {
    this.latencyMs = this.options.latencyMs ?? 0
    this.rollout = { ...IMMEDIATE, ...this.options.rollout }
    this.rateLimit = { ...NORTHFLANK_RATE_LIMIT, ...this.options.rateLimit }
    this.clock.setSystem()
    // Checked with the fixtures (checkFixtures), so these adds do not throw.
    this.useFixtureFaults(this.options.faults)
    for (const listener of this.resetListeners) listener()
  }

  /**
   * New fixtures were loaded (admin API): their `faults` replace the rules now in force, and those of a
   * later reset. Other settings stay as they are. A bad rule throws its ApiError and changes nothing.
   */
  useFixtureFaults (rules: FaultRuleInput[] | undefined): void {
    const faults = new FaultRules()
    for (const rule of rules ?? []) faults.add(rule)
    this.faults = faults
    this.options = { ...this.options, faults: rules }
  }

  /** Called after every reset (the rate limiter starts its counts afresh). */
  onReset (listener: () => void): void {
    this.resetListeners.push(listener)
  }

  /** How an accepted update's rollout goes: the step durations now in force, FAILED if a rule says so. */
  planRollout (facts: RequestFacts): RolloutPlan {
    return { ...this.rollout, outcome: this.faults.takeRolloutFailure(facts) ? 'FAILED' : 'COMPLETED' }
  }
}
