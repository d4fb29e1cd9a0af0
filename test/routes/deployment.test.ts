import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { build, get, post, readBack } from '../support/helper.js'
import { richFixtures, SHA_A1, SHA_A2, SHA_DEV } from '../support/fixtures/rich.js'

const url = (service: string, project = 'shop') => `/v1/projects/${project}/services/${service}/deployment`
const opts = () => ({ fixtures: richFixtures() })
const T0 = new Date('2026-03-01T12:00:00.000Z')

t.test('an external update replaces an internal deployment and keeps the run configuration', async (t) => {
  const app = await build(t, opts())
  await post(app, url('worker'), { docker: { configType: 'customCommand', customCommand: 'run' } })
  const res = await post(app, url('worker'), { external: { imagePath: 'registry.gitlab.com/acme/w:2' } })
  t.equal(res.statusCode, 200)
  const d = await readBack(app, url('worker'))
  t.strictSame(d.external, { imagePath: 'registry.gitlab.com/acme/w:2', registryProvider: 'gitlab', privateImage: false })
  t.notOk('internal' in d)
  t.strictSame(d.docker, { configType: 'customCommand', customCommand: 'run' })
})

t.test('an internal update replaces an external deployment, resolving the latest build of the branch', async (t) => {
  const app = await build(t, opts())
  t.equal((await post(app, url('web'), { internal: { id: 'builder' } })).statusCode, 200)
  const d = await readBack(app, url('web'))
  t.notOk('external' in d)
  t.strictSame(d.internal, {
    appId: '/shop/builder',
    nfObjectId: 'builder',
    nfObjectType: 'service',
    repository: 'https://github.com/acme/shop',
    branch: 'main',
    buildId: 'build-2',
    buildSHA: 'latest',
    deployedSHA: SHA_A2
  })
  t.equal(d.instances, 2, 'the instance count carries over')
  t.equal(d.region, 'us-east')
})

t.test('a partial internal update keeps id and branch, and the pinned build while the branch is unchanged', async (t) => {
  const app = await build(t, opts())
  await post(app, url('worker'), { internal: { buildId: 'build-1' } })
  let d = await readBack(app, url('worker'))
  t.matchStrict(d.internal, { nfObjectId: 'builder', branch: 'main', buildId: 'build-1', buildSHA: SHA_A1, deployedSHA: SHA_A1 })

  await post(app, url('worker'), { internal: {} })
  t.strictSame((await readBack(app, url('worker'))).internal, d.internal, '{"internal":{}} changes nothing')

  await post(app, url('worker'), { internal: { branch: 'main' } })
  t.strictSame((await readBack(app, url('worker'))).internal, d.internal, 'the same branch keeps the pinned build')

  await post(app, url('worker'), { internal: { branch: 'dev' } })
  d = await readBack(app, url('worker'))
  t.matchStrict(d.internal, { branch: 'dev', buildSHA: 'latest', buildId: 'build-dev', deployedSHA: SHA_DEV }, 'a new branch deploys its latest')
})

t.test('internal.buildSHA must have been built: a known commit deploys, an unknown one is a 404', async (t) => {
  const app = await build(t, opts())
  t.equal((await post(app, url('worker'), { internal: { buildSHA: SHA_A1 } })).statusCode, 200)
  t.matchStrict((await readBack(app, url('worker'))).internal, { buildSHA: SHA_A1, buildId: 'build-1', branch: 'main' })

  const before = await readBack(app, url('worker'))
  const res = await post(app, url('worker'), { internal: { buildSHA: 'f'.repeat(40) } })
  t.equal(res.statusCode, 404)
  t.equal(res.json().error.message, `body.internal.buildSHA: build service "builder" has not built commit ${'f'.repeat(40)} on branch "main"`)
  const onBranch = await post(app, url('worker'), { internal: { buildSHA: SHA_DEV, branch: 'main' } })
  t.equal(onBranch.statusCode, 404, 'a commit built on another branch does not count')
  t.strictSame(await readBack(app, url('worker')), before, 'refused updates change nothing')
})

t.test('internal.buildId must exist and agree with branch and buildSHA when they are sent too', async (t) => {
  const app = await build(t, opts())
  const missing = await post(app, url('worker'), { internal: { buildId: 'nope' } })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().error.message, 'body.internal.buildId: build service "builder" has no build "nope" (its builds: build-1, build-2, build-dev)')
  t.strictSame(missing.json().error.details, { buildServiceId: 'builder', buildId: 'nope', known: ['build-1', 'build-2', 'build-dev'] })
  const branch = await post(app, url('worker'), { internal: { buildId: 'build-1', branch: 'dev' } })
  t.equal(branch.statusCode, 409)
  t.equal(branch.json().error.message, 'body.internal.branch is "dev" but build "build-1" is of branch "main"')
  const sha = await post(app, url('worker'), { internal: { buildId: 'build-1', buildSHA: SHA_A2 } })
  t.equal(sha.statusCode, 409)
  t.equal((await post(app, url('worker'), { internal: { buildId: 'build-1', buildSHA: SHA_A1, branch: 'main' } })).statusCode, 200)
})

t.test('buildSHA latest with no build on the branch: updated, but no instances (docs)', async (t) => {
  const app = await build(t, opts())
  t.equal((await post(app, url('web'), { internal: { id: 'builder', branch: 'feature', buildSHA: 'latest' } })).statusCode, 200)
  const d = await readBack(app, url('web'))
  t.equal(d.instances, 0)
  t.strictSame(d.internal, {
    appId: '/shop/builder', nfObjectId: 'builder', nfObjectType: 'service', repository: 'https://github.com/acme/shop', branch: 'feature', buildSHA: 'latest'
  })
})

t.test('a build service whose builds are unlisted takes any commit and build id, and runs it', async (t) => {
  const app = await build(t, opts())
  t.equal((await post(app, url('web'), { internal: { id: 'opaque', buildSHA: 'c'.repeat(40) } })).statusCode, 200)
  let d = await readBack(app, url('web'))
  t.matchStrict(d.internal, { nfObjectId: 'opaque', branch: 'main', buildSHA: 'c'.repeat(40), deployedSHA: 'c'.repeat(40) })
  t.equal(d.instances, 2)
  t.equal((await post(app, url('web'), { internal: { buildId: 'anything' } })).statusCode, 200)
  d = await readBack(app, url('web'))
  t.matchStrict(d.internal, { buildId: 'anything', buildSHA: 'latest' })
  t.notOk('deployedSHA' in d.internal, 'the commit of a build nobody listed is unknown')
  t.equal(d.instances, 2, 'the build named is taken as built, so it runs')
})

t.test('unlisted builds: latest, or the branch\'s latest, runs the configured instances and a rollout that completes, with no deployedSHA', async (t) => {
  const clock = new ManualClock(T0)
  const app = await build(t, { ...opts(), clock, behaviour: { rollout: { pendingMs: 1000, inProgressMs: 1000 } } })
  const status = async () => (await get(app, '/v1/projects/shop/services/web')).json().data.status.deployment
  for (const internal of [{ id: 'opaque' }, { id: 'opaque', buildSHA: 'latest' }, { id: 'opaque', branch: 'feature', buildSHA: 'latest' }]) {
    clock.set(T0)
    t.equal((await post(app, url('web'), { internal })).statusCode, 200, JSON.stringify(internal))
    const d = await readBack(app, url('web'))
    t.equal(d.instances, 2, 'the configured instances run')
    t.strictSame(d.internal, {
      appId: '/shop/opaque',
      nfObjectId: 'opaque',
      nfObjectType: 'service',
      repository: 'https://github.com/acme/opaque',
      branch: internal.branch ?? 'main',
      buildSHA: 'latest'
    }, 'no buildId and no deployedSHA: neither is known')
    t.strictSame(await status(), { status: 'PENDING', reason: 'DEPLOYING', lastTransitionTime: T0.toISOString() })
    clock.advance(1000)
    t.equal((await status()).status, 'IN_PROGRESS')
    clock.advance(1000)
    t.strictSame(await status(), { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: new Date(T0.getTime() + 2000).toISOString() })
  }

  // The docs' rule for listed builds is unchanged: latest with no build on the branch waits, with 0 instances.
  clock.set(T0)
  t.equal((await post(app, url('web'), { internal: { id: 'builder', branch: 'feature' } })).statusCode, 200)
  t.equal((await readBack(app, url('web'))).instances, 0)
  clock.advance(86_400_000)
  t.equal((await status()).status, 'PENDING', 'and its rollout stays PENDING')
})

t.test('internal.id must name a build or combined service of the project', async (t) => {
  const app = await build(t, opts())
  for (const id of ['nobody', 'web']) {
    const res = await post(app, url('worker'), { internal: { id } })
    t.equal(res.statusCode, 404, id)
    t.equal(res.json().error.message, `body.internal.id: no build service "${id}" in project "shop" (its build services: builder, opaque, combo)`)
  }
  t.equal((await post(app, url('worker'), { internal: { id: 'combo' } })).statusCode, 200, 'combined services build too')
  t.matchStrict((await readBack(app, url('worker'))).internal, { nfObjectId: 'combo', deployedSHA: SHA_A1 })
})

t.test('an internal update of a service that deploys no build yet is a 409 that names the build services to choose from', async (t) => {
  const app = await build(t, opts())
  for (const service of ['web', 'fresh']) {
    const res = await post(app, url(service), { internal: { branch: 'main' } })
    t.equal(res.statusCode, 409, service)
    const { message, details } = res.json().error
    t.equal(message, `body.internal.id is required: service "${service}" does not deploy from a build service yet, so name the one ` +
      'to deploy from (build services in project "shop": builder, opaque, combo)')
    t.strictSame(details, { serviceId: service, field: 'body.internal.id', known: ['builder', 'opaque', 'combo'] })
  }
  t.equal((await post(app, url('web'), { internal: { id: 'opaque' } })).statusCode, 200, 'and naming one is accepted')
  t.equal((await post(app, url('fresh'), { docker: { configType: 'default' } })).statusCode, 200)
  t.strictSame(Object.keys(await readBack(app, url('fresh'))).sort(), ['buildpack', 'docker', 'instances', 'region', 'storage'],
    'a service never deployed has no image source')
})

t.test('unknown project or service: 404 naming it, and the ids that exist when there are 10 or fewer', async (t) => {
  const app = await build(t, opts())
  const p = await post(app, url('web', 'nope'), {})
  t.equal(p.statusCode, 404)
  t.equal(p.json().error.message, 'Project "nope" not found (projects: shop, other)')
  t.strictSame(p.json().error.details, { projectId: 'nope', known: ['shop', 'other'] })
  const s = await post(app, url('nope'), {})
  t.equal(s.statusCode, 404)
  t.equal(s.json().error.message, 'Service "nope" not found in project "shop" (its services: web, worker, fresh, builder, opaque, combo)')
  t.equal((await post(app, url('nope', 'other'), {})).json().error.message, 'Service "nope" not found in project "other" (its services: none)')
  for (const res of [await get(app, url('nope')), await get(app, '/v1/projects/shop/services/nope')]) {
    t.equal(res.json().error.message, s.json().error.message, 'the reads say the same')
  }
})

t.test('a 404 names no ids when there are more than 10, nor projects when a token is restricted to some', async (t) => {
  const many = Array.from({ length: 11 }, (_, i) => ({ id: `svc-${i}`, serviceType: 'deployment' as const }))
  const crowded = await build(t, { fixtures: { projects: [{ id: 'big', services: many }] } })
  const s = await post(crowded, '/v1/projects/big/services/nope/deployment', {})
  t.equal(s.json().error.message, 'Service "nope" not found in project "big"')
  t.strictSame(s.json().error.details, { projectId: 'big', serviceId: 'nope' })

  const fixtures = { ...richFixtures(), tokens: [{ token: 'all' }, { token: 'shop-only', projects: ['shop', 'gone'] }] }
  const restricted = await build(t, { fixtures })
  for (const token of ['all', 'shop-only']) {
    const res = await post(restricted, url('web', 'gone'), {}, { authorization: `Bearer ${token}` })
    t.equal(res.statusCode, 404, token)
    t.equal(res.json().error.message, 'Project "gone" not found', `${token}: "other" is not named to anyone`)
  }
})

t.test('combined and build services: image-source changes are 409, run configuration on combined is 200', async (t) => {
  const app = await build(t, opts())
  for (const body of [{ external: { imagePath: 'a:b' } }, { internal: { id: 'builder' } }]) {
    const res = await post(app, url('combo'), body)
    t.equal(res.statusCode, 409)
    t.equal(res.json().error.message, 'Service "combo" is a combined service: only deployment services can change their image source (external or internal)')
  }
  t.equal((await post(app, url('combo'), { buildpack: { configType: 'customProcess', customProcess: 'web' } })).statusCode, 200)
  const d = await readBack(app, url('combo'))
  t.strictSame(d.buildpack, { configType: 'customProcess', customProcess: 'web' })
  t.matchStrict(d.internal, { nfObjectId: 'combo', buildId: 'combo-1', deployedSHA: SHA_A1, buildSHA: 'latest' })

  for (const body of [{}, { docker: { configType: 'default' } }, { external: { imagePath: 'a:b' } }]) {
    const res = await post(app, url('builder'), body)
    t.equal(res.statusCode, 409, JSON.stringify(body))
    t.equal(res.json().error.message, 'Service "builder" is a build service: it has no deployment to update')
  }
  t.equal((await get(app, url('builder'))).statusCode, 409, 'nor one to read')
})

t.test('the team-scoped alias reaches the same state', async (t) => {
  const app = await build(t, opts())
  const res = await post(app, '/v1/teams/acme/projects/shop/services/web/deployment', { external: { imagePath: 'nginx:2' } })
  t.equal(res.statusCode, 200)
  t.equal((await readBack(app, url('web'))).external.imagePath, 'nginx:2')
  t.equal((await readBack(app, '/v1/teams/acme/projects/shop/services/web/deployment')).external.imagePath, 'nginx:2')
  const svc = await get(app, '/v1/teams/acme/projects/shop/services/web')
  t.equal(svc.json().data.deployment.external.imagePath, 'nginx:2')
})

t.test('path parameters arrive URL-encoded and are decoded', async (t) => {
  const app = await build(t, opts())
  const res = await post(app, '/v1/projects/sh%6Fp/services/w%65b/deployment', { external: { imagePath: 'nginx:3' } })
  t.equal(res.statusCode, 200)
  t.equal((await readBack(app, url('web'))).external.imagePath, 'nginx:3')
})
