/**
 * One conformance run: read the target's service (and job), start an emulator that mirrors them, send each
 * probe to the target and then to the emulator, and compare (docs/conformance.md). Probes go one at a
 * time, the guards first: the run stops before any update if something it relies on being absent exists.
 */
import type { FastifyInstance } from 'fastify'
import type { Answer, ProbeRecord, ProbeRequest, Report } from '../../schemas/conformance.js'
import { buildApp } from '../app.js'
import { FixturesError } from '../domain/fixtures.js'
import { VERSION } from '../version.js'
import { catalogue, jobPath, servicePath, type Ids } from './catalogue.js'
import { compareAnswers } from './compare.js'
import { MIRROR_TOKEN, mirrorOf, type Reads } from './mirror.js'
import { RunError, Sender, type SenderOptions } from './sender.js'

export interface RunOptions {
  target: string
  token: string
  ids: Ids
  allowDeploy: boolean
  signal: AbortSignal
  /** Passed to the target's sender, for tests: time and waits. */
  sender?: Pick<SenderOptions, 'sleep' | 'now' | 'maxWaitMs'>
}

export interface RunResult {
  report: Report
  /** Why the probes stopped before the last one. */
  stoppedBy?: RunError
  /** The build services the mirror knows of besides the service (what --redact also replaces). */
  builders: string[]
}

const read = (path: string): ProbeRequest => ({ method: 'GET', path, auth: 'user', headers: {}, body: null })

/** The `data` of a read, or the RunError that says why the run cannot go on without it. */
async function readData (sender: Sender, path: string, what: string): Promise<unknown> {
  const answer = await sender.send(read(path))
  const data = (answer.body as { data?: unknown } | undefined)?.data
  if (answer.status === 200 && data !== undefined) return data
  const message = (answer.body as { error?: { message?: unknown } } | undefined)?.error?.message
  const said = typeof message === 'string' ? `: ${message.replace(/\s+/g, ' ').slice(0, 200)}` : ''
  if (answer.status === 401) throw new RunError(`the target refused the token (401${said})`)
  if (answer.status === 403) throw new RunError(`the token may not read ${what} (403${said})`)
  if (answer.status === 404) throw new RunError(`the target has no ${what} (404${said})`)
  throw new RunError(`reading ${what} answered ${answer.status}${said}`)
}

/** Throws a RunError when nothing could be compared: the reads failed, or the mirror could not be made. */
export async function run (options: RunOptions): Promise<RunResult> {
  const { ids, signal } = options
  const date = new Date((options.sender?.now ?? Date.now)()).toISOString()
  const target = new Sender({ base: options.target, token: options.token, signal, ...options.sender })

  const servicePathOf = servicePath(ids.project, ids.service)
  const reads: Reads = { service: await readData(target, servicePathOf, `service "${ids.service}" in project "${ids.project}"`) }
  if ((reads.service as { serviceType?: unknown }).serviceType !== 'build') {
    reads.deployment = await readData(target, `${servicePathOf}/deployment`, `deployment of service "${ids.service}"`)
  }
  if (ids.job !== undefined) {
    reads.job = await readData(target, jobPath(ids.project, ids.job), `job "${ids.job}" in project "${ids.project}"`)
    reads.jobDeployment = await readData(target, `${jobPath(ids.project, ids.job)}/deployment`, `deployment of job "${ids.job}"`)
  }

  let mirror: ReturnType<typeof mirrorOf>
  let app: FastifyInstance
  try {
    mirror = mirrorOf(ids, reads, options.allowDeploy)
    app = await buildApp({ fixtures: mirror.fixtures })
  } catch (err) {
    const problem = err instanceof FixturesError ? err.problem : (err as Error).message
    throw new RunError(`the emulator cannot mirror what the target reads: ${problem}`)
  }

  const probes: ProbeRecord[] = []
  let stoppedBy: RunError | undefined
  const emulator = new Sender({ base: await app.listen({ port: 0, host: '127.0.0.1' }), token: MIRROR_TOKEN, signal })
  try {
    for (const probe of catalogue(ids, mirror.facts, options.allowDeploy)) {
      const theirs = await target.send(probe.request, probe.compare.headers)
      if (probe.guard === true && theirs.status !== 404) {
        throw new RunError(`${probe.request.method} ${probe.request.path} answered ${theirs.status}, not 404: the probes that ` +
          'follow name it as something that does not exist, so the run stops before sending them')
      }
      const ours = await emulator.send(probe.request, probe.compare.headers)
      const differences = compareAnswers(probe.compare, theirs, ours)
      const { guard: _guard, ...record } = probe
      // A body nothing looks into is not kept: the OpenAPI documents alone would weigh half a megabyte.
      const kept = probe.compare.body === 'none' && probe.compare.values.length === 0
        ? (a: Answer): Answer => ({ status: a.status, headers: a.headers })
        : (a: Answer): Answer => a
      probes.push({ ...record, target: kept(theirs), emulator: kept(ours), agree: differences.length === 0, differences })
    }
  } catch (err) {
    // What stops a run: the network, a wait too long, an interruption, a guard. Anything else is a bug.
    /* c8 ignore next */
    if (!(err instanceof RunError)) throw err
    stoppedBy = err
  } finally {
    await app.close()
  }
  return {
    report: {
      target: options.target,
      date,
      version: VERSION,
      complete: stoppedBy === undefined,
      stopped: stoppedBy?.message ?? null,
      redacted: false,
      targetIsEmulator: target.emulated,
      options: { job: ids.job !== undefined, team: ids.team !== undefined, allowDeploy: options.allowDeploy },
      requests: { target: target.requests, emulator: emulator.requests },
      // As JSON holds it: without the keys the mirror left undefined.
      mirror: JSON.parse(JSON.stringify(mirror.fixtures)),
      notes: mirror.notes,
      probes
    },
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
    builders: mirror.builders
  }
}
