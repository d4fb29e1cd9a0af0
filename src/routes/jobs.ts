/**
 * The job routes of the emulated API: the deployment update Northflank's deploy action calls with a
 * `job-id`, and the two reads the client offers beside it, each under its project path and its team alias
 * (docs/northflank-contract.md, "Jobs").
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { UpdateJobDeploymentBodySchema } from '../../schemas/deployment.js'
import { ErrorResponses } from '../../schemas/error.js'
import { JobDeploymentReadSchema, JobReadSchema } from '../../schemas/job.js'
import { JobParamsSchema, TeamJobParamsSchema } from '../../schemas/params.js'
import { DataEnvelope, EmptyDataSchema } from '../../schemas/service.js'
import { Permissions } from '../domain/auth.js'
import type { Emulator } from '../domain/emulator.js'
import { readJob, readJobDeployment } from '../domain/jobs.js'
import { BODY_ERRORS, FORBIDDEN, namespaceOf, UNAUTHORIZED, type Authed } from './common.js'

/** Each route's prefix, its params, and what its operationIds end with (they must be unique in OpenAPI). */
export const JOB_PREFIXES = [
  { prefix: '/v1/projects/:projectId/jobs/:jobId', params: JobParamsSchema, suffix: '' },
  { prefix: '/v1/teams/:teamId/projects/:projectId/jobs/:jobId', params: TeamJobParamsSchema, suffix: 'InTeam' }
]

const READ_ERRORS = { ...UNAUTHORIZED, ...FORBIDDEN, 404: 'No such project or job' }
const UPDATE_RESPONSES = ErrorResponses({
  ...BODY_ERRORS,
  ...READ_ERRORS,
  404: 'No such project, job, build service, build or built commit',
  409: 'The body is valid but does not fit the job: internal without id for a job that deploys no build yet, or a build ' +
    'that contradicts the branch or commit sent. The message says what to send instead'
})
const JobDeploymentReadResponse = DataEnvelope(JobDeploymentReadSchema)
const JobReadResponse = DataEnvelope(JobReadSchema)

export function jobRoutes (api: FastifyInstance, emulator: Emulator, authed: Authed): void {
  const routes = api.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['Jobs']
  for (const { prefix, params, suffix } of JOB_PREFIXES) {
    routes.post(`${prefix}/deployment`, {
      // The client and the docs page name a Services permission here (sic): src/domain/auth.ts.
      ...authed(Permissions.updateDeployment),
      schema: {
        operationId: `UpdateJobDeployment${suffix}`,
        summary: 'Update job deployment',
        description: 'Changes what the job\'s next run uses (an external image or a build) and how it runs (its docker or ' +
          'buildpack settings). Northflank marks it deprecated in favour of the PATCH job endpoints; it still answers.',
        tags,
        params,
        body: UpdateJobDeploymentBodySchema,
        response: { 200: EmptyDataSchema, ...UPDATE_RESPONSES }
      }
    }, (request) => {
      const { projectId, jobId } = request.params
      emulator.updateJob(namespaceOf(request), projectId, jobId, request.body)
      return { data: {} }
    })

    routes.get(`${prefix}/deployment`, {
      ...authed(Permissions.readJob),
      exposeHeadRoute: true,
      schema: {
        operationId: `GetJobDeployment${suffix}`,
        summary: 'Get job deployment details',
        description: 'What the job\'s next run uses: its image source and run settings, and its region.',
        tags,
        params,
        response: { 200: JobDeploymentReadResponse, ...ErrorResponses(READ_ERRORS) }
      }
    }, (request) => {
      const { projectId, jobId } = request.params
      return { data: readJobDeployment(namespaceOf(request).state, projectId, jobId) }
    })

    routes.get(prefix, {
      ...authed(Permissions.readJob),
      exposeHeadRoute: true,
      schema: {
        operationId: `GetJob${suffix}`,
        summary: 'Get job',
        description: 'A job: its type (manual or cron), its settings and how it runs.',
        tags,
        params,
        response: { 200: JobReadResponse, ...ErrorResponses(READ_ERRORS) }
      }
    }, (request) => {
      const { projectId, jobId } = request.params
      return { data: readJob(namespaceOf(request).state, projectId, jobId) }
    })
  }
}
