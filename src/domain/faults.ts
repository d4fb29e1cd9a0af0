/**
 * Fault rules: which requests of the emulated API answer an injected error, wait, have their connection
 * dropped, or have their rollout end FAILED. Also the `Prefer` request header that asks the same for one
 * request (in the spirit of Prism's `Prefer: code=…`). Pure: no Fastify, no timers; src/routes/traffic.ts
 * carries the actions out.
 */
import type { FaultAction, FaultMatch, FaultRule, FaultRuleInput } from '../../schemas/faults.js'
import { Errors } from '../errors.js'

/** The longest delay a rule, the Prefer header or the global latency may ask for, and their sum. */
export const MAX_DELAY_MS = 60_000
/**
 * Rules held at once: enough for any test, few enough that matching a request against all of them stays
 * cheap (each rule's glob may test about a thousand segments; see GLOB_PATH_LIMIT).
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

/**
 * mulberry32: a tiny deterministic PRNG (32-bit state), so a seeded fraction draws the same sequence on
 * every run. Returns numbers in [0, 1).
 */
export function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A glob is tried only on paths of at most this many characters and segments; a longer path, which no
 * emulated route has, is matched by exact patterns only. With globs of at most 16 segments
 * (PathGlobSchema), one match then tests at most about a thousand segments, whatever the pattern and path.
 */
export const GLOB_PATH_LIMIT = { characters: 2048, segments: 32 }

/**
 * A path pattern: exact unless it holds `*`. `*` matches any characters within one segment, `**` as a
 * whole segment matches any number of segments (so `/v1/**` is a prefix match). The segments between two
 * `**` are a block found at its leftmost place, and each segment's `*`s are matched chunk by chunk at the
 * leftmost place too: both choices are safe (a later place leaves less room for what follows), so nothing
 * is ever retried and the cost is about the path's length times the block's (docs/faults-and-rollouts.md).
 */
export function pathMatcher (pattern: string): (path: string) => boolean {
  if (!pattern.includes('*')) return (path) => path === pattern
  const blocks: SegmentTest[][] = [[]]
  for (const segment of pattern.split('/')) {
    if (segment === '**') blocks.push([])
    else blocks[blocks.length - 1]?.push(segmentTest(segment))
  }
  return (path) => {
    if (path.length > GLOB_PATH_LIMIT.characters) return false
    const segments = path.split('/', GLOB_PATH_LIMIT.segments + 2)
    // split's limit stops at one element past the leading '' and the segments allowed: more means too many.
    return segments.length <= GLOB_PATH_LIMIT.segments + 1 && matchBlocks(blocks, segments)
  }
}

type SegmentTest = (segment: string) => boolean

/** A segment pattern: exact, or chunks between `*`s, the first a prefix, the last a suffix, the others in order between. */
function segmentTest (pattern: string): SegmentTest {
  if (!pattern.includes('*')) return (segment) => segment === pattern
  const chunks = pattern.split('*')
  const first = chunks[0] as string
  const last = chunks[chunks.length - 1] as string
  const middle = chunks.slice(1, -1).filter((c) => c !== '')
  return (segment) => {
    const end = segment.length - last.length
    if (end < first.length || !segment.startsWith(first) || !segment.endsWith(last)) return false
    let at = first.length
    for (const chunk of middle) {
      const found = segment.indexOf(chunk, at)
      if (found === -1 || found + chunk.length > end) return false
      at = found + chunk.length
    }
    return true
  }
}

/** Whether `block` matches the segments from `at` on. */
function blockAt (block: SegmentTest[], segments: string[], at: number): boolean {
  for (let i = 0; i < block.length; i++) if (!(block[i] as SegmentTest)(segments[at + i] as string)) return false
  return true
}

/**
 * Blocks of segment tests separated by `**`: the first block must match the first segments, the last the
 * last ones, and each block between at its leftmost place after the one before.
 */
function matchBlocks (blocks: SegmentTest[][], segments: string[]): boolean {
  const head = blocks[0] as SegmentTest[]
  if (blocks.length === 1) return segments.length === head.length && blockAt(head, segments, 0)
  const tail = blocks[blocks.length - 1] as SegmentTest[]
  const end = segments.length - tail.length
  if (end < head.length || !blockAt(head, segments, 0) || !blockAt(tail, segments, end)) return false
  let at = head.length
  for (let b = 1; b < blocks.length - 1; b++) {
    const block = blocks[b] as SegmentTest[]
    while (at + block.length <= end && !blockAt(block, segments, at)) at++
    if (at + block.length > end) return false
    at += block.length
  }
  return true
}

/** The request's path as rules see it: no query string, no repeated slashes (the router ignores them). */
export function requestPath (url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  return path.includes('//') ? path.replace(/\/{2,}/g, '/') : path
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

/** What a `Prefer` header asks of one request. */
export interface PreferFault {
  status?: number
  delayMs?: number
  drop?: boolean
}

/**
 * Reads the preferences this emulator knows from a `Prefer` header (RFC 7240: comma-separated
 * `name[=value]`, parameters after `;`, unknown ones ignored): `status=503` (or Prism's `code=503`),
 * `delay=200` (milliseconds), `drop`. A known preference with a bad value is a 400, as a typo in a test
 * should not pass silently. undefined: nothing asked.
 */
export function parsePrefer (header: string): PreferFault | undefined {
  let fault: PreferFault | undefined
  for (const item of header.split(',')) {
    const pref = item.split(';', 1)[0] as string
    const eq = pref.indexOf('=')
    const name = (eq === -1 ? pref : pref.slice(0, eq)).trim().toLowerCase()
    const value = eq === -1 ? undefined : pref.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
    if (name === 'status' || name === 'code') {
      fault = { ...fault, status: integerIn(name, value, 400, 599) }
    } else if (name === 'delay') {
      fault = { ...fault, delayMs: integerIn(name, value, 0, MAX_DELAY_MS) }
    } else if (name === 'drop') {
      if (value !== undefined && value !== 'true') throw Errors.badPrefer(`"drop" takes no value (got "${value}")`)
      fault = { ...fault, drop: true }
    }
  }
  if (fault?.status !== undefined && fault.drop === true) throw Errors.badPrefer('"status" and "drop" cannot be asked together')
  return fault
}

function integerIn (name: string, value: string | undefined, min: number, max: number): number {
  const n = value === undefined || !/^\d{1,6}$/.test(value) ? NaN : Number(value)
  if (!(n >= min && n <= max)) throw Errors.badPrefer(`"${name}" must be an integer from ${min} to ${max} (got ${value === undefined ? 'no value' : `"${value}"`})`)
  return n
}
