import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client'
import { setupServer } from 'msw/node'
import t, { type Test } from 'tap'
import { startMock, VERSION, type MockServer } from '../src/index.js'
import { northflankHandlers, type NorthflankHandlersOptions } from '../src/msw.js'

const API = 'https://api.northflank.com'
const SERVICE = '/v1/projects/default-project/services/example-service'
const AUTH = { authorization: 'Bearer test-token' }
const JSON_TYPE = { 'content-type': 'application/json' }

/** An emulator, and msw answering the code under test's calls from it, with every other request an error. */
async function intercepted (t: Test, options?: NorthflankHandlersOptions): Promise<MockServer> {
  const mock = await startMock()
  const server = setupServer(...northflankHandlers(mock, options))
  server.listen({ onUnhandledRequest: 'error' })
  t.teardown(async () => {
    server.close()
    await mock.close()
  })
  return mock
}

t.test('the official client on its default host is answered by the emulator, and verify sees its calls', async (t) => {
  const mock = await intercepted(t)
  const contexts = new ApiClientInMemoryContextProvider()
  await contexts.addContext({ name: 'default-host', token: 'test-token' })
  const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true })
  const updated = await api.update.service.deployment({
    parameters: { projectId: 'default-project', serviceId: 'example-service' },
    data: { external: { imagePath: 'shop/web:1.1' } }
  })
  t.strictSame(updated.data, {})
  const read = await api.get.service.deployment({ parameters: { projectId: 'default-project', serviceId: 'example-service' } })
  t.equal((read.data as { external?: { imagePath: string } }).external?.imagePath, 'shop/web:1.1', 'read back from the emulator')

  t.equal(await mock.admin.verify({ method: 'POST', service: 'example-service', body: { external: { imagePath: 'shop/web:1.1' } }, count: { exactly: 1 } }), 1)
  const [entry] = await mock.admin.journal({ method: 'POST' })
  t.equal(entry?.headers.host, 'api.northflank.com', 'journaled with the host it was sent to')
  t.equal(entry?.path, `${SERVICE}/deployment`)
})

t.test('a 400 reaches the caller as the emulator answers it: status, headers, the envelope byte for byte', async (t) => {
  const mock = await intercepted(t)
  const body = '{"external":{}}'
  const res = await fetch(`${API}${SERVICE}/deployment`, { method: 'POST', headers: { ...AUTH, ...JSON_TYPE }, body })
  t.equal(res.status, 400)
  t.equal(res.statusText, 'Bad Request')
  t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
  t.equal(res.headers.get('x-northflank-mock'), VERSION)
  t.equal(res.headers.get('x-ratelimit-remaining'), '999')
  const text = await res.text()
  const id = (JSON.parse(text) as { error: { id: string } }).error.id
  t.equal(text, `{"error":{"status":400,"message":"body.external.imagePath is required","id":"${id}","details":{"errors":[` +
    '{"path":"body.external.imagePath","rule":"required","expected":"imagePath","message":"body.external.imagePath is required"}]}}}')
  t.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)))

  // The same request over the emulator's socket: the same answer, but for the id, the date and the connection.
  const direct = await fetch(`${mock.url}${SERVICE}/deployment`, { method: 'POST', headers: { ...AUTH, ...JSON_TYPE }, body })
  const directText = await direct.text()
  const directId = (JSON.parse(directText) as { error: { id: string } }).error.id
  t.equal(text.replace(id, directId), directText, 'the same bytes')
  const headersOf = (r: Response, ...skip: string[]) => [...r.headers].filter(([name]) => !['date', 'x-ratelimit-remaining', ...skip].includes(name))
  t.strictSame(headersOf(res), headersOf(direct, 'connection', 'keep-alive'), 'the same headers')
})

t.test('bodies sent as streams, repeated headers, the team path, HEAD', async (t) => {
  const mock = await intercepted(t)
  const chunks = ['{"external":', '{"imagePath":"nginx:1.27"}}']
  const stream = new ReadableStream({
    start (controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
      controller.close()
    }
  })
  const headers = new Headers({ ...AUTH, ...JSON_TYPE })
  headers.append('x-trace', 'a')
  headers.append('x-trace', 'b')
  const res = await fetch(`${API}/v1/teams/my-team/projects/default-project/services/example-service/deployment`, {
    method: 'POST', headers, body: stream, duplex: 'half'
  } as RequestInit)
  t.equal(res.status, 200)
  t.equal(await res.text(), '{"data":{}}')
  const [entry] = await mock.admin.journal()
  t.strictSame(entry?.body, { external: { imagePath: 'nginx:1.27' } }, 'the whole body, read from the stream')
  t.equal(entry?.headers['x-trace'], 'a, b', 'a repeated header, combined as fetch combines it')
  t.equal(entry?.params.teamId, 'my-team')

  const head = await fetch(`${API}${SERVICE}`, { method: 'HEAD', headers: AUTH })
  t.equal(head.status, 200)
  t.equal(head.headers.get('content-type'), 'application/json; charset=utf-8')
  t.equal(await head.text(), '')
})

t.test('a path the emulator lacks gets its 404 with the closest route; /_mock at Northflank\'s host is refused', async (t) => {
  await intercepted(t)
  const missing = await fetch(`${API}/v1/projects/default-project/services/example-service/deployment/`, { method: 'PATCH', headers: AUTH })
  t.equal(missing.status, 404)
  t.matchStrict(((await missing.json()) as { error: { message: string } }).error.message, /^No route PATCH \/v1\/projects\/default-project\/services\/example-service\/deployment\/\./)

  const admin = await fetch(`${API}/_mock/reset`, { method: 'POST' })
  t.equal(admin.status, 403)
  t.equal(((await admin.json()) as { error: { message: string } }).error.message,
    'Forbidden: /_mock does not answer the host name "api.northflank.com"; it answers loopback names and addresses, IP literals, ' +
    'single-label names (a compose service) and those given with --allowed-hosts (NORTHFLANK_MOCK_ALLOWED_HOSTS)')
})

t.test('another base URL: its path prefix is taken off; a loopback host reaches the control plane as over a socket', async (t) => {
  const mock = await intercepted(t, { baseUrl: 'http://localhost:8080/northflank/' })
  const res = await fetch(`http://localhost:8080/northflank${SERVICE}`, { headers: AUTH })
  t.equal(res.status, 200)
  t.equal(((await res.json()) as { data: { id: string } }).data.id, 'example-service')
  t.equal((await fetch('http://localhost:8080/northflank')).status, 404, 'the prefix alone is the emulator\'s /')
  await mock.admin.addFault({ action: { status: 503 } })
  const cleared = await fetch('http://localhost:8080/northflank/_mock/faults', { method: 'DELETE' })
  t.equal(cleared.status, 204)
  t.equal(cleared.body, null)
  t.strictSame(await mock.admin.faults(), [])
  const unhandled = { name: 'InternalError', message: /Cannot bypass a request when using the "error" strategy/ }
  await t.rejects(fetch('http://localhost:8080/other'), unhandled, 'outside the prefix: unhandled, an error')
  await t.rejects(fetch(`${API}${SERVICE}`), unhandled, 'Northflank\'s own host is not answered then')
})

t.test('a dropped connection is a network error; an emulator that is gone, a 500 from msw', async (t) => {
  const mock = await intercepted(t)
  await t.rejects(fetch(`${API}${SERVICE}`, { headers: { ...AUTH, prefer: 'drop' } }), { name: 'TypeError', message: 'Failed to fetch' })
  t.equal(await mock.admin.count({ status: 0 }), 1, 'journaled as dropped')
  await mock.app.close()
  const res = await fetch(`${API}${SERVICE}`, { headers: AUTH })
  t.equal(res.status, 500)
})

t.test('a base URL that is not http is refused', async (t) => {
  const mock = await startMock()
  t.teardown(() => mock.close())
  t.throws(() => northflankHandlers(mock, { baseUrl: 'ftp://api.northflank.com' }), {
    name: 'TypeError', message: 'baseUrl must be an http: or https: URL, not "ftp://api.northflank.com"'
  })
})
