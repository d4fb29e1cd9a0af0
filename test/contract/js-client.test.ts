import t, { type Test } from 'tap'
import { ApiClient, ApiClientInMemoryContextProvider, NorthflankApiCallError } from '@northflank/js-client'
import type { FastifyInstance } from 'fastify'
import { IMAGE_PATH_PATTERN } from '../../schemas/patterns.js'
import type { AppOptions } from '../../src/app.js'
import { build, post } from '../support/helper.js'

// Northflank's official JS client (@northflank/js-client, a dev dependency) against the emulator on an
// ephemeral port of 127.0.0.1: the client's requests, parsing and error handling are not ours.

const PROJECT = 'default-project'
const SERVICE = 'example-service'
const TEAM = 'example-team'

interface Served { app: FastifyInstance, host: string, lastRequestId: () => string }

async function serve (t: Test, options: AppOptions = {}): Promise<Served> {
  const app = await build(t, options)
  let lastId = ''
  app.addHook('onResponse', async (request) => { lastId = request.id })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  return { app, host: `http://127.0.0.1:${port}`, lastRequestId: () => lastId }
}

async function client (host: string, token = 'test-token', throwErrorOnHttpErrorCode = false): Promise<ApiClient> {
  const contexts = new ApiClientInMemoryContextProvider()
  await contexts.addContext({ name: 'local', token, host })
  return new ApiClient(contexts, { throwErrorOnHttpErrorCode })
}

const EXAMPLE_BODIES = {
  external: { external: { imagePath: 'nginx:latest', credentials: 'example-credentials' }, docker: { configType: 'default' } },
  internal: { internal: { id: 'example-build-service', branch: 'master', buildId: 'premium-guide-6393' }, docker: { configType: 'default' } },
  unchanged: { docker: { configType: 'customCommand', customCommand: 'nginx -g' } }
} as const

for (const scope of ['project', 'team'] as const) {
  t.test(`the endpoint page's three bodies through update.service.deployment (${scope}-scoped) read back exactly through get.service.deployment and get.service`, async (t) => {
    const { host } = await serve(t)
    const api = await client(host, 'test-token', true)
    const parameters = scope === 'team' ? { teamId: TEAM, projectId: PROJECT, serviceId: SERVICE } : { projectId: PROJECT, serviceId: SERVICE }
    const read = async () => ({
      deployment: (await api.get.service.deployment({ parameters })).data as any,
      service: (await api.get.service({ parameters })).data as any
    })

    let res = await api.update.service.deployment({ parameters, data: EXAMPLE_BODIES.external as any })
    t.strictSame(res.data, {})
    t.equal(res.error, undefined)
    let now = await read()
    const external = { imagePath: 'nginx:latest', registryProvider: 'dockerhub', privateImage: true }
    t.strictSame(now.deployment.external, external)
    t.strictSame(now.deployment.docker, { configType: 'default' })
    t.notOk('internal' in now.deployment)
    t.strictSame(now.service.deployment.external, external)
    t.equal(now.service.id, SERVICE)
    t.equal(now.service.projectId, PROJECT)

    res = await api.update.service.deployment({ parameters, data: EXAMPLE_BODIES.internal as any })
    t.strictSame(res.data, {})
    now = await read()
    t.matchStrict(now.deployment.internal, { nfObjectId: 'example-build-service', nfObjectType: 'service', branch: 'master', buildId: 'premium-guide-6393' })
    t.type(now.deployment.internal.buildSHA, 'string')
    t.notOk('external' in now.deployment)
    const { appId: _appId, buildId: _buildId, ...serviceView } = now.deployment.internal
    t.strictSame(now.service.deployment.internal, serviceView, 'get.service shows the same source, without appId and buildId')

    res = await api.update.service.deployment({ parameters, data: EXAMPLE_BODIES.unchanged as any })
    t.strictSame(res.data, {})
    const after = await read()
    t.strictSame(after.deployment.docker, { configType: 'customCommand', customCommand: 'nginx -g' })
    t.strictSame(after.service.deployment.docker, { configType: 'customCommand', customCommand: 'nginx -g' })
    t.strictSame(after.deployment.internal, now.deployment.internal, 'the image source is left alone')
  })
}

t.test('a host with a trailing slash still works (the client then sends //v1/…)', async (t) => {
  const { host } = await serve(t)
  const api = await client(`${host}/`, 'test-token', true)
  const parameters = { projectId: PROJECT, serviceId: SERVICE }
  const res = await api.update.service.deployment({ parameters, data: EXAMPLE_BODIES.unchanged as any })
  t.strictSame(res.data, {})
  t.strictSame(((await api.get.service.deployment({ parameters })).data as any).docker, EXAMPLE_BODIES.unchanged.docker)
})

// One request per error status; what the emulator answers to it (checked by inject) must reach the
// client's caller intact: status, message, id, details.
const FIXTURES: AppOptions['fixtures'] = {
  projects: [{
    id: 'p',
    services: [{ id: 'web', serviceType: 'deployment' }, { id: 'app', serviceType: 'combined', repository: 'r', branch: 'main' }]
  }],
  tokens: [{ token: 'full' }, { token: 'reader', permissions: ['Project > Services > General > Read'] }]
}
const ERROR_CASES = [
  { status: 400, token: 'full', serviceId: 'web', data: { docker: { configType: 'customCommand' } } },
  { status: 401, token: 'unknown-token', serviceId: 'web', data: {} },
  { status: 403, token: 'reader', serviceId: 'web', data: {} },
  { status: 404, token: 'full', serviceId: 'nope', data: {} },
  { status: 409, token: 'full', serviceId: 'app', data: { external: { imagePath: 'nginx:latest' } } }
]

for (const throws of [false, true]) {
  t.test(`${throws ? 'with' : 'without'} throwErrorOnHttpErrorCode, 400, 401, 403, 404 and 409 reach the caller as the client's error, intact`, async (t) => {
    const { app, host, lastRequestId } = await serve(t, { fixtures: FIXTURES })
    for (const c of ERROR_CASES) {
      const expected = (await post(app, `/v1/projects/p/services/${c.serviceId}/deployment`, c.data, { authorization: `Bearer ${c.token}` })).json().error
      t.equal(expected.status, c.status, `the emulator answers ${c.status}`)
      const api = await client(host, c.token, throws)
      const call = () => api.update.service.deployment({ parameters: { projectId: 'p', serviceId: c.serviceId }, data: c.data as any })
      let error: { status: number, message: string, id?: string, details?: unknown }
      if (throws) {
        const thrown = await call().then(() => undefined, (e: unknown) => e)
        t.ok(thrown instanceof NorthflankApiCallError, `${c.status}: throws NorthflankApiCallError`)
        error = thrown as NorthflankApiCallError
      } else {
        const res = await call()
        t.equal(res.rawResponse.status, c.status)
        error = res.error as typeof error
      }
      t.equal(error.status, c.status, `${c.status}: status`)
      t.ok(error.message.length > 0, `${c.status}: a message`)
      t.equal(error.message, expected.message, `${c.status}: the emulator's message`)
      t.equal(error.id, lastRequestId(), `${c.status}: the id of the request, as logged`)
      t.strictSame(error.details, expected.details, `${c.status}: the details`)
    }
  })
}

t.test('a 400 from the client carries every problem in details.errors, by path', async (t) => {
  const { host } = await serve(t)
  const api = await client(host)
  const res = await api.update.service.deployment({
    parameters: { projectId: PROJECT, serviceId: SERVICE },
    data: { external: { imagePath: 'nginx' }, docker: { configType: 'default', bogus: 1 } } as any
  })
  t.equal(res.error?.status, 400)
  const paths = (res.error?.details.errors as { path: string }[]).map((e) => e.path).sort()
  t.strictSame(paths, ['body.docker.bogus', 'body.external.imagePath'])
})

t.test('the messages that say how to fix a request reach the official client\'s caller as they are', async (t) => {
  const { host } = await serve(t)
  const api = await client(host)
  const cases: Array<{ projectId?: string, serviceId: string, data: unknown, status: number, message: string }> = [
    {
      serviceId: SERVICE,
      data: { extrenal: { imagePath: 'nginx:latest' } },
      status: 400,
      message: 'body.extrenal is not allowed (did you mean external?); allowed here: buildpack, docker, external, internal'
    },
    { serviceId: SERVICE, data: { external: { imagePath: 'nginx' } }, status: 400, message: 'body.external.imagePath must be an image with a :tag or @digest, e.g. nginx:latest, ghcr.io/org/app:1.0 or repo/app@sha256:…' },
    { serviceId: 'nope', data: {}, status: 404, message: 'Service "nope" not found in project "default-project" (its services: example-service, example-build-service, example-combined-service)' },
    { projectId: 'nope', serviceId: SERVICE, data: {}, status: 404, message: 'Project "nope" not found (projects: default-project)' },
    {
      serviceId: SERVICE,
      data: { internal: {} },
      status: 409,
      message: 'body.internal.id is required: service "example-service" does not deploy from a build service yet, so name the one ' +
        'to deploy from (build services in project "default-project": example-build-service, example-combined-service)'
    }
  ]
  for (const c of cases) {
    const res = await api.update.service.deployment({ parameters: { projectId: c.projectId ?? PROJECT, serviceId: c.serviceId }, data: c.data as any })
    t.equal(res.error?.status, c.status, JSON.stringify(c.data))
    t.equal(res.error?.message, c.message)
  }
  const pattern = await api.update.service.deployment({ parameters: { projectId: PROJECT, serviceId: SERVICE }, data: { external: { imagePath: 'nginx' } } })
  t.matchStrict(pattern.error?.details.errors, [{ path: 'body.external.imagePath', rule: 'pattern', expected: IMAGE_PATH_PATTERN }], 'the pattern is in details')
})
