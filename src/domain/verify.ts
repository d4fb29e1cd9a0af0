/**
 * Verification of the journal, in the spirit of WireMock's verify and near-miss reports: how many
 * recorded requests match a query, whether that count is what a test expects, and, when it is not, which
 * recorded requests came closest and how they differ (docs/control-plane.md, "Verify"). Pure: the admin
 * route does the waiting. No Fastify here.
 */
import type { CountExpectation, NearMiss, VerifyQuery } from '../../schemas/verify.js'
import { pathMatcher } from './path-glob.js'
import { requestPath } from './request-path.js'
import { redact, type Recorded } from './journal.js'

/**
 * The most JSON values (objects, arrays and scalars, counted together) a query's `body` may hold, and how
 * deeply it may nest: a query is compared with every journaled request, so its size bounds the work.
 */
export const MAX_BODY_VALUES = 1000
export const MAX_BODY_DEPTH = 32

/** Why a query is too large to run, in the 400's words, or undefined. Walks at most MAX_BODY_VALUES values. */
export function oversizedBody (query: VerifyQuery): string | undefined {
  if (query.body === undefined) return undefined
  let values = 0
  const stack: Array<[unknown, number]> = [[query.body, 1]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number]
    const nested = value !== null && typeof value === 'object'
    // Depth counts objects and arrays: `{"a":{"b":1}}` is two levels deep.
    if (++values > MAX_BODY_VALUES || (nested && depth > MAX_BODY_DEPTH)) {
      return `body.body holds more than ${MAX_BODY_VALUES} JSON values or nests deeper than ${MAX_BODY_DEPTH} levels: ` +
        'match on the fields that matter'
    }
    if (nested) for (const child of Object.values(value)) stack.push([child, depth + 1])
  }
  return undefined
}

/** Most near misses reported. */
export const MAX_NEAR_MISSES = 5
/** Most differences listed per near miss. */
const MAX_DIFFERENCES = 10

/** A query made ready to match: methods and header names normalised, the path glob compiled. */
export interface Matcher {
  query: VerifyQuery
  method: string | undefined
  path: ((path: string) => boolean) | undefined
  headers: Array<[string, string]>
}

export function compile (query: VerifyQuery): Matcher {
  return {
    query,
    method: query.method?.toUpperCase(),
    path: query.path === undefined ? undefined : pathMatcher(query.path),
    headers: Object.entries(query.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])
  }
}

/** The header as the journal shows it: `authorization` redacted, repeated headers joined. */
function headerOf (r: Recorded, name: string): string | undefined {
  const value = r.headers[name]
  if (value === undefined) return undefined
  const text = Array.isArray(value) ? value.join(', ') : value
  return name === 'authorization' ? redact(text) : text
}

const parsed = new WeakMap<Recorded, { value: unknown }>()

/** The recorded body as JSON (the text when it is not JSON; undefined when none was read), parsed once. */
function bodyOf (r: Recorded): unknown {
  if (r.body === undefined) return undefined
  let cached = parsed.get(r)
  if (cached === undefined) {
    let value: unknown
    try {
      value = JSON.parse(r.body)
    } catch {
      value = r.body
    }
    cached = { value }
    parsed.set(r, cached)
  }
  return cached.value
}

export interface Difference {
  field: string
  expected: unknown
  /** Absent when the recorded request has no such field. */
  actual?: unknown
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * The differences found, of which the first MAX_DIFFERENCES are kept: a near miss shows no more, so a query
 * of a thousand keys against a body with none of them costs counting, not a thousand objects per request.
 */
class Differences {
  readonly kept: Difference[] = []
  count = 0

  add (field: () => string, expected: unknown, actual?: unknown): void {
    if (this.count++ >= MAX_DIFFERENCES) return
    this.kept.push(actual === undefined ? { field: field(), expected } : { field: field(), expected, actual })
  }
}

/** `body.key` or `body["a key"]`. */
function keyPath (at: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`
}

/**
 * Where `actual` fails to contain `expected`: objects as subsets, recursively; arrays and scalars by
 * equality. Also counts the leaves compared, for similarity. A field's path is written only when shown.
 */
function diffBody (expected: unknown, actual: unknown, at: () => string, out: Differences): { leaves: number, same: number } {
  if (isObject(expected) && isObject(actual)) {
    let leaves = 0
    let same = 0
    for (const [key, value] of Object.entries(expected)) {
      const path = (): string => keyPath(at(), key)
      if (!Object.hasOwn(actual, key)) {
        out.add(path, value)
        leaves++
        continue
      }
      const sub = diffBody(value, actual[key], path, out)
      leaves += sub.leaves
      same += sub.same
    }
    return { leaves: Math.max(leaves, 1), same: leaves === 0 ? 1 : same }
  }
  if (equal(expected, actual)) return { leaves: 1, same: 1 }
  out.add(at, expected, actual)
  return { leaves: 1, same: 0 }
}

function equal (a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]))
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]))
  }
  return false
}

/**
 * How a recorded request differs from the query: how many differences (0: it matches), the first
 * MAX_DIFFERENCES of them, and how close it is (0 to 1).
 */
export function compare (r: Recorded, m: Matcher): { count: number, differences: Difference[], similarity: number } {
  const q = m.query
  const differences = new Differences()
  let weight = 0
  let same = 0
  const check = (field: string, expected: unknown, actual: unknown, ok: boolean): void => {
    weight++
    if (ok) same++
    else differences.add(() => field, expected, actual)
  }
  if (m.method !== undefined) check('method', m.method, r.method, r.method === m.method)
  if (m.path !== undefined) {
    const path = requestPath(r.url)
    check('path', q.path, path, m.path(path))
  }
  if (q.project !== undefined) check('project', q.project, r.params.projectId, r.params.projectId === q.project)
  if (q.service !== undefined) check('service', q.service, r.params.serviceId, r.params.serviceId === q.service)
  if (q.job !== undefined) check('job', q.job, r.params.jobId, r.params.jobId === q.job)
  if (q.status !== undefined) check('status', q.status, r.status, r.status === q.status)
  for (const [name, value] of m.headers) {
    const actual = headerOf(r, name)
    check(`headers.${name}`, value, actual, actual === value)
  }
  if (q.body !== undefined) {
    const { leaves, same: sameLeaves } = diffBody(q.body, bodyOf(r), () => 'body', differences)
    weight++
    same += sameLeaves / leaves
  }
  return { count: differences.count, differences: differences.kept, similarity: weight === 0 ? 1 : same / weight }
}

/**
 * Whether a recorded request matches: what `compare` finds no difference in, with early exits and no
 * allocation, as it runs for every waiting verify on every journal append.
 */
export function matchesQuery (r: Recorded, m: Matcher): boolean {
  const q = m.query
  if (m.method !== undefined && r.method !== m.method) return false
  if (q.status !== undefined && r.status !== q.status) return false
  if (q.project !== undefined && r.params.projectId !== q.project) return false
  if (q.service !== undefined && r.params.serviceId !== q.service) return false
  if (q.job !== undefined && r.params.jobId !== q.job) return false
  if (m.path !== undefined && !m.path(requestPath(r.url))) return false
  for (const [name, value] of m.headers) if (headerOf(r, name) !== value) return false
  return q.body === undefined || contains(q.body, bodyOf(r))
}

/** Whether `actual` contains `expected`: objects as subsets, recursively; arrays and scalars by equality. */
function contains (expected: unknown, actual: unknown): boolean {
  if (isObject(expected) && isObject(actual)) {
    for (const key in expected) if (!Object.hasOwn(actual, key) || !contains(expected[key], actual[key])) return false
    return true
  }
  return equal(expected, actual)
}

/** How many recorded requests match: the cheap pass, with early exits, for a waiting verify. */
export function countMatches (entries: Recorded[], m: Matcher): number {
  let n = 0
  for (const r of entries) if (matchesQuery(r, m)) n++
  return n
}

/** Whether a count meets an expectation; the default expectation is at least one. */
export function holds (count: CountExpectation | undefined, matched: number): boolean {
  if (count === undefined) return matched >= 1
  if (count.exactly !== undefined) return matched === count.exactly
  if (count.atLeast !== undefined) return matched >= count.atLeast
  return matched <= (count.atMost as number)
}

/** "exactly 3 matching requests", "at least 1 matching request"… */
export function describeExpectation (count: CountExpectation | undefined): string {
  const [words, n] = count === undefined || count.atLeast !== undefined
    ? ['at least', count?.atLeast ?? 1]
    : count.exactly !== undefined ? ['exactly', count.exactly] : ['at most', count.atMost as number]
  return `${words} ${n} matching request${n === 1 ? '' : 's'}`
}

export interface Verdict {
  ok: boolean
  matched: number
  /** When the expectation fails: the non-matching requests closest to the query, most similar first. */
  nearMisses: NearMiss[]
}

/** Evaluates a query over recorded requests (oldest first). */
export function evaluate (entries: Recorded[], m: Matcher): Verdict {
  const misses: Array<{ r: Recorded, differences: Difference[], similarity: number }> = []
  let matched = 0
  for (const r of entries) {
    const { count, differences, similarity } = compare(r, m)
    if (count === 0) matched++
    else misses.push({ r, differences, similarity })
  }
  const ok = holds(m.query.count, matched)
  if (ok) return { ok, matched, nearMisses: [] }
  // Most similar first; among equals, the most recent.
  misses.sort((a, b) => b.similarity - a.similarity || b.r.seq - a.r.seq)
  return {
    ok,
    matched,
    nearMisses: misses.slice(0, MAX_NEAR_MISSES).map(({ r, differences, similarity }) => ({
      seq: r.seq,
      method: r.method,
      path: requestPath(r.url),
      status: r.status,
      similarity: Math.round(similarity * 100) / 100,
      differences
    }))
  }
}
