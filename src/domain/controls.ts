/**
 * The test control plane's settings that shape how the emulated API behaves (as opposed to what it holds):
 * fault rules, global latency, the clock, rollout step durations, rate limits and their counts. Owned by
 * the Emulator, whose reset puts them back as they were built. No Fastify here.
 */
import type { FaultRule, FaultRuleInput, RateLimitSettings } from '../../schemas/faults.js'
import { ControlledClock, type Clock } from './clock.js'
import { FaultRules, type RequestFacts } from './faults.js'
import { FixedWindowLimiter } from './rate-limit.js'
import { IMMEDIATE, type RolloutPlan, type RolloutSettings } from './rollout.js'

/** Northflank's own limit (docs/northflank-contract.md, "Rate limits"), counted but not enforced unless asked. */
export const NORTHFLANK_RATE_LIMIT: Readonly<RateLimitSettings> = { enforce: false, max: 1000, windowSeconds: 3600 }

/** What every update gets while no rollout steps or rollout rules are set: completed at once. */
const COMPLETED_AT_ONCE: Readonly<RolloutPlan> = Object.freeze({ ...IMMEDIATE, outcome: 'COMPLETED' })

export interface ControlOptions {
  /** The clock the emulator reads until switched to manual; default: the system's. */
  clock?: Clock
  /** Global latency added to every request of the emulated API, in ms. */
  latencyMs?: number
  rollout?: Partial<RolloutSettings>
  rateLimit?: Partial<RateLimitSettings>
  /** Fault rules in place at start and after every reset (the fixtures' `faults`). */
  faults?: FaultRuleInput[]
  /** Most rate-limit keys counted at once (the emulator passes its namespace limit). */
  rateLimitKeys: number
}

export class Controls {
  readonly clock: ControlledClock
  readonly limiter: FixedWindowLimiter
  rollout: RolloutSettings = { ...IMMEDIATE }
  rateLimit: RateLimitSettings = { ...NORTHFLANK_RATE_LIMIT }
  /**
   * False while no HTTP fault rule and no latency are set: then a request of the emulated API needs no
   * look at rules, delays or timers (the hot path checks this one field, and the Prefer header).
   */
  engaged = false
  private rules = new FaultRules()
  private latency = 0

  constructor (private options: ControlOptions) {
    this.clock = new ControlledClock(options.clock)
    this.limiter = new FixedWindowLimiter(this.clock, options.rateLimitKeys)
    this.reset()
  }

  get faults (): FaultRules {
    return this.rules
  }

  get latencyMs (): number {
    return this.latency
  }

  set latencyMs (ms: number) {
    this.latency = ms
    this.refresh()
  }

  /** Back to the settings the app was built with: fixture rules with fresh counts, the base clock, new counts. */
  reset (): void {
    this.latency = this.options.latencyMs ?? 0
    this.rollout = { ...IMMEDIATE, ...this.options.rollout }
    this.rateLimit = { ...NORTHFLANK_RATE_LIMIT, ...this.options.rateLimit }
    this.clock.setSystem()
    this.limiter.reset()
    // Checked with the fixtures (checkFixtures), so these adds do not throw.
    this.useFixtureFaults(this.options.faults)
  }

  /**
   * New fixtures were loaded (admin API): their `faults` replace the rules now in force, and those of a
   * later reset. Other settings stay as they are. A bad rule throws its ApiError and changes nothing.
   */
  useFixtureFaults (rules: FaultRuleInput[] | undefined): void {
    const faults = new FaultRules()
    for (const rule of rules ?? []) faults.add(rule)
    this.rules = faults
    this.options = { ...this.options, faults: rules }
    this.refresh()
  }

  addFault (input: FaultRuleInput): FaultRule {
    const rule = this.rules.add(input)
    this.refresh()
    return rule
  }

  removeFault (id: string): boolean {
    const removed = this.rules.remove(id)
    this.refresh()
    return removed
  }

  clearFaults (): void {
    this.rules.clear()
    this.refresh()
  }

  /**
   * How an accepted update's rollout goes: the step durations now in force, FAILED if a rule says so.
   * `facts` is only asked for when a rollout rule exists.
   */
  planRollout (facts: () => RequestFacts): RolloutPlan {
    if (this.rules.rolloutRules === 0) {
      const { pendingMs, inProgressMs } = this.rollout
      return pendingMs === 0 && inProgressMs === 0 ? COMPLETED_AT_ONCE : { pendingMs, inProgressMs, outcome: 'COMPLETED' }
    }
    return { ...this.rollout, outcome: this.rules.takeRolloutFailure(facts()) ? 'FAILED' : 'COMPLETED' }
  }

  private refresh (): void {
    this.engaged = this.rules.httpRules > 0 || this.latency > 0
  }
}
