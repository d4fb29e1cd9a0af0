/**
 * The emulator a run compares the target with: fixtures that mirror what the target's read endpoints say of
 * the service (and job): its type, what it deploys and from where, its run settings, its region. Builds
 * are listed, not left open: the build a source runs is the one build the mirror knows of, so that a
 * commit or build id the target has not built is unknown to the mirror too. A token list holds only
 * MIRROR_TOKEN, which stands in for the user's token, so an unknown token is refused as the target
 * refuses it (docs/conformance.md, "The emulator it compares with").
 */
import type { BuildpackConfig, DockerConfig } from '../../schemas/deployment.js'
import type { BuildFixture, Fixtures, JobFixture, ServiceFixture } from '../../schemas/fixtures.js'
import { SERVICE_TYPES, type ServiceType } from '../../schemas/service.js'
import type { Facts, Ids } from './catalogue.js'

/** The mirror's one token: requests the run sends with the user's token reach the mirror with this one. */
export const MIRROR_TOKEN = 'nfmock-mirror-token'

/** The `data` of the target's reads. */
export interface Reads {
  service: unknown
  /** Absent for a build service, which has no deployment. */
  deployment?: unknown
  job?: unknown
  jobDeployment?: unknown
}

export interface Mirror {
  fixtures: Fixtures
  facts: Facts
  /** The build services the fixtures hold besides the service (what --redact also replaces). */
  builders: string[]
  /** What the run leaves out, and why. */
  notes: string[]
}

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined => v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Json : undefined
const str = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined
/** A commit: 40 characters (the wire schema's check: no hex). */
const commit = (v: unknown): string | undefined => typeof v === 'string' && [...v].length === 40 ? v : undefined

type Source =
  | { kind: 'external', imagePath: string, private: boolean }
  | { kind: 'internal', id: string, repository: string, branch: string, buildId?: string, buildSHA?: string, deployedSHA?: string }

/** What a deployment read says a service or job deploys. */
function sourceOf (read: Json | undefined): Source | undefined {
  const external = obj(read?.external)
  const imagePath = str(external?.imagePath)
  if (imagePath !== undefined) return { kind: 'external', imagePath, private: external?.privateImage === true }
  const internal = obj(read?.internal)
  const id = str(internal?.nfObjectId)
  if (id === undefined) return undefined
  return {
    kind: 'internal',
    id,
    repository: str(internal?.repository) ?? '',
    branch: str(internal?.branch) || 'main',
    buildId: str(internal?.buildId) || undefined,
    buildSHA: str(internal?.buildSHA),
    deployedSHA: commit(internal?.deployedSHA)
  }
}

/** docker or buildpack as read, with the keys the body schema knows; none without a configType. */
function runConfig (value: unknown, fields: string[]): Record<string, string> | undefined {
  const read = obj(value)
  const configType = str(read?.configType)
  if (configType === undefined) return undefined
  const config: Record<string, string> = { configType }
  for (const field of fields) {
    const v = str(read?.[field])
    if (v !== undefined) config[field] = v
  }
  return config
}

// As read: a configType the schema lacks stays, and the mirror's fixtures check then names it.
const dockerOf = (read: Json | undefined) => runConfig(read?.docker, ['customEntrypoint', 'customCommand']) as DockerConfig | undefined
const buildpackOf = (read: Json | undefined) => runConfig(read?.buildpack, ['customProcess', 'customEntrypoint', 'customCommand']) as BuildpackConfig | undefined

interface Builder { repository: string, branch: string, builds: Map<string, BuildFixture> }

export function mirrorOf (ids: Ids, reads: Reads, allowDeploy: boolean): Mirror {
  const notes: string[] = []
  const note = (text: string): void => { if (allowDeploy) notes.push(text) }
  const service = obj(reads.service) ?? {}
  const serviceType = str(service.serviceType) as ServiceType
  if (!SERVICE_TYPES.includes(serviceType)) {
    throw new Error(`the service's serviceType is ${JSON.stringify(service.serviceType)}, not one of ${SERVICE_TYPES.join(', ')}`)
  }
  const deployment = obj(reads.deployment)
  const builders = new Map<string, Builder>()

  /** The build service a source deploys from, with the builds the source tells of; and the source as a fixture writes it. */
  function internalFixture (source: Source & { kind: 'internal' }) {
    let builder = builders.get(source.id)
    if (builder === undefined) {
      builder = { repository: source.repository, branch: source.branch, builds: new Map() }
      builders.set(source.id, builder)
    }
    const build = (id: string, sha: string): void => {
      if (![...builder.builds.values()].some((b) => b.sha === sha)) builder.builds.set(id, { id, branch: source.branch, sha })
    }
    if (source.deployedSHA !== undefined) build(source.buildId ?? `nfmock-mirror-build-${builder.builds.size + 1}`, source.deployedSHA)
    const sha = source.buildSHA === 'latest' ? undefined : commit(source.buildSHA)
    if (sha !== undefined) build(`nfmock-mirror-build-${builder.builds.size + 1}`, sha)
    const pin = source.buildSHA === 'latest' || sha !== undefined
      ? { buildSHA: source.buildSHA }
      : source.buildId !== undefined && builder.builds.has(source.buildId) ? { buildId: source.buildId } : { buildSHA: 'latest' }
    return { id: source.id, branch: source.branch, ...pin }
  }

  /** A body that deploys exactly what a source runs now, or why there is none. */
  function redeploy (source: Source, read: Json | undefined, what: string): string | undefined {
    if (source.kind === 'external') {
      if (source.private) {
        note(`no re-deploy of ${what}: it pulls a private image with saved credentials, whose id no read shows`)
        return undefined
      }
      return JSON.stringify({ external: { imagePath: source.imagePath }, docker: dockerOf(read) })
    }
    const sha = commit(source.buildSHA)
    if (sha === undefined) {
      note(`no re-deploy of ${what}: it follows the latest build of its branch, and re-deploying that could deploy a newer build`)
      return undefined
    }
    return JSON.stringify({ internal: { id: source.id, branch: source.branch, buildSHA: sha }, docker: dockerOf(read), buildpack: buildpackOf(read) })
  }

  const facts: Facts = { serviceType }
  const fixture: ServiceFixture = {
    id: ids.service,
    name: str(service.name) ?? ids.service,
    ...(str(service.description) === undefined ? {} : { description: str(service.description) }),
    serviceType,
    tags: Array.isArray(service.tags) ? service.tags.filter((t): t is string => typeof t === 'string') : []
  }
  const source = sourceOf(deployment)
  const run = { docker: dockerOf(deployment), buildpack: buildpackOf(deployment) }
  const instances = typeof deployment?.instances === 'number' ? Math.min(100, Math.max(0, Math.trunc(deployment.instances))) : undefined
  facts.serviceSource = source?.kind
  if (serviceType === 'deployment') {
    const internal = source?.kind === 'internal' && source.id !== ids.service ? source : undefined
    fixture.deployment = {
      ...(source?.kind === 'external' ? { external: { imagePath: source.imagePath, ...(source.private ? { credentials: 'nfmock-mirror-credentials' } : {}) } } : {}),
      ...(internal === undefined ? {} : { internal: internalFixture(internal) }),
      ...run,
      instances
    }
    facts.serviceBuilder = internal?.id
    if (source !== undefined) facts.serviceRedeploy = redeploy(source, deployment, `service ${ids.service}`)
  } else if (serviceType === 'combined') {
    if (source?.kind === 'internal') internalFixture({ ...source, id: ids.service })
    fixture.deployment = { ...run, instances }
    const body = JSON.stringify(run)
    if (body === '{}') note(`no re-deploy of service ${ids.service}: its read shows no docker or buildpack settings to send back`)
    else facts.serviceRedeploy = body
  } else {
    note(`no re-deploy of service ${ids.service}: a build service has no deployment`)
  }

  const jobs: JobFixture[] = []
  if (ids.job !== undefined) {
    const job = obj(reads.job) ?? {}
    const jobDeployment = obj(reads.jobDeployment)
    const jobSource = sourceOf(jobDeployment)
    const jobType = str(job.jobType)
    if (jobSource === undefined || (jobType !== 'manual' && jobType !== 'cron')) {
      notes.push(`no job probes: job ${ids.job} ` + (jobSource === undefined
        ? 'runs neither an image nor a build service\'s build (a job that builds itself is not emulated)'
        : `has jobType ${JSON.stringify(job.jobType)}, which the emulator does not know`))
    } else {
      const schedule = str(obj(obj(job.settings)?.cron)?.schedule)
      jobs.push({
        id: ids.job,
        name: str(job.name) ?? ids.job,
        ...(str(job.description) === undefined ? {} : { description: str(job.description) }),
        jobType,
        ...(jobType === 'cron' && schedule ? { schedule } : {}),
        tags: Array.isArray(job.tags) ? job.tags.filter((t): t is string => typeof t === 'string') : [],
        deployment: {
          ...(jobSource.kind === 'external'
            ? { external: { imagePath: jobSource.imagePath, ...(jobSource.private ? { credentials: 'nfmock-mirror-credentials' } : {}) } }
            : { internal: internalFixture(jobSource) }),
          docker: dockerOf(jobDeployment),
          buildpack: buildpackOf(jobDeployment)
        }
      })
      facts.job = {
        source: jobSource.kind,
        builder: jobSource.kind === 'internal' ? jobSource.id : undefined,
        redeploy: redeploy(jobSource, jobDeployment, `job ${ids.job}`)
      }
    }
  }

  if (serviceType !== 'deployment') {
    const own = builders.get(ids.service)
    builders.delete(ids.service)
    Object.assign(fixture, { repository: own?.repository ?? '', branch: own?.branch ?? 'main', builds: [...(own?.builds.values() ?? [])] })
  }
  const services: ServiceFixture[] = [fixture]
  for (const [id, builder] of builders) {
    services.push({ id, serviceType: 'build', repository: builder.repository, branch: builder.branch, builds: [...builder.builds.values()] })
  }
  const region = str(deployment?.region) ?? str(obj(reads.jobDeployment)?.region)
  return {
    fixtures: {
      projects: [{ id: ids.project, ...(region === undefined ? {} : { region }), services, jobs }],
      tokens: [{ token: MIRROR_TOKEN }]
    },
    facts,
    builders: [...builders.keys()],
    notes
  }
}
