/**
 * The probes: for each rule of docs/fidelity.md that a request can check against a live API, one or more
 * requests, the rule's id, what to compare, and why the request cannot change the target
 * (docs/conformance.md, "What it never does"). Without --allow-deploy every update sent is one of:
 *
 * - `schema`: refused by the published wire schema (a broken pattern, length or enum, a required field
 *   missing, not JSON);
 * - `absent`: it names something that does not exist: the project, service or job in its path, or the
 *   build service, build or commit in its body;
 * - `token`: it carries no token, or one that is not the user's.
 *
 * And read as leniently as a server might (unknown keys dropped, types coerced, defaults filled), a body
 * sent to a real service leaves `{}`, the variant that changes nothing, or names the absent build service:
 * bodies whose only fault such a server forgives (an unknown key, a number for a string) name it too, and
 * a docker or buildpack block the page requires in words only (not the wire schema) goes to an absent
 * service. test/conformance/catalogue.test.ts checks every request so, against the wire schema alone.
 *
 * ABSENT is checked absent first: the guard probes read it, and the run stops unless they answer 404.
 */
import { FILL_MARKER, type Compare, type ProbeRequest, type Safety } from '../../schemas/conformance.js'
import type { ServiceType } from '../../schemas/service.js'

/** The id of no project, service, build service or job: guard probes check it, before any update names it. */
export const ABSENT = 'nfmock-absent'
/** Git's null object id: never a commit. */
export const NULL_SHA = '0'.repeat(40)

export interface Ids {
  project: string
  service: string
  job?: string
  team?: string
}

/** What the target's reads say, as far as the probes need it (src/conformance/mirror.ts). */
export interface Facts {
  serviceType: ServiceType
  /** The build service the service deploys from, when it is another service. */
  serviceBuilder?: string
  /** What the service deploys from, as read. */
  serviceSource?: 'external' | 'internal'
  /** A body that deploys exactly what the service runs now, when there is one. */
  serviceRedeploy?: string
  /** Set when the job could be mirrored. */
  job?: { source: 'external' | 'internal', builder?: string, redeploy?: string }
}

export interface Probe {
  /** Unique in a run, stable across runs. */
  name: string
  rule: string
  safety: Safety
  request: ProbeRequest
  compare: Compare
  /** The target must answer 404: the run stops otherwise, before any update relies on the absence. */
  guard?: boolean
}

type Add = (name: string, rule: string, safety: Safety, request: ProbeRequest, compare: Compare, guard?: boolean) => void

const SHAPE: Compare = { status: 'exact', body: 'shape', values: [], headers: [] }
const COVERS: Compare = { ...SHAPE, body: 'covers' }
const STATUS: Compare = { ...SHAPE, body: 'none' }
const JSON_TYPE = { 'content-type': 'application/json' }
const RATE_LIMIT_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']

const enc = encodeURIComponent
/** Every character percent-encoded, letters too: what a server must decode. */
export function encodeAll (id: string): string {
  return [...Buffer.from(id)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}

export const servicePath = (project: string, service: string): string => `/v1/projects/${enc(project)}/services/${enc(service)}`
export const jobPath = (project: string, job: string): string => `/v1/projects/${enc(project)}/jobs/${enc(job)}`
/** A /v1/projects/… path under its team alias. */
const inTeam = (team: string, path: string): string => `/v1/teams/${enc(team)}${path.slice('/v1'.length)}`

function get (path: string, auth: ProbeRequest['auth'] = 'user', headers: Record<string, string> = {}): ProbeRequest {
  return { method: 'GET', path, auth, headers, body: null }
}

function send (method: string, path: string, body: string, headers: Record<string, string> = JSON_TYPE, auth: ProbeRequest['auth'] = 'user'): ProbeRequest {
  return { method, path, auth, headers, body }
}

/** The absent build service as the one thing a body changes: what a lenient server applies of it still fails. */
const RESIDUE = `"internal":{"id":"${ABSENT}"}`

export function catalogue (ids: Ids, facts: Facts, allowDeploy: boolean): Probe[] {
  const { project: P, service: S } = ids
  const sp = servicePath(P, S)
  const sd = `${sp}/deployment`
  const absentService = servicePath(P, ABSENT)
  const absentProject = servicePath(ABSENT, ABSENT)
  const reads = facts.serviceType !== 'build'
  const probes: Probe[] = []
  const add: Add = (name, rule, safety, request, compare, guard) => {
    probes.push({ name, rule, safety, request, compare, ...(guard === true ? { guard } : {}) })
  }

  // Guards: what every later update relies on is absent indeed.
  add('guard.absent-service', 'unknown-project-service-404', 'read', get(absentService), SHAPE, true)
  add('guard.absent-project', 'unknown-project-service-404', 'read', get(absentProject), SHAPE, true)
  if (facts.job !== undefined) add('guard.absent-job', 'job-400-404', 'read', get(jobPath(P, ABSENT)), SHAPE, true)

  // Reads.
  add('read.service', 'read-fields', 'read', get(sp), COVERS)
  if (reads) add('read.deployment', 'read-fields', 'read', get(sd), COVERS)
  add('read.login', 'login', 'read', get('/v1/login'), { ...STATUS, status: 'class' })
  add('read.bearer', 'bearer-token', 'read', get(sp), STATUS)
  add('read.path-encoded', 'path-encoded', 'read', get(`/v1/projects/${encodeAll(P)}/services/${encodeAll(S)}`), COVERS)
  add('read.double-slash', 'double-slash', 'read', get(`/${sp}`), COVERS)
  add('read.get-content-type', 'get-content-type', 'read', get(sp, 'user', JSON_TYPE), COVERS)
  add('read.rate-limit-headers', 'rate-limit-headers', 'read', get(sp), { ...STATUS, headers: RATE_LIMIT_HEADERS })
  add('read.openapi', 'openapi-document', 'read', get('/v1/swagger-json', 'none'), STATUS)
  if (ids.team !== undefined) {
    add('team.read-service', 'team-alias', 'read', get(inTeam(ids.team, sp)), COVERS)
    if (reads) add('team.read-deployment', 'team-alias', 'read', get(inTeam(ids.team, sd)), COVERS)
  }
  if (facts.serviceSource === 'external') {
    add('read-back.external', 'external-read-back', 'read', get(sd), { ...STATUS, values: ['/data/external/registryProvider'] })
  }
  if (facts.serviceSource === 'internal') {
    add('read-back.internal', 'internal-read-back', 'read', get(sd), { ...STATUS, values: ['/data/internal/appId', '/data/internal/nfObjectType'] })
  }

  // Routes and transport.
  add('route.unknown', 'route-404-405', 'read', get(`${sp}/${ABSENT}`), SHAPE)
  add('route.method', 'route-404-405', 'absent', send('PUT', `${absentService}/deployment`, `{${RESIDUE}}`), { ...SHAPE, headers: ['allow'] })
  add('transport.bad-escape', 'transport-errors', 'read', get(`/v1/projects/%zz/services/${enc(S)}`), SHAPE)
  add('transport.long-id', 'transport-errors', 'read', get(servicePath(P, 'a'.repeat(101))), SHAPE)
  add('transport.large-headers', 'transport-errors', 'read',
    { ...get(sp), headers: { 'x-nfmock-pad': FILL_MARKER }, fill: { char: 'x', count: 20_000 } }, SHAPE)

  // Tokens.
  add('auth.none', 'auth-401-403', 'token', get(sp, 'none'), SHAPE)
  add('auth.malformed', 'auth-401-403', 'token', get(sp, 'malformed'), SHAPE)
  add('auth.unknown', 'auth-401-403', 'token', get(sp, 'unknown'), SHAPE)
  add('auth.none-before-body', 'auth-before-body', 'token', send('POST', sd, '{"internal":', JSON_TYPE, 'none'), SHAPE)
  add('auth.unknown-before-body', 'auth-before-body', 'token', send('POST', sd, '{"nfmock":1}', JSON_TYPE, 'unknown'), SHAPE)

  // What does not exist.
  add('not-found.envelope', 'error-envelope', 'read', get(absentService), SHAPE)
  add('not-found.names-known', 'not-found-names-known', 'read', get(absentService), SHAPE)
  add('not-found.service-deployment', 'unknown-project-service-404', 'read', get(`${absentService}/deployment`), SHAPE)
  add('not-found.project-update', 'unknown-project-service-404', 'absent', send('POST', `${absentProject}/deployment`, '{"docker":{"configType":"default"}}'), SHAPE)
  add('valid.absent-service', 'valid-body-never-400', 'absent', send('POST', `${absentService}/deployment`, '{"external":{"imagePath":"nginx:latest"}}'), SHAPE)
  // A build or combined service cannot change its image source: the same body is that rule's probe there.
  add('valid.absent-build-service', facts.serviceType === 'deployment' ? 'unknown-build-service-404' : 'image-source-409', 'absent',
    send('POST', sd, `{${RESIDUE}}`), SHAPE)
  if (facts.serviceBuilder !== undefined) {
    add('image-source.build-service', 'image-source-409', 'absent', send('POST', `${servicePath(P, facts.serviceBuilder)}/deployment`, `{${RESIDUE}}`), SHAPE)
    add('commit.not-built', 'commit-not-built-404', 'absent', send('POST', sd, `{"internal":{"id":"${facts.serviceBuilder}","buildSHA":"${NULL_SHA}"}}`), SHAPE)
    add('commit.unknown-build-id', 'build-id-404-409', 'absent',
      send('POST', sd, `{"internal":{"id":"${facts.serviceBuilder}","buildId":"${ABSENT}","buildSHA":"${NULL_SHA}"}}`), SHAPE)
  }

  // Bodies that are not JSON, or not the schema's.
  add('body.malformed', 'bad-body-400', 'schema', send('POST', sd, `{${RESIDUE}`), SHAPE)
  add('body.empty', 'bad-body-400', 'absent', send('POST', `${absentService}/deployment`, ''), SHAPE)
  add('body.proto-key', 'bad-body-400', 'absent', send('POST', sd, `{"__proto__":{"x":1},${RESIDUE}}`), SHAPE)
  add('body.not-an-object', 'body-variants', 'schema', send('POST', sd, '[]'), SHAPE)
  add('body.unknown-key', 'body-variants', 'absent', send('POST', sd, `{${RESIDUE},"nfmock":1}`), SHAPE)
  add('body.unknown-nested-key', 'body-variants', 'absent', send('POST', sd, `{"internal":{"id":"${ABSENT}","nfmock":1}}`), SHAPE)
  add('body.two-variants', 'body-variants', 'absent', send('POST', sd, `{"external":{"imagePath":"nginx"},${RESIDUE}}`), SHAPE)
  add('body.no-coercion', 'body-variants', 'absent', send('POST', sd, `{"internal":{"id":"${ABSENT}","branch":1}}`), SHAPE)
  add('body.docker-without-config-type', 'body-variants', 'schema', send('POST', sd, `{${RESIDUE},"docker":{}}`), SHAPE)
  add('pattern.image-without-tag', 'wire-patterns', 'schema', send('POST', sd, '{"external":{"imagePath":"nginx"}}'), SHAPE)
  add('pattern.image-with-space', 'wire-patterns', 'schema', send('POST', sd, '{"external":{"imagePath":"a b:c"}}'), SHAPE)
  add('pattern.internal-id', 'wire-patterns', 'schema', send('POST', sd, `{"internal":{"id":"1${ABSENT}"}}`), SHAPE)
  add('pattern.credentials', 'wire-patterns', 'absent',
    send('POST', `${absentService}/deployment`, '{"external":{"imagePath":"nginx:latest","credentials":"a b"}}'), SHAPE)
  add('pattern.registry-port', 'wire-patterns', 'absent',
    send('POST', `${absentService}/deployment`, '{"external":{"imagePath":"registry.example.com:5000/foo:bar"}}'), SHAPE)
  add('pattern.digest', 'wire-patterns', 'absent',
    send('POST', `${absentService}/deployment`, '{"external":{"imagePath":"docker.io/library/nginx@sha256:abc"}}'), SHAPE)
  add('id-length.short', 'internal-id-length', 'schema', send('POST', sd, '{"internal":{"id":"nf"}}'), SHAPE)
  add('id-length.long', 'internal-id-length', 'schema', send('POST', sd, `{"internal":{"id":"${ABSENT}-${'x'.repeat(41)}"}}`), SHAPE)
  add('build-sha.39', 'build-sha-format', 'schema', send('POST', sd, `{"internal":{"id":"${ABSENT}","buildSHA":"${'a'.repeat(39)}"}}`), SHAPE)
  add('build-sha.41', 'build-sha-format', 'schema', send('POST', sd, `{"internal":{"id":"${ABSENT}","buildSHA":"${'a'.repeat(41)}"}}`), SHAPE)
  add('build-sha.any-40', 'build-sha-format', 'absent', send('POST', sd, `{"internal":{"id":"${ABSENT}","buildSHA":"${'z'.repeat(40)}"}}`), SHAPE)
  // The wire schema does not hold these rules, so a server on it alone would apply the block: never sent to a real service.
  add('conditional.docker', 'conditional-fields', 'absent', send('POST', `${absentService}/deployment`, '{"docker":{"configType":"customCommand"}}'), SHAPE)
  add('conditional.buildpack', 'conditional-fields', 'absent',
    send('POST', `${absentService}/deployment`, '{"buildpack":{"configType":"customProcess"}}'), SHAPE)
  add('details.truncated', 'validation-details', 'absent', send('POST', sd,
    `{"internal":{"id":"${ABSENT}",${Array.from({ length: 101 }, (_, i) => `"nfmock${i}":0`).join(',')}}}`), SHAPE)
  add('details.problems', 'validation-details', 'schema', send('POST', sd, '{"external":{"imagePath":"nginx","credentials":"a b"}}'), SHAPE)
  add('pattern.in-words', 'pattern-in-words', 'schema', send('POST', sd, '{"external":{"imagePath":"nginx:"}}'), SHAPE)
  add('limit.body', 'body-limit-413', 'absent',
    { ...send('POST', sd, `{"internal":{"id":"${ABSENT}","branch":"${FILL_MARKER}"}}`), fill: { char: 'x', count: 1_100_000 } }, SHAPE)
  const image = '{"external":{"imagePath":"nginx:latest"}}'
  add('content-type.text', 'content-type-415', 'absent', send('POST', `${absentService}/deployment`, image, { 'content-type': 'text/plain' }), SHAPE)
  add('content-type.none', 'content-type-415', 'absent', send('POST', `${absentService}/deployment`, image, {}), SHAPE)

  if (ids.job !== undefined && facts.job !== undefined) jobProbes(ids as Ids & { job: string }, facts.job, add)

  if (allowDeploy) {
    // Last: the target's state before them is what every other probe saw.
    if (facts.serviceRedeploy !== undefined) {
      add('deploy.service', 'update-200', 'deploy', send('POST', sd, facts.serviceRedeploy), SHAPE)
      if (ids.team !== undefined) add('deploy.service-team', 'team-alias', 'deploy', send('POST', inTeam(ids.team, sd), facts.serviceRedeploy), SHAPE)
    }
    if (ids.job !== undefined && facts.job?.redeploy !== undefined) {
      add('deploy.job', 'job-route', 'deploy', send('POST', `${jobPath(P, ids.job)}/deployment`, facts.job.redeploy), SHAPE)
    }
  }
  return probes
}

function jobProbes (ids: Ids & { job: string }, job: NonNullable<Facts['job']>, add: Add): void {
  const { project: P, service: S, job: J } = ids
  const jp = jobPath(P, J)
  const jd = `${jp}/deployment`
  add('job.read', 'job-read-fields', 'read', get(jp), COVERS)
  add('job.read-deployment', 'job-read-fields', 'read', get(jd), COVERS)
  if (ids.team !== undefined) add('team.read-job', 'team-alias', 'read', get(inTeam(ids.team, jp)), COVERS)
  if (job.source === 'external') {
    add('read-back.job-external', 'external-read-back', 'read', get(jd), { ...STATUS, values: ['/data/external/registryProvider'] })
  } else {
    add('read-back.job-internal', 'internal-read-back', 'read', get(jd), { ...STATUS, values: ['/data/internal/appId', '/data/internal/nfObjectType'] })
  }
  add('job.absent', 'job-400-404', 'read', get(jobPath(P, ABSENT)), SHAPE)
  add('job.service-on-job-route', 'job-400-404', 'read', get(jobPath(P, S)), SHAPE)
  add('job.job-on-service-route', 'job-400-404', 'read', get(servicePath(P, J)), SHAPE)
  add('job.bad-image', 'job-400-404', 'schema', send('POST', jd, '{"external":{"imagePath":"nginx"}}'), SHAPE)
  add('job.absent-build-service', 'unknown-build-service-404', 'absent', send('POST', jd, `{${RESIDUE}}`), SHAPE)
  add('job.unknown-key', 'job-route', 'absent', send('POST', jd, `{${RESIDUE},"nfmock":1}`), SHAPE)
  add('job.conditional', 'job-conditional-fields', 'absent', send('POST', `${jobPath(P, ABSENT)}/deployment`, '{"docker":{"configType":"customEntrypoint"}}'), SHAPE)
  add('job.patch', 'job-patch-405', 'absent', send('PATCH', jobPath(P, ABSENT), `{${RESIDUE}}`), SHAPE)
  if (job.builder !== undefined) {
    add('job.commit-not-built', 'commit-not-built-404', 'absent', send('POST', jd, `{"internal":{"id":"${job.builder}","buildSHA":"${NULL_SHA}"}}`), SHAPE)
  }
}
