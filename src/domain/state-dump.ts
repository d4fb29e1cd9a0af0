/**
 * A state as plain JSON and back: what GET and PUT /_mock/state show and take, and what the state file
 * keeps (docs/control-plane.md). No Fastify here.
 */
import type { JobState, ProjectState, ServiceState, StateDump } from '../../schemas/admin.js'
import type { Job, Project, Service, State } from './model.js'

/** A state document that cannot be used; the message names the field. */
export class StateError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StateError'
  }
}

export function dumpState (state: State): StateDump {
  const projects: Record<string, ProjectState> = {}
  for (const p of state.projects.values()) {
    const services: Record<string, ServiceState> = {}
    for (const s of p.services.values()) services[s.id] = dumpService(s)
    const jobs: Record<string, JobState> = {}
    for (const j of p.jobs.values()) jobs[j.id] = dumpJob(j)
    projects[p.id] = { id: p.id, name: p.name, region: p.region, services, jobs }
  }
  const dump: StateDump = { projects }
  if (state.tokens !== undefined) {
    dump.tokens = [...state.tokens].map(([token, grant]) => ({
      token,
      ...(grant.permissions === undefined ? {} : { permissions: [...grant.permissions] }),
      ...(grant.projects === undefined ? {} : { projects: [...grant.projects] })
    }))
  }
  return dump
}

function dumpJob (j: Job): JobState {
  const out: JobState = { id: j.id, name: j.name, jobType: j.jobType, tags: [...j.tags], createdAt: j.createdAt, deployment: structuredClone(j.deployment) }
  if (j.description !== undefined) out.description = j.description
  if (j.schedule !== undefined) out.schedule = j.schedule
  return out
}

function dumpService (s: Service): ServiceState {
  const out: ServiceState = { ...s, tags: [...s.tags], status: { ...s.status } }
  if (s.builder !== undefined) {
    out.builder = { ...s.builder }
    if (s.builder.builds !== undefined) out.builder.builds = s.builder.builds.map((b) => ({ ...b }))
  }
  if (s.deployment !== undefined) {
    out.deployment = { ...s.deployment }
    if (s.deployment.source !== undefined) out.deployment.source = { ...s.deployment.source }
  }
  return out
}

/** A state from a dump (already matching StateDumpSchema): keys must equal the ids they key. */
export function restoreState (dump: StateDump, root = 'state'): State {
  const projects = new Map<string, Project>()
  for (const [key, p] of Object.entries(dump.projects)) {
    const at = `${root}.projects[${JSON.stringify(key)}]`
    if (p.id !== key) throw new StateError(`${at}.id: is "${p.id}", but the project is keyed "${key}"`)
    const services = new Map<string, Service>()
    for (const [skey, s] of Object.entries(p.services)) {
      if (s.id !== skey) throw new StateError(`${at}.services[${JSON.stringify(skey)}].id: is "${s.id}", but the service is keyed "${skey}"`)
      services.set(skey, structuredClone(s) as Service)
    }
    const jobs = new Map<string, Job>()
    for (const [jkey, j] of Object.entries(p.jobs ?? {})) {
      if (j.id !== jkey) throw new StateError(`${at}.jobs[${JSON.stringify(jkey)}].id: is "${j.id}", but the job is keyed "${jkey}"`)
      jobs.set(jkey, structuredClone(j) as Job)
    }
    projects.set(key, { id: p.id, name: p.name, region: p.region, services, jobs })
  }
  const tokens = dump.tokens === undefined
    ? undefined
    : new Map(dump.tokens.map((t) => [t.token, {
      permissions: t.permissions === undefined ? undefined : new Set(t.permissions),
      projects: t.projects === undefined ? undefined : new Set(t.projects)
    }]))
  return { projects, tokens }
}
