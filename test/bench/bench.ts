/**
 * `npm run bench`: the emulator against bare Fastify baselines, on this machine, in one run.
 *
 * Four servers, each in its own child process on 127.0.0.1 (so its CPU and RSS are its own, apart from
 * autocannon's in this process):
 * - `baseline`: test/bench/baseline-server.js, bare Fastify with the same routes and the update's body
 *   schema on its route, no logging;
 * - `baseline-log`: the same with Fastify's default request logging (`logger: true`: two lines per
 *   request), the ceiling for a server that logs every request;
 * - `emulator`: `node dist/src/server.js` on its defaults, as `npm start` runs it (a log line per
 *   request at info, journal on, rate-limit headers), compared with `baseline-log`;
 * - `emulator-warn`: the same with `--log-level warn`, compared with `baseline`.
 * Logs go to /dev/null.
 *
 * The figure compared is the server's CPU time per request (all its threads, from /proc), not requests per
 * second: autocannon shares the machine's CPUs, so a server's throughput says as much about the load
 * generator and the other processes as about the server. Each scenario runs `--rounds` rounds; in each,
 * the two servers of a pair (`emulator-warn` and `baseline`, then `emulator` and `baseline-log`) are loaded
 * at the same time, after a short warm-up, so that whatever else the machine does weighs on both alike, and
 * which of the two is started first alternates from round to round. Each round gives each server a CPU
 * time per request and each pair a ratio; the figures are their medians, with the lowest and highest.
 * The journal-memory run sends 400 valid 900 KB updates to a fresh emulator, and to one with the journal
 * off as its baseline, and reads their RSS.
 *
 * Start-up (scenario `startup`, first): each server spawned `--startup-runs` times, alternately, timed from
 * spawn to its first 200 from /_mock/health; the medians and their ratio. `--scenarios startup` runs it alone.
 *
 * Prints a table and the targets, and writes JSON (`--out`, default bench-results.json) so runs can be
 * compared. Options (or BENCH_* environment variables): --duration s, --warmup s, --connections n,
 * --rounds n, --startup-runs n, --scenarios a,b (startup, external, internal, invalid, get-service, mix),
 * --load-only (the scenarios alone, without the hostile inputs, per-test cycles and journal memory),
 * --million (RSS after 1,000,000 requests), --out file.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon, { type Options, type Result } from 'autocannon'
import { adversarialBodies } from '../support/adversarial-bodies.js'

const ROOT = join(import.meta.dirname, '..', '..')
const SERVER = join(ROOT, 'dist', 'src', 'server.js')
const BASELINE = join(import.meta.dirname, 'baseline-server.js')
const SERVICE = '/v1/projects/default-project/services/example-service'
const HEADERS = { authorization: 'Bearer bench-token', 'content-type': 'application/json' }

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '4' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '1' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '10' },
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '5' },
    'startup-runs': { type: 'string', default: process.env.BENCH_STARTUP_RUNS ?? '7' },
    scenarios: { type: 'string', default: process.env.BENCH_SCENARIOS ?? '' },
    million: { type: 'boolean', default: process.env.BENCH_MILLION === 'true' },
    'load-only': { type: 'boolean', default: process.env.BENCH_LOAD_ONLY === 'true' },
    out: { type: 'string', default: process.env.BENCH_OUT ?? 'bench-results.json' }
  }
})
const duration = Number(flags.duration)
const warmup = Number(flags.warmup)
const connections = Number(flags.connections)
const rounds = Number(flags.rounds)
const startupRuns = Number(flags['startup-runs'])

type Req = NonNullable<Options['requests']>[number]
const post = (body: unknown): Req => ({ method: 'POST', path: `${SERVICE}/deployment`, headers: HEADERS, body: JSON.stringify(body) })
const REQUESTS = {
  external: post({ external: { imagePath: 'ghcr.io/org/app:1.2.3', credentials: 'example-credentials' }, docker: { configType: 'default' } }),
  internal: post({ internal: { id: 'example-build-service', branch: 'master', buildId: 'premium-guide-6393' }, docker: { configType: 'default' } }),
  invalid: post({ external: { imagePath: 'not an image' }, docker: { configType: 'nope' }, extra: true }),
  getService: { method: 'GET', path: SERVICE, headers: HEADERS } satisfies Req
}

interface Scenario { name: string, what: string, requests: Req[], status: number }
const ALL_SCENARIOS: Scenario[] = [
  { name: 'external', what: 'valid external update (200)', requests: [REQUESTS.external], status: 200 },
  { name: 'internal', what: 'valid internal update (200)', requests: [REQUESTS.internal], status: 200 },
  { name: 'invalid', what: 'invalid body (400)', requests: [REQUESTS.invalid], status: 400 },
  { name: 'get-service', what: 'GET service (200)', requests: [REQUESTS.getService], status: 200 },
  {
    name: 'mix',
    what: 'external, internal, GET, external, invalid',
    requests: [REQUESTS.external, REQUESTS.internal, REQUESTS.getService, REQUESTS.external, REQUESTS.invalid],
    status: 0
  }
]
const named = flags.scenarios.split(',').filter((name) => name !== '')
const unknown = named.filter((name) => name !== 'startup' && !ALL_SCENARIOS.some((s) => s.name === name))
if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`)
const chosen = named.length === 0 ? ALL_SCENARIOS : ALL_SCENARIOS.filter((s) => named.includes(s.name))
const startupChosen = named.length === 0 || named.includes('startup')
/** The start-up target: spawn to first answer at most this many times the bare Fastify app's. */
const STARTUP_RATIO_TARGET = 1.5

/** A free port on 127.0.0.1, for a child to listen on. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The status of one GET, or undefined when nothing answers yet. */
function probe (port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', () => resolve(undefined))
    req.end()
  })
}

/** The servers compared, and how each is started (`PORT` is replaced by a free port). */
const KINDS = {
  baseline: [BASELINE, 'PORT'],
  'baseline-log': [BASELINE, 'PORT', 'log'],
  emulator: [SERVER, '--port', 'PORT'],
  'emulator-warn': [SERVER, '--port', 'PORT', '--log-level', 'warn']
} as const
type Kind = keyof typeof KINDS
/** Which baseline each emulator is held against, and the most CPU per request it may take, relative to it. */
const BASELINE_OF = { 'emulator-warn': 'baseline', emulator: 'baseline-log' } as const
const CPU_TARGET = { 'emulator-warn': 1.2, emulator: 1.0 } as const
type Emulated = keyof typeof BASELINE_OF

interface Server { name: Kind, port: number, child: ChildProcess, startupMs: number, startupCpuMs: number }

/** CPU time (user + system) a child has used, in ms: start-up cost that other processes' load does not inflate. */
function cpuMs (pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  // utime and stime are fields 14 and 15 of stat(5), counted from the state field (3), in 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/**
 * CPU time a child's threads have run, in ms, to the nanosecond: the first field of each thread's
 * /proc/<pid>/task/<tid>/schedstat (proc(5)). The garbage collector's helper threads count too. Where the
 * kernel keeps no schedstat, /proc/<pid>/stat's 1/100 s.
 */
function threadsCpuMs (pid: number | undefined): number {
  if (!SCHEDSTAT) return cpuMs(pid)
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {} // a thread that ended meanwhile
  }
  return ns / 1e6
}
const SCHEDSTAT = existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`)

/** Spawns a server and waits for its first 200 from /_mock/health: the start-up time. */
async function start (name: Kind, extra: string[] = []): Promise<Server> {
  const port = await freePort()
  // The emulator on its defaults: no LOG_LEVEL, PORT… inherited from this shell.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PORT|HOST|LOG_|NORTHFLANK_MOCK_)/.test(k)))
  const t0 = process.hrtime.bigint()
  const args = [...KINDS[name].map((a) => a === 'PORT' ? String(port) : a), ...extra]
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${stderr}`)
    if (await probe(port, '/_mock/health') === 200) break
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return { name, port, child, startupMs: Number(process.hrtime.bigint() - t0) / 1e6, startupCpuMs: cpuMs(child.pid) }
}

async function stop (server: Server): Promise<void> {
  // Stopped already: exited, or killed by a signal (a baseline has no SIGTERM handler), when exitCode stays null.
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGTERM')
  await exited
}

/** Resident set size of a child, in MB (Linux /proc). */
function rssMB (server: Server): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8')
  const kB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
  return Math.round(kB / 102.4) / 10
}

interface Run { result: Result, latencies: number[] }

/**
 * A load run. Latencies are collected here, to the microsecond, from each response: autocannon's own
 * histogram keeps whole milliseconds, too coarse for sub-millisecond answers.
 */
async function load (server: Server, requests: Req[], seconds: number, amount?: number): Promise<Run> {
  const latencies: number[] = []
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${server.port}`,
      connections,
      requests,
      ...(amount === undefined ? { duration: seconds } : { amount })
    }, (err, result) => { if (err !== null && err !== undefined) reject(err); else resolve(result) })
    instance.on('response', (_client, _status, _bytes, ms) => { latencies.push(ms) })
  })
  return { result, latencies }
}

interface Figures {
  rps: number
  p50: number
  p99: number
  /** The server's CPU time per request, in µs: what other load on a shared machine skews least. */
  cpuUs: number
  requests: number
  statuses: Record<string, number>
  errors: number
}

function percentile (sorted: number[], p: number): number {
  const v = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
  return Math.round(v * 1000) / 1000
}

function figures ({ result: r, latencies }: Run, cpuUsedMs: number): Figures {
  const statuses: Record<string, number> = {}
  for (const [code, { count }] of Object.entries((r as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats ?? {})) statuses[code] = count
  const sorted = latencies.sort((a, b) => a - b)
  return {
    rps: Math.round(r.requests.total / r.duration),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuUs: Math.round((cpuUsedMs * 1000 / r.requests.total) * 10) / 10,
    requests: r.requests.total,
    statuses,
    errors: r.errors + r.timeouts
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100

/** The median of some rounds, with the lowest and highest. */
interface Spread { median: number, min: number, max: number }

function spread (xs: number[], digits = 1): Spread {
  const f = 10 ** digits
  const r = (x: number) => Math.round(x * f) / f
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)) }
}

/** A server's rounds of a scenario: CPU time per request, throughput and latencies, as medians. */
interface Summary {
  /** µs of the server's CPU per request. */
  cpuUs: Spread
  rps: number
  p50: number
  p99: number
  requests: number
  statuses: Record<string, number>
  errors: number
  rounds: Figures[]
}

function summary (rounds: Figures[]): Summary {
  const statuses: Record<string, number> = {}
  for (const f of rounds) for (const [code, n] of Object.entries(f.statuses)) statuses[code] = (statuses[code] ?? 0) + n
  return {
    cpuUs: spread(rounds.map((f) => f.cpuUs)),
    rps: Math.round(median(rounds.map((f) => f.rps))),
    p50: median(rounds.map((f) => f.p50)),
    p99: median(rounds.map((f) => f.p99)),
    requests: rounds.reduce((n, f) => n + f.requests, 0),
    statuses,
    errors: rounds.reduce((n, f) => n + f.errors, 0),
    rounds
  }
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] as number : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** One request of each adversarial shape at the body limit; the slowest answer is the bench's worst case. */
async function adversarial (server: Server): Promise<Array<{ name: string, bytes: number, status: number, ms: number }>> {
  const out = []
  for (const { name, text } of adversarialBodies(1048576)) {
    const t0 = process.hrtime.bigint()
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: server.port, method: 'POST', path: `${SERVICE}/deployment`, agent: false, headers: HEADERS
      }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(text)
    })
    out.push({ name, bytes: Buffer.byteLength(text), status, ms: Math.round(Number(process.hrtime.bigint() - t0) / 1e4) / 100 })
  }
  return out
}

/** One request over its own socket; resolves with its status and the ms from sending to the end of the answer. */
function timed (port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number, ms: number }> {
  const t0 = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method,
      path,
      agent: false,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Math.round(Number(process.hrtime.bigint() - t0) / 1e4) / 100 }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

interface HostileRow {
  name: string
  status: number
  /** Median and slowest answer to the hostile request. */
  ms: number
  maxMs: number
  /** Median and slowest answer to a normal request sent right after it, while it was being answered. */
  normalMs: number
  normalMaxMs: number
}

/** The worst glob a fault rule or a verify may hold: blocks of `*a*` that nearly match a path of a's. */
const WORST_GLOB = `/**/${Array.from({ length: 13 }, () => '*a*').join('/')}/b/**`
/** The longest path a glob is tried on: 32 segments. */
const LONGEST_GLOBBED = '/a'.repeat(32)

/**
 * What a client controls at its worst (docs/performance.md, "Hostile inputs"): each shape sent `times`
 * times, each time with a normal request (GET service) sent right behind it on another socket, whose
 * answer shows whether the hostile one held the event loop. The emulator is reset afterwards.
 */
async function hostile (server: Server, times = 7): Promise<{ alone: { ms: number, maxMs: number }, rows: HostileRow[] }> {
  const port = server.port
  const normal = () => timed(port, 'GET', SERVICE, undefined, HEADERS)
  const admin = (method: string, path: string, body?: unknown) => timed(port, method, path, body === undefined ? undefined : JSON.stringify(body))
  const alone: number[] = []
  for (let i = 0; i < times * 3; i++) alone.push((await normal()).ms)
  const shapes: Array<{ name: string, send: () => Promise<{ status: number, ms: number }>, before?: () => Promise<unknown> }> = [
    { name: '404, 8000 segments', send: () => timed(port, 'GET', '/a'.repeat(8000), undefined, HEADERS) },
    { name: '404, one 15000-character segment', send: () => timed(port, 'GET', `/${'a'.repeat(15_000)}`, undefined, HEADERS) },
    { name: '404, 32 near-miss segments', send: () => timed(port, 'GET', `/v1${'/projectz/servicez'.repeat(15)}/deploymnt`, undefined, HEADERS) },
    { name: '/_mock 404, 8000 segments', send: () => admin('GET', `/_mock${'/a'.repeat(8000)}`) },
    {
      name: 'API request, 100 worst-glob fault rules',
      before: async () => { for (let i = 0; i < 100; i++) await admin('POST', '/_mock/faults', { match: { path: WORST_GLOB }, action: { status: 503 } }) },
      send: () => timed(port, 'GET', LONGEST_GLOBBED, undefined, HEADERS)
    },
    {
      name: 'verify, worst glob and 1000-value body, full journal',
      before: async () => {
        await admin('DELETE', '/_mock/faults')
        // A full journal (1000 entries) of the longest paths a glob is tried on, each nearly matching.
        for (let i = 0; i < 1000; i++) await timed(port, 'GET', `${LONGEST_GLOBBED.slice(0, -2)}/a${i}`, undefined, HEADERS)
      },
      send: () => admin('POST', '/_mock/verify', {
        path: WORST_GLOB,
        body: Object.fromEntries(Array.from({ length: 999 }, (_, i) => [`k${i}`, i])),
        count: { atLeast: 1 }
      })
    }
  ]
  const rows: HostileRow[] = []
  for (const shape of shapes) {
    await shape.before?.()
    const answers: number[] = []
    const meanwhile: number[] = []
    let status = 0
    for (let i = 0; i < times; i++) {
      const [h, n] = await Promise.all([shape.send(), new Promise<{ status: number, ms: number }>((resolve, reject) => {
        // Sent once the hostile request is on its way: behind it in the event loop's queue.
        setImmediate(() => { normal().then(resolve, reject) })
      })])
      status = h.status
      answers.push(h.ms)
      meanwhile.push(n.ms)
    }
    rows.push({ name: shape.name, status, ms: median(answers), maxMs: Math.max(...answers), normalMs: median(meanwhile), normalMaxMs: Math.max(...meanwhile) })
  }
  await admin('POST', '/_mock/reset')
  return { alone: { ms: median(alone), maxMs: Math.max(...alone) }, rows }
}

async function main (): Promise<void> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run "npm run build" first (npm run bench does)`)
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); ` +
    `${connections} connections, ${rounds} round(s) of ${duration} s after ${warmup} s warm-up per scenario, each pair of servers loaded together`)

  // Start-up: spawn → first 200, several times each, alternating, median.
  const startup: Record<string, number[]> = { baseline: [], emulator: [] }
  const startupCpu: Record<string, number[]> = { baseline: [], emulator: [] }
  for (let i = 0; i < (startupChosen ? startupRuns : 0); i++) {
    for (const name of ['baseline', 'emulator'] as const) {
      const s = await start(name)
      startup[name]?.push(s.startupMs)
      startupCpu[name]?.push(s.startupCpuMs)
      await stop(s)
    }
  }
  if (chosen.length === 0) {
    report({ startup, startupCpu })
    return
  }

  const servers = [await start('baseline'), await start('baseline-log'), await start('emulator'), await start('emulator-warn')]
  const byName = Object.fromEntries(servers.map((x) => [x.name, x])) as Record<Kind, Server>
  const emulator = byName.emulator
  const rssAtStart = rssMB(emulator)
  const results: Result_[] = []
  try {
    for (const scenario of chosen) {
      const runs: Partial<Record<Kind, Figures[]>> = {}
      for (let round = 0; round < rounds; round++) {
        for (const [e, b] of Object.entries(BASELINE_OF) as Array<[Emulated, Kind]>) {
          // Which load starts first alternates: started second, a server gets its first requests a little later.
          const pair = round % 2 === 0 ? [byName[e], byName[b]] : [byName[b], byName[e]]
          if (warmup > 0) await Promise.all(pair.map((x) => load(x, scenario.requests, warmup)))
          const cpu0 = pair.map((x) => threadsCpuMs(x.child.pid))
          const done = await Promise.all(pair.map((x) => load(x, scenario.requests, duration)))
          pair.forEach((x, i) => {
            const f = figures(done[i] as Run, threadsCpuMs(x.child.pid) - (cpu0[i] as number))
            if (scenario.status !== 0 && x.name.startsWith('emulator') && Object.keys(f.statuses).some((c) => Number(c) !== scenario.status)) {
              throw new Error(`${scenario.name}: ${x.name} answered ${JSON.stringify(f.statuses)}, expected only ${scenario.status}`)
            }
            (runs[x.name] ??= []).push(f)
          })
        }
      }
      const of = runs as Record<Kind, Figures[]>
      results.push({
        scenario: scenario.name,
        what: scenario.what,
        servers: Object.fromEntries(servers.map((x) => [x.name, summary(of[x.name])])) as Record<Kind, Summary>,
        ratios: Object.fromEntries((Object.entries(BASELINE_OF) as Array<[Emulated, Kind]>).map(([e, b]) => {
          const perRound = of[e].map((f, i) => f.cpuUs / (of[b][i] as Figures).cpuUs)
          return [e, { against: b, cpu: spread(perRound, 2), rps: round2(median(of[e].map((f) => f.rps)) / median(of[b].map((f) => f.rps))) }]
        })) as Result_['ratios']
      })
      const last = results.at(-1) as Result_
      console.log(`  ${scenario.name}: CPU per request ${servers.map((x) => `${x.name} ${last.servers[x.name].cpuUs.median} µs`).join(', ')}; ` +
        `emulator-warn ${last.ratios['emulator-warn'].cpu.median}× baseline, emulator ${last.ratios.emulator.cpu.median}× baseline-log`)
    }
    if (flags['load-only']) {
      report({ startup, startupCpu, scenarios: results })
      return
    }
    const sustained = results.reduce((n, r) => n + r.servers.emulator.requests, 0)
    const rssAfter = rssMB(emulator)
    const worst = await adversarial(emulator)
    console.log('  hostile inputs: paths, globs and verify queries at their worst, each with a normal request behind it…')
    const hostileInputs = await hostile(emulator)
    for (const server of servers.filter((x) => x !== emulator)) await stop(server)

    console.log('  a fresh emulator per test: startMock() + close() and admin.reset(), in this process…')
    const perTest = await freshPerTest()

    console.log('  journal memory: 400 valid 900 KB updates to a fresh emulator, and to one with the journal off…')
    const journalMemory = { on: await bigUpdates([]), off: await bigUpdates(['--journal-size', '0']) }

    let million: { requests: number, seconds: number, rssMB: Array<{ requests: number, rssMB: number }> } | undefined
    if (flags.million) {
      // A fresh emulator, so that its RSS owes nothing to the scenarios or the 1 MiB bodies above.
      console.log('  sending 1,000,000 valid updates to a fresh emulator…')
      const fresh = await start('emulator')
      try {
        const samples = [{ requests: 0, rssMB: rssMB(fresh) }]
        const t0 = Date.now()
        let sent = 0
        for (let chunk = 0; chunk < 10; chunk++) {
          const r = await load(fresh, [REQUESTS.external, REQUESTS.internal], 0, 100_000)
          sent += r.result.requests.total
          samples.push({ requests: sent, rssMB: rssMB(fresh) })
        }
        million = { requests: sent, seconds: (Date.now() - t0) / 1000, rssMB: samples }
      } finally {
        await stop(fresh)
      }
    }

    report({ startup, startupCpu, scenarios: results, load: { rssAtStart, rssAfter, sustained, worst, hostile: hostileInputs, journalMemory, perTest }, million })
  } finally {
    for (const server of servers) await stop(server)
  }
}

interface PerTest {
  /** Median ms of startMock() + close() after the first cycle, and the first cycle's. */
  cycleMs: number
  firstCycleMs: number
  /** Median ms of what a test does with its own emulator: startMock(), one update over HTTP, verify, close(). */
  testCycleMs: number
  /** The same for a bare Fastify app with one route: Fastify() + listen + close. */
  bareCycleMs: number
  /** Median ms of admin.reset() (an HTTP round trip), and of a GET to bare Fastify on the same client. */
  resetMs: number
  bareRoundTripMs: number
}

/**
 * What a test suite that starts an emulator per test pays, measured in this process as a suite would
 * (the built package, as installed), beside bare Fastify doing the least it can.
 */
async function freshPerTest (cycles = 40, resets = 400): Promise<PerTest> {
  const { startMock } = await import(join(ROOT, 'dist', 'src', 'index.js')) as typeof import('../../src/index.js')
  const { default: Fastify } = await import('fastify')
  const time = async (run: () => Promise<unknown>): Promise<number> => {
    const t0 = process.hrtime.bigint()
    await run()
    return Number(process.hrtime.bigint() - t0) / 1e6
  }
  const cycle: number[] = []
  for (let i = 0; i <= cycles; i++) cycle.push(await time(async () => { const mock = await startMock(); await mock.close() }))
  // Each emulator compiles the validators and serializers it uses on first use, or reuses those another
  // emulator of the process compiled (src/validation.ts, src/serialization.ts): this is what a test pays.
  const body = JSON.stringify({ external: { imagePath: 'nginx:1.27' } })
  const test: number[] = []
  for (let i = 0; i <= cycles; i++) {
    test.push(await time(async () => {
      const mock = await startMock()
      const res = await fetch(`${mock.url}/v1/projects/default-project/services/example-service/deployment`, {
        method: 'POST', headers: { authorization: 'Bearer bench', 'content-type': 'application/json' }, body
      })
      if (res.status !== 200) throw new Error(`update: ${res.status} ${await res.text()}`)
      await mock.admin.verify({ method: 'POST', service: 'example-service', count: { exactly: 1 } })
      await mock.close()
    }))
  }
  const bare: number[] = []
  for (let i = 0; i <= cycles; i++) {
    bare.push(await time(async () => {
      const app = Fastify()
      app.get('/', async () => ({ ok: true }))
      await app.listen({ port: 0, host: '127.0.0.1' })
      await app.close()
    }))
  }
  const mock = await startMock()
  const app = Fastify()
  app.get('/_mock/health', async () => ({ status: 'ok' }))
  const bareUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  try {
    const reset: number[] = []
    const roundTrip: number[] = []
    for (let i = 0; i < resets; i++) {
      reset.push(await time(() => mock.admin.reset()))
      roundTrip.push(await time(async () => (await fetch(`${bareUrl}/_mock/health`)).text()))
    }
    const round = (x: number) => Math.round(x * 1000) / 1000
    return {
      cycleMs: round(median(cycle.slice(1))),
      firstCycleMs: round(cycle[0] as number),
      testCycleMs: round(median(test.slice(1))),
      bareCycleMs: round(median(bare.slice(1))),
      resetMs: round(median(reset.slice(resets / 10))),
      bareRoundTripMs: round(median(roundTrip.slice(resets / 10)))
    }
  } finally {
    await mock.close()
    await app.close()
  }
}

/** A valid update of about 900 KB: the bulk is a docker command, which the emulator stores too. */
const BIG_UPDATE = JSON.stringify({
  external: { imagePath: 'ghcr.io/org/app:1.2.3' },
  docker: { configType: 'customCommand', customCommand: 'x'.repeat(900_000) }
})

/** RSS of a fresh emulator before and after 400 big updates (over the bench's connections), and what its journal reports. */
async function bigUpdates (extra: string[]): Promise<{ startMB: number, afterMB: number, journal: { total: number, dropped: number } }> {
  const server = await start('emulator', extra)
  try {
    const startMB = rssMB(server)
    const r = await load(server, [{ method: 'POST', path: `${SERVICE}/deployment`, headers: HEADERS, body: BIG_UPDATE }], 0, 400)
    const statuses = figures(r, 0).statuses
    if (Object.keys(statuses).some((c) => c !== '200')) throw new Error(`big updates answered ${JSON.stringify(statuses)}`)
    const afterMB = rssMB(server)
    const journal = await new Promise<{ total: number, dropped: number }>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/_mock/journal?limit=0', agent: false }, (res) => {
        let text = ''
        res.on('data', (c: Buffer) => { text += c.toString() })
        res.on('end', () => resolve(JSON.parse(text) as { total: number, dropped: number }))
      }).on('error', reject).end()
    })
    return { startMB, afterMB, journal: { total: journal.total, dropped: journal.dropped } }
  } finally {
    await stop(server)
  }
}

interface Result_ {
  scenario: string
  what: string
  servers: Record<Kind, Summary>
  /** Each emulator against its baseline: CPU per request (per round, paired), and the median throughputs. */
  ratios: Record<Emulated, { against: Kind, cpu: Spread, rps: number }>
}
type JournalMemory = Record<'on' | 'off', { startMB: number, afterMB: number, journal: { total: number, dropped: number } }>

interface LoadRun {
  rssAtStart: number
  rssAfter: number
  sustained: number
  worst: Array<{ name: string, bytes: number, status: number, ms: number }>
  hostile: { alone: { ms: number, maxMs: number }, rows: HostileRow[] }
  journalMemory: JournalMemory
  perTest: PerTest
}

function report (r: {
  startup: Record<string, number[]>
  startupCpu: Record<string, number[]>
  /** Absent when only the start-up ran (`--scenarios startup`). */
  scenarios?: Result_[]
  /** Absent then, and with --load-only. */
  load?: LoadRun
  million?: { requests: number, seconds: number, rssMB: Array<{ requests: number, rssMB: number }> } | undefined
}): void {
  const pad = (s: unknown, n: number) => String(s).padStart(n)
  const ms = (v: number) => pad(v.toFixed(2), 6)
  const us = (v: number) => pad(`${v.toFixed(1)}µs`, 8)
  const targets: Array<{ target: string, value: string, met: boolean }> = []
  const load = r.load

  const scenarios = r.scenarios ?? []
  if (scenarios.length > 0) {
    console.log('\nscenario       server         CPU/req (lowest–highest)   relative (lowest–highest)     req/s    p50    p99')
    for (const x of scenarios) {
      for (const name of ['baseline', 'emulator-warn', 'baseline-log', 'emulator'] as const) {
        const f = x.servers[name]
        const vs = name === 'emulator' || name === 'emulator-warn' ? x.ratios[name] : undefined
        const relative = vs === undefined ? '' : `${vs.cpu.median.toFixed(2)}× (${vs.cpu.min.toFixed(2)}–${vs.cpu.max.toFixed(2)}) ${vs.against}`
        console.log(`${(name === 'baseline' ? x.scenario : '').padEnd(14)} ${name.padEnd(13)} ${us(f.cpuUs.median)} (${f.cpuUs.min.toFixed(1)}–${f.cpuUs.max.toFixed(1)})`.padEnd(56) +
          `${relative.padEnd(30)}${pad(f.rps, 6)} ${ms(f.p50)} ${ms(f.p99)}`)
      }
    }
    console.log(`(medians of ${rounds} rounds; CPU/req: µs of the server's CPU time per request, all its threads; relative: the ` +
      'per-round ratio to its baseline, loaded at the same time; req/s and latencies (ms) with the other server of the pair sharing the machine)')
    const external = scenarios.find((x) => x.scenario === 'external')
    if (external !== undefined) {
      for (const e of ['emulator-warn', 'emulator'] as const) {
        const vs = external.ratios[e]
        const what = e === 'emulator' ? 'defaults' : '--log-level warn'
        targets.push({
          target: `valid external update, ${what}: CPU per request ≤ ${CPU_TARGET[e].toFixed(1)}× ${vs.against}'s`,
          value: `${vs.cpu.median}× (rounds ${vs.cpu.min}–${vs.cpu.max}; ${external.servers[e].cpuUs.median} vs ${external.servers[vs.against].cpuUs.median} µs)`,
          met: vs.cpu.median <= CPU_TARGET[e]
        })
      }
    }
  }

  let startup
  if (startupChosen) {
    const med = { baseline: median(r.startup.baseline ?? []), emulator: median(r.startup.emulator ?? []) }
    const cpu = { baseline: median(r.startupCpu.baseline ?? []), emulator: median(r.startupCpu.emulator ?? []) }
    const ratio = Math.round((med.emulator / med.baseline) * 100) / 100
    const cpuRatio = Math.round((cpu.emulator / cpu.baseline) * 100) / 100
    startup = { ms: med, ratio, cpuMs: cpu, cpuRatio, runsMs: r.startup, runsCpuMs: r.startupCpu }
    console.log(`\nstart-up, spawn to first 200 from /_mock/health (median of ${startupRuns}, alternating): bare Fastify ` +
      `${med.baseline.toFixed(0)} ms, emulator ${med.emulator.toFixed(0)} ms: ${ratio}× (CPU time: ${cpu.baseline} and ${cpu.emulator} ms, ${cpuRatio}×)`)
    targets.push({
      target: `start-up to first answer ≤ ${STARTUP_RATIO_TARGET}× bare Fastify's`,
      value: `${ratio}× (${med.emulator.toFixed(0)} ms vs ${med.baseline.toFixed(0)} ms)`,
      met: ratio <= STARTUP_RATIO_TARGET
    })
  }

  if (load !== undefined) {
    console.log(`emulator RSS: ${load.rssAtStart} MB at start, ${load.rssAfter} MB after ${load.sustained} requests`)
    const jm = load.journalMemory
    console.log(`journal memory, 400 updates of 900 KB: RSS ${jm.on.startMB} → ${jm.on.afterMB} MB with the journal ` +
      `(${jm.on.journal.total} entries kept, ${jm.on.journal.dropped} dropped), ${jm.off.startMB} → ${jm.off.afterMB} MB without`)
    const pt = load.perTest
    console.log(`a fresh emulator per test: startMock() + close() ${pt.cycleMs} ms (first ${pt.firstCycleMs} ms; bare Fastify ${pt.bareCycleMs} ms), ` +
      `admin.reset() ${pt.resetMs} ms (a GET to bare Fastify: ${pt.bareRoundTripMs} ms); ` +
      `startMock(), one update, verify, close() ${pt.testCycleMs} ms`)
    const worst = load.worst.reduce((a, b) => (b.ms > a.ms ? b : a))
    console.log(`adversarial 1 MiB bodies: worst ${worst.ms} ms (${worst.name}, ${worst.status}), ` +
      `${(worst.ms / (worst.bytes / 1024)).toFixed(3)} ms per KiB, round trip included`)
    for (const w of load.worst) console.log(`  ${w.name.padEnd(40)} ${w.status} ${pad(w.ms.toFixed(1), 7)} ms`)

    const { alone, rows } = load.hostile
    console.log(`\nhostile inputs (median and slowest of ${rows.length > 0 ? 7 : 0}); a normal GET alone: ${alone.ms} ms (slowest ${alone.maxMs})`)
    console.log(`  ${'shape'.padEnd(52)} status  answer (max)      a GET behind it (max)`)
    for (const h of rows) {
      console.log(`  ${h.name.padEnd(52)} ${h.status}  ${ms(h.ms)} (${ms(h.maxMs)})  ${ms(h.normalMs)} (${ms(h.normalMaxMs)})`)
    }
    targets.push(
      { target: 'hostile inputs: each answered in ≤ 20 ms (median)', value: `${Math.max(...rows.map((h) => h.ms))} ms`, met: rows.every((h) => h.ms <= 20) },
      {
        target: 'hostile inputs: a normal request behind one answered ≤ 20 ms later than alone (median)',
        value: `+${Math.round((Math.max(...rows.map((h) => h.normalMs)) - alone.ms) * 100) / 100} ms`,
        met: rows.every((h) => h.normalMs - alone.ms <= 20)
      }
    )

    targets.push(
      { target: '400 updates of 900 KB: RSS < 400 MB', value: `${jm.on.afterMB} MB`, met: jm.on.afterMB < 400 },
      { target: 'startMock() + close() < 30 ms after the first cycle', value: `${pt.cycleMs} ms`, met: pt.cycleMs < 30 },
      { target: 'admin.reset() < 0.5 ms', value: `${pt.resetMs} ms`, met: pt.resetMs < 0.5 }
    )
  }
  if (r.million !== undefined) {
    const finalRss = r.million.rssMB.at(-1)?.rssMB as number
    console.log(`after 1,000,000 requests (${r.million.seconds.toFixed(0)} s): RSS ${r.million.rssMB.map((s) => s.rssMB).join(' → ')} MB`)
    targets.push({ target: 'RSS < 150 MB after 1,000,000 requests', value: `${finalRss} MB`, met: finalRss < 150 })
  }

  console.log('\ntargets:')
  for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'MISSED '} ${t.target}: ${t.value}`)

  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    settings: { duration, warmup, connections, rounds, startupRuns },
    startup,
    rssMB: load === undefined ? undefined : { start: load.rssAtStart, afterRun: load.rssAfter, requestsInRun: load.sustained },
    scenarios,
    journalMemory: load?.journalMemory,
    perTest: load?.perTest,
    adversarial: load?.worst,
    hostile: load?.hostile,
    million: r.million,
    targets
  }
  writeFileSync(flags.out, JSON.stringify(json, null, 2) + '\n')
  console.log(`\nwritten to ${flags.out}`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
