/**
 * Every error the emulator answers with, declared once, and the one place that shapes an error into
 * Northflank's envelope `{"error": {status, message, id, details}}` (docs/northflank-contract.md). Handlers and the domain
 * throw these; src/app.ts has the only error handler. Statuses other than 400 are inferred: the endpoint
 * page lists only 200.
 */
import { STATUS_CODES } from 'node:http'
import type { ErrorEnvelope, ValidationProblem } from '../schemas/error.js'
import { HINTABLE, hintable, type RouteHint } from './route-hints.js'

export class ApiError extends Error {
  readonly status: number
  readonly details: Record<string, unknown>
  /** Extra response headers (Allow, Retry-After…). */
  readonly headers: Record<string, string>

  constructor (status: number, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.details = details
    this.headers = headers
  }
}

/** How many problems the 400 message spells out. */
const MESSAGE_PROBLEMS = 5
/**
 * How many problems `details.errors` lists. A 1 MiB body of unknown keys holds ~100,000 problems: listing
 * them all took ~0.7 s and answered 20 MB, so past this many the list stops and says so.
 */
export const MAX_PROBLEMS = 100

/** Messages name the ids that exist when there are this many or fewer, so that they stay short. */
export const MAX_KNOWN = 10

/** The longest request target a message repeats; the rest is elided (details keep it whole). */
export const MAX_URL_SHOWN = 200

/** A request target as a message shows it: cut to MAX_URL_SHOWN characters. */
function shown (url: string): string {
  return url.length <= MAX_URL_SHOWN ? url : `${url.slice(0, MAX_URL_SHOWN)}… (${url.length} characters)`
}

/** What a 404 says of the routes: the closest ones, or why none were looked for. */
function hinted (hints: RouteHint[], hintable: boolean, otherwise: string): string {
  if (!hintable) {
    return ` The path is too long to compare with the emulator's routes (more than ${HINTABLE.segments} segments or ` +
      `${HINTABLE.characters} characters); GET /openapi.json lists them`
  }
  return hints.length === 0 ? otherwise : ` The emulator has ${hints.map((h) => `${h.method} ${h.path}`).join(' and ')}`
}

/** ` (label: a, b)` naming what exists, or nothing when there are too many (or the caller has none to give). */
function known (label: string, ids: readonly string[] | undefined): string {
  if (ids === undefined || ids.length > MAX_KNOWN) return ''
  return ` (${label}: ${ids.length === 0 ? 'none' : ids.join(', ')})`
}

function knownDetails (ids: readonly string[] | undefined): { known?: readonly string[] } {
  return ids === undefined || ids.length > MAX_KNOWN ? {} : { known: ids }
}

export const Errors = {
  /**
   * `problems` is never empty: a failed validation has at least one. It may hold more than MAX_PROBLEMS:
   * the caller need only find one more to say there are more.
   */
  validation (problems: ValidationProblem[]): ApiError {
    const truncated = problems.length > MAX_PROBLEMS
    const listed = truncated ? problems.slice(0, MAX_PROBLEMS) : problems
    const shown = listed.slice(0, MESSAGE_PROBLEMS).map((p) => p.message)
    const more = truncated
      ? `; and more (details.errors lists the first ${MAX_PROBLEMS})`
      : listed.length > shown.length ? `; and ${listed.length - shown.length} more (see details.errors)` : ''
    return new ApiError(400, shown.join('; ') + more, truncated ? { errors: listed, truncated } : { errors: listed })
  },
  missingToken: () => new ApiError(401,
    'Unauthorized: send an API token as "Authorization: Bearer <token>"', { reason: 'missing-token' }),
  malformedToken: () => new ApiError(401,
    'Unauthorized: the Authorization header must be "Bearer <token>"', { reason: 'malformed-token' }),
  unknownToken: () => new ApiError(401, 'Unauthorized: the API token is not valid', { reason: 'unknown-token' }),
  missingPermission: (permission: string) => new ApiError(403,
    `Forbidden: the API token lacks the permission "${permission}"`, { reason: 'missing-permission', permission }),
  noProjectAccess: (projectId: string) => new ApiError(403,
    `Forbidden: the API token has no access to project "${projectId}"`, { reason: 'no-project-access', projectId }),
  // The 404s name what exists when it is short to say (`projects`: those the caller may learn of).
  projectNotFound: (projectId: string, projects?: readonly string[]) => new ApiError(404,
    `Project "${projectId}" not found${known('projects', projects)}`, { projectId, ...knownDetails(projects) }),
  // `isJob`/`isService`: the id is the project's other kind of resource, as sent to the wrong route.
  serviceNotFound: (projectId: string, serviceId: string, services?: readonly string[], isJob = false) => new ApiError(404,
    `Service "${serviceId}" not found in project "${projectId}"${known('its services', services)}` +
      (isJob ? `; "${serviceId}" is a job: use /v1/projects/${projectId}/jobs/${serviceId}` : ''),
    { projectId, serviceId, ...knownDetails(services) }),
  jobNotFound: (projectId: string, jobId: string, jobs?: readonly string[], isService = false) => new ApiError(404,
    `Job "${jobId}" not found in project "${projectId}"${known('its jobs', jobs)}` +
      (isService ? `; "${jobId}" is a service: use /v1/projects/${projectId}/services/${jobId}` : ''),
    { projectId, jobId, ...knownDetails(jobs) }),
  buildServiceNotFound: (projectId: string, id: string, buildServices?: readonly string[]) => new ApiError(404,
    `body.internal.id: no build service "${id}" in project "${projectId}"${known('its build services', buildServices)}`,
    { projectId, buildServiceId: id, ...knownDetails(buildServices) }),
  buildNotFound: (buildServiceId: string, buildId: string, builds?: readonly string[]) => new ApiError(404,
    `body.internal.buildId: build service "${buildServiceId}" has no build "${buildId}"${known('its builds', builds)}`,
    { buildServiceId, buildId, ...knownDetails(builds) }),
  commitNotBuilt: (buildServiceId: string, sha: string, branch?: string) => new ApiError(404,
    `body.internal.buildSHA: build service "${buildServiceId}" has not built commit ${sha}` +
      (branch === undefined ? '' : ` on branch "${branch}"`),
    { buildServiceId, buildSHA: sha, ...(branch === undefined ? {} : { branch }) }),
  buildMismatch: (field: 'branch' | 'buildSHA', buildId: string, sent: string, actual: string) => new ApiError(409,
    `body.internal.${field} is "${sent}" but build "${buildId}" is of ${field === 'branch' ? 'branch' : 'commit'} "${actual}"`,
    { field, buildId, sent, actual }),
  // The body is valid (every internal field is optional on the wire) but does not fit this service: 409.
  buildServiceRequired: (kind: 'service' | 'job', id: string, projectId: string, buildServices: readonly string[]) => new ApiError(409,
    `body.internal.id is required: ${kind} "${id}" does not deploy from a build service yet, so name the one ` +
      `to deploy from${known(`build services in project "${projectId}"`, buildServices)}`,
    { [`${kind}Id`]: id, field: 'body.internal.id', ...knownDetails(buildServices) }),
  imageSourceFixed: (serviceId: string, serviceType: string) => new ApiError(409,
    `Service "${serviceId}" is a ${serviceType} service: only deployment services can change their image source ` +
      '(external or internal)', { serviceId, serviceType }),
  noDeployment: (serviceId: string, serviceType: string) => new ApiError(409,
    serviceType === 'build'
      ? `Service "${serviceId}" is a build service: it has no deployment to update`
      : `Service "${serviceId}" (a ${serviceType} service) has no deployment to update`,
    { serviceId, serviceType }),
  /**
   * `notEmulated`: the request is for a Northflank endpoint the emulator does not have, written as its
   * docs write it (e.g. PATCH /v1/projects/{projectId}/services/deployment/{serviceId}).
   */
  routeNotFound: (method: string, url: string, hints: RouteHint[] = [], notEmulated?: string) => new ApiError(404,
    `No route ${method} ${shown(url)}.` + hinted(hints, hintable(url), '') +
      (notEmulated === undefined ? '' : ` (Northflank's ${notEmulated} is not emulated)`),
    { method, url, hints }),
  methodNotAllowed: (method: string, url: string, allowed: string[], notEmulated?: string) => new ApiError(405,
    `Method ${method} is not allowed on ${shown(url)}; use ${allowed.join(' or ')}` +
      (notEmulated === undefined ? '' : ` (Northflank's ${notEmulated} is not emulated)`), { method, allowed },
    { allow: allowed.join(', ') }),
  emptyBody: () => new ApiError(400,
    'Request body is empty: send a JSON object (the smallest valid one is {})', { reason: 'empty-body' }),
  malformedJson: (cause: string) => new ApiError(400, `Request body is not valid JSON: ${cause}`, { reason: 'malformed-json' }),
  forbiddenKey: () => new ApiError(400,
    'Request body has a "__proto__" or "constructor.prototype" key, which is refused', { reason: 'forbidden-key' }),
  unsupportedMediaType: (contentType: string | undefined) => new ApiError(415,
    `Unsupported content type ${JSON.stringify(contentType ?? '')}: send "application/json"`, { contentType: contentType ?? null }),
  // Answered by the HTTP server before any route (src/app.ts, clientErrorHandler); then it disconnects.
  requestTimeout: () => new ApiError(408, 'Request timeout: the request was not received in time', { reason: 'request-timeout' }),
  headersTooLarge: () => new ApiError(431, 'Request header fields too large', { reason: 'headers-too-large' }),
  malformedRequest: (code: string | undefined) => new ApiError(400, 'Malformed HTTP request', { reason: 'malformed-http', code }),
  internal: () => new ApiError(500, 'Internal server error', {}),

  // The admin API under /_mock/ (the emulator's own; not Northflank's).
  adminUnauthorized: (sent: boolean) => new ApiError(401,
    sent
      ? 'Unauthorized: the admin token in "x-mock-admin-token" is not valid'
      : 'Unauthorized: this emulator has an admin token; send it as "x-mock-admin-token: <token>"',
    { reason: sent ? 'bad-admin-token' : 'missing-admin-token' }),
  foreignOrigin: (origin: string) => new ApiError(403,
    `Forbidden: /_mock refuses requests from web pages of another origin (${shown(origin)}); it answers its own ` +
      'inspector and clients that send no Origin header (curl, test code, the admin client)',
    { reason: 'foreign-origin', origin }),
  foreignHost: (host: string) => new ApiError(403,
    `Forbidden: /_mock does not answer the host name "${shown(host)}"; it answers loopback names and addresses, IP ` +
      'literals, single-label names (a compose service) and those given with --allowed-hosts (NORTHFLANK_MOCK_ALLOWED_HOSTS)',
    { reason: 'foreign-host', host }),
  conflictingScope: () => new ApiError(400,
    'The x-mock-namespace header and querystring.token name different namespaces: send one of them',
    { reason: 'conflicting-scope' }),
  isolationOff: () => new ApiError(400,
    'A namespace scope (x-mock-namespace or querystring.token) needs isolation (--isolation / NORTHFLANK_MOCK_ISOLATION); without it every token shares one state',
    { reason: 'isolation-off' }),
  adminRouteNotFound: (method: string, url: string, hints: RouteHint[] = []) => new ApiError(404,
    `No admin route ${method} ${shown(url)}.` + hinted(hints, hintable(url), ' GET /openapi.json lists them (tag "Mock admin")'),
    { method, url, hints }),
  tooManyNamespaces: (max: number) => new ApiError(503,
    `Isolation keeps at most ${max} namespaces (one per API token); POST /_mock/reset drops them all`,
    { reason: 'too-many-namespaces', max }),
  invalidFixtures: (message: string) => new ApiError(400, message, { reason: 'invalid-fixtures' }),
  scopedFaults: () => new ApiError(400,
    'body.faults: fault rules are shared by every namespace; load them without ?token=, or add them with POST /_mock/faults',
    { reason: 'scoped-faults' }),
  invalidState: (message: string) => new ApiError(400, message, { reason: 'invalid-state' }),
  // Northflank limits each token (docs/northflank-contract.md); the 429's message and details are not published (inferred).
  rateLimited: (limit: number, retryAfterSeconds: number) => new ApiError(429,
    `Rate limit exceeded: ${limit} requests per window; retry in ${retryAfterSeconds} s`,
    { reason: 'rate-limited', limit, retryAfter: retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) }),
  // The test control plane (/_mock/…): injected faults say they were injected, in message and details.
  injectedFault: (status: number, by: string, message?: string) => new ApiError(status,
    message ?? `${STATUS_CODES[status] ?? 'Error'} (injected by ${by})`, { injected: true, by }),
  badPrefer: (problem: string) => new ApiError(400, `Prefer header: ${problem}`, { reason: 'bad-prefer' }),
  faultRuleNotFound: (id: string) => new ApiError(404, `No fault rule "${id}"`, { id }),
  faultRuleExists: (id: string) => new ApiError(409, `A fault rule "${id}" exists already`, { id }),
  tooManyFaultRules: (max: number) => new ApiError(409,
    `At most ${max} fault rules at once: remove some first (DELETE /_mock/faults)`, { max }),
  authorizationNotMatchable: () => new ApiError(400,
    'body.headers.authorization: the journal redacts it, so only "Bearer ***" (a bearer token was sent) or "***" can match; ' +
      'to check which token was used, verify with ?token= (isolation)', { reason: 'authorization-redacted' }),
  verificationFailed: (expected: string, matched: number, details: { count: unknown, nearMisses: unknown[], journalTruncated: boolean }) =>
    new ApiError(406, `expected ${expected}, saw ${matched}` +
      (details.journalTruncated ? ' (the journal dropped entries since it was last cleared: older requests are not counted)' : ''),
    { reason: 'verification-failed', matched, ...details }),
  tooManyWaiting: (max: number) => new ApiError(503,
    `At most ${max} verify requests wait at once (within > 0); let some finish, or verify without within`,
    { reason: 'too-many-waiting', max }),
  clockNotManual: () => new ApiError(409,
    'The clock is not manual: PUT /_mock/clock {"mode":"manual"} first', { mode: 'system' })
}

/** A Fastify or Node error carrying an HTTP status (bad JSON, 413, 415…), or anything else thrown. */
interface ThrownError { statusCode?: number, code?: string, message?: string }

/**
 * Turns whatever was thrown into an ApiError. Client errors raised by Fastify itself (malformed or empty
 * JSON, body too large, unsupported content type, `__proto__` keys) keep their status and message; anything
 * else is a 500 whose cause is logged, never sent.
 */
export function toApiError (err: unknown, contentType?: string): ApiError {
  if (err instanceof ApiError) return err
  const e = Object(err) as ThrownError // null and primitives become {}
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return Errors.unsupportedMediaType(contentType)
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, e.message || (STATUS_CODES[e.statusCode] as string), { code: e.code ?? null })
  }
  return Errors.internal()
}

export function envelope (err: ApiError, id: string): ErrorEnvelope {
  return { error: { status: err.status, message: err.message, id, details: err.details } }
}
