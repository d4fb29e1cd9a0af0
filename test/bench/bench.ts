/**
 * `npm run bench`: the emulator against a bare Fastify baseline, on this machine, in one run.
 *
 * Each server runs in its own child process on 127.0.0.1 (so its CPU and RSS are its own, apart from
 * autocannon's in this process): the baseline is test/bench/baseline-server.js, the emulator is
 * `node dist/src/server.js` with its defaults, as `npm start` runs it (info logging to stdout, which goes
 * to /dev/null). Scenarios alternate baseline / emulator, each after a short warm-up, for `--rounds` rounds;
 * each server's best round counts (noise from other processes only ever slows a round down).
 *
 * Start-up (scenario `startup`, first): each server spawned `--startup-runs` times, alternately, timed from
 * spawn to its first 200 from /_mock/health; the medians and their ratio (target: at most 1.5× the bare
 * Fastify app's). `--scenarios startup` runs it alone.
 *
 * Prints a table and writes JSON (`--out`, default bench-results.json) so runs can be compared.
 * Options (or BENCH_* environment variables): --duration s, --warmup s, --connections n, --rounds n,
 * --startup-runs n, --scenarios a,b (startup, external, internal, invalid, get-service, mix),
 * --million (RSS after 1,000,000 requests), --out file.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon, { type Options, type Result } from 'autocannon'
import { adversarialBodies } from '../adversarial-bodies.js'

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
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '2' },
    'startup-runs': { type: 'string', default: process.env.BENCH_STARTUP_RUNS ?? '7' },
    scenarios: { type: 'string', default: process.env.BENCH_SCENARIOS ?? '' },
    million: { type: 'boolean', default: process.env.BENCH_MILLION === 'true' },
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

interface Server { name: string, port: number, child: ChildProcess, startupMs: number, startupCpuMs: number }

/** CPU time (user + system) a child has used, in ms: start-up cost that other processes' load does not inflate. */
function cpuMs (pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  // utime and stime are fields 14 and 15 of stat(5), counted from the state field (3), in 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** Spawns a server and waits for its first 200 from /_mock/health: the start-up time. */
async function start (name: 'baseline' | 'emulator'): Promise<Server> {
  const port = await freePort()
  // The emulator on its defaults: no LOG_LEVEL, PORT… inherited from this shell.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PORT|HOST|LOG_|NORTHFLANK_MOCK_)/.test(k)))
  const t0 = process.hrtime.bigint()
  const args = name === 'baseline' ? [BASELINE, String(port)] : [SERVER, '--port', String(port)]
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
  if (server.child.exitCode !== null) return
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

async function main (): Promise<void> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run "npm run build" first (npm run bench does)`)
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); ` +
    `${connections} connections, ${rounds} round(s) of ${duration} s after ${warmup} s warm-up per server and scenario`)

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
    report({ startup, startupCpu, results: [], worst: [] })
    return
  }

  const baseline = await start('baseline')
  const emulator = await start('emulator')
  const rssAtStart = rssMB(emulator)
  const results: Array<{ scenario: string, what: string, baseline: Figures, emulator: Figures, rpsRatio: number, p99Ratio: number }> = []
  try {
    for (const scenario of chosen) {
      const best: Record<string, Figures> = {}
      for (let round = 0; round < rounds; round++) {
        for (const server of [baseline, emulator]) {
          if (warmup > 0) await load(server, scenario.requests, warmup)
          const cpu0 = cpuMs(server.child.pid)
          const run = await load(server, scenario.requests, duration)
          const f = figures(run, cpuMs(server.child.pid) - cpu0)
          if (scenario.status !== 0 && server === emulator && Object.keys(f.statuses).some((c) => Number(c) !== scenario.status)) {
            throw new Error(`${scenario.name}: emulator answered ${JSON.stringify(f.statuses)}, expected only ${scenario.status}`)
          }
          const prev = best[server.name]
          if (prev === undefined || f.rps > prev.rps) best[server.name] = f
        }
      }
      const b = best.baseline as Figures
      const e = best.emulator as Figures
      results.push({
        scenario: scenario.name,
        what: scenario.what,
        baseline: b,
        emulator: e,
        rpsRatio: Math.round((e.rps / b.rps) * 100) / 100,
        p99Ratio: Math.round((e.p99 / b.p99) * 100) / 100
      })
      console.log(`  ${scenario.name}: baseline ${b.rps} req/s, emulator ${e.rps} req/s`)
    }
    const sustained = results.reduce((n, r) => n + r.emulator.requests, 0)
    const rssAfter = rssMB(emulator)
    const worst = await adversarial(emulator)

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

    report({ startup, startupCpu, rss: { atStart: rssAtStart, after: rssAfter, sustained }, results, worst, million })
  } finally {
    await stop(baseline)
    await stop(emulator)
  }
}

function report (r: {
  startup: Record<string, number[]>
  startupCpu: Record<string, number[]>
  /** Absent when only the start-up ran. */
  rss?: { atStart: number, after: number, sustained: number }
  results: Array<{ scenario: string, what: string, baseline: Figures, emulator: Figures, rpsRatio: number, p99Ratio: number }>
  worst: Array<{ name: string, bytes: number, status: number, ms: number }>
  million?: { requests: number, seconds: number, rssMB: Array<{ requests: number, rssMB: number }> } | undefined
}): void {
  const pad = (s: unknown, n: number) => String(s).padStart(n)
  const targets: Array<{ target: string, value: string, met: boolean }> = []

  let startup
  if (startupChosen) {
    const ms = { baseline: median(r.startup.baseline ?? []), emulator: median(r.startup.emulator ?? []) }
    const cpuMs = { baseline: median(r.startupCpu.baseline ?? []), emulator: median(r.startupCpu.emulator ?? []) }
    const ratio = Math.round((ms.emulator / ms.baseline) * 100) / 100
    const cpuRatio = Math.round((cpuMs.emulator / cpuMs.baseline) * 100) / 100
    startup = { ms, ratio, cpuMs, cpuRatio, runsMs: r.startup, runsCpuMs: r.startupCpu }
    console.log(`
start-up, spawn to first 200 from /_mock/health (median of ${startupRuns}, alternating):`)
    console.log(`  bare Fastify ${ms.baseline.toFixed(0)} ms, emulator ${ms.emulator.toFixed(0)} ms: ${ratio}× ` +
      `(CPU time used: ${cpuMs.baseline} ms and ${cpuMs.emulator} ms, ${cpuRatio}×)`)
    targets.push({
      target: `start-up to first answer ≤ ${STARTUP_RATIO_TARGET}× bare Fastify's`,
      value: `${ratio}× (${ms.emulator.toFixed(0)} ms vs ${ms.baseline.toFixed(0)} ms)`,
      met: ratio <= STARTUP_RATIO_TARGET
    })
  }

  if (r.results.length > 0) {
    console.log('\nscenario       baseline req/s    p50    p99  CPU/req | emulator req/s    p50    p99  CPU/req | req/s ratio  p99 ratio')
    for (const x of r.results) {
      const ms = (v: number) => pad(v.toFixed(2), 6)
      const us = (v: number) => pad(`${v.toFixed(1)}µs`, 8)
      console.log(`${x.scenario.padEnd(14)} ${pad(x.baseline.rps, 14)} ${ms(x.baseline.p50)} ${ms(x.baseline.p99)} ${us(x.baseline.cpuUs)} | ` +
        `${pad(x.emulator.rps, 14)} ${ms(x.emulator.p50)} ${ms(x.emulator.p99)} ${us(x.emulator.cpuUs)} | ` +
        `${pad(`${x.rpsRatio}×`, 11)} ${pad(`${x.p99Ratio}×`, 10)}`)
    }
    console.log('(latencies in ms; CPU/req: the server process\'s CPU time per request; ratios are emulator / baseline)')
  }
  if (r.rss !== undefined) {
    console.log(`emulator RSS: ${r.rss.atStart} MB at start, ${r.rss.after} MB after ${r.rss.sustained} requests`)
  }
  if (r.worst.length > 0) {
    const worst = r.worst.reduce((a, b) => (b.ms > a.ms ? b : a))
    console.log(`adversarial 1 MiB bodies: worst ${worst.ms} ms (${worst.name}, ${worst.status}), ` +
      `${(worst.ms / (worst.bytes / 1024)).toFixed(3)} ms per KiB, round trip included`)
    for (const w of r.worst) console.log(`  ${w.name.padEnd(40)} ${w.status} ${pad(w.ms.toFixed(1), 7)} ms`)
  }
  if (r.million !== undefined) {
    console.log(`after 1,000,000 requests (${r.million.seconds.toFixed(0)} s): RSS ${r.million.rssMB.map((s) => s.rssMB).join(' → ')} MB`)
  }

  const valid = r.results.filter((x) => x.scenario === 'external' || x.scenario === 'internal')
  targets.push(
    ...valid.map((x) => ({ target: `${x.scenario} update throughput ≥ 0.8× baseline`, value: `${x.rpsRatio}×`, met: x.rpsRatio >= 0.8 })),
    ...valid.map((x) => ({ target: `${x.scenario} update p99 ≤ 2× baseline`, value: `${x.emulator.p99} ms vs ${x.baseline.p99} ms`, met: x.p99Ratio <= 2 }))
  )
  if (r.rss !== undefined) {
    const finalRss = r.million?.rssMB.at(-1)?.rssMB ?? r.rss.after
    targets.push({ target: `RSS < 150 MB after ${r.million === undefined ? 'the run (use --million for 1M requests)' : '1,000,000 requests'}`, value: `${finalRss} MB`, met: finalRss < 150 })
  }
  console.log('\ntargets:')
  for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'MISSED '} ${t.target}: ${t.value}`)

  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    settings: { duration, warmup, connections, rounds, startupRuns },
    startup,
    rssMB: r.rss === undefined ? undefined : { start: r.rss.atStart, afterRun: r.rss.after, requestsInRun: r.rss.sustained },
    scenarios: r.results,
    adversarial: r.worst,
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
