/**
 * A typed client for the admin API (/_mock/), over HTTP: works as well for an emulator started by
 * startMock as for one in another process or container.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { NAMESPACE_HEADER, type Health, type JournalEntry, type JournalView, type StateDump } from '../schemas/admin.js'
import type { ErrorEnvelope } from '../schemas/error.js'
import type { ClockSet, ClockState, FaultRule, FaultRuleInput } from '../schemas/faults.js'
import type { Fixtures } from '../schemas/fixtures.js'
import type { CountExpectation, NearMiss, VerifyQuery } from '../schemas/verify.js'

export interface AdminClientOptions {
  /** The emulator's admin token (--admin-token), sent as x-mock-admin-token. */
  adminToken?: string
  /**
   * Isolation only: the API token whose namespace every call acts on (reset, state, fixtures, journal).
   * Absent: every namespace (reset, journal) or the default one (state, fixtures).
   */
  token?: string
}

export interface Scope {
  /** Overrides the client's token scope for this call. */
  token?: string
}

export interface JournalFilter extends Scope {
  method?: string
  /** The projectId path parameter. */
  project?: string
  /** The serviceId path parameter. */
  service?: string
  /** The jobId path parameter. */
  job?: string
  /** The HTTP status answered. */
  status?: number
}

export interface JournalOptions extends JournalFilter {
  /** Only the last N matching entries. */
  limit?: number
}

/** A non-2xx answer of the admin API, with the emulator's error envelope. */
export class AdminError extends Error {
  readonly status: number
  readonly body: unknown

  constructor (method: string, path: string, status: number, body: unknown) {
    const message = (body as Partial<ErrorEnvelope> | undefined)?.error?.message ?? String(body)
    super(`${method} ${path}: ${status} ${message}`)
    this.name = 'AdminError'
    this.status = status
    this.body = body
  }
}

/**
 * A verify that did not hold: the message prints the expectation, what was seen and the near misses, one
 * per paragraph, so that it reads well in a test runner's failure output.
 */
export class VerificationError extends Error {
  readonly matched: number
  readonly expected: CountExpectation
  readonly nearMisses: NearMiss[]
  readonly journalTruncated: boolean
  readonly query: VerifyQuery

  constructor (query: VerifyQuery, details: { matched: number, count: CountExpectation, nearMisses: NearMiss[], journalTruncated: boolean }, summary: string) {
    super(formatVerification(query, summary, details.nearMisses, details.journalTruncated))
    this.name = 'VerificationError'
    this.query = query
    this.matched = details.matched
    this.expected = details.count
    this.nearMisses = details.nearMisses
    this.journalTruncated = details.journalTruncated
  }
}

const show = (v: unknown): string => v === undefined ? '(absent)' : JSON.stringify(v)

/** The query in one line: `POST /v1/** project=shop status=200 body ⊇ {…}`. */
function describeQuery (q: VerifyQuery): string {
  const parts = [q.method?.toUpperCase() ?? 'any method', q.path ?? 'any path']
  if (q.project !== undefined) parts.push(`project=${q.project}`)
  if (q.service !== undefined) parts.push(`service=${q.service}`)
  if (q.job !== undefined) parts.push(`job=${q.job}`)
  if (q.status !== undefined) parts.push(`status=${q.status}`)
  for (const [name, value] of Object.entries(q.headers ?? {})) parts.push(`${name.toLowerCase()}: ${value}`)
  if (q.body !== undefined) parts.push(`body ⊇ ${JSON.stringify(q.body)}`)
  return parts.join(' ')
}

function formatVerification (query: VerifyQuery, summary: string, nearMisses: NearMiss[], truncated: boolean): string {
  const lines = [`Verification failed: ${summary}.`, `  Expected: ${describeQuery(query)}`]
  if (nearMisses.length === 0) {
    lines.push('  No other request was journaled in scope.')
  } else {
    lines.push(`  Closest requests (${nearMisses.length}, most similar first):`)
    for (const miss of nearMisses) {
      lines.push(`    #${miss.seq} ${miss.method} ${miss.path} → ${miss.status}`)
      for (const d of miss.differences) lines.push(`        ${d.field}: expected ${show(d.expected)}, got ${show(d.actual)}`)
    }
  }
  if (truncated) lines.push('  The journal dropped entries since it was last cleared: older requests were not counted.')
  return lines.join('\n')
}

export interface AdminClient {
  readonly url: string
  health: () => Promise<Health>
  /** Back to the fixtures: everything, one namespace (token), or one project. */
  reset: (scope?: Scope & { project?: string }) => Promise<void>
  state: (scope?: Scope) => Promise<StateDump>
  /** Replaces the state with a dump (as `state()` returns); the fixtures a reset returns to stay. */
  replaceState: (dump: StateDump, scope?: Scope) => Promise<StateDump>
  fixtures: (scope?: Scope) => Promise<Fixtures>
  /** Loads fixtures: they replace the state and become what a reset returns to. Returns the new state. */
  loadFixtures: (fixtures: Fixtures, scope?: Scope) => Promise<StateDump>
  /** Matching requests to the emulated API, oldest first. */
  journal: (options?: JournalOptions) => Promise<JournalEntry[]>
  /** How many journal entries match, e.g. `count({ method: 'POST', service: 'api', status: 200 })`. */
  count: (filter?: JournalFilter) => Promise<number>
  /** Clears the journal; returns how many entries went. */
  clearJournal: (scope?: Scope) => Promise<number>
  /** Adds a fault rule (shared by every namespace), e.g. `{ match: { method: 'POST' }, action: { status: 503 }, times: 1 }`. */
  addFault: (rule: FaultRuleInput) => Promise<FaultRule>
  /** The fault rules in force, with their counts. */
  faults: () => Promise<FaultRule[]>
  removeFault: (id: string) => Promise<void>
  clearFaults: () => Promise<void>
  /** `{ mode: 'manual', now? }` stops the emulator's clock (rollouts then wait for advanceClock); `{ mode: 'system' }` restarts it. */
  setClock: (clock: ClockSet) => Promise<ClockState>
  advanceClock: (ms: number) => Promise<ClockState>
  /**
   * Checks that the journal holds the requests expected, waiting up to `within` ms: resolves with how many
   * match, or rejects with a VerificationError listing the near misses, e.g.
   * `verify({ method: 'POST', service: 'web', body: { external: { imagePath: 'web:2' } }, count: { exactly: 1 }, within: 2000 })`.
   */
  verify: (query: VerifyQuery, scope?: Scope) => Promise<number>
}

type Query = Record<string, string | number | undefined>

const TRANSPORTS: Record<string, { request: typeof httpRequest, agent: HttpAgent }> = {
  'http:': { request: httpRequest, agent: new HttpAgent({ keepAlive: true }) },
  'https:': { request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) }
}

export function createAdminClient (baseUrl: string, options: AdminClientOptions = {}): AdminClient {
  const url = baseUrl.replace(/\/+$/, '')
  const found = TRANSPORTS[new URL(url).protocol]
  if (found === undefined) throw new TypeError(`the emulator's URL must be http: or https:, not ${JSON.stringify(baseUrl)}`)
  const transport = found
  const headers: Record<string, string> = options.adminToken === undefined ? {} : { 'x-mock-admin-token': options.adminToken }

  async function call<T> (method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const search = new URLSearchParams()
    // Routes that take a namespace have a `token` key here (maybe undefined: the client's scope then). It
    // goes in a header, not the URL, which proxies and request logs record.
    const { token, ...rest } = query
    const namespace = 'token' in query ? token ?? options.token : undefined
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) search.set(k, String(v))
    const qs = search.toString()
    const target = `${path}${qs === '' ? '' : `?${qs}`}`
    const { status, text } = await send(method, target, body === undefined ? undefined : JSON.stringify(body), namespace)
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {}
    if (status < 200 || status > 299) throw new AdminError(method, target, status, parsed)
    return parsed as T
  }

  /**
   * One request over node:http and a keep-alive agent: fetch (undici) costs most of a millisecond per call,
   * more than the emulator's own work, and a suite that resets before every test makes many calls. The
   * agent's idle sockets are unref'd, so they never keep a test process alive.
   */
  function send (method: string, target: string, body: string | undefined, namespace: string | number | undefined): Promise<{ status: number, text: string }> {
    const scoped = namespace === undefined ? headers : { ...headers, [NAMESPACE_HEADER]: String(namespace) }
    return new Promise((resolve, reject) => {
      const req = transport.request(`${url}${target}`, {
        method,
        agent: transport.agent,
        // A length, even 0, so that a bodiless POST is not sent chunked, in two writes.
        headers: body === undefined
          ? { ...scoped, 'content-length': 0 }
          : { ...scoped, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => { text += chunk })
        res.on('end', () => resolve({ status: res.statusCode as number, text }))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  const filterQuery = (f: JournalOptions = {}): Query => ({
    token: f.token, method: f.method, project: f.project, service: f.service, job: f.job, status: f.status, limit: f.limit
  })

  return {
    url,
    health: () => call<Health>('GET', '/_mock/health'),
    reset: async (scope = {}) => {
      await call('POST', '/_mock/reset', { token: scope.token, project: scope.project })
    },
    state: (scope = {}) => call<StateDump>('GET', '/_mock/state', { token: scope.token }),
    replaceState: (dump, scope = {}) => call<StateDump>('PUT', '/_mock/state', { token: scope.token }, dump),
    fixtures: (scope = {}) => call<Fixtures>('GET', '/_mock/fixtures', { token: scope.token }),
    loadFixtures: (fixtures, scope = {}) => call<StateDump>('POST', '/_mock/fixtures', { token: scope.token }, fixtures),
    journal: async (o) => (await call<JournalView>('GET', '/_mock/journal', filterQuery(o))).entries,
    count: async (f) => (await call<{ count: number }>('GET', '/_mock/journal/count', filterQuery(f))).count,
    clearJournal: async (scope = {}) => (await call<{ cleared: number }>('DELETE', '/_mock/journal', { token: scope.token })).cleared,
    addFault: (rule) => call<FaultRule>('POST', '/_mock/faults', {}, rule),
    faults: async () => (await call<{ rules: FaultRule[] }>('GET', '/_mock/faults')).rules,
    removeFault: async (id) => {
      await call('DELETE', `/_mock/faults/${encodeURIComponent(id)}`)
    },
    clearFaults: async () => {
      await call('DELETE', '/_mock/faults')
    },
    setClock: (clock) => call<ClockState>('PUT', '/_mock/clock', {}, clock),
    advanceClock: (ms) => call<ClockState>('POST', '/_mock/clock/advance', {}, { ms }),
    verify
  }

  async function verify (query: VerifyQuery, scope: Scope = {}): Promise<number> {
    try {
      return (await call<{ data: { matched: number } }>('POST', '/_mock/verify', { token: scope.token }, query)).data.matched
    } catch (err) {
      const envelope = err instanceof AdminError && err.status === 406 ? (err.body as ErrorEnvelope).error : undefined
      if (envelope === undefined) throw err
      const details = envelope.details as ConstructorParameters<typeof VerificationError>[1]
      const failure = new VerificationError(query, details, envelope.message)
      // The stack starts at the test's own `await admin.verify(…)`, which test runners then show as the source.
      Error.captureStackTrace(failure, verify)
      throw failure
    }
  }
}
