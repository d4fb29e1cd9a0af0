/**
 * The control plane answers only its own callers: no web page of another origin, no host name it does not
 * know (DNS rebinding), over a real socket with the headers a browser sends. What a browser itself does is
 * in callers.browser.test.ts.
 */
import t, { type Test } from 'tap'
import { startMock, type MockServer, type StartOptions } from '../../../src/index.js'
import { hostAllowed, hostName, originAllowed } from '../../../src/routes/admin/callers.js'
import { send } from '../../support/raw.js'

const DEPLOYMENT = '/v1/projects/default-project/services/example-service/deployment'
const IMAGE = 'nginx:before-the-attempts'

async function mock (t: Test, options: StartOptions = {}): Promise<MockServer> {
  const m = await startMock(options)
  t.teardown(() => m.close())
  return m
}

t.test('host names: loopback, IP literals and single-label names by default; listed names; * for any', async (t) => {
  for (const host of ['localhost', 'localhost:8080', 'LOCALHOST:8080', 'app.localhost:3000', 'localhost.', '127.0.0.1:8080',
    '127.1.2.3', '10.0.0.7:80', '[::1]:8080', '[::1]', '[2001:db8::1]:443', 'northflank:8080', 'nf-mock', 'my_service']) {
    t.equal(hostAllowed(host, []), true, host)
  }
  for (const host of ['evil.example', 'evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io:8080', 'mock.internal', '[::1', '', '-bad', 'a b']) {
    t.equal(hostAllowed(host, []), false, host)
  }
  t.equal(hostAllowed('mock.internal:8080', ['mock.internal']), true, 'a listed name')
  t.equal(hostAllowed('MOCK.Internal', ['mock.internal']), true, 'in any case')
  t.equal(hostAllowed('a.mock.internal', ['mock.internal']), false, 'not its subdomains')
  t.equal(hostAllowed('a.mock.internal', ['.mock.internal']), true, '.name: its subdomains')
  t.equal(hostAllowed('mock.internal', ['.mock.internal']), true, '.name: and itself')
  t.equal(hostAllowed('evilmock.internal', ['.mock.internal']), false, '.name is no suffix of another name')
  t.equal(hostAllowed('anything.at.all', ['*']), true, '*')
  t.equal(hostName('[::1]:8080'), '[::1]')
  t.equal(hostName('Example.COM.:80'), 'example.com')
})

t.test('origins: the same host and port as the request, or a listed host; never any other', async (t) => {
  t.equal(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', []), true, 'the inspector\'s own origin')
  t.equal(originAllowed('http://localhost', 'localhost:80', []), true, 'a default port written out in Host')
  t.equal(originAllowed('http://127.0.0.1:8081', '127.0.0.1:8080', []), false, 'another port is another origin')
  t.equal(originAllowed('https://evil.example', '127.0.0.1:8080', []), false)
  t.equal(originAllowed('null', '127.0.0.1:8080', []), false, 'a sandboxed frame or a file: page')
  t.equal(originAllowed('chrome-extension://abc', '127.0.0.1:8080', []), false)
  t.equal(originAllowed('https://mock.example.com', '10.0.0.7:8080', ['.example.com']), true, 'a listed host, behind a proxy')
  t.equal(originAllowed('https://evil.example', 'mock.example', ['*']), false, '* allows any Host, never any other Origin')
  t.equal(originAllowed('http://localhost:8080', undefined, []), false, 'no Host to compare with')
  t.equal(originAllowed('http://a', 'a b', ['*']), false, 'a Host that is no authority (let through by *) is no origin\'s')
})

t.test('cross-site attempts to reset or change the emulator change nothing', async (t) => {
  const m = await mock(t)
  t.equal((await send(m.url, 'POST', DEPLOYMENT, { external: { imagePath: IMAGE } }, { authorization: 'Bearer a' })).status, 200)
  const state = await m.admin.state()
  const own = new URL(m.url).host
  const foreign = { origin: 'https://evil.example' }
  const attempts: Array<[string, string, string, string | undefined, Record<string, string>]> = [
    ['reset, no content type (fetch with mode: no-cors)', 'POST', '/_mock/reset', undefined, foreign],
    ['reset, text/plain', 'POST', '/_mock/reset', 'x', { ...foreign, 'content-type': 'text/plain' }],
    ['reset, a form', 'POST', '/_mock/reset', 'a=b', { ...foreign, 'content-type': 'application/x-www-form-urlencoded' }],
    ['reset, Origin null', 'POST', '/_mock/reset', undefined, { origin: 'null' }],
    ['reset, another port on this machine', 'POST', '/_mock/reset', undefined, { origin: 'http://127.0.0.1:1' }],
    ['reset, a rebinding page (its own name as Host)', 'POST', '/_mock/reset', undefined, { host: 'evil.example:8080', origin: 'http://evil.example:8080' }],
    ['fixtures, a rebinding page', 'POST', '/_mock/fixtures', '{"projects":[]}', { host: 'evil.example:8080' }],
    ['a fault rule', 'POST', '/_mock/faults', '{"action":{"status":503}}', foreign],
    ['the journal cleared', 'DELETE', '/_mock/journal', undefined, foreign],
    ['the latency', 'PUT', '/_mock/latency', '{"ms":5000}', { host: `evil.example:${new URL(m.url).port}` }]
  ]
  for (const [name, method, path, body, headers] of attempts) {
    const res = await send(m.url, method, path, body, headers)
    t.equal(res.status, 403, name)
    t.equal(res.body.error.status, 403)
    t.matchStrict(res.body.error.details, { reason: headers.host === undefined ? 'foreign-origin' : 'foreign-host' }, name)
  }
  t.strictSame(await m.admin.state(), state, 'the state is as it was')
  t.strictSame(await m.admin.faults(), [], 'no fault rule')
  t.equal((await m.admin.journal()).length, 1, 'the journal is as it was')
  t.equal((await send(m.url, 'GET', DEPLOYMENT, undefined, { authorization: 'Bearer a' })).body.data.external.imagePath, IMAGE)
  t.equal((await send(m.url, 'POST', '/_mock/reset', undefined, { origin: `http://${own}` })).status, 200, 'the inspector\'s own origin resets')
})

t.test('a rebinding page cannot read the journal or the state; the messages say why and what is answered', async (t) => {
  const m = await mock(t)
  const journal = await send(m.url, 'GET', '/_mock/journal', undefined, { host: 'attacker.example:8080' })
  t.equal(journal.status, 403)
  t.equal(journal.body.error.message, 'Forbidden: /_mock does not answer the host name "attacker.example"; it answers loopback names and ' +
    'addresses, IP literals, single-label names (a compose service) and those given with --allowed-hosts (NORTHFLANK_MOCK_ALLOWED_HOSTS)')
  t.strictSame(journal.body.error.details, { reason: 'foreign-host', host: 'attacker.example' })
  const state = await send(m.url, 'GET', '/_mock/state', undefined, { origin: 'https://evil.example' })
  t.equal(state.status, 403)
  t.equal(state.body.error.message, 'Forbidden: /_mock refuses requests from web pages of another origin (https://evil.example); it answers ' +
    'its own inspector and clients that send no Origin header (curl, test code, the admin client)')
  t.equal((await send(m.url, 'GET', '/_mock/ui', undefined, { host: 'attacker.example' })).status, 403, 'nor load the inspector')
  t.equal((await send(m.url, 'GET', '/_mock/nothing', undefined, { host: 'attacker.example' })).status, 403, 'an unknown path is refused alike')
})

t.test('the check comes before the admin token: a foreign page learns nothing of it', async (t) => {
  const m = await mock(t, { adminToken: 'admin' })
  const res = await send(m.url, 'GET', '/_mock/state', undefined, { origin: 'https://evil.example', 'x-mock-admin-token': 'admin' })
  t.equal(res.status, 403, 'even with the right token')
  t.equal((await send(m.url, 'GET', '/_mock/state', undefined, { origin: 'https://evil.example' })).status, 403, 'and without: 403, not 401')
})

t.test('a compose service name, loopback names, addresses and listed hosts reach the control plane; the API is not checked', async (t) => {
  const m = await mock(t, { allowedHosts: ['mock.internal', '.example.com'] })
  const port = new URL(m.url).port
  for (const host of [`northflank:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `mock.internal:${port}`, `a.b.example.com:${port}`]) {
    t.equal((await send(m.url, 'GET', '/_mock/state', undefined, { host })).status, 200, host)
  }
  t.equal((await send(m.url, 'GET', '/_mock/state', undefined, { host: `other.internal:${port}` })).status, 403, 'an unlisted name')
  t.equal((await send(m.url, 'POST', '/_mock/reset', undefined, { host: `mock.internal:${port}`, origin: `http://mock.internal:${port}` })).status, 200,
    'a page served under a listed name is same-origin')
  const api = await send(m.url, 'GET', DEPLOYMENT, undefined, { host: 'api.northflank.test', authorization: 'Bearer a', origin: 'https://evil.example' })
  t.equal(api.status, 200, 'the emulated API answers any Host and Origin, as an API does')
})

t.test('allowedHosts * answers any Host, and still no foreign Origin', async (t) => {
  const m = await mock(t, { allowedHosts: ['*'] })
  t.equal((await send(m.url, 'GET', '/_mock/state', undefined, { host: 'anything.example' })).status, 200)
  t.equal((await send(m.url, 'POST', '/_mock/reset', undefined, { host: 'anything.example', origin: 'https://evil.example' })).status, 403)
})
