import t from 'tap'
import { registryHost, registryProvider } from '../../src/domain/registry.js'
import { build, get, post, SERVICE_URL } from '../support/helper.js'
import { richFixtures, SHA_A2 } from '../support/fixtures/rich.js'

t.test('registryProvider is derived from the image\'s registry host', async (t) => {
  const cases: Array<[string, string]> = [
    ['nginx:latest', 'dockerhub'],
    ['library/nginx:1.25', 'dockerhub'],
    ['docker.io/library/nginx@sha256:abc', 'dockerhub'],
    ['index.docker.io/x/y:1', 'dockerhub'],
    ['dhi.io/python:3', 'dhi'],
    ['ghcr.io/org/app:1.0.0', 'github'],
    ['registry.gitlab.com/g/p:1', 'gitlab'],
    ['acme.azurecr.io/app:1', 'acr'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', 'ecr'],
    ['gcr.io/proj/app:1', 'gar'],
    ['eu.gcr.io/proj/app:1', 'gar'],
    ['europe-docker.pkg.dev/proj/repo/app:1', 'gar'],
    ['registry.example.com:5000/foo:bar', 'custom'],
    ['https://registry.example.com/v1/foo:bar', 'custom'],
    ['localhost/app:1', 'custom']
  ]
  for (const [image, provider] of cases) t.equal(registryProvider(image), provider, image)
  t.equal(registryHost('REGISTRY.Example.com:5000/foo:bar'), 'registry.example.com')
  t.equal(registryHost('org/app:1'), undefined, 'a first segment with no dot or port is a Docker Hub namespace')
})

t.test('GET …/deployment of the default example service has the docs\' shape', async (t) => {
  const app = await build(t)
  const res = await get(app, `${SERVICE_URL}/deployment`)
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), {
    data: {
      region: 'europe-west',
      instances: 1,
      docker: { configType: 'default' },
      buildpack: { configType: 'default' },
      storage: { ephemeralStorage: { storageSize: 1024 } },
      external: { imagePath: 'nginx:latest', registryProvider: 'dockerhub', privateImage: false }
    }
  })
})

t.test('GET service has the documented fields, and its deployment.internal has no appId or buildId', async (t) => {
  const now = new Date('2026-11-29T12:00:00.000Z')
  const app = await build(t, { fixtures: richFixtures(), clock: { now: () => now } })
  let res = await get(app, '/v1/projects/shop/services/web')
  t.equal(res.statusCode, 200)
  const before = res.json().data
  t.strictSame(Object.keys(before).sort(), [
    'appId', 'billing', 'createdAt', 'deployment', 'disabledCD', 'disabledCI', 'id', 'name', 'ports', 'projectId',
    'servicePaused', 'serviceType', 'status', 'tags'
  ])
  t.matchStrict(before, { id: 'web', appId: '/shop/web', name: 'web', projectId: 'shop', serviceType: 'deployment', tags: [], servicePaused: false })

  await post(app, '/v1/projects/shop/services/web/deployment', { internal: { id: 'builder' } })
  res = await get(app, '/v1/projects/shop/services/web')
  const svc = res.json().data
  t.strictSame(svc.deployment.internal, {
    nfObjectId: 'builder', nfObjectType: 'service', repository: 'https://github.com/acme/shop', branch: 'main', buildSHA: 'latest', deployedSHA: SHA_A2
  })
  t.strictSame(svc.status, {
    deployment: { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: now.toISOString(), deployedSHA: SHA_A2 }
  })
})

t.test('GET service of a build service has no deployment', async (t) => {
  const app = await build(t, { fixtures: richFixtures() })
  const svc = (await get(app, '/v1/projects/shop/services/builder')).json().data
  t.equal(svc.serviceType, 'build')
  t.notOk('deployment' in svc)
  t.strictSame(svc.status, {})
})

t.test('HEAD answers for the read endpoints', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'HEAD', url: SERVICE_URL, headers: { authorization: 'Bearer x' } })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '')
})
