/**
 * Fault rules: which requests of the emulated API answer an injected error, wait, have their connection
 * dropped, or have their rollout end FAILED (the `Prefer` header, src/domain/prefer.ts, asks the same of
 * one request). Pure: no Fastify, no timers; src/routes/gateway.ts carries the actions out.
 */
import type { FaultAction, FaultMatch, FaultRule, FaultRuleInput } from '../../schemas/faults.js'
import { Errors } from '../errors.js'
import { pathMatcher } from './path-glob.js'
import { mulberry32 } from './random.js'

/** The longest delay a rule, the Prefer header or the global latency may ask for, and their sum. */
export const MAX_DELAY_MS = 60_000
/**
 * Rules held at once: enough for any test, few enough that matching a request against all of them stays
 * cheap (each rule's glob may test about a thousand segments; see GLOB_PATH_LIMIT in src/domain/path-glob.ts).
 */
export const MAX_RULES = 100
/** The seed of a rule that names none, so an unseeded rule is as repeatable as a seeded one. */
export const DEFAULT_SEED = 1

/** What a rule is matched against. */
export interface RequestFacts {
  method: string
  /** Without the query string. */
  path: string
  project?: string
  service?: string
  job?: string
}

interface Rule {
  view: FaultRule
  matches: (facts: RequestFacts) => boolean
  draw: (() => number) | undefined
}

export class FaultRules {
  private rules: Rule[] = []
  private nextId = 1
  /** Rules that act on the HTTP answer (not rollout ones): when 0, requests skip matching entirely. */
  httpRules = 0
  /** Rules that fail rollouts: when 0, an accepted update skips matching entirely. */
  rolloutRules = 0

  /** Checks what a schema cannot say, then adds the rule at the end (rules are tried in order). */
  add (input: FaultRuleInput): FaultRule {
    checkAction(input.action)
    if (this.rules.length >= MAX_RULES) throw Errors.tooManyFaultRules(MAX_RULES)
    let id = input.id
    if (id === undefined) {
      do id = `fault-${this.nextId++}`
      while (this.rules.some((r) => r.view.id === id))
    } else if (this.rules.some((r) => r.view.id === id)) {
      throw Errors.faultRuleExists(id)
    }
    // Methods match in any case and are shown as HTTP writes them.
    const match: FaultMatch = input.match?.method === undefined ? { ...input.match } : { ...input.match, method: input.match.method.toUpperCase() }
    const view: FaultRule = {
      id,
      match,
      action: { ...input.action },
      ...(input.times === undefined ? {} : { times: input.times }),
      ...(input.fraction === undefined ? {} : { fraction: input.fraction, seed: input.seed ?? DEFAULT_SEED }),
      remaining: input.times ?? null,
      matched: 0,
      applied: 0
    }
    const path = match.path === undefined ? undefined : pathMatcher(match.path)
    const method = match.method
    const matches = (f: RequestFacts): boolean =>
      (method === undefined || f.method === method) &&
      (match.project === undefined || f.project === match.project) &&
      (match.service === undefined || f.service === match.service) &&
      (match.job === undefined || f.job === match.job) &&
      (path === undefined || path(f.path))
    this.rules.push({ view, matches, draw: input.fraction === undefined ? undefined : mulberry32(input.seed ?? DEFAULT_SEED) })
    if (input.action.rollout === undefined) this.httpRules++
    else this.rolloutRules++
    return copy(view)
  }

  remove (id: string): boolean {
    const i = this.rules.findIndex((r) => r.view.id === id)
    if (i === -1) return false
    const [rule] = this.rules.splice(i, 1)
    if (rule?.view.action.rollout === undefined) this.httpRules--
    else this.rolloutRules--
    return true
  }

  clear (): void {
    this.rules = []
    this.httpRules = 0
    this.rolloutRules = 0
    this.nextId = 1
  }

  list (): FaultRule[] {
    return this.rules.map((r) => copy(r.view))
  }

  /** The HTTP fault for a request: the first rule that matches and fires. Spends one of its `times`. */
  take (facts: RequestFacts): { rule: string, action: FaultAction } | undefined {
    if (this.httpRules === 0) return undefined
    const rule = this.fire(facts, false)
    return rule === undefined ? undefined : { rule: rule.id, action: rule.action }
  }

  /** Whether an accepted update's rollout must end FAILED (a `rollout: "FAILED"` rule fired). */
  takeRolloutFailure (facts: RequestFacts): boolean {
    return this.rolloutRules > 0 && this.fire(facts, true) !== undefined
  }

  private fire (facts: RequestFacts, rollout: boolean): FaultRule | undefined {
    for (const { view, matches, draw } of this.rules) {
      if ((view.action.rollout !== undefined) !== rollout || view.remaining === 0 || !matches(facts)) continue
      view.matched++
      // A fraction draws on every match, whether or not an earlier draw fired, so the sequence is the seed's.
      if (draw !== undefined && draw() >= (view.fraction as number)) continue
      view.applied++
      if (view.remaining !== null) view.remaining--
      return view
    }
    return undefined
  }
}

/** The first problem of a list of rules (the fixtures' `faults`) as a whole, or undefined. */
export function checkFaultRules (rules: FaultRuleInput[]): string | undefined {
  const set = new FaultRules()
  for (const [i, rule] of rules.entries()) {
    try {
      set.add(rule)
    } catch (err) {
      return `faults[${i}]: ${(err as Error).message.replace(/body\./g, '')}`
    }
  }
  return undefined
}

function copy (view: FaultRule): FaultRule {
  return { ...view, match: { ...view.match }, action: { ...view.action } }
}

/** The combinations a schema states badly: one answer at most, and a rollout rule does nothing else. */
function checkAction (a: FaultAction): void {
  const problem = (message: string) => Errors.validation([{ path: 'body.action', rule: 'combination', expected: 'a valid action', message }])
  if (a.status === undefined && a.delayMs === undefined && a.drop !== true && a.rollout === undefined) {
    throw problem('body.action must ask for something: status, delayMs, drop or rollout')
  }
  if (a.status !== undefined && a.drop === true) throw problem('body.action cannot both answer a status and drop the connection')
  if (a.rollout !== undefined && (a.status !== undefined || a.delayMs !== undefined || a.drop !== undefined)) {
    throw problem('body.action.rollout acts on the rollout of an accepted update: it takes no status, delayMs or drop')
  }
  if (a.message !== undefined && a.status === undefined) throw problem('body.action.message goes with body.action.status')
}
