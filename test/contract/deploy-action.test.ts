/**
 * Northflank's GitHub Action, northflank/deploy-to-northflank (MIT), pointed at the emulator with
 * `northflank-api-host`. Its whole work is one call through js-client 0.7, replayed here as its index.ts
 * makes it (docs/northflank-contract.md, "The deploy action"): a context named main-context with the API
 * host and key, a client with no options, `client.update[serviceId ? 'service' : 'job'].deployment(…)`
 * with both ids in `parameters` (the unused one empty), and `response.error` deciding the step's outcome.
 */
import t, { type Test } from 'tap'
import * as current from '@northflank/js-client'
import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client-0.7'
import { startMock, type MockServer } from '../../src/index.js'

interface Inputs {
  host: string
  apiKey: string
  projectId: string
  serviceId?: string
  jobId?: string
  imagePath: string
  credentials?: string
}

/** The action's run, as its index.ts writes it; the message it ends with (core.setFailed or core.info). */
async function deployAction (inputs: Inputs): Promise<{ ok: boolean, message: string }> {
  const { host, apiKey: token, projectId, imagePath, credentials } = inputs
  const serviceId = inputs.serviceId ?? ''
  const jobId = inputs.jobId ?? ''
  if ((serviceId === '' && jobId === '') || (serviceId !== '' && jobId !== '')) return { ok: false, message: 'Either \'service-id\' or \'job-id\' must be defined.' }
  try {
    const contextProvider = new ApiClientInMemoryContextProvider()
    await contextProvider.addContext({ name: 'main-context', token, host })
    const client = new ApiClient(contextProvider)
    const response = await client.update[serviceId !== '' ? 'service' : 'job'].deployment({
      parameters: { projectId, serviceId, jobId } as any,
      data: { external: { imagePath, ...(credentials !== undefined && credentials !== '' ? { credentials } : {}) } }
    })
    if (response.error !== undefined) return { ok: false, message: `Failed to deploy image to Northflank:\n${JSON.stringify(response.error)}` }
    return { ok: true, message: 'Successfully deployed image to Northflank.' }
  } catch (err) {
    return { ok: false, message: `Failed to deploy image to Northflank:\n${String(err)}` }
  }
}

async function mock (t: Test): Promise<MockServer> {
  const m = await startMock()
  t.teardown(() => m.close())
  return m
}

/** The current client, as a workflow's next step would read the result. */
async function readJobImage (host: string, jobId: string): Promise<unknown> {
  const contexts = new current.ApiClientInMemoryContextProvider()
  contexts.addContext({ name: 'check', token: 'reader', host })
  const api = new current.ApiClient(contexts, { throwErrorOnHttpErrorCode: true })
  return (await api.get.job.deployment({ parameters: { projectId: 'default-project', jobId } })).data
}

t.test('the deploy action with job-id succeeds, and the current client reads the new image back', async (t) => {
  const m = await mock(t)
  const run = await deployAction({ host: m.url, apiKey: 'nf-api-key', projectId: 'default-project', jobId: 'example-job', imagePath: 'ghcr.io/acme/nightly:2026.12.07', credentials: 'ghcr-creds' })
  t.strictSame(run, { ok: true, message: 'Successfully deployed image to Northflank.' })
  t.matchStrict(await readJobImage(m.url, 'example-job'), {
    external: { imagePath: 'ghcr.io/acme/nightly:2026.12.07', registryProvider: 'github', privateImage: true }
  })
  const [entry] = await m.admin.journal({ method: 'POST' })
  t.strictSame(entry?.body, { external: { imagePath: 'ghcr.io/acme/nightly:2026.12.07', credentials: 'ghcr-creds' } }, 'the body the action sends')
  t.equal(entry?.headers['user-agent'], 'northflank-js-client/0.7.27')
  t.equal(await m.admin.verify({ method: 'POST', path: '/v1/projects/*/jobs/*/deployment', job: 'example-job', count: { exactly: 1 } }), 1,
    'verify matches the job deployment by path glob')
  await t.rejects(m.admin.verify({ method: 'POST', job: 'example-cron-job' }), {
    name: 'VerificationError',
    message: /^Verification failed: expected at least 1 matching request, saw 0\.\n {2}Expected: POST any path job=example-cron-job\n/
  }, 'a verify that fails names the job it looked for')
})

t.test('the deploy action with service-id, and without credentials, still works as before', async (t) => {
  const m = await mock(t)
  const run = await deployAction({ host: m.url, apiKey: 'nf-api-key', projectId: 'default-project', serviceId: 'example-service', imagePath: 'nginx:1.27', credentials: '' })
  t.strictSame(run, { ok: true, message: 'Successfully deployed image to Northflank.' })
  const [entry] = await m.admin.journal({ method: 'POST', service: 'example-service' })
  t.strictSame(entry?.body, { external: { imagePath: 'nginx:1.27' } })
})

t.test('the deploy action fails its step with the emulator\'s error: a bad image path (400), an unknown job (404)', async (t) => {
  const m = await mock(t)
  const bad = await deployAction({ host: m.url, apiKey: 'k', projectId: 'default-project', jobId: 'example-job', imagePath: 'ghcr.io/acme/nightly' })
  t.equal(bad.ok, false)
  const badError = JSON.parse(bad.message.split('\n')[1] as string)
  t.equal(badError.status, 400)
  t.equal(badError.message, 'body.external.imagePath must be an image with a :tag or @digest, e.g. nginx:latest, ghcr.io/org/app:1.0 or repo/app@sha256:…')
  const missing = await deployAction({ host: m.url, apiKey: 'k', projectId: 'default-project', jobId: 'example-service', imagePath: 'nginx:1' })
  t.equal(missing.ok, false)
  t.matchStrict(JSON.parse(missing.message.split('\n')[1] as string), {
    status: 404,
    message: 'Job "example-service" not found in project "default-project" (its jobs: example-job, example-cron-job); "example-service" is a service: use /v1/projects/default-project/services/example-service'
  })
})
