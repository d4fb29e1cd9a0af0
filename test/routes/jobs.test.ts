import t from 'tap'
import { Permissions } from '../../src/domain/auth.js'
import { build, get, post, readBack } from '../support/helper.js'
import { jobFixtures } from '../support/fixtures/jobs.js'
import { SHA_A1, SHA_A2, SHA_DEV } from '../support/fixtures/rich.js'

const job = (id: string, project = 'shop') => `/v1/projects/${project}/jobs/${id}`
const deployment = (id: string, project = 'shop') => `${job(id, project)}/deployment`
const opts = () => ({ fixtures: jobFixtures() })

t.test('an external update of a job sets the image its next run uses, and keeps its run settings', async (t) => {
  const app = await build(t, opts())
  t.equal((await post(app, deployment('migrate'), { docker: { configType: 'customCommand', customCommand: 'migrate up' } })).statusCode, 200)
  t.equal((await post(app, deployment('migrate'), { buildpack: { configType: 'customProcess', customProcess: 'migrate' } })).statusCode, 200)
  const res = await post(app, deployment('migrate'), { external: { imagePath: 'registry.gitlab.com/acme/migrate:4', credentials: 'gl' } })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { data: {} })
  t.strictSame(await readBack(app, deployment('migrate')), {
    region: 'us-east',
    buildpack: { configType: 'customProcess', customProcess: 'migrate' },
    docker: { configType: 'customCommand', customCommand: 'migrate up' },
    storage: { ephemeralStorage: { storageSize: 1024 } },
    external: { imagePath: 'registry.gitlab.com/acme/migrate:4', registryProvider: 'gitlab', privateImage: true }
  })
})

t.test('an internal update of a job resolves the build as a service\'s does: latest of a branch, a build id, a built commit', async (t) => {
  const app = await build(t, opts())
  await post(app, deployment('nightly'), { internal: { id: 'builder' } })
  t.strictSame((await readBack(app, deployment('nightly'))).internal, {
    appId: '/shop/builder',
    nfObjectId: 'builder',
    nfObjectType: 'service',
    repository: 'https://github.com/acme/shop',
    branch: 'main',
    buildId: 'build-2',
    buildSHA: 'latest',
    deployedSHA: SHA_A2
  }, 'the default branch\'s latest build')
  await post(app, deployment('nightly'), { internal: { branch: 'dev' } })
  t.matchStrict((await readBack(app, deployment('nightly'))).internal, { branch: 'dev', buildId: 'build-dev', deployedSHA: SHA_DEV }, 'id kept, another branch')
  await post(app, deployment('nightly'), { internal: { branch: 'main', buildSHA: SHA_A1 } })
  t.matchStrict((await readBack(app, deployment('nightly'))).internal, { branch: 'main', buildSHA: SHA_A1, buildId: 'build-1' })
  const unbuilt = await post(app, deployment('nightly'), { internal: { buildSHA: 'f'.repeat(40) } })
  t.equal(unbuilt.statusCode, 404)
  t.equal(unbuilt.json().error.message, `body.internal.buildSHA: build service "builder" has not built commit ${'f'.repeat(40)} on branch "main"`)
})

t.test('an internal update without id, of a job that runs an image, is a 409 naming the build services', async (t) => {
  const app = await build(t, opts())
  const res = await post(app, deployment('nightly'), { internal: { branch: 'main' } })
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.message, 'body.internal.id is required: job "nightly" does not deploy from a build service yet, so name the one to ' +
    'deploy from (build services in project "shop": builder, opaque, combo)')
  t.strictSame(res.json().error.details, { jobId: 'nightly', field: 'body.internal.id', known: ['builder', 'opaque', 'combo'] })
  t.matchStrict(await readBack(app, deployment('nightly')), { external: { imagePath: 'ghcr.io/acme/nightly:1' } }, 'unchanged')
})

t.test('a job waiting for its first build on a branch reads without a build or commit', async (t) => {
  const app = await build(t, opts())
  t.strictSame((await readBack(app, deployment('pending'))).internal, {
    appId: '/shop/builder', nfObjectId: 'builder', nfObjectType: 'service', repository: 'https://github.com/acme/shop', branch: 'feature', buildSHA: 'latest'
  })
})

t.test('a bad image path is a 400 naming imagePath; an unknown job, and a service id on the job route, are 404s', async (t) => {
  const app = await build(t, opts())
  const bad = await post(app, deployment('nightly'), { external: { imagePath: 'ghcr.io/acme/nightly' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error.message, 'body.external.imagePath must be an image with a :tag or @digest, e.g. nginx:latest, ghcr.io/org/app:1.0 or repo/app@sha256:…')
  t.strictSame(bad.json().error.details.errors.map((e: { path: string }) => e.path), ['body.external.imagePath'])
  const unknown = await post(app, deployment('nope'), {})
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.message, 'Job "nope" not found in project "shop" (its jobs: nightly, migrate, pending)')
  const aService = await get(app, deployment('web'))
  t.equal(aService.statusCode, 404)
  t.equal(aService.json().error.message, 'Job "web" not found in project "shop" (its jobs: nightly, migrate, pending); "web" is a service: use /v1/projects/shop/services/web')
  const aJob = await post(app, '/v1/projects/shop/services/nightly/deployment', {})
  t.equal(aJob.statusCode, 404)
  t.matchStrict(aJob.json().error.message, /; "nightly" is a job: use \/v1\/projects\/shop\/jobs\/nightly$/)
  t.equal((await get(app, job('nope', 'other-project'))).json().error.message, 'Project "other-project" not found (projects: shop, other)')
})

t.test('GET job shows its type and settings, and how it runs but not what (as the client\'s type)', async (t) => {
  const app = await build(t, opts())
  const cron = (await get(app, job('nightly'))).json().data
  t.strictSame(cron, {
    id: 'nightly',
    appId: '/shop/nightly',
    name: 'nightly',
    tags: [],
    projectId: 'shop',
    jobType: 'cron',
    createdAt: '2026-01-01T00:00:00.000Z',
    disabledCI: false,
    disabledCD: false,
    billing: { deploymentPlan: 'nf-compute-20' },
    settings: { backoffLimit: 0, activeDeadlineSeconds: 600, cron: { schedule: '0 3 * * *', concurrencyPolicy: 'Allow' } },
    deployment: { region: 'us-east', buildpack: { configType: 'default' }, docker: { configType: 'default' }, storage: { ephemeralStorage: { storageSize: 1024 } } },
    suspended: false
  })
  const manual = (await get(app, job('migrate'))).json().data
  t.equal(manual.jobType, 'manual')
  t.equal(manual.name, 'Migrate')
  t.equal(manual.description, 'Runs the migrations')
  t.strictSame(manual.settings, { backoffLimit: 0, activeDeadlineSeconds: 600 }, 'no cron settings')
  t.notOk('suspended' in manual)
})

t.test('the team alias reaches the same jobs', async (t) => {
  const app = await build(t, opts())
  await post(app, '/v1/teams/acme/projects/shop/jobs/migrate/deployment', { external: { imagePath: 'nginx:team' } })
  t.equal((await readBack(app, deployment('migrate'))).external.imagePath, 'nginx:team')
  t.equal((await get(app, '/v1/teams/acme/projects/shop/jobs/migrate')).json().data.id, 'migrate')
})

t.test('permissions: the update needs the Services deployment permission, as Northflank names it; the reads need Jobs read', async (t) => {
  const fixtures = jobFixtures()
  fixtures.tokens = [
    { token: 'job-reader', permissions: [Permissions.readJob] },
    { token: 'deployer', permissions: [Permissions.updateDeployment] }
  ]
  const app = await build(t, { fixtures })
  const as = (token: string) => ({ authorization: `Bearer ${token}` })
  const denied = await post(app, deployment('migrate'), {}, as('job-reader'))
  t.equal(denied.statusCode, 403)
  t.equal(denied.json().error.message, 'Forbidden: the API token lacks the permission "Project > Services > Deployment > Update Deployment"')
  t.equal((await post(app, deployment('migrate'), {}, as('deployer'))).statusCode, 200)
  t.equal((await get(app, deployment('migrate'), as('job-reader'))).statusCode, 200)
  t.equal((await get(app, job('migrate'), as('job-reader'))).statusCode, 200)
  const read = await get(app, job('migrate'), as('deployer'))
  t.equal(read.statusCode, 403)
  t.equal(read.json().error.message, 'Forbidden: the API token lacks the permission "Project > Jobs > General > Read"')
})

t.test('PATCH of a job is a 405 that names Northflank\'s PATCH endpoints as not emulated; a typo in a job path points at the job route', async (t) => {
  const app = await build(t, opts())
  const patch = await app.inject({ method: 'PATCH', url: job('nightly'), headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, payload: '{}' })
  t.equal(patch.statusCode, 405)
  t.equal(patch.json().error.message, 'Method PATCH is not allowed on /v1/projects/shop/jobs/nightly; use GET or HEAD ' +
    '(Northflank\'s PATCH /v1/projects/{projectId}/jobs/{jobId} is not emulated)')
  const cron = await app.inject({ method: 'PATCH', url: '/v1/projects/shop/jobs/cron/nightly', headers: { authorization: 'Bearer t' } })
  t.equal(cron.statusCode, 404)
  t.equal(cron.json().error.message, 'No route PATCH /v1/projects/shop/jobs/cron/nightly. The emulator has POST /v1/projects/{projectId}/jobs/{jobId}/deployment ' +
    '(Northflank\'s PATCH /v1/projects/{projectId}/jobs/cron/{jobId} is not emulated)')
  const other = await app.inject({ method: 'PATCH', url: '/v1/projects/shop/jobs/daily/nightly', headers: { authorization: 'Bearer t' } })
  t.notMatch(other.json().error.message, /not emulated/, 'no such Northflank endpoint either: nothing to name')
  const typo = await post(app, '/v1/projects/shop/job/nightly/deployment', {})
  t.strictSame(typo.json().error.details.hints, [{ method: 'POST', path: '/v1/projects/{projectId}/jobs/{jobId}/deployment' }])
})

t.test('job requests are journaled with their jobId, filtered with job, verified, and faulted by match.job', async (t) => {
  const app = await build(t, opts())
  const fault = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { match: { job: 'migrate' }, action: { status: 503 }, times: 1 } })
  t.equal(fault.statusCode, 201)
  t.equal((await post(app, deployment('migrate'), { external: { imagePath: 'nginx:1' } })).statusCode, 503, 'the rule for this job')
  t.equal((await post(app, deployment('nightly'), { external: { imagePath: 'nginx:2' } })).statusCode, 200, 'not for another')
  t.equal((await post(app, deployment('migrate'), { external: { imagePath: 'nginx:3' } })).statusCode, 200)
  const journal = (await app.inject({ method: 'GET', url: '/_mock/journal?job=migrate' })).json()
  t.strictSame(journal.entries.map((e: { status: number, params: unknown }) => [e.status, e.params]),
    [[503, { projectId: 'shop', jobId: 'migrate' }], [200, { projectId: 'shop', jobId: 'migrate' }]])
  t.strictSame((await app.inject({ method: 'GET', url: '/_mock/journal/count?job=nightly&status=200' })).json(), { count: 1, dropped: 0 })
  const verified = await app.inject({ method: 'POST', url: '/_mock/verify', payload: { path: '/v1/projects/shop/jobs/*/deployment', job: 'migrate', status: 200, count: { exactly: 1 } } })
  t.strictSame(verified.json(), { data: { matched: 1 } })
  const missed = await app.inject({ method: 'POST', url: '/_mock/verify', payload: { job: 'migrate', body: { external: { imagePath: 'nginx:2' } } } })
  t.equal(missed.statusCode, 406)
  t.matchStrict(missed.json().error.details.nearMisses[0], { path: '/v1/projects/shop/jobs/migrate/deployment', differences: [{ field: 'body.external.imagePath', expected: 'nginx:2', actual: 'nginx:3' }] })
})

t.test('jobs are in the state dump and come back from it; a dump without jobs has none; a reset restores them', async (t) => {
  const app = await build(t, opts())
  await post(app, deployment('migrate'), { external: { imagePath: 'nginx:dumped' } })
  const dump = (await app.inject({ method: 'GET', url: '/_mock/state' })).json()
  t.strictSame(dump.projects.shop.jobs.migrate, {
    id: 'migrate',
    name: 'Migrate',
    description: 'Runs the migrations',
    jobType: 'manual',
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    deployment: { source: { kind: 'external', imagePath: 'nginx:dumped' }, docker: { configType: 'default' }, buildpack: { configType: 'default' } }
  })
  t.equal(dump.projects.shop.jobs.nightly.schedule, '0 3 * * *')
  await app.inject({ method: 'POST', url: '/_mock/reset' })
  t.equal((await readBack(app, deployment('migrate'))).internal.buildId, 'build-1', 'the reset went back to the fixtures')
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: dump })).statusCode, 200)
  t.equal((await readBack(app, deployment('migrate'))).external.imagePath, 'nginx:dumped', 'restored from the dump')
  const { jobs: _jobs, ...withoutJobs } = dump.projects.shop
  t.equal((await app.inject({ method: 'PUT', url: '/_mock/state', payload: { projects: { shop: withoutJobs } } })).statusCode, 200)
  t.equal((await get(app, deployment('migrate'))).statusCode, 404, 'a state without jobs has none')
  const { schedule: _schedule, ...unscheduled } = dump.projects.shop.jobs.nightly
  await app.inject({ method: 'PUT', url: '/_mock/state', payload: { projects: { shop: { ...withoutJobs, jobs: { nightly: unscheduled } } } } })
  t.strictSame((await get(app, job('nightly'))).json().data.settings.cron, { schedule: '0 * * * *', concurrencyPolicy: 'Allow' },
    'a cron job restored without a schedule runs every hour')
  const misKeyed = structuredClone(dump)
  misKeyed.projects.shop.jobs.migrate.id = 'other'
  const refused = await app.inject({ method: 'PUT', url: '/_mock/state', payload: misKeyed })
  t.equal(refused.statusCode, 400)
  t.equal(refused.json().error.message, 'body.projects["shop"].jobs["migrate"].id: is "other", but the job is keyed "migrate"')
})
