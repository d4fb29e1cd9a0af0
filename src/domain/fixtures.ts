/**
 * Fixtures: the built-in default world, reading and checking a fixtures document, and building the
 * emulator's state from one.
 */
import type { BuildpackConfig, DockerConfig, ExternalDeployment, InternalDeployment, UpdateDeploymentBody } from '../../schemas/deployment.js'
import { FixturesSchema, type Fixtures, type JobFixture, type ServiceFixture } from '../../schemas/fixtures.js'
import { compile } from '../ajv.js'
import { problemsOf } from '../problems.js'
import { updateDeployment } from './deployments.js'
import { checkFaultRules } from './faults.js'
import { readJsonFile } from './json-file.js'
import { DEFAULT_SCHEDULE, updateJobDeployment } from './jobs.js'
import type { Job, Project, RunSettings, Service, State, TokenGrant } from './model.js'

/** The names the endpoint page's examples use, so its three example requests work against a fresh emulator. */
export const DEFAULT_PROJECT = 'default-project'
export const DEFAULT_CREATED_AT = '2026-01-01T00:00:00.000Z'

export function defaultFixtures (): Fixtures {
  return {
    projects: [{
      id: DEFAULT_PROJECT,
      name: 'Default project',
      region: 'europe-west',
      services: [
        {
          id: 'example-service',
          name: 'Example service',
          serviceType: 'deployment',
          deployment: { external: { imagePath: 'nginx:latest' }, docker: { configType: 'default' }, buildpack: { configType: 'default' } }
        },
        {
          id: 'example-build-service',
          name: 'Example build service',
          serviceType: 'build',
          repository: 'https://github.com/northflank/example-app',
          branch: 'master',
          builds: [{ id: 'premium-guide-6393', branch: 'master', sha: '6f3a0e1c5b2d4f7a8e9c0b1d2e3f4a5b6c7d8e9f', createdAt: DEFAULT_CREATED_AT }]
        },
        {
          id: 'example-combined-service',
          name: 'Example combined service',
          serviceType: 'combined',
          repository: 'https://github.com/northflank/example-app',
          branch: 'master',
          builds: [{ id: 'gentle-river-1024', branch: 'master', sha: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567', createdAt: DEFAULT_CREATED_AT }],
          deployment: { docker: { configType: 'default' }, buildpack: { configType: 'default' } }
        }
      ],
      jobs: [
        {
          id: 'example-job',
          name: 'Example job',
          jobType: 'manual',
          deployment: { external: { imagePath: 'nginx:latest' }, docker: { configType: 'default' } }
        },
        {
          id: 'example-cron-job',
          name: 'Example cron job',
          jobType: 'cron',
          schedule: '30 8 * * *',
          deployment: { internal: { id: 'example-build-service', branch: 'master', buildSHA: 'latest' } }
        }
      ]
    }]
  }
}

/** A fixtures document that cannot be used; the message names the source and the field. */
export class FixturesError extends Error {
  /** The message without the source, e.g. `fixtures.projects[0].id: …`. */
  readonly problem: string

  constructor (source: string, message: string) {
    super(`fixtures ${source}: ${message}`)
    this.name = 'FixturesError'
    this.problem = message
  }
}

/** Checks a parsed document: schema first, then what a schema cannot say (unique ids, references). */
export function checkFixtures (doc: unknown, source: string): Fixtures {
  const validate = compile(FixturesSchema)
  if (!validate(doc)) {
    const problems = problemsOf(validate, doc, 'fixtures')
    throw new FixturesError(source, problems.map((p) => p.message).join('; '))
  }
  const fixtures = doc as Fixtures
  buildState(fixtures, source) // throws FixturesError on what only building reveals
  const faultProblem = checkFaultRules(fixtures.faults ?? [])
  if (faultProblem !== undefined) throw new FixturesError(source, `fixtures.${faultProblem}`)
  return fixtures
}

/**
 * Fixtures given as a value (`buildApp({ fixtures })`, `startMock({ fixtures })`), checked as a file would be,
 * on a JSON copy: a Date becomes its ISO text as it would in a file, and nothing the caller changes later
 * reaches the emulator's reset point.
 */
export function checkFixturesValue (value: unknown, source = 'option'): Fixtures {
  let doc: unknown
  try {
    doc = JSON.parse(JSON.stringify(value))
  } catch (err) {
    throw new FixturesError(source, `is not a JSON document (${(err as Error).message})`)
  }
  return checkFixtures(doc, source)
}

export function readFixturesFile (path: string): Fixtures {
  return checkFixtures(readJsonFile(path, (message) => new FixturesError(path, message)), path)
}

/** Where a fixture names what a service or a job runs: the update body's own shapes. */
interface SourceFixture {
  external?: ExternalDeployment['external']
  internal?: InternalDeployment['internal']
}

/** A fresh state from checked fixtures: nothing in it is shared with the fixtures or another state. */
export function buildState (fixtures: Fixtures, source = 'fixtures'): State {
  const projects = new Map<string, Project>()
  fixtures.projects.forEach((p, i) => {
    const at = `fixtures.projects[${i}]`
    if (projects.has(p.id)) throw new FixturesError(source, `${at}.id: project "${p.id}" is listed twice`)
    const services = new Map<string, Service>()
    p.services.forEach((s, j) => {
      if (services.has(s.id)) throw new FixturesError(source, `${at}.services[${j}].id: service "${s.id}" is listed twice in project "${p.id}"`)
      services.set(s.id, serviceFrom(s, `${at}.services[${j}]`, source))
    })
    const jobs = new Map<string, Job>()
    p.jobs?.forEach((j, k) => {
      if (jobs.has(j.id)) throw new FixturesError(source, `${at}.jobs[${k}].id: job "${j.id}" is listed twice in project "${p.id}"`)
      jobs.set(j.id, jobFrom(j, `${at}.jobs[${k}]`, source))
    })
    projects.set(p.id, { id: p.id, name: p.name ?? p.id, region: p.region ?? 'europe-west', services, jobs })
  })
  const state: State = { projects, tokens: tokensFrom(fixtures) }

  // Initial sources go through the same rules as an update, once every build service is known, so
  // fixtures obey them too. A service may have none yet; a job runs something.
  fixtures.projects.forEach((p, i) => {
    p.services.forEach((s, j) => applySource(`fixtures.projects[${i}].services[${j}].deployment`, s.deployment ?? {}, false,
      (body) => updateDeployment(state, p.id, s.id, body, new Date(s.createdAt ?? DEFAULT_CREATED_AT))))
    p.jobs?.forEach((job, k) => applySource(`fixtures.projects[${i}].jobs[${k}].deployment`, job.deployment, true,
      (body) => updateJobDeployment(state, p.id, job.id, body)))
  })

  /** A fixture's external or internal source, applied as an update body; what the rules refuse names its field. */
  function applySource (at: string, d: SourceFixture, required: boolean, apply: (body: UpdateDeploymentBody) => unknown): void {
    const { external, internal } = d
    if (external !== undefined && internal !== undefined) throw new FixturesError(source, `${at}: has external or internal, not both`)
    const body = external !== undefined ? { external } : internal !== undefined ? { internal } : undefined
    if (body === undefined) {
      if (required) throw new FixturesError(source, `${at}: has no external or internal: a job runs an image or a build`)
      return
    }
    try {
      apply(body)
    } catch (err) {
      // The update functions throw ApiErrors only; their messages name the body's field.
      throw new FixturesError(source, `${at}: ${(err as Error).message.replace(/^body\./, '')}`)
    }
  }
  return state
}

function serviceFrom (s: ServiceFixture, at: string, source: string): Service {
  const isBuilder = s.serviceType !== 'deployment'
  const runs = s.serviceType !== 'build'
  if (!isBuilder && (s.builds !== undefined || s.repository !== undefined)) {
    throw new FixturesError(source, `${at}: a deployment service has no repository or builds (they belong to build services)`)
  }
  if (!runs && s.deployment !== undefined) throw new FixturesError(source, `${at}.deployment: a build service has no deployment`)
  if (s.serviceType === 'combined' && (s.deployment?.external !== undefined || s.deployment?.internal !== undefined)) {
    throw new FixturesError(source, `${at}.deployment: a combined service deploys its own builds (no external or internal)`)
  }
  const buildIds = new Set<string>()
  for (const [k, b] of (s.builds ?? []).entries()) {
    if (buildIds.has(b.id)) throw new FixturesError(source, `${at}.builds[${k}].id: build "${b.id}" is listed twice`)
    buildIds.add(b.id)
  }
  const createdAt = s.createdAt ?? DEFAULT_CREATED_AT
  return {
    id: s.id,
    name: s.name ?? s.id,
    description: s.description,
    serviceType: s.serviceType,
    tags: [...(s.tags ?? [])],
    createdAt,
    builder: isBuilder
      ? {
          repository: s.repository ?? '',
          branch: s.branch ?? 'main',
          builds: s.builds?.map((b) => ({ ...b, createdAt: b.createdAt ?? createdAt }))
        }
      : undefined,
    deployment: runs ? { ...runSettingsFrom(s.deployment), instances: s.deployment?.instances ?? 1 } : undefined,
    status: {}
  }
}

function jobFrom (j: JobFixture, at: string, source: string): Job {
  if (j.jobType !== 'cron' && j.schedule !== undefined) throw new FixturesError(source, `${at}.schedule: only a cron job has a schedule`)
  return {
    id: j.id,
    name: j.name ?? j.id,
    description: j.description,
    jobType: j.jobType,
    tags: [...(j.tags ?? [])],
    createdAt: j.createdAt ?? DEFAULT_CREATED_AT,
    schedule: j.jobType === 'cron' ? j.schedule ?? DEFAULT_SCHEDULE : undefined,
    // The source is set from the fixture's external or internal once the whole state is built.
    deployment: runSettingsFrom(j.deployment)
  }
}

/** A fixture's docker and buildpack settings, copied; `default` where none is given. */
function runSettingsFrom (d: { docker?: DockerConfig, buildpack?: BuildpackConfig } | undefined): RunSettings {
  return { docker: { ...(d?.docker ?? { configType: 'default' }) }, buildpack: { ...(d?.buildpack ?? { configType: 'default' }) } }
}

function tokensFrom (fixtures: Fixtures): Map<string, TokenGrant> | undefined {
  if (fixtures.tokens === undefined) return undefined
  return new Map(fixtures.tokens.map((t) => [t.token, {
    permissions: t.permissions === undefined ? undefined : new Set(t.permissions),
    projects: t.projects === undefined ? undefined : new Set(t.projects)
  }]))
}
