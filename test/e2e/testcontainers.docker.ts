/**
 * The Testcontainers module against a real Docker engine (`npm run test:docker`, not `npm test`): start
 * the image `npm run docker:build` made, deploy through the official client, verify, stop.
 * NORTHFLANK_MOCK_IMAGE picks another image.
 */
import t from 'tap'
import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client'
import { NorthflankMockContainer } from '../../src/testcontainers.js'
import { VerificationError } from '../../src/index.js'

const image = process.env.NORTHFLANK_MOCK_IMAGE

t.test('a container with fixtures, an admin token and isolation: deploy with the official client, verify, stop', async (t) => {
  const container = await new NorthflankMockContainer(image)
    .withFixtures({ projects: [{ id: 'shop', services: [{ id: 'web', serviceType: 'deployment', deployment: { external: { imagePath: 'shop/web:1' } } }] }] })
    .withAdminToken('admin-secret')
    .withIsolation()
    .withEnvironment({ LOG_LEVEL: 'warn' })
    .start()
  t.teardown(() => container.stop())

  t.matchStrict(await container.admin.health(), { status: 'ok', isolation: true })
  const contexts = new ApiClientInMemoryContextProvider()
  await contexts.addContext({ name: 'container', token: 'suite-token', host: container.getApiUrl() })
  const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true })
  await api.update.service.deployment({ parameters: { projectId: 'shop', serviceId: 'web' }, data: { external: { imagePath: 'shop/web:2' } } })

  t.equal(await container.admin.verify({ method: 'POST', service: 'web', body: { external: { imagePath: 'shop/web:2' } }, count: { exactly: 1 } },
    { token: 'suite-token' }), 1)
  const miss = await container.admin.verify({ body: { external: { imagePath: 'shop/web:3' } } }, { token: 'suite-token' }).catch((e: unknown) => e)
  t.ok(miss instanceof VerificationError)
  t.matchStrict((miss as Error).message, /got "shop\/web:2"/)
  const state = await container.admin.state({ token: 'suite-token' })
  t.matchStrict(state.projects.shop?.services.web?.deployment?.source, { kind: 'external', imagePath: 'shop/web:2' })

  const unguarded = await fetch(`${container.getApiUrl()}/_mock/state`)
  t.equal(unguarded.status, 401, 'the admin token guards the container\'s control plane')
})

t.test('fixtures from a file on this machine', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(join(tmpdir(), 'nf-tc-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'fixtures.json')
  writeFileSync(file, JSON.stringify({ projects: [{ id: 'from-file', services: [] }] }))
  const container = await new NorthflankMockContainer(image).withFixtures(file).start()
  t.teardown(() => container.stop())
  t.strictSame(Object.keys((await container.admin.state()).projects), ['from-file'])
})

// The image holds the bundled server alone (no node_modules): what it reads or loads beside its own code
// still works there.
t.test('the bundle alone serves the inspector page and the OpenAPI document, and keeps a state file', async (t) => {
  const stateFile = '/tmp/northflank-state.json'
  const container = await new NorthflankMockContainer(image).withEnvironment({ NORTHFLANK_MOCK_STATE_FILE: stateFile }).start()
  t.teardown(() => container.stop())
  const url = container.getApiUrl()

  const page = await fetch(`${url}/_mock/ui`)
  t.equal(page.status, 200)
  t.matchStrict(page.headers.get('content-security-policy'), /script-src 'sha256-[A-Za-z0-9+/]+=*'/)
  t.matchStrict(await page.text(), /<script>[\s\S]*\/_mock\/journal[\s\S]*<\/script>/, 'the page carries the inspector\'s script')

  const openapi = await fetch(`${url}/openapi.json`)
  t.equal(openapi.status, 200)
  const document = await openapi.json() as { openapi: string, paths: Record<string, unknown> }
  t.equal(document.openapi, '3.1.0')
  t.ok('/v1/projects/{projectId}/services/{serviceId}/deployment' in document.paths)

  const update = await fetch(`${url}/v1/projects/default-project/services/example-service/deployment`, {
    method: 'POST', headers: { authorization: 'Bearer any', 'content-type': 'application/json' }, body: JSON.stringify({ external: { imagePath: 'saved/app:7' } })
  })
  t.equal(update.status, 200)
  // Saved shortly after the change (docs/control-plane.md).
  let saved = ''
  for (let i = 0; i < 100 && !saved.includes('saved/app:7'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    saved = (await container.exec(['cat', stateFile])).output
  }
  t.matchStrict(saved, /"imagePath":\s*"saved\/app:7"/, 'the state file holds the update')
})
