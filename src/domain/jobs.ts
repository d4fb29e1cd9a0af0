/**
 * What an accepted "Update job deployment" body does to a job, and what the job read endpoints show
 * (docs/fidelity.md, "Jobs"). A job has no instances and no rollout: an update changes what its next run
 * uses (the image, the build, the docker or buildpack settings), and nothing runs until a run starts, which
 * the emulator does not emulate. The rules the two endpoints share (build resolution, what the reads show
 * of a source) come from src/domain/deployments.ts.
 */
import type { UpdateDeploymentBody } from '../../schemas/deployment.js'
import type { JobDeploymentRead, JobRead } from '../../schemas/job.js'
import { Errors } from '../errors.js'
import { applyBody, findProject, sourceRead, STORAGE_SIZE } from './deployments.js'
import type { Job, Project, RunSettings, State } from './model.js'

/** The schedule a cron job shows when its fixtures name none: every hour. */
export const DEFAULT_SCHEDULE = '0 * * * *'

export function findJob (state: State, projectId: string, jobId: string): { project: Project, job: Job } {
  const project = findProject(state, projectId)
  const job = project.jobs.get(jobId)
  if (job === undefined) throw Errors.jobNotFound(projectId, jobId, [...project.jobs.keys()], project.services.has(jobId))
  return { project, job }
}

/**
 * Applies an update to a job. Either it throws an ApiError and nothing has changed, or it returns the
 * job's new run settings, already in place (built first, assigned in one step). Unlike a service, any job
 * may change its image source: a job deploys from an image or a build service's build, whichever it is
 * given (the client's CreateJob types offer both).
 */
export function updateJobDeployment (state: State, projectId: string, jobId: string, body: UpdateDeploymentBody): RunSettings {
  const { project, job } = findJob(state, projectId, jobId)
  const next = applyBody(project, { kind: 'job', id: job.id }, job.deployment, body)
  job.deployment = next
  return next
}

/** GET …/jobs/{jobId}/deployment: where and how the next run runs, and what it runs. */
export function readJobDeployment (state: State, projectId: string, jobId: string): JobDeploymentRead {
  const { project, job } = findJob(state, projectId, jobId)
  return { ...runRead(project, job.deployment), ...sourceRead(project, job.deployment.source) }
}

/** GET …/jobs/{jobId}: the job, its type and settings, and how it runs (not what: the client's type has no source). */
export function readJob (state: State, projectId: string, jobId: string): JobRead {
  const { project, job } = findJob(state, projectId, jobId)
  const cron = job.jobType === 'cron'
  return {
    id: job.id,
    appId: `/${projectId}/${job.id}`,
    name: job.name,
    tags: job.tags,
    description: job.description,
    projectId,
    jobType: job.jobType,
    createdAt: job.createdAt,
    disabledCI: false,
    disabledCD: false,
    deployment: runRead(project, job.deployment),
    billing: { deploymentPlan: 'nf-compute-20' },
    ...(cron ? { suspended: false } : {}),
    // Inferred: no retry, and the ten-minute deadline of the client's example (GetJobResult's activeDeadlineSeconds).
    settings: {
      ...(cron ? { cron: { schedule: job.schedule ?? DEFAULT_SCHEDULE, concurrencyPolicy: 'Allow' as const } } : {}),
      backoffLimit: 0,
      activeDeadlineSeconds: 600
    }
  }
}

function runRead (project: Project, d: RunSettings): Pick<JobDeploymentRead, 'region' | 'docker' | 'buildpack' | 'storage'> {
  return { region: project.region, docker: d.docker, buildpack: d.buildpack, storage: { ephemeralStorage: { storageSize: STORAGE_SIZE } } }
}
