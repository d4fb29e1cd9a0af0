import t from 'tap'
import fc from 'fast-check'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { scaled } from '../support/heavy.js'
import { AUTH, build, DEPLOYMENT_URL, SERVICE_URL } from '../support/helper.js'

const seed = Number(process.env.FUZZ_SEED ?? 20261129)
const RUNS = Number(process.env.FUZZ_RUNS ?? scaled(2500))

const PROJECT_URL = '/v1/projects/default-project'
const SERVICES = ['example-service', 'example-build-service', 'example-combined-service']

/** Everything the read endpoints show of every service: what an update may change. */
async function snapshot (app: FastifyInstance): Promise<string> {
  const reads = await Promise.all(SERVICES.map((id) => app.inject({ method: 'GET', url: `${PROJECT_URL}/services/${id}`, headers: AUTH })))
  return reads.map((r) => r.body).join('\n')
}

const VALID_BODIES = [
  { external: { imagePath: 'nginx:latest' } },
  { external: { imagePath: 'ghcr.io/org/app:1.0', credentials: 'example-credentials' }, docker: { configType: 'default' } },
  { internal: { id: 'example-build-service', branch: 'master', buildId: 'premium-guide-6393' } },
  { internal: { id: 'example-build-service', buildSHA: 'latest' }, buildpack: { configType: 'default' } },
  { docker: { configType: 'customCommand', customCommand: 'nginx -g' } },
  {}
].map((b) => JSON.stringify(b))

/** A few random edits of a text: delete, insert, replace or duplicate characters, or cut it short. */
const mutated = (text: string) => fc.array(fc.tuple(fc.nat(), fc.nat(4), fc.string({ maxLength: 3, unit: 'binary' })), { minLength: 1, maxLength: 4 })
  .map((edits) => edits.reduce((s, [at, kind, chars]) => {
    const i = at % (s.length + 1)
    switch (kind) {
      case 0: return s.slice(0, i) + s.slice(i + 1)
      case 1: return s.slice(0, i) + chars + s.slice(i)
      case 2: return s.slice(0, i) + chars + s.slice(i + chars.length)
      case 3: return s.slice(0, i) + s.slice(i, i + 8) + s.slice(i)
      default: return s.slice(0, i)
    }
  }, text))

const body: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  { arbitrary: fc.constantFrom(...VALID_BODIES), weight: 4 },
  { arbitrary: fc.constantFrom(...VALID_BODIES).chain(mutated), weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '', ' ', 'null', '[]', '"x"', '0', 'true', '{}}', '{"a":1,"a":2}',
      '{"__proto__":{"polluted":1}}', '{"docker":{"__proto__":{}}}', '{"constructor":{"prototype":{"x":1}}}',
      `\uFEFF${VALID_BODIES[0] as string}`, `${'['.repeat(5000)}${']'.repeat(5000)}`,
      Buffer.from(VALID_BODIES[0] as string, 'utf16le'), Buffer.from([0xff, 0xfe, 0xfd]), undefined
    ),
    weight: 2
  }
)

const segment = fc.oneof(
  fc.constantFrom('default-project', 'example-service', 'example-build-service', 'example-combined-service', 'team', 'x'),
  fc.string({ unit: fc.constantFrom(...'aZ09-_.~%/:@!$&\'()*+,;=é'.split('')), maxLength: 20 }),
  fc.constantFrom('%', '%ZZ', '%00', '%2F', '..', '.', '', 'a'.repeat(150), '%E2%82', '%C0%AF')
)
const path: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(DEPLOYMENT_URL, SERVICE_URL, `${PROJECT_URL}/services/example-combined-service/deployment`, '/v1/teams/t/projects/default-project/services/example-service/deployment', '/v1/login', '/_mock/health'), weight: 6 },
  {
    arbitrary: fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.nat(5)).map(([segs, where]) => {
      const parts = ['v1', 'projects', 'default-project', 'services', 'example-service', 'deployment']
      segs.forEach((s, i) => { parts[(where + i) % parts.length] = s })
      return `/${parts.join('/')}`
    }),
    weight: 3
  },
  { arbitrary: fc.tuple(fc.constantFrom(DEPLOYMENT_URL, SERVICE_URL), fc.constantFrom('?', '?a=1&a=2', '?__proto__=1', '#x', '/', '//', '?%ZZ')).map(([p, s]) => p + s), weight: 2 }
)

const method = fc.oneof(
  { arbitrary: fc.constantFrom('POST', 'GET'), weight: 6 },
  { arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'SEARCH', 'TRACE'), weight: 2 }
)

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 })
const headers = fc.record({
  authorization: fc.oneof(
    { arbitrary: fc.constant('Bearer fuzz-token'), weight: 6 },
    { arbitrary: fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', 'bearer  x', 'Basic dXNlcjpwYXNz', 'Bearer a b', 'Bearer ===='), weight: 2 },
    { arbitrary: printable, weight: 1 }
  ),
  'content-type': fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 6 },
    {
      arbitrary: fc.constantFrom(undefined, '', 'application/json; charset=utf-8', 'application/json; charset=latin1',
        'APPLICATION/JSON', 'application/jsonx', 'application/vnd.api+json', 'text/plain', 'text/json',
        'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json;;;', ';', '*/*'),
      weight: 3
    },
    { arbitrary: printable, weight: 1 }
  ),
  'content-encoding': fc.constantFrom(undefined, undefined, undefined, 'gzip', 'br', 'deflate', 'identity', 'x-bogus'),
  accept: fc.constantFrom(undefined, 'application/json', 'text/html', '*/*', 'application/xml'),
  // Asked-for faults (the control plane's Prefer header), the only 5xx allowed.
  prefer: fc.constantFrom(undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    'status=503', 'code=500', 'status=429', 'status=200', 'status=abc', 'delay=0', 'delay=-1', 'status=503, delay=0', 'bogus'),
  extra: fc.option(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), printable))
}).map(({ extra, ...h }) => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v
  if (extra !== null && !(extra[0] in out) && extra[0] !== 'content-length') out[extra[0]] = extra[1]
  return out
})

t.test('random and mutated requests never get a 5xx they did not ask for, always get the envelope, and change state only on 200', async (t) => {
  t.comment(`seed ${seed}, ${RUNS} runs (FUZZ_SEED, FUZZ_RUNS to change)`)
  const app = await build(t)
  let state = await snapshot(app)
  const seen = new Map<number, number>()

  await fc.assert(fc.asyncProperty(method, path, headers, body, async (method, url, headers, payload) => {
    const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) } as InjectOptions)
    seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1)
    const after = await snapshot(app)
    const changed = after !== state
    state = after
    const asked = /\b(status|code)=5/.test(headers.prefer ?? '')
    if (res.statusCode >= 500 && !asked) throw new Error(`${res.statusCode}: ${res.body}`)
    if (changed && res.statusCode !== 200) throw new Error(`state changed on a ${res.statusCode}`)
    if (method === 'HEAD') return true // no body by definition
    if (!String(res.headers['content-type']).startsWith('application/json')) throw new Error(`content-type ${res.headers['content-type']}`)
    const json = res.json()
    if (res.statusCode >= 500 && json.error?.details?.injected !== true) throw new Error(`a 5xx not injected: ${res.body}`)
    if (res.statusCode === 200) return typeof json === 'object' && json !== null
    const e = json.error
    return Object.keys(json).length === 1 && e.status === res.statusCode && typeof e.message === 'string' &&
      e.message.length > 0 && typeof e.id === 'string' && typeof e.details === 'object' && e.details !== null
  }), { seed, numRuns: RUNS })

  const statuses = [...seen].sort(([a], [b]) => a - b)
  t.comment(`statuses: ${statuses.map(([s, n]) => `${s}×${n}`).join(', ')}`)
  t.ok((seen.get(200) ?? 0) > RUNS / 20, 'a fair share of the requests were accepted')
  t.ok(statuses.filter(([s]) => s >= 400).length >= 6, 'and the rest met many kinds of refusal')
  const health = await app.inject({ method: 'GET', url: '/_mock/health' })
  t.equal(health.statusCode, 200, 'health still answers')
})
