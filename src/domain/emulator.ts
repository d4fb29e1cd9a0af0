/**
 * The emulator's world: the fixtures it was given, the state they grew into, the journal of requests and
 * the controls that shape the API's behaviour (faults, latency, clock, rollouts, rate limits). With
 * isolation on, each API token has a namespace of its own (its own state and journal, copied from the
 * fixtures on its first accepted request), so test files sharing one emulator never see each other's
 * deployments. `reset` is the one place that puts any of it back. No Fastify here.
 */
import type { StateDump } from '../../schemas/admin.js'
import type { UpdateDeploymentBody } from '../../schemas/deployment.js'
import type { Fixtures } from '../../schemas/fixtures.js'
import { Errors } from '../errors.js'
import type { Clock, ControlledClock } from './clock.js'
import { Controls, type ControlOptions } from './controls.js'
import { updateDeployment } from './deployments.js'
import type { RequestFacts } from './faults.js'
import { buildState } from './fixtures.js'
import { updateJobDeployment } from './jobs.js'
import { Journal, JournalStore, matches, type JournalFilter, type Recorded } from './journal.js'
import type { Deployment, RunSettings, State } from './model.js'
import { tokenKey } from './rate-limit.js'
import { dumpState, restoreState } from './state-dump.js'
import { evaluate, type Matcher, type Verdict } from './verify.js'

export type { JournalFilter }

export const DEFAULT_JOURNAL_SIZE = 1000
/** 64 MiB: room for ~60 requests at the default 1 MiB body limit, or ~100,000 typical ones. */
export const DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024
/** Isolation creates a namespace per token seen; this bounds the memory a client can make it use. */
export const MAX_NAMESPACES = 10_000

export interface EmulatorOptions {
  /** One namespace (state and journal) per API token. */
  isolation?: boolean
  /** Requests each journal keeps; 0 turns the journal off. */
  journalSize?: number
  /** Bytes all journals keep together (default DEFAULT_JOURNAL_BYTES). */
  journalBytes?: number
  /** Most namespaces isolation keeps (default MAX_NAMESPACES); also the most rate-limit keys counted. */
  maxNamespaces?: number
  /** The clock the emulator reads until switched to manual; default: the system's. */
  clock?: Clock
  /** Latency, rollout step durations and rate limits at start (and after a reset). */
  behaviour?: Omit<ControlOptions, 'clock' | 'faults' | 'rateLimitKeys'>
}

export interface Namespace {
  /** The API token it belongs to; undefined for the default namespace. */
  readonly token: string | undefined
  /** Fixtures loaded into this namespace only; undefined: the emulator's. */
  fixtures: Fixtures | undefined
  state: State
  readonly journal: Journal
}

/** What a reset covers. Absent fields mean "all": no token, every namespace; no project, every project. */
export interface ResetScope {
  token?: string
  projectId?: string
}

export class Emulator {
  /** The fixtures a reset returns to (those given at start, or the last loaded without a token). */
  fixtures: Fixtures
  readonly controls: Controls
  readonly isolation: boolean
  readonly maxNamespaces: number
  readonly journals: JournalStore
  /** The namespace of requests without a token, and of every request when isolation is off. */
  readonly base: Namespace
  /**
   * Called after each change to the default namespace's state or to the fixtures (the state file's
   * saver listens here); one listener, set by whoever owns the persistence.
   */
  onChange: (() => void) | undefined
  private readonly namespaces = new Map<string, Namespace>()
  private seq = 0

  constructor (fixtures: Fixtures, options: EmulatorOptions = {}) {
    this.fixtures = fixtures
    this.isolation = options.isolation ?? false
    this.maxNamespaces = options.maxNamespaces ?? MAX_NAMESPACES
    this.controls = new Controls({ ...options.behaviour, clock: options.clock, faults: fixtures.faults, rateLimitKeys: this.maxNamespaces })
    this.journals = new JournalStore(options.journalSize ?? DEFAULT_JOURNAL_SIZE, options.journalBytes ?? DEFAULT_JOURNAL_BYTES)
    this.base = { token: undefined, fixtures: undefined, state: buildState(fixtures), journal: this.journals.journal() }
  }

  get clock (): ControlledClock {
    return this.controls.clock
  }

  /** Requests each journal keeps; 0: journaling is off. */
  get journalSize (): number {
    return this.journals.capacity
  }

  /** The default namespace's state (the only one when isolation is off). */
  get state (): State {
    return this.base.state
  }

  set state (state: State) {
    this.base.state = state
  }

  /**
   * The namespace of a token, created from the fixtures when it has none yet: for requests the API has
   * accepted, and admin writes scoped to the token. Past `maxNamespaces`, a 503.
   */
  namespaceFor (token: string | undefined): Namespace {
    if (!this.isolation || token === undefined) return this.base
    let ns = this.namespaces.get(token)
    if (ns === undefined) {
      if (this.namespaces.size >= this.maxNamespaces) throw Errors.tooManyNamespaces(this.maxNamespaces)
      ns = { token, fixtures: undefined, state: buildState(this.fixtures), journal: this.journals.journal(token) }
      this.namespaces.set(token, ns)
    }
    return ns
  }

  /** The namespace of a token if it exists, without creating one. */
  existingNamespace (token: string | undefined): Namespace | undefined {
    if (!this.isolation || token === undefined) return this.base
    return this.namespaces.get(token)
  }

  get namespaceCount (): number {
    return this.namespaces.size
  }

  /** The next journal sequence number: one order across every namespace. */
  nextSeq (): number {
    return ++this.seq
  }

  /**
   * Applies an accepted update body to a service of a namespace (src/domain/deployments.ts has the
   * rules); the rollout is planned by the controls. Throws an ApiError, changing nothing, when it does not fit.
   */
  update (ns: Namespace, projectId: string, serviceId: string, body: UpdateDeploymentBody, facts: () => RequestFacts): Deployment {
    const deployment = updateDeployment(ns.state, projectId, serviceId, body, this.clock.now(), () => this.controls.planRollout(facts))
    if (ns === this.base) this.onChange?.()
    return deployment
  }

  /** Applies an accepted update body to a job of a namespace (src/domain/jobs.ts has the rules). */
  updateJob (ns: Namespace, projectId: string, jobId: string, body: UpdateDeploymentBody): RunSettings {
    const settings = updateJobDeployment(ns.state, projectId, jobId, body)
    if (ns === this.base) this.onChange?.()
    return settings
  }

  /**
   * Back to the fixtures. Unscoped: everything: every namespace dropped, every journal cleared, and the
   * controls back to how they were built (fault rules, latency, rollout steps, clock, rate limits and
   * their counts). With a token: that namespace's state and journal, and its token's rate-limit count.
   * With a project: only that project, rebuilt from the fixtures, and its journal entries; a 404 when no
   * namespace in scope has or had it. Scoped resets leave the controls: every namespace shares them.
   * A reset never creates a namespace: one that does not exist already looks reset.
   */
  reset (scope: ResetScope = {}): void {
    this.checkScope(scope.token)
    const { token, projectId } = scope
    if (projectId !== undefined) {
      const ns = this.existingNamespace(token)
      const affected = token === undefined ? [this.base, ...this.namespaces.values()] : ns === undefined ? [] : [ns]
      let found = false
      for (const each of affected) found = this.resetProject(each, projectId) || found
      // A namespace not made yet holds the fixtures' projects, as they are.
      if (ns === undefined) found = this.fixtures.projects.some((p) => p.id === projectId)
      if (!found) throw Errors.projectNotFound(projectId)
    } else if (token !== undefined) {
      const ns = this.namespaces.get(token)
      if (ns !== undefined) {
        ns.state = buildState(ns.fixtures ?? this.fixtures)
        ns.journal.clear()
      }
      this.controls.limiter.reset(tokenKey(token))
    } else {
      for (const ns of this.namespaces.values()) ns.journal.clear()
      this.namespaces.clear()
      this.base.state = buildState(this.fixtures)
      this.base.journal.clear()
      this.controls.reset()
    }
    if (token === undefined) this.onChange?.()
  }

  private resetProject (ns: Namespace, projectId: string): boolean {
    const fresh = buildState(ns.fixtures ?? this.fixtures).projects.get(projectId)
    const had = ns.state.projects.has(projectId)
    // One assignment: a request running next sees the old project or the new one, never a mix.
    if (fresh !== undefined) ns.state.projects.set(projectId, fresh)
    else ns.state.projects.delete(projectId)
    ns.journal.clear((e) => e.params.projectId === projectId)
    return had || fresh !== undefined
  }

  /**
   * Replaces the fixtures (and the state, rebuilt from them) of one namespace, or the emulator's. The
   * journal is kept. The document must already match FixturesSchema; anything building reveals (duplicate
   * ids, a deployment the rules refuse) throws FixturesError before anything changes.
   */
  load (fixtures: Fixtures, token?: string): void {
    this.checkScope(token)
    const state = buildState(fixtures)
    if (token === undefined) {
      this.fixtures = fixtures
      this.base.state = state
      this.onChange?.()
    } else {
      const ns = this.namespaceFor(token)
      ns.fixtures = fixtures
      ns.state = state
    }
  }

  /** The fixtures a namespace resets to. */
  fixturesOf (token?: string): Fixtures {
    this.checkScope(token)
    return this.existingNamespace(token)?.fixtures ?? this.fixtures
  }

  /** The state of a namespace as plain JSON; one not made yet shows the fixtures' state. */
  dump (token?: string): StateDump {
    this.checkScope(token)
    return dumpState(this.existingNamespace(token)?.state ?? buildState(this.fixtures))
  }

  /** Replaces a namespace's state with a dump (as `dump` gives); StateError names what does not fit. */
  restore (dump: StateDump, token?: string, root = 'state'): void {
    this.checkScope(token)
    const state = restoreState(dump, root)
    const ns = this.namespaceFor(token)
    ns.state = state
    if (ns === this.base) this.onChange?.()
  }

  /** Journal entries, oldest first; unscoped with isolation on: every namespace's, in arrival order. */
  journal (token?: string, filter: JournalFilter = {}): Recorded[] {
    this.checkScope(token)
    const all = token === undefined ? this.journals.entries() : (this.existingNamespace(token)?.journal.entries() ?? [])
    return all.filter((e) => matches(e, filter))
  }

  /** How many recorded requests (of a namespace, or of every one) match a verify query, and whether that is expected. */
  verify (token: string | undefined, matcher: Matcher): Verdict {
    this.checkScope(token)
    return evaluate(this.journal(token), matcher)
  }

  /** Entries held now, before filtering. */
  journalSizeOf (token?: string): number {
    this.checkScope(token)
    if (token !== undefined) return this.existingNamespace(token)?.journal.size ?? 0
    let n = this.base.journal.size
    for (const ns of this.namespaces.values()) n += ns.journal.size
    return n
  }

  /** Entries evicted since the journal (of a namespace, or of every one) was last cleared or reset. */
  droppedOf (token?: string): number {
    this.checkScope(token)
    if (token !== undefined) return this.existingNamespace(token)?.journal.dropped ?? 0
    let n = this.base.journal.dropped
    for (const ns of this.namespaces.values()) n += ns.journal.dropped
    return n
  }

  clearJournal (token?: string): number {
    this.checkScope(token)
    if (token !== undefined) return this.existingNamespace(token)?.journal.clear() ?? 0
    let n = this.base.journal.clear()
    for (const ns of this.namespaces.values()) n += ns.journal.clear()
    return n
  }

  /** A token scope means nothing without isolation: say so rather than act on everyone's state. */
  private checkScope (token: string | undefined): void {
    if (token !== undefined && !this.isolation) throw Errors.isolationOff()
  }
}
