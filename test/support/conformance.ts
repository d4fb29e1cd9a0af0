/**
 * What the conformance tests share: a stand-in target's fixtures, a stand-in server in front of an emulator
 * (answers rewritten, requests recorded), the CLI as a process, an independent check that a request could
 * not have changed the target, and the committed snapshots.
 */
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import type { Test } from 'tap'
import { ReportSchema, type Report } from '../../schemas/conformance.js'
import type { Fixtures } from '../../schemas/fixtures.js'
import type { Facts, Ids } from '../../src/conformance/catalogue.js'
import { startMock } from '../../src/index.js'
import { spawnCli } from './cli.js'
import { WIRE_SCHEMA } from './upstream.js'

/** The user's token at every stand-in target. */
export const TOKEN = 'user-token-5f1c9a7e'
export const SHA = 'c0ffee'.repeat(6) + 'c0de'
export const OLD_SHA = 'beef'.repeat(10)

/**
 * A target with what a run reads and more: a deployment service deploying a pinned build, its build
 * service with two builds, a cron job running a public image, a combined service and other projects.
 */
export function targetFixtures (): Fixtures {
  return {
    projects: [{
      id: 'shop',
      region: 'us-east',
      services: [
        {
          id: 'web',
          name: 'Web',
          description: 'the shop front',
          serviceType: 'deployment',
          tags: ['front'],
          deployment: { internal: { id: 'builder', branch: 'main', buildSHA: SHA }, docker: { configType: 'customCommand', customCommand: 'npm start' }, instances: 2 }
        },
        {
          id: 'builder',
          serviceType: 'build',
          repository: 'https://github.com/acme/shop',
          branch: 'main',
          builds: [
            { id: 'build-old', branch: 'main', sha: OLD_SHA, createdAt: '2026-01-01T00:00:00.000Z' },
            { id: 'build-new', branch: 'main', sha: SHA, createdAt: '2026-02-01T00:00:00.000Z' }
          ]
        },
        { id: 'api', serviceType: 'deployment', deployment: { external: { imagePath: 'ghcr.io/acme/api:2', credentials: 'ghcr-creds' } } },
        { id: 'all-in-one', serviceType: 'combined', repository: 'https://github.com/acme/aio', branch: 'main', builds: [{ id: 'aio-1', branch: 'main', sha: SHA }] }
      ],
      jobs: [
        { id: 'nightly', jobType: 'cron', schedule: '0 3 * * *', deployment: { external: { imagePath: 'acme/report:1.4' }, docker: { configType: 'default' } } },
        { id: 'migrate', jobType: 'manual', deployment: { internal: { id: 'builder', branch: 'main', buildSHA: 'latest' } } }
      ]
    }, {
      id: 'other',
      services: [{ id: 'web', serviceType: 'deployment', deployment: { external: { imagePath: 'nginx:1.27' } } }]
    }],
    tokens: [{ token: TOKEN }]
  }
}

/** The arguments of a run against `url` that measures every rule it can: a job, a team, re-deploys. */
export function fullRun (url: string, extra: string[] = []): string[] {
  return ['conformance', '--project', 'shop', '--service', 'web', '--job', 'nightly', '--team', 'acme', '--allow-deploy', '--target', url, ...extra]
}

export interface Recorded {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
  /** performance.now() when the request had arrived whole. */
  at: number
}

export interface Upstream {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface StandInOptions {
  /** Answers a request itself (undefined: forwarded); `index` counts from 0. */
  intercept?: (request: Recorded, index: number) => Upstream | undefined
  /** Rewrites an answer from upstream before it goes out. */
  rewrite?: (request: Recorded, answer: Upstream) => Upstream
  /** Holds each request this long before forwarding it. */
  delayMs?: number
  /** Drops the connection instead of answering, from this request on (counted from 0). */
  dropFrom?: number
}

export interface StandIn {
  url: string
  requests: Recorded[]
  close: () => Promise<void>
}

/** A listening server in front of `upstream` (an emulator): it records every request, and answers or rewrites as told. */
export async function standIn (upstream: string, options: StandInOptions = {}): Promise<StandIn> {
  const { hostname, port } = new URL(upstream)
  const requests: Recorded[] = []
  // Headers up to 64 KiB: the probe with oversized headers must reach the emulator behind, which answers it.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const recorded: Recorded = { method: req.method as string, url: req.url as string, headers: req.headers, body: Buffer.concat(chunks), at: performance.now() }
    const index = requests.push(recorded) - 1
    if (options.dropFrom !== undefined && index >= options.dropFrom) return req.socket.destroy()
    if (options.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.delayMs))
    let answer = options.intercept?.(recorded, index)
    if (answer === undefined) {
      answer = await forward(hostname, Number(port), recorded)
      if (options.rewrite !== undefined) answer = options.rewrite(recorded, answer)
    }
    const headers: OutgoingHttpHeaders = { ...answer.headers }
    for (const name of ['content-length', 'transfer-encoding', 'connection', 'keep-alive']) delete headers[name]
    res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length })
    res.end(answer.body)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    }
  }
}

/** The request as received, path untouched (`//v1`, `%zz`), to the emulator behind. */
function forward (host: string, port: number, r: Recorded): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...r.headers }
    delete headers.connection
    const req = httpRequest({ host, port, method: r.method, path: r.url, headers }, async (res) => {
      const chunks: Buffer[] = []
      for await (const chunk of res) chunks.push(chunk as Buffer)
      resolve({ status: res.statusCode as number, headers: res.headers, body: Buffer.concat(chunks) })
    })
    req.on('error', reject)
    req.end(r.body)
  })
}

/** An emulator holding `fixtures` (targetFixtures by default) behind a stand-in; both closed with the test. */
export async function emulatorTarget (t: Test, options: StandInOptions = {}, fixtures = targetFixtures()) {
  const mock = await startMock({ fixtures })
  const stand = await standIn(mock.url, options)
  t.teardown(async () => {
    await stand.close()
    await mock.close()
  })
  return { stand, mock }
}

/** A JSON answer, as an intercept gives it. */
export function json (status: number, body: unknown, headers: IncomingHttpHeaders = {}): Upstream {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(body)) }
}

/** `northflank-mock …args` as a process: its exit code and output. */
export async function runCli (args: string[], env: Record<string, string> = {}) {
  const child = spawnCli(args, { NORTHFLANK_TOKEN: TOKEN, ...env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += String(d) })
  child.stderr.on('data', (d) => { stderr += String(d) })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stdout, stderr, child }
}

// What a lenient server would make of a body: Ajv as Fastify's defaults set it (coercion, unknown keys
// removed, defaults), over the whole oneOf as Ajv mutates the body while trying its branches, and over each
// variant alone on a copy. Built from the wire schema alone (test/support/upstream.ts), not the emulator's.
const lenient = new Ajv({ strict: false, unicodeRegExp: false, coerceTypes: true, removeAdditional: 'all', useDefaults: true, allErrors: false })
const lenientWhole = lenient.compile(WIRE_SCHEMA)
const lenientVariants = (WIRE_SCHEMA.oneOf as object[]).map((variant) => lenient.compile(variant))

/**
 * Why a request sent to a target holding `fixtures` could not have changed it, or undefined when it could.
 * Independent of the probes' own safety labels: it looks only at what was sent.
 */
export function whyHarmless (r: { method: string, url: string, authorization: string | undefined, body: string }, fixtures: Fixtures): string | undefined {
  if (r.method === 'GET' || r.method === 'HEAD') return 'a read'
  if (r.authorization !== `Bearer ${TOKEN}`) return 'not the user\'s token'
  const route = /^\/+v1\/(?:teams\/[^/]+\/)?projects\/([^/]+)\/(services|jobs)\/([^/]+)(\/deployment)?$/.exec(r.url)
  if (route === null) return 'no route of the API'
  const [, projectId, kind, id] = route.map((part) => part === undefined ? part : decodeURIComponent(part))
  const project = fixtures.projects.find((p) => p.id === projectId)
  const resources: Array<{ id: string }> = (kind === 'services' ? project?.services : project?.jobs) ?? []
  if (!resources.some((s) => s.id === id)) return `${kind} ${id} of project ${projectId} does not exist`
  let body: unknown
  try {
    body = JSON.parse(r.body)
  } catch {
    return 'not JSON'
  }
  const readings: unknown[] = []
  const whole = structuredClone(body)
  if (lenientWhole(whole)) readings.push(whole)
  for (const validate of lenientVariants) {
    const copy = structuredClone(body)
    if (validate(copy)) readings.push(copy)
  }
  const verdicts = readings.map((reading) => harmlessReading(reading as Record<string, any>, project?.services ?? []))
  if (verdicts.some((v) => v === undefined)) return undefined
  return verdicts.length === 0 ? 'refused by the wire schema, however leniently read' : verdicts.join('; ')
}

/** Why a body a lenient server accepted changes nothing: nothing left in it, or it names what does not exist. */
function harmlessReading (body: Record<string, any>, services: Fixtures['projects'][number]['services']): string | undefined {
  if (Object.keys(body).length === 0) return 'it is {}, which changes nothing'
  const internal = body.internal
  if (internal === undefined) return undefined
  const builder = services.find((s) => s.id === internal.id && s.serviceType !== 'deployment')
  if (builder === undefined) return `build service ${String(internal.id)} does not exist`
  if (internal.buildId !== undefined && !(builder.builds ?? []).some((b) => b.id === internal.buildId)) return `build ${String(internal.buildId)} does not exist`
  if (internal.buildSHA !== undefined && internal.buildSHA !== 'latest' && !(builder.builds ?? []).some((b) => b.sha === internal.buildSHA)) {
    return `commit ${String(internal.buildSHA)} was not built`
  }
  return undefined
}

/** Contexts that, between them, make the catalogue emit every probe it has. */
export const CONTEXTS: Array<{ ids: Ids, facts: Facts, allowDeploy: boolean }> = [
  {
    ids: { project: 'p', service: 's', job: 'j', team: 't' },
    facts: {
      serviceType: 'deployment',
      serviceSource: 'internal',
      serviceBuilder: 'b',
      serviceRedeploy: '{"internal":{"id":"b","branch":"main","buildSHA":"' + SHA + '"}}',
      job: { source: 'external', redeploy: '{"external":{"imagePath":"nginx:1"}}' }
    },
    allowDeploy: true
  },
  {
    ids: { project: 'p', service: 's', job: 'j' },
    facts: { serviceType: 'deployment', serviceSource: 'external', job: { source: 'internal', builder: 'b' } },
    allowDeploy: false
  },
  { ids: { project: 'p', service: 's' }, facts: { serviceType: 'combined', serviceSource: 'internal', serviceRedeploy: '{}' }, allowDeploy: true },
  { ids: { project: 'p', service: 's' }, facts: { serviceType: 'build' }, allowDeploy: false }
]

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const PARITY = join(ROOT, 'test', 'parity')

const validateReport = new Ajv({ strict: false, unicodeRegExp: false, validateFormats: false }).compile(ReportSchema)

/** A report file, checked against the report's schema. */
export function readReport (path: string): Report {
  const report = JSON.parse(readFileSync(path, 'utf8'))
  if (!validateReport(report)) throw new Error(`${path} is not a report: ${JSON.stringify(validateReport.errors)}`)
  return report
}

/** The snapshots committed under test/parity/: file name → report. */
export function committedSnapshots (): Map<string, Report> {
  return new Map(readdirSync(PARITY).filter((f) => f.endsWith('.json')).sort().map((f) => [f, readReport(join(PARITY, f))]))
}

/** Each rule some snapshot has a probe for → the date of the latest such snapshot (YYYY-MM-DD). */
export function observedRules (snapshots: Iterable<Report>): Map<string, string> {
  const marks = new Map<string, string>()
  for (const report of snapshots) {
    const day = report.date.slice(0, 10)
    for (const { rule } of report.probes) if ((marks.get(rule) ?? '') < day) marks.set(rule, day)
  }
  return marks
}

/** The rows of a Markdown table under a heading, as cells; `| --- |` and the header row left out. */
export function tableRows (markdown: string): string[][] {
  return markdown.split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .map((line) => line.slice(2, -2).split(' | '))
}
