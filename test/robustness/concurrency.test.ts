/*
 * Concurrent updates against a real listening server, over many sockets at once: each service must end
 * with the last update the emulator accepted (the last 200 in its journal, in `seq` order), no accepted
 * update may be lost or counted twice, and a refused body must change nothing. `problemsOf` collects what
 * breaks those rules instead of failing the run, so the last tests can show, against an emulator broken on
 * purpose and against forged answers, that the check reports what it is there to catch.
 */
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Fixtures } from '../../schemas/fixtures.js'
import type { UpdateDeploymentBody } from '../../schemas/deployment.js'
import type { Namespace } from '../../src/domain/emulator.js'
import type { RequestFacts } from '../../src/domain/faults.js'
import { buildApp } from '../../src/app.js'
import { startMock, type MockServer } from '../../src/index.js'
import { scaled } from '../support/heavy.js'

const PROJECT = 'default-project'
const TOKEN = 'Bearer test-token'
const path = (service: string) => `/v1/projects/${PROJECT}/services/${service}/deployment`
type Body = Record<string, any>

function fixtures (services: number): Fixtures {
  return {
    projects: [{
      id: PROJECT,
      services: [
        { id: 'builder', serviceType: 'build', repository: 'https://example.com/repo', branch: 'main' },
        ...Array.from({ length: services }, (_, s) => ({
          id: `svc-${s}`, serviceType: 'deployment' as const, deployment: { external: { imagePath: 'nginx:latest' } }
        }))
      ]
    }]
  }
}

/**
 * The i-th accepted body of a run: every field differs from body to body, so a body applied late, twice or
 * in part shows. Every body sets the whole deployment (source and docker), so what GET …/deployment reads
 * after it does not depend on what came before.
 */
function acceptedBody (i: number): Body {
  if (i % 3 === 2) {
    return {
      internal: { id: 'builder', branch: `branch-${i}`, buildSHA: 'latest' },
      docker: { configType: 'customCommand', customCommand: `run ${i}` }
    }
  }
  return {
    external: { imagePath: `registry.example.com/app-${i}:v${i}`, ...(i % 2 === 0 ? { credentials: `creds-${i}` } : {}) },
    docker: i % 2 === 0 ? { configType: 'customEntrypoint', customEntrypoint: `/entry-${i}` } : { configType: 'default' }
  }
}

/** A refused body: a 400 (breaks the schema) or a 404 (valid, but names no build service). Each is unique. */
function refusedBody (i: number): { body: Body, status: number } {
  return i % 2 === 0
    ? { body: { external: { imagePath: `bad image ${i}` }, docker: { configType: 'default' } }, status: 400 }
    : { body: { internal: { id: `no-such-builder-${i}`, branch: 'main' }, docker: { configType: 'customCommand', customCommand: `refused ${i}` } }, status: 404 }
}

interface Plan {
  method: 'GET' | 'POST'
  service: string
  body?: Body
  /** The status a POST should get: 200, or the refusal's. */
  expected?: number
}

/** `count` requests over `services`, a third of them to svc-0 (the hot one): updates, refused bodies, reads. */
function plan (count: number, services: number): Plan[] {
  const out: Plan[] = []
  for (let i = 0; i < count; i++) {
    const service = i % 3 === 0 ? 'svc-0' : `svc-${i % services}`
    if (i % 5 === 4) out.push({ method: 'GET', service })
    else if (i % 7 === 6) {
      const { body, status } = refusedBody(i)
      out.push({ method: 'POST', service, body, expected: status })
    } else out.push({ method: 'POST', service, body: acceptedBody(i), expected: 200 })
  }
  return out
}

interface Seen extends Plan {
  status: number
  text: string
}

/** Sends every request at once over an agent of `sockets` keep-alive connections; resolves with each answer. */
async function sendAll (base: string, requests: Plan[], sockets: number): Promise<Seen[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets })
  const { hostname, port } = new URL(base)
  try {
    return await Promise.all(requests.map((r) => new Promise<Seen>((resolve, reject) => {
      const payload = r.body === undefined ? undefined : JSON.stringify(r.body)
      const req = request({
        agent,
        hostname,
        port,
        method: r.method,
        path: path(r.service),
        headers: { authorization: TOKEN, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }
      }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => { text += chunk })
        res.on('end', () => resolve({ ...r, status: res.statusCode ?? 0, text }))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(payload)
    })))
  } finally {
    agent.destroy()
  }
}

/**
 * What GET …/deployment reads after each body, worked out one request at a time on an emulator of its own
 * (undefined: the fixtures' deployment, before any update). Every body sets the whole deployment, so the
 * answer depends on the body alone.
 */
async function referenceReads (t: Test, services: number): Promise<(body: Body | undefined) => Promise<unknown>> {
  const ref = await buildApp({ fixtures: fixtures(services) })
  t.teardown(() => ref.close())
  const known = new Map<string, unknown>()
  return async (body) => {
    const key = JSON.stringify(body ?? null)
    if (!known.has(key)) {
      ref.emulator.reset()
      if (body !== undefined) {
        const res = await ref.inject({ method: 'POST', url: path('svc-0'), headers: { authorization: TOKEN }, payload: body })
        if (res.statusCode !== 200) throw new Error(`the reference refused ${key}: ${res.body}`)
      }
      known.set(key, (await ref.inject({ method: 'GET', url: path('svc-0'), headers: { authorization: TOKEN } })).json().data)
    }
    return known.get(key)
  }
}

async function adminGet (base: string, url: string): Promise<any> {
  const res = await fetch(new URL(url, base))
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`)
  return await res.json()
}

/**
 * Every way the run broke the rules, as sentences; none: it kept them. Per service:
 * - the number of 200s the clients saw is the number of 200 entries in the journal, and each body answered
 *   200 is there exactly once (no body answered otherwise is);
 * - every refused body got the status it should, and no 200 entry has a refused body;
 * - every POST is in the journal exactly once, with the body it sent and the status its client saw;
 * - GET …/deployment, read now, is what the body of the last 200 entry (in `seq` order) sets;
 * - each read made during the run shows the fixtures' deployment or one an accepted body set.
 */
async function problemsOf (base: string, seen: Seen[], services: number, expectedRead: (body: Body | undefined) => Promise<unknown>): Promise<string[]> {
  const problems: string[] = []
  for (let s = 0; s < services; s++) {
    const service = `svc-${s}`
    const mine = seen.filter((r) => r.service === service)
    const posts = mine.filter((r) => r.method === 'POST')
    for (const r of posts) {
      if (r.status !== r.expected) problems.push(`${service}: ${JSON.stringify(r.body)} answered ${r.status}, expected ${r.expected}: ${r.text}`)
    }
    const accepted = posts.filter((r) => r.status === 200).map((r) => JSON.stringify(r.body))

    const journal = await adminGet(base, `/_mock/journal?service=${service}&method=POST&status=200`)
    if (journal.dropped !== 0) problems.push(`${service}: the journal dropped ${journal.dropped} entries: the run is too big to judge`)
    const entries: Array<{ seq: number, body: unknown }> = journal.entries
    const journaled = entries.map((e) => JSON.stringify(e.body))
    if (journaled.length !== accepted.length) {
      problems.push(`${service}: the clients saw ${accepted.length} answers 200, the journal has ${journaled.length} entries with 200`)
    }
    const times = new Map<string, number>()
    for (const body of journaled) times.set(body, (times.get(body) ?? 0) + 1)
    for (const body of accepted) {
      if (times.get(body) !== 1) problems.push(`${service}: ${body}, answered 200, is in the journal ${times.get(body) ?? 0} times`)
    }
    const sentWith200 = new Set(accepted)
    for (const body of journaled) {
      if (!sentWith200.has(body)) problems.push(`${service}: the journal has a 200 for ${body}, which no client saw answered 200`)
    }
    const all = await adminGet(base, `/_mock/journal?service=${service}&method=POST`)
    const key = (status: number, body: unknown): string => `${status} ${JSON.stringify(body)}`
    const recorded = all.entries.map((e: { status: number, body: unknown }) => key(e.status, e.body)).sort()
    const answered = posts.map((r) => key(r.status, r.body)).sort()
    if (!isDeepStrictEqual(recorded, answered)) {
      problems.push(`${service}: the journal's POSTs are not the ones sent with the statuses seen: ${recorded.filter((k: string) => !answered.includes(k)).slice(0, 3).join('; ')} journaled only, ${answered.filter((k) => !recorded.includes(k)).slice(0, 3).join('; ')} seen only`)
    }
    if (entries.some((e, i) => i > 0 && e.seq <= (entries[i - 1] as { seq: number }).seq)) problems.push(`${service}: journal entries out of seq order`)

    const last = entries.at(-1)?.body as Body | undefined
    const read = await readDeployment(base, service)
    const want = await expectedRead(last)
    if (!isDeepStrictEqual(read, want)) {
      problems.push(`${service}: ends as ${JSON.stringify(read)}, but the last accepted update (${JSON.stringify(last ?? 'none')}) sets ${JSON.stringify(want)}`)
    }

    const possible = [await expectedRead(undefined)]
    for (const r of posts) if (r.status === 200) possible.push(await expectedRead(r.body))
    for (const r of mine.filter((r) => r.method === 'GET')) {
      const during = r.status === 200 ? JSON.parse(r.text).data : undefined
      if (!possible.some((p) => isDeepStrictEqual(p, during))) problems.push(`${service}: a read during the run answered ${r.status} ${r.text}, which no accepted body sets`)
    }
  }
  return problems
}

/** GET …/deployment through the API, as a client reads it (the status and body when not a 200). */
async function readDeployment (base: string, service: string): Promise<unknown> {
  const res = await fetch(new URL(path(service), base), { headers: { authorization: TOKEN } })
  if (res.status !== 200) return `${res.status} ${await res.text()}`
  return ((await res.json()) as { data: unknown }).data
}

async function serve (t: Test, services: number, requests: number, latencyMs = 0): Promise<MockServer> {
  const mock = await startMock({ fixtures: fixtures(services), journalSize: requests + 100, behaviour: { latencyMs } })
  t.teardown(() => mock.close())
  return mock
}

const SOCKETS = 16

interface RunOptions {
  services: number
  requests: number
  /** The emulator's latency: requests wait inside it, so that it holds many at once. */
  latencyMs?: number
  /** Breaks the emulator, and gives a promise of the moment what it broke has settled. */
  breakIt?: (app: FastifyInstance) => () => Promise<unknown>
}

interface Run {
  problems: string[]
  seen: Seen[]
  /** Connections the requests came in on. */
  sockets: number
  /** The most requests the server held (received, not yet answered) at once. */
  mostInFlight: number
}

async function run (t: Test, { services, requests, latencyMs, breakIt }: RunOptions): Promise<Run> {
  const mock = await serve(t, services, requests, latencyMs)
  const settled = breakIt?.(mock.app)
  const expectedRead = await referenceReads(t, services)
  const sockets = new Set<unknown>()
  let inFlight = 0
  let mostInFlight = 0
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    sockets.add(req.socket)
    mostInFlight = Math.max(mostInFlight, ++inFlight)
    res.on('close', () => inFlight--)
  }
  mock.app.server.on('request', onRequest)
  const seen = await sendAll(mock.url, plan(requests, services), SOCKETS)
  mock.app.server.off('request', onRequest)
  await settled?.()
  return { problems: await problemsOf(mock.url, seen, services, expectedRead), seen, sockets: sockets.size, mostInFlight }
}

t.test('concurrent updates to one service, mixed with refused bodies and reads: it ends with the last accepted update, none lost', async (t) => {
  const { problems, seen, sockets } = await run(t, { services: 1, requests: scaled(1500, 200) })
  t.equal(sockets, SOCKETS, `the requests came in on ${SOCKETS} connections`)
  t.ok(seen.filter((r) => r.status === 200 && r.method === 'POST').length > 100, 'many updates were accepted')
  t.ok(seen.some((r) => r.status === 400) && seen.some((r) => r.status === 404), 'some bodies were refused with 400 and some with 404')
  t.strictSame(problems, [])
})

t.test('concurrent updates to several services, mixed with refused bodies and reads: each ends with its last accepted update, none lost', async (t) => {
  const { problems, sockets, mostInFlight } = await run(t, { services: 8, requests: scaled(2000, 300), latencyMs: 1 })
  t.equal(sockets, SOCKETS, `the requests came in on ${SOCKETS} connections`)
  t.ok(mostInFlight > 1, `with 1 ms of latency, the emulator held up to ${mostInFlight} requests at once`)
  t.strictSame(problems, [])
})

/**
 * A lost update on purpose: each update answers as before, but a moment later (as if it had awaited a save)
 * it puts back the deployment it read before applying itself whenever another update landed in between, a
 * "rollback on conflict" that overwrites the newer write. Run alone, every update sticks; run concurrently,
 * a service ends with an older deployment than its last accepted update. Returns a promise of the moment
 * every such late write has landed.
 */
function loseUpdates (app: FastifyInstance): () => Promise<unknown> {
  const emulator = app.emulator
  const update = emulator.update.bind(emulator)
  const writes: Array<Promise<void>> = []
  emulator.update = (ns: Namespace, projectId: string, serviceId: string, body: UpdateDeploymentBody, facts: () => RequestFacts) => {
    const service = ns.state.projects.get(projectId)?.services.get(serviceId)
    const read = service?.deployment
    const next = update(ns, projectId, serviceId, body, facts)
    writes.push(new Promise<void>((resolve) => setTimeout(resolve, LATE_WRITE_MS)).then(() => {
      if (service !== undefined && service.deployment !== next) service.deployment = read
    }))
    return next
  }
  return () => Promise.all(writes)
}

/** Long enough that the last updates to a service overlap, whatever the machine's speed. */
const LATE_WRITE_MS = 200

t.test('the check reports a lost update: against an emulator that loses updates, services do not end with their last accepted update', async (t) => {
  const { problems } = await run(t, { services: 8, requests: scaled(2000, 300), latencyMs: 1, breakIt: loseUpdates })
  const ended = problems.filter((p) => /^svc-\d+: ends as .*, but the last accepted update/.test(p))
  t.ok(ended.some((p) => p.startsWith('svc-0: ')), 'the hot service ends with an older update', { problems: problems.slice(0, 3) })
  t.ok(ended.length >= 2, `${ended.length} of 8 services end with an older update`)
  t.equal(ended.length, problems.length, 'and nothing else is reported: the answers and the journal were right')
})

t.test('the check reports a 200 the journal lacks and a change no accepted update made', async (t) => {
  const mock = await serve(t, 2, 100)
  const expectedRead = await referenceReads(t, 2)
  const seen = await sendAll(mock.url, plan(100, 2), SOCKETS)
  const accepted = seen.find((r) => r.method === 'POST' && r.status === 200 && r.service === 'svc-1') as Seen
  const forged: Seen[] = [...seen, { ...accepted, body: acceptedBody(100_001) }]
  const problems = await problemsOf(mock.url, forged, 2, expectedRead)
  t.ok(problems.some((p) => p.startsWith('svc-1: the clients saw')), 'a 200 the journal lacks is counted', { problems })
  t.ok(problems.some((p) => p.includes('is in the journal 0 times')), 'and named')
  // A change no accepted request made (as a refused body applied anyway would be): the service no longer
  // ends as its last accepted update.
  mock.app.emulator.update(mock.app.emulator.base, PROJECT, 'svc-1', acceptedBody(100_002) as UpdateDeploymentBody, () => ({ method: 'POST', path: path('svc-1') }))
  const changed = await problemsOf(mock.url, seen, 2, expectedRead)
  t.ok(changed.some((p) => p.startsWith('svc-1: ends as')), 'a change no accepted body made is seen', { changed })
})
