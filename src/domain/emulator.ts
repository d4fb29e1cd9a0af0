/**
 * The emulator's world: the fixtures it was given, the state they grew into, and the journal of requests.
 * With isolation on, each API token has a namespace of its own (its own state and journal, copied from the
 * fixtures on first use), so test files sharing one emulator never see each other's deployments.
 * No Fastify here.
 */
import type { ProjectState, ServiceState, StateDump } from '../../schemas/admin.js'
import type { Fixtures } from '../../schemas/fixtures.js'
import { Errors } from '../errors.js'
import { buildState } from './fixtures.js'
import { Journal, matches, type JournalFilter, type Recorded } from './journal.js'

export type { JournalFilter }
import type { Project, Service, State } from './model.js'

export interface Clock { now: () => Date }
export const systemClock: Clock = { now: () => new Date() }

export const DEFAULT_JOURNAL_SIZE = 1000
/** Isolation creates a namespace per token seen; this bounds the memory a client can make it use. */
export const MAX_NAMESPACES = 10_000

export interface EmulatorOptions {
  /** One namespace (state and journal) per API token. */
  isolation?: boolean
  /** Requests each journal keeps; 0 turns the journal off. */
  journalSize?: number
  /** Most namespaces isolation keeps (default MAX_NAMESPACES). */
  maxNamespaces?: number
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

export type ResetHook = (scope: ResetScope) => void

/** A state document that cannot be used; the message names the field. */
export class StateError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StateError'
  }
}

export class Emulator {
  /** The fixtures a reset returns to (those given at start, or the last loaded without a token). */
  fixtures: Fixtures
  readonly clock: Clock
  readonly isolation: boolean
  readonly journalSize: number
  readonly maxNamespaces: number
  /** The namespace of requests without a token, and of every request when isolation is off. */
  readonly base: Namespace
  private readonly namespaces = new Map<string, Namespace>()
  private readonly resetHooks: ResetHook[] = []
  private seq = 0

  constructor (fixtures: Fixtures, clock: Clock = systemClock, options: EmulatorOptions = {}) {
    this.fixtures = fixtures
    this.clock = clock
    this.isolation = options.isolation ?? false
    this.journalSize = options.journalSize ?? DEFAULT_JOURNAL_SIZE
    this.maxNamespaces = options.maxNamespaces ?? MAX_NAMESPACES
    this.base = { token: undefined, fixtures: undefined, state: buildState(fixtures), journal: new Journal(this.journalSize) }
  }

  /** The default namespace's state (the only one when isolation is off). */
  get state (): State {
    return this.base.state
  }

  set state (state: State) {
    this.base.state = state
  }

  /** The namespace a request with this token uses, created from the fixtures on first use. */
  namespaceFor (token: string | undefined): Namespace {
    if (!this.isolation || token === undefined) return this.base
    let ns = this.namespaces.get(token)
    if (ns === undefined) {
      if (this.namespaces.size >= this.maxNamespaces) throw Errors.tooManyNamespaces(this.maxNamespaces)
      ns = { token, fixtures: undefined, state: buildState(this.fixtures), journal: new Journal(this.journalSize) }
      this.namespaces.set(token, ns)
    }
    return ns
  }

  /** The namespace of a token if it exists, without creating one. */
  existingNamespace (token: string | undefined): Namespace | undefined {
    if (!this.isolation || token === undefined) return this.base
    return this.namespaces.get(token)
  }

  stateFor (token: string | undefined): State {
    return this.namespaceFor(token).state
  }

  get namespaceCount (): number {
    return this.namespaces.size
  }

  /** The next journal sequence number: one order across every namespace. */
  nextSeq (): number {
    return ++this.seq
  }

  /**
   * Registers what else a reset must clear (fault rules, rollouts…), called after the state is reset with
   * the same scope. Returns a function that unregisters it.
   */
  onReset (hook: ResetHook): () => void {
    this.resetHooks.push(hook)
    return () => {
      const i = this.resetHooks.indexOf(hook)
      if (i >= 0) this.resetHooks.splice(i, 1)
    }
  }

  /**
   * Back to the fixtures. Unscoped: everything (every namespace dropped, journals cleared). With a token:
   * that namespace only. With a project: only that project, rebuilt from the fixtures, and its journal
   * entries; a 404 when no namespace in scope has or had it.
   */
  reset (scope: ResetScope = {}): void {
    this.checkScope(scope.token)
    const { token, projectId } = scope
    if (projectId !== undefined) {
      const affected = token === undefined ? [this.base, ...this.namespaces.values()] : [this.namespaceFor(token)]
      let found = false
      for (const ns of affected) found = this.resetProject(ns, projectId) || found
      if (!found) throw Errors.projectNotFound(projectId)
    } else if (token !== undefined) {
      const ns = this.namespaceFor(token)
      ns.state = buildState(ns.fixtures ?? this.fixtures)
      ns.journal.clear()
    } else {
      this.namespaces.clear()
      this.base.state = buildState(this.fixtures)
      this.base.journal.clear()
    }
    for (const hook of this.resetHooks) hook(scope)
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
    } else {
      const ns = this.namespaceFor(token)
      ns.fixtures = fixtures
      ns.state = state
    }
  }

  /** The fixtures a namespace resets to. */
  fixturesOf (token?: string): Fixtures {
    this.checkScope(token)
    return this.namespaceFor(token).fixtures ?? this.fixtures
  }

  /** The state of a namespace as plain JSON. */
  dump (token?: string): StateDump {
    this.checkScope(token)
    return dumpState(this.namespaceFor(token).state)
  }

  /** Replaces a namespace's state with a dump (as `dump` gives); StateError names what does not fit. */
  restore (dump: StateDump, token?: string, root = 'state'): void {
    this.checkScope(token)
    const state = restoreState(dump, root)
    this.namespaceFor(token).state = state
  }

  /** Journal entries, oldest first; unscoped with isolation on: every namespace's, merged in order. */
  journal (token?: string, filter: JournalFilter = {}): Recorded[] {
    this.checkScope(token)
    const all = token === undefined && this.namespaces.size > 0
      ? [this.base, ...this.namespaces.values()].flatMap((ns) => ns.journal.entries()).sort((a, b) => a.seq - b.seq)
      : (this.existingNamespace(token)?.journal.entries() ?? [])
    return all.filter((e) => matches(e, filter))
  }

  /** Entries held now, before filtering. */
  journalSizeOf (token?: string): number {
    this.checkScope(token)
    if (token !== undefined) return this.existingNamespace(token)?.journal.size ?? 0
    let n = this.base.journal.size
    for (const ns of this.namespaces.values()) n += ns.journal.size
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

export function dumpState (state: State): StateDump {
  const projects: Record<string, ProjectState> = {}
  for (const p of state.projects.values()) {
    const services: Record<string, ServiceState> = {}
    for (const s of p.services.values()) services[s.id] = dumpService(s)
    projects[p.id] = { id: p.id, name: p.name, region: p.region, services }
  }
  const dump: StateDump = { projects }
  if (state.tokens !== undefined) {
    dump.tokens = [...state.tokens].map(([token, grant]) => ({
      token,
      ...(grant.permissions === undefined ? {} : { permissions: [...grant.permissions] }),
      ...(grant.projects === undefined ? {} : { projects: [...grant.projects] })
    }))
  }
  return dump
}

function dumpService (s: Service): ServiceState {
  const out: ServiceState = { ...s, tags: [...s.tags], status: { ...s.status } }
  if (s.builder !== undefined) {
    out.builder = { ...s.builder }
    if (s.builder.builds !== undefined) out.builder.builds = s.builder.builds.map((b) => ({ ...b }))
  }
  if (s.deployment !== undefined) {
    out.deployment = { ...s.deployment }
    if (s.deployment.source !== undefined) out.deployment.source = { ...s.deployment.source }
  }
  return out
}

/** A state from a dump (already matching StateDumpSchema): keys must equal the ids they key. */
export function restoreState (dump: StateDump, root = 'state'): State {
  const projects = new Map<string, Project>()
  for (const [key, p] of Object.entries(dump.projects)) {
    const at = `${root}.projects[${JSON.stringify(key)}]`
    if (p.id !== key) throw new StateError(`${at}.id: is "${p.id}", but the project is keyed "${key}"`)
    const services = new Map<string, Service>()
    for (const [skey, s] of Object.entries(p.services)) {
      if (s.id !== skey) throw new StateError(`${at}.services[${JSON.stringify(skey)}].id: is "${s.id}", but the service is keyed "${skey}"`)
      services.set(skey, structuredClone(s) as Service)
    }
    projects.set(key, { id: p.id, name: p.name, region: p.region, services })
  }
  const tokens = dump.tokens === undefined
    ? undefined
    : new Map(dump.tokens.map((t) => [t.token, {
      permissions: t.permissions === undefined ? undefined : new Set(t.permissions),
      projects: t.projects === undefined ? undefined : new Set(t.projects)
    }]))
  return { projects, tokens }
}
