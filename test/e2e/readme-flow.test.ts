// The README's integration-test flow, run as written (with '../src/index.js' for 'northflank-mock').
import t from 'tap'
import { ApiClient, ApiClientInMemoryContextProvider, NorthflankApiCallError } from '@northflank/js-client'
import { createAdminClient, startMock } from '../../src/index.js'

t.test('a deployment through the official client, checked via the journal and the state', async (t) => {
  // One emulator per test file, on a free port.
  const mock = await startMock()
  t.teardown(() => mock.close())

  // 1. Seed: the project and service the code under test expects.
  await mock.admin.loadFixtures({
    projects: [{
      id: 'shop',
      services: [{ id: 'web', serviceType: 'deployment', deployment: { external: { imagePath: 'shop/web:1.0' } } }]
    }]
  })

  // 2. Deploy through the official client, pointed at the emulator.
  const contexts = new ApiClientInMemoryContextProvider()
  await contexts.addContext({ name: 'mock', token: 'test-token', host: mock.url })
  const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true })
  await api.update.service.deployment({
    parameters: { projectId: 'shop', serviceId: 'web' },
    data: { external: { imagePath: 'shop/web:1.1' } }
  })

  // 3. Assert on what was sent (journal) and on what it did (state).
  t.equal(await mock.admin.count({ method: 'POST', service: 'web', status: 200 }), 1)
  const [sent] = await mock.admin.journal({ method: 'POST', service: 'web' })
  t.same(sent?.body, { external: { imagePath: 'shop/web:1.1' } })
  t.equal(sent?.headers.authorization, 'Bearer ***')
  const state = await mock.admin.state()
  t.match(state.projects.shop?.services.web?.deployment?.source, { kind: 'external', imagePath: 'shop/web:1.1' })

  // 4. Make the API misbehave: the next deployment answers 503, and the client sees it.
  await mock.admin.addFault({ match: { method: 'POST', serviceId: 'web' }, action: { status: 503 }, times: 1 })
  const failed = await api.update.service.deployment({
    parameters: { projectId: 'shop', serviceId: 'web' },
    data: { external: { imagePath: 'shop/web:1.2' } }
  }).catch((err: unknown) => err)
  t.ok(failed instanceof NorthflankApiCallError)
  t.equal((failed as NorthflankApiCallError).status, 503)
  t.equal(await mock.admin.count({ method: 'POST', service: 'web', status: 503 }), 1)

  // 5. Reset: back to the seeded fixtures, journal and fault rules cleared, for the next test.
  await mock.admin.reset()
  t.equal(await mock.admin.count(), 0)
  t.same(await mock.admin.faults(), [])
  t.match((await mock.admin.state()).projects.shop?.services.web?.deployment?.source, { imagePath: 'shop/web:1.0' })
})

t.test('parallel test files share one emulator with isolation, each under its own token', async (t) => {
  const mock = await startMock({ isolation: true })
  t.teardown(() => mock.close())

  async function testFile (token: string, tag: string) {
    const admin = createAdminClient(mock.url, { token })
    const contexts = new ApiClientInMemoryContextProvider()
    await contexts.addContext({ name: token, token, host: mock.url })
    const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true })
    await api.update.service.deployment({
      parameters: { projectId: 'default-project', serviceId: 'example-service' },
      data: { external: { imagePath: `nginx:${tag}` } }
    })
    const read = await api.get.service.deployment({ parameters: { projectId: 'default-project', serviceId: 'example-service' } })
    return { image: (read.data as { external?: { imagePath: string } }).external?.imagePath, posts: await admin.count({ method: 'POST' }) }
  }

  const [a, b] = await Promise.all([testFile('file-a', 'a'), testFile('file-b', 'b')])
  t.same(a, { image: 'nginx:a', posts: 1 })
  t.same(b, { image: 'nginx:b', posts: 1 })
})
