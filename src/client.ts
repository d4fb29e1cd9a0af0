/**
 * A typed client for the admin API (/_mock/), over HTTP: works as well for an emulator started by
 * startMock as for one in another process or container. One method per admin operation of the OpenAPI
 * document (test/client.test.ts checks both ways); every type comes from the schemas the routes validate
 * with (schemas/).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import {
  NAMESPACE_HEADER, type CountQuery, type Health, type JournalEntry, type JournalView, type ResetQuery, type StateDump
} from '../schemas/admin.js'
import type { ErrorEnvelope } from '../schemas/error.js'
import type {
  ClockSet, ClockState, FaultRule, FaultRuleInput, Latency, RateLimitSettings, RateLimitSettingsUpdate, RolloutSettingsBody,
  RolloutSettingsUpdate
} from '../schemas/faults.js'
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

/**
 * The journal's filters, those of GET /_mock/journal's query (`method`, `project`, `service`, `job`,
 * `status`), with the status as a number.
 */
export type JournalFilter = Scope & Omit<CountQuery, 'token' | 'status'> & {
  /** The HTTP status answered; 0: dropped connections. */
  status?: number
}

export type JournalOptions = JournalFilter & {
  /** Only the last N matching entries. */
  limit?: number
}

export type JournalStreamOptions = JournalFilter & {
  /** First the matching entries the journal holds with a seq above this (0: all of them), then new ones. */
  since?: number
  /** Ends the stream (as a `break` out of the loop does). */
  signal?: AbortSignal
}

/** What `reset` puts back: everything, one namespace (token), or one project. */
export type ResetScope = Scope & Pick<ResetQuery, 'project'>

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
  /** GET /_mock/health: liveness, version and settings; needs no admin token. */
  health: () => Promise<Health>
  /** Back to the fixtures: everything, one namespace (token), or one project. */
  reset: (scope?: ResetScope) => Promise<void>
  /** Everything the emulated API reads and changes (GET /_mock/state). */
  state: (scope?: Scope) => Promise<StateDump>
  /** Replaces the state with a dump (as `state()` returns); the fixtures a reset returns to stay. */
  replaceState: (dump: StateDump, scope?: Scope) => Promise<StateDump>
  /** The fixtures a reset returns to. */
  fixtures: (scope?: Scope) => Promise<Fixtures>
  /** Loads fixtures: they replace the state and become what a reset returns to. Returns the new state. */
  loadFixtures: (fixtures: Fixtures, scope?: Scope) => Promise<StateDump>
  /** Matching requests to the emulated API, oldest first. */
  journal: (options?: JournalOptions) => Promise<JournalEntry[]>
  /** How many journal entries match, e.g. `count({ method: 'POST', service: 'api', status: 200 })`. */
  count: (filter?: JournalFilter) => Promise<number>
  /** Clears the journal; returns how many entries went. */
  clearJournal: (scope?: Scope) => Promise<number>
  /**
   * Matching requests as they are journaled, e.g. `for await (const entry of admin.streamJournal({ method: 'POST' }))`.
   * Ends on `break`, on `signal`, or when the emulator closes; when the client fell too far behind, it
   * reconnects from the last entry it gave and misses none the journal still holds.
   */
  streamJournal: (options?: JournalStreamOptions) => AsyncIterable<JournalEntry>
  /**
   * Checks that the journal holds the requests expected, waiting up to `within` ms: resolves with how many
   * match, or rejects with a VerificationError listing the near misses, e.g.
   * `verify({ method: 'POST', service: 'web', body: { external: { imagePath: 'web:2' } }, count: { exactly: 1 }, within: 2000 })`.
   */
  verify: (query: VerifyQuery, scope?: Scope) => Promise<number>
  /** Adds a fault rule (shared by every namespace), e.g. `{ match: { method: 'POST' }, action: { status: 503 }, times: 1 }`. */
  addFault: (rule: FaultRuleInput) => Promise<FaultRule>
  /** The fault rules in force, in the order they are tried, with their counts. */
  faults: () => Promise<FaultRule[]>
  /** One fault rule and its counts; an AdminError 404 when none has this id. */
  fault: (id: string) => Promise<FaultRule>
  removeFault: (id: string) => Promise<void>
  clearFaults: () => Promise<void>
  /** The delay added to every request of the emulated API, in ms. */
  latency: () => Promise<Latency['ms']>
  /** Sets that delay (0 to 60000 ms); returns it. */
  setLatency: (ms: Latency['ms']) => Promise<Latency['ms']>
  /** The emulator's clock: its mode and the time it reads. */
  clock: () => Promise<ClockState>
  /** `{ mode: 'manual', now? }` stops the emulator's clock (rollouts then wait for advanceClock); `{ mode: 'system' }` restarts it. */
  setClock: (clock: ClockSet) => Promise<ClockState>
  /** Moves a manual clock forward; an AdminError 409 when the clock is the system's. */
  advanceClock: (ms: number) => Promise<ClockState>
  /** How long an accepted update's rollout stays PENDING, then IN_PROGRESS. */
  rollout: () => Promise<RolloutSettingsBody>
  /** Sets either duration or both, e.g. `setRollout({ inProgressMs: 5000 })`; one left out keeps its value. Returns both. */
  setRollout: (settings: RolloutSettingsUpdate) => Promise<RolloutSettingsBody>
  /** Whether 429s are answered, and the limit and window counted. */
  rateLimit: () => Promise<RateLimitSettings>
  /** Sets any of them, e.g. `setRateLimit({ enforce: true, max: 5 })`; one left out keeps its value. Returns all three. */
  setRateLimit: (settings: RateLimitSettingsUpdate) => Promise<RateLimitSettings>
}

type Query = Record<string, string | number | undefined>

const TRANSPORTS: Record<string, { request: typeof httpRequest, agent: HttpAgent }> = {
  'http:': { request: httpRequest, agent: new HttpAgent({ keepAlive: true }) },
  'https:': { request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) }
}

/** The events of the emulator's journal stream: lines `event: …`, `id: …`, `data: …`, a blank line after each; comments have no data. */
async function * sseEvents (res: IncomingMessage): AsyncGenerator<{ event: string, data: string }> {
  res.setEncoding('utf8')
  let buffered = ''
  for await (const chunk of res as AsyncIterable<string>) {
    // Only the new text is searched for the blank line: an entry can span many chunks.
    let end = Math.max(0, buffered.length - 1)
    buffered += chunk
    while ((end = buffered.indexOf('\n\n', end)) !== -1) {
      let event = 'message'
      let data: string | undefined
      for (const line of buffered.slice(0, end).split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data = line.slice(6)
      }
      buffered = buffered.slice(end + 2)
      end = 0
      if (data !== undefined) yield { event, data }
    }
  }
}

/** The answer's body: parsed JSON, or the text when it is not JSON. */
async function readBody (res: IncomingMessage): Promise<unknown> {
  let text = ''
  res.setEncoding('utf8')
  for await (const chunk of res as AsyncIterable<string>) text += chunk
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function createAdminClient (baseUrl: string, options: AdminClientOptions = {}): AdminClient {
  const url = baseUrl.replace(/\/+$/, '')
  const found = TRANSPORTS[new URL(url).protocol]
  if (found === undefined) throw new TypeError(`the emulator's URL must be http: or https:, not ${JSON.stringify(baseUrl)}`)
  const transport = found
  const headers: Record<string, string> = options.adminToken === undefined ? {} : { 'x-mock-admin-token': options.adminToken }

  /**
   * The request target and namespace of a call. Routes that take a namespace have a `token` key in the
   * query (maybe undefined: the client's scope then); it goes in a header, not the URL, which proxies and
   * request logs record.
   */
  function target (path: string, query: Query): { target: string, namespace: string | undefined } {
    const search = new URLSearchParams()
    const { token, ...rest } = query
    const namespace = 'token' in query ? token ?? options.token : undefined
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) search.set(k, String(v))
    const qs = search.toString()
    return { target: `${path}${qs === '' ? '' : `?${qs}`}`, namespace: namespace === undefined ? undefined : String(namespace) }
  }

  async function call<T> (method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const to = target(path, query)
    const res = await send(method, to.target, body === undefined ? undefined : JSON.stringify(body), to.namespace)
    const parsed = await readBody(res)
    const status = res.statusCode as number
    if (status < 200 || status > 299) throw new AdminError(method, to.target, status, parsed)
    return parsed as T
  }

  /**
   * One request over node:http and a keep-alive agent: fetch (undici) costs most of a millisecond per call,
   * more than the emulator's own work, and a suite that resets before every test makes many calls. The
   * agent's idle sockets are unref'd, so they never keep a test process alive.
   */
  function send (method: string, target: string, body: string | undefined, namespace: string | undefined, signal?: AbortSignal): Promise<IncomingMessage> {
    const scoped = namespace === undefined ? headers : { ...headers, [NAMESPACE_HEADER]: namespace }
    return new Promise((resolve, reject) => {
      const req = transport.request(`${url}${target}`, {
        method,
        agent: transport.agent,
        signal,
        // A length, even 0, so that a bodiless POST is not sent chunked, in two writes.
        headers: body === undefined
          ? { ...scoped, 'content-length': 0 }
          : { ...scoped, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      }, resolve)
      req.on('error', reject)
      req.end(body)
    })
  }

  const filterQuery = ({ token, ...filter }: JournalOptions & { since?: number } = {}): Query => ({ token, ...filter })

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
    streamJournal,
    verify,
    addFault: (rule) => call<FaultRule>('POST', '/_mock/faults', {}, rule),
    faults: async () => (await call<{ rules: FaultRule[] }>('GET', '/_mock/faults')).rules,
    fault: (id) => call<FaultRule>('GET', `/_mock/faults/${encodeURIComponent(id)}`),
    removeFault: async (id) => {
      await call('DELETE', `/_mock/faults/${encodeURIComponent(id)}`)
    },
    clearFaults: async () => {
      await call('DELETE', '/_mock/faults')
    },
    latency: async () => (await call<Latency>('GET', '/_mock/latency')).ms,
    setLatency: async (ms) => (await call<Latency>('PUT', '/_mock/latency', {}, { ms })).ms,
    clock: () => call<ClockState>('GET', '/_mock/clock'),
    setClock: (clock) => call<ClockState>('PUT', '/_mock/clock', {}, clock),
    advanceClock: (ms) => call<ClockState>('POST', '/_mock/clock/advance', {}, { ms }),
    rollout: () => call<RolloutSettingsBody>('GET', '/_mock/rollout'),
    setRollout: (settings) => call<RolloutSettingsBody>('PUT', '/_mock/rollout', {}, settings),
    rateLimit: () => call<RateLimitSettings>('GET', '/_mock/rate-limit'),
    setRateLimit: (settings) => call<RateLimitSettings>('PUT', '/_mock/rate-limit', {}, settings)
  }

  async function * streamJournal (options: JournalStreamOptions = {}): AsyncGenerator<JournalEntry, void, undefined> {
    const { signal, since, ...filter } = options
    let after = since
    for (;;) {
      const to = target('/_mock/journal/stream', filterQuery({ ...filter, since: after }))
      let res: IncomingMessage
      try {
        res = await send('GET', to.target, undefined, to.namespace, signal)
      } catch (err) {
        if (signal?.aborted === true) return
        throw err
      }
      if (res.statusCode !== 200) throw new AdminError('GET', to.target, res.statusCode as number, await readBody(res))
      let behind = false
      try {
        for await (const { event, data } of sseEvents(res)) {
          if (event === 'overflow') {
            // The emulator stopped queueing for this client: the rest is read back from the journal.
            behind = true
          } else {
            const entry = JSON.parse(data) as JournalEntry
            after = entry.seq
            yield entry
          }
        }
      } catch (err) {
        if (signal?.aborted === true) return
        throw err
      } finally {
        res.destroy()
      }
      if (!behind) return
    }
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
