/**
 * Two generations of Northflank's official JS client against the emulator: the current one and 0.7.x, the
 * generation Northflank's deploy action bundles, installed side by side (`@northflank/js-client-0.7` is an
 * npm alias). Each updates a service and a job and reads them back through its own reads: their requests,
 * parsing and error handling are not ours.
 */
import t, { type Test } from 'tap'
import * as current from '@northflank/js-client'
import * as v07 from '@northflank/js-client-0.7'
import { startMock, type MockServer } from '../../src/index.js'

const PROJECT = 'default-project'

interface Client {
  update: { service: { deployment: (o: any) => Promise<any> }, job: { deployment: (o: any) => Promise<any> } }
  get: { service: { deployment: (o: any) => Promise<any> }, job: ((o: any) => Promise<any>) & { deployment: (o: any) => Promise<any> } }
}

const GENERATIONS = {
  '0.9.5 (current)': current,
  '0.7.27 (the deploy action\'s)': v07
} as const

async function clientOf (lib: typeof current | typeof v07, host: string): Promise<Client> {
  const contexts = new lib.ApiClientInMemoryContextProvider()
  // 0.7's addContext returns a promise, the current one nothing: await covers both.
  await contexts.addContext({ name: 'emulator', token: 'generation-token', host })
  return new lib.ApiClient(contexts as any) as unknown as Client
}

async function mock (t: Test): Promise<MockServer> {
  const m = await startMock()
  t.teardown(() => m.close())
  return m
}

for (const [name, lib] of Object.entries(GENERATIONS)) {
  t.test(`js-client ${name}: updates a service and a job, and reads both back`, async (t) => {
    const m = await mock(t)
    const api = await clientOf(lib, m.url)
    const service = { projectId: PROJECT, serviceId: 'example-service' }
    const job = { projectId: PROJECT, jobId: 'example-job' }

    const serviceUpdate = await api.update.service.deployment({ parameters: service, data: { external: { imagePath: 'ghcr.io/acme/web:2.0' } } })
    t.strictSame([serviceUpdate.error, serviceUpdate.data], [undefined, {}], 'the service update is a 200 {"data":{}}')
    const serviceRead = await api.get.service.deployment({ parameters: service })
    t.strictSame(serviceRead.data.external, { imagePath: 'ghcr.io/acme/web:2.0', registryProvider: 'github', privateImage: false })

    const jobUpdate = await api.update.job.deployment({
      parameters: job,
      data: { external: { imagePath: 'registry.gitlab.com/acme/batch:7', credentials: 'gitlab-creds' } }
    })
    t.strictSame([jobUpdate.error, jobUpdate.data], [undefined, {}], 'the job update is a 200 {"data":{}}')
    const jobRead = await api.get.job.deployment({ parameters: job })
    t.equal(jobRead.error, undefined)
    t.strictSame(jobRead.data, {
      region: 'europe-west',
      buildpack: { configType: 'default' },
      docker: { configType: 'default' },
      storage: { ephemeralStorage: { storageSize: 1024 } },
      external: { imagePath: 'registry.gitlab.com/acme/batch:7', registryProvider: 'gitlab', privateImage: true }
    })

    const internal = await api.update.job.deployment({
      parameters: job,
      data: { internal: { id: 'example-build-service', branch: 'master', buildId: 'premium-guide-6393' }, docker: { configType: 'customCommand', customCommand: 'run --once' } }
    })
    t.equal(internal.error, undefined)
    const read = (await api.get.job.deployment({ parameters: job })).data
    t.strictSame(read.internal, {
      appId: '/default-project/example-build-service',
      nfObjectId: 'example-build-service',
      nfObjectType: 'service',
      repository: 'https://github.com/northflank/example-app',
      branch: 'master',
      // Only a build was named: the commit it built.
      buildSHA: '6f3a0e1c5b2d4f7a8e9c0b1d2e3f4a5b6c7d8e9f',
      buildId: 'premium-guide-6393',
      deployedSHA: '6f3a0e1c5b2d4f7a8e9c0b1d2e3f4a5b6c7d8e9f'
    })
    t.strictSame(read.docker, { configType: 'customCommand', customCommand: 'run --once' })
    t.notOk('external' in read, 'one source at a time')

    const got = await api.get.job({ parameters: job })
    t.matchStrict(got.data, { id: 'example-job', projectId: PROJECT, jobType: 'manual', settings: { backoffLimit: 0, activeDeadlineSeconds: 600 } })

    const missing = await api.update.job.deployment({ parameters: { projectId: PROJECT, jobId: 'no-such-job' }, data: {} })
    t.matchStrict(missing.error, { status: 404, message: 'Job "no-such-job" not found in project "default-project" (its jobs: example-job, example-cron-job)' })
  })
}

t.test('the current client reaches the job routes through the team alias', async (t) => {
  const m = await mock(t)
  const api = await clientOf(current, m.url)
  const parameters = { teamId: 'example-team', projectId: PROJECT, jobId: 'example-cron-job' }
  const res = await api.update.job.deployment({ parameters, data: { external: { imagePath: 'nginx:1.27' } } })
  t.equal(res.error, undefined)
  t.strictSame((await api.get.job.deployment({ parameters })).data.external, { imagePath: 'nginx:1.27', registryProvider: 'dockerhub', privateImage: false })
  const [entry] = await m.admin.journal({ method: 'POST', job: 'example-cron-job' })
  t.equal(entry?.path, '/v1/teams/example-team/projects/default-project/jobs/example-cron-job/deployment')
})
