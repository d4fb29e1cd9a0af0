/**
 * What an accepted "Update service deployment" body does to a service, and what the read endpoints show.
 * Rules the docs do not state outright are marked "Inferred" and listed in docs/fidelity.md.
 */
import type { InternalDeployment, UpdateDeploymentBody } from '../../schemas/deployment.js'
import type { DeploymentRead, ServiceRead } from '../../schemas/service.js'
import { Errors } from '../errors.js'
import type { Build, Builder, Deployment, ImageSource, Project, RunSettings, Service, State } from './model.js'
import { registryProvider } from './registry.js'
import { IMMEDIATE, rolloutStatus, startRollout, type RolloutPlan } from './rollout.js'

export const STORAGE_SIZE = 1024 // MB of ephemeral storage, as in the docs' GET …/deployment example

export function findProject (state: State, projectId: string): Project {
  const project = state.projects.get(projectId)
  if (project === undefined) throw Errors.projectNotFound(projectId, listableProjects(state))
  return project
}

/**
 * The project ids a 404 may name: all of them, unless some token is restricted to projects. Such a
 * token must learn nothing of the others (src/domain/auth.ts), and this 404 does not know whose it is.
 */
function listableProjects (state: State): string[] | undefined {
  for (const grant of state.tokens?.values() ?? []) if (grant.projects !== undefined) return undefined
  return [...state.projects.keys()]
}

export function findService (state: State, projectId: string, serviceId: string): Service {
  const project = findProject(state, projectId)
  const service = project.services.get(serviceId)
  if (service === undefined) throw Errors.serviceNotFound(projectId, serviceId, [...project.services.keys()], project.jobs.has(serviceId))
  return service
}

/** Rollouts complete at once unless a plan says otherwise. */
const immediate = (): RolloutPlan => ({ ...IMMEDIATE, outcome: 'COMPLETED' })

/**
 * Applies an update. Either it throws an ApiError and nothing has changed, or it returns the service's new
 * deployment, already in place: the new value is built first and assigned in one step. `plan` is asked how
 * the rollout will go only once the update is accepted and something is to be rolled out, so a fault rule
 * that fails rollouts is not spent on a refused update.
 */
export function updateDeployment (
  state: State, projectId: string, serviceId: string, body: UpdateDeploymentBody, now: Date,
  plan: () => RolloutPlan = immediate
): Deployment {
  const project = findProject(state, projectId)
  const service = findService(state, projectId, serviceId)
  const current = service.deployment
  // Inferred: a build service has nothing to deploy, whatever the variant.
  if (service.serviceType === 'build' || current === undefined) throw Errors.noDeployment(serviceId, service.serviceType)
  const changesSource = 'external' in body || 'internal' in body
  // Only deployment services choose their image (docs/northflank-contract.md, "What the read endpoints
  // show": the client's PatchServiceCombinedData has no internal/external). Inferred: 409, as the body is
  // valid but does not fit the service.
  if (changesSource && service.serviceType !== 'deployment') throw Errors.imageSourceFixed(serviceId, service.serviceType)

  const next: Deployment = { ...current, ...applyBody(project, { kind: 'service', id: service.id }, current, body) }
  const deployedSHA = next.source?.kind === 'internal' ? next.source.deployedSHA : undefined
  // `latest` with no build yet: updated, but nothing to roll out until a build exists (docs).
  const waitingForBuild = awaitsBuild(project, next.source)
  const rollout = startRollout(waitingForBuild ? immediate() : plan(), now, deployedSHA, waitingForBuild)
  service.deployment = next
  service.status = { rollout }
  return next
}

/**
 * The run settings an accepted body makes of a service's or a job's current ones: the source it names
 * (`internal` resolved to a build), and `docker` and `buildpack` replaced whole when sent, else kept.
 * Throws an ApiError, changing nothing, when an internal source cannot be resolved.
 */
export function applyBody (
  project: Project, target: { kind: 'service' | 'job', id: string }, current: RunSettings, body: UpdateDeploymentBody
): RunSettings {
  let source = current.source
  if ('external' in body) {
    source = { kind: 'external', imagePath: body.external.imagePath, credentials: body.external.credentials }
  } else if ('internal' in body) {
    source = resolveInternal(project, { ...target, source: current.source }, body.internal)
  }
  return {
    source,
    docker: body.docker ?? current.docker,
    buildpack: ('buildpack' in body ? body.buildpack : undefined) ?? current.buildpack
  }
}

/**
 * Inferred, for partial `internal` bodies (every field is optional on the wire):
 * - `id` and `branch` are kept from the current internal source when omitted (an external source has
 *   neither, so `id` is then required);
 * - the build is chosen by `buildId` and/or `buildSHA` when either is given; when neither is, the
 *   current choice is kept if the build service and branch are unchanged, else the branch's latest;
 * - a known build (or a specific SHA) must exist, with a matching branch and SHA when those are sent too.
 */
function resolveInternal (
  project: Project, target: { kind: 'service' | 'job', id: string, source: ImageSource | undefined }, req: InternalDeployment['internal']
): ImageSource {
  const prev = target.source?.kind === 'internal' ? target.source : undefined
  const id = req.id ?? prev?.buildServiceId
  if (id === undefined) throw Errors.buildServiceRequired(target.kind, target.id, project.id, buildServiceIds(project))
  // Inferred: combined services build too, so they can be deployed from, like build services.
  const builder = project.services.get(id)?.builder
  if (builder === undefined) throw Errors.buildServiceNotFound(project.id, id, buildServiceIds(project))
  const same = prev !== undefined && prev.buildServiceId === id
  let branch = req.branch ?? (same ? prev.branch : undefined)
  let buildSHA = req.buildSHA
  let requestedBuildId = req.buildId
  if (buildSHA === undefined && requestedBuildId === undefined) {
    if (same && branch === prev.branch) {
      buildSHA = prev.buildSHA
      requestedBuildId = prev.requestedBuildId
    } else {
      buildSHA = 'latest'
    }
  }

  let build: Build | undefined
  if (requestedBuildId !== undefined) {
    build = builder.builds?.find((b) => b.id === requestedBuildId)
    if (builder.builds !== undefined && build === undefined) throw Errors.buildNotFound(id, requestedBuildId, builder.builds.map((b) => b.id))
    if (build !== undefined) {
      if (req.branch !== undefined && req.branch !== build.branch) throw Errors.buildMismatch('branch', build.id, req.branch, build.branch)
      if (buildSHA !== undefined && buildSHA !== 'latest' && buildSHA !== build.sha) throw Errors.buildMismatch('buildSHA', build.id, buildSHA, build.sha)
      branch = build.branch
    }
  } else if (buildSHA !== undefined && buildSHA !== 'latest') {
    const sha = buildSHA
    if (builder.builds !== undefined) {
      // Docs: "If you supply a specific commit hash (buildSHA) but it has not been built by the build
      // service, attempting to update the deployment with it will return an error."
      build = builder.builds.find((b) => b.sha === sha && (branch === undefined || b.branch === branch))
      if (build === undefined) throw Errors.commitNotBuilt(id, sha, branch)
      branch = build.branch
    }
  } else {
    branch ??= builder.branch
    // Docs: with `latest` and no build for the branch, "the deployment service will be updated but no
    // instances will be deployed until a build is available."
    build = latestBuild(builder, branch)
  }
  return {
    kind: 'internal',
    buildServiceId: id,
    repository: builder.repository,
    branch: branch ?? builder.branch,
    buildSHA,
    requestedBuildId,
    buildId: build?.id ?? requestedBuildId,
    deployedSHA: build?.sha ?? (buildSHA !== 'latest' ? buildSHA : undefined)
  }
}

/** The services of a project that can be deployed from: build and combined services. */
function buildServiceIds (project: Project): string[] {
  return [...project.services.values()].filter((s) => s.builder !== undefined).map((s) => s.id)
}

function latestBuild (builder: Builder, branch: string): Build | undefined {
  let latest: Build | undefined
  for (const b of builder.builds ?? []) {
    if (b.branch === branch && (latest === undefined || b.createdAt >= latest.createdAt)) latest = b
  }
  return latest
}

/**
 * Whether a deployment waits for a build: the docs' `latest` "with no build available for the branch".
 * Inferred: a build service whose builds are not listed (fixtures without `builds`) has every build a
 * request names, and a latest build on every branch, so deploying from it never waits; the commit of such
 * a build is unknown, so `deployedSHA` is absent unless the request sent a commit.
 */
function awaitsBuild (project: Project, source: ImageSource | undefined): boolean {
  if (source?.kind !== 'internal' || source.deployedSHA !== undefined) return false
  return project.services.get(source.buildServiceId)?.builder?.builds !== undefined
}

/** Instances that run: none while the deployment waits for a build. */
function runningInstances (project: Project, d: Deployment): number {
  return awaitsBuild(project, d.source) ? 0 : d.instances
}

/** GET …/services/{serviceId}/deployment, shaped as the real API shapes it (docs/northflank-contract.md, "What the read endpoints show"). */
export function readDeployment (state: State, projectId: string, serviceId: string): DeploymentRead {
  const project = findProject(state, projectId)
  const service = findService(state, projectId, serviceId)
  const d = service.deployment
  if (d === undefined) throw Errors.noDeployment(serviceId, service.serviceType)
  const read: DeploymentRead = {
    region: project.region,
    instances: runningInstances(project, d),
    docker: d.docker,
    buildpack: d.buildpack,
    storage: { ephemeralStorage: { storageSize: STORAGE_SIZE } }
  }
  const source = service.builder === undefined ? d.source : selfSource(service.id, service.builder)
  return { ...read, ...sourceRead(project, source) }
}

/** An image source as the deployment reads show it, under `external` or `internal` (services and jobs alike). */
export function sourceRead (project: Project, source: ImageSource | undefined): Pick<DeploymentRead, 'external' | 'internal'> {
  if (source?.kind === 'external') {
    return {
      external: {
        imagePath: source.imagePath,
        registryProvider: registryProvider(source.imagePath),
        // Inferred: an image is private when pulled with saved credentials.
        privateImage: source.credentials !== undefined
      }
    }
  }
  if (source?.kind === 'internal') {
    return {
      internal: {
        appId: `/${project.id}/${source.buildServiceId}`,
        nfObjectId: source.buildServiceId,
        nfObjectType: 'service',
        repository: source.repository,
        branch: source.branch,
        buildId: source.buildId,
        buildSHA: source.buildSHA ?? source.deployedSHA ?? 'latest',
        deployedSHA: source.deployedSHA
      }
    }
  }
  return {}
}

/** A combined service deploys the latest build of its own branch. */
function selfSource (serviceId: string, builder: Builder): ImageSource {
  const build = latestBuild(builder, builder.branch)
  return {
    kind: 'internal',
    buildServiceId: serviceId,
    repository: builder.repository,
    branch: builder.branch,
    buildSHA: 'latest',
    buildId: build?.id,
    deployedSHA: build?.sha
  }
}

/** GET …/services/{serviceId} (docs/northflank-contract.md, "What the read endpoints show"); `status.deployment` is the rollout's status at `now`. */
export function readService (state: State, projectId: string, serviceId: string, now: Date): ServiceRead {
  const service = findService(state, projectId, serviceId)
  const rollout = service.status.rollout
  const read: ServiceRead = {
    id: service.id,
    appId: `/${projectId}/${service.id}`,
    name: service.name,
    description: service.description,
    tags: service.tags,
    projectId,
    serviceType: service.serviceType,
    createdAt: service.createdAt,
    disabledCI: false,
    disabledCD: false,
    billing: { deploymentPlan: 'nf-compute-20' },
    status: rollout === undefined ? {} : { deployment: rolloutStatus(rollout, now) },
    servicePaused: false,
    ports: []
  }
  if (service.deployment !== undefined) {
    const { internal, ...rest } = readDeployment(state, projectId, serviceId)
    read.deployment = rest
    if (internal !== undefined) {
      const { appId: _appId, buildId: _buildId, ...fields } = internal
      read.deployment.internal = fields
    }
  }
  return read
}
