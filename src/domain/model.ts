/** The emulator's state: plain data, no Fastify. */
import type { BuildpackConfig, DockerConfig } from '../../schemas/deployment.js'
import type { JobType } from '../../schemas/job.js'
import type { ServiceType } from '../../schemas/service.js'
import type { Rollout } from './rollout.js'

export interface Build {
  id: string
  branch: string
  sha: string
  createdAt: string
}

/** What a deployment service runs: an image from a registry or a build of a build service. */
export type ImageSource =
  | { kind: 'external', imagePath: string, credentials?: string }
  | {
    kind: 'internal'
    buildServiceId: string
    /** The build service's repository, as GET …/deployment shows it. */
    repository: string
    branch: string
    /** As asked: a commit SHA or 'latest'; undefined when only a buildId was given. */
    buildSHA?: string
    /** As asked. */
    requestedBuildId?: string
    /** The build resolved from what was asked; undefined when none is available yet. */
    buildId?: string
    /** The commit of that build. */
    deployedSHA?: string
  }

/** What a service or a job runs, and how. */
export interface RunSettings {
  source?: ImageSource
  docker: DockerConfig
  buildpack: BuildpackConfig
}

export interface Deployment extends RunSettings {
  /** Instances asked for; none run while an internal source has no build. */
  instances: number
}

/** What a build or combined service builds. */
export interface Builder {
  repository: string
  /** The default branch. */
  branch: string
  /** undefined: builds unlisted; any commit, build id or branch's latest is taken as built. */
  builds?: Build[]
}

export interface Service {
  id: string
  name: string
  description?: string
  serviceType: ServiceType
  tags: string[]
  createdAt: string
  /** Build and combined services: what they build. */
  builder?: Builder
  /** Deployment and combined services. */
  deployment?: Deployment
  /** The latest rollout; GET service derives `status.deployment` from it. */
  status: { rollout?: Rollout }
}

/**
 * A job: what its next run uses. It has no instances and no rollout: a run starts when triggered (by hand
 * or by its schedule), which the emulator does not emulate.
 */
export interface Job {
  id: string
  name: string
  description?: string
  jobType: JobType
  tags: string[]
  createdAt: string
  /** Cron jobs: the schedule. */
  schedule?: string
  deployment: RunSettings
}

export interface Project {
  id: string
  name: string
  region: string
  services: Map<string, Service>
  jobs: Map<string, Job>
}

export interface TokenGrant {
  permissions?: Set<string>
  projects?: Set<string>
}

export interface State {
  projects: Map<string, Project>
  /** undefined: any bearer token is accepted (as by default). */
  tokens?: Map<string, TokenGrant>
}
