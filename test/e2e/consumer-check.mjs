// Run by test/e2e/install.sh inside a consumer project that has just installed northflank-mock (its cwd),
// with the expected version as argument: the package's API and its installed CLI, as a user would use them.
// Plain JavaScript. With `msw` as second argument, the consumer has also installed msw and the official
// client, and northflank-mock/msw answers the client on its default host; otherwise the consumer has
// nothing else installed.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { startMock, VERSION } from 'northflank-mock'

const expected = process.argv[2]
const withMsw = process.argv[3] === 'msw'
const BIN = join(process.cwd(), 'node_modules', '.bin', 'northflank-mock')
const AUTH = { authorization: 'Bearer any-token' }

assert.equal(VERSION, expected, 'the package exports its version')

/** The inspector's page, with its script inline: the script is a file the package must carry beside each build. */
async function inspectorServed (url) {
  const page = await fetch(`${url}/_mock/ui`)
  assert.equal(page.status, 200, 'GET /_mock/ui')
  assert.match(await page.text(), /northflank-mock:admin-token/, 'the page carries its script')
}

// The library: startMock, an API call, an admin helper.
const mock = await startMock()
try {
  const service = await fetch(`${mock.url}/v1/projects/default-project/services/example-service`, { headers: AUTH })
  assert.equal(service.status, 200, 'GET service')
  const health = await (await fetch(`${mock.url}/_mock/health`)).json()
  assert.equal(health.version, expected)
  assert.equal(await mock.admin.count({ method: 'GET', service: 'example-service', status: 200 }), 1, 'the journal counted it')
  await inspectorServed(mock.url)
} finally {
  await mock.close()
}
console.log('   startMock: serves, journals, closes; the inspector page has its script')

// northflank-mock/msw: msw is an optional peer, resolved from where the package really is (as pino-pretty
// below). Installed: the official client on its default host is answered by the emulator, in process.
const real = realpathSync(join(process.cwd(), 'node_modules', 'northflank-mock', 'package.json'))
const resolvable = (name) => {
  try {
    createRequire(real).resolve(`${name}/package.json`)
    return true
  } catch {
    return false
  }
}
if (withMsw) {
  const { setupServer } = await import('msw/node')
  const { ApiClient, ApiClientInMemoryContextProvider } = await import('@northflank/js-client')
  const { northflankHandlers } = await import('northflank-mock/msw')
  const intercepted = await startMock()
  const server = setupServer(...northflankHandlers(intercepted))
  server.listen({ onUnhandledRequest: 'error' })
  try {
    const contexts = new ApiClientInMemoryContextProvider()
    await contexts.addContext({ name: 'default-host', token: 'any-token' })
    const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true })
    const parameters = { projectId: 'default-project', serviceId: 'example-service' }
    await api.update.service.deployment({ parameters, data: { external: { imagePath: 'nginx:1.27' } } })
    const read = await api.get.service.deployment({ parameters })
    assert.equal(read.data.external.imagePath, 'nginx:1.27', 'read back through the official client')
    const bad = await fetch('https://api.northflank.com/v1/projects/default-project/services/example-service/deployment', {
      method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"external":{}}'
    })
    assert.equal(bad.status, 400)
    assert.equal(bad.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.equal((await bad.json()).error.message, 'body.external.imagePath is required')
    assert.equal(await intercepted.admin.verify({ method: 'POST', body: { external: { imagePath: 'nginx:1.27' } }, count: { exactly: 1 } }), 1)
  } finally {
    server.close()
    await intercepted.close()
  }
  console.log('   northflank-mock/msw: the official client on api.northflank.com is answered by the emulator; a 400 stays one; verify sees the call')
} else if (!resolvable('msw')) {
  await assert.rejects(import('northflank-mock/msw'), { code: 'ERR_MODULE_NOT_FOUND', message: /'msw'/ })
  console.log('   northflank-mock/msw without msw installed: a plain module-not-found naming msw')
}

// The CLI, through the bin link npm made.
const version = spawnSync(BIN, ['--version'], { encoding: 'utf8' })
assert.equal(version.status, 0, version.stderr)
assert.equal(version.stdout, `${expected}\n`)

const cli = spawn(BIN, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
try {
  const lines = createInterface({ input: cli.stdout })
  const [first] = await once(lines, 'line')
  const url = /listening on (\S+)/.exec(JSON.parse(first).msg)?.[1]
  assert.ok(url, `the start-up line names the URL: ${first}`)
  const res = await fetch(`${url}/v1/projects/default-project/services/example-service`, { headers: AUTH })
  assert.equal(res.status, 200)
  await inspectorServed(url)
  cli.kill('SIGTERM')
  const [code] = await once(cli, 'exit')
  assert.equal(code, 0, 'SIGTERM: a clean exit')
} finally {
  cli.kill('SIGKILL')
}
console.log('   CLI: --version, starts, serves (the inspector page with its script), exits 0 on SIGTERM')

// --log-pretty: pino-pretty is an optional peer, resolved from where the package really is (a path install
// runs from the linked folder, whose own dev dependencies include it). There, pretty lines; elsewhere, a
// message that says how to get it, not a stack trace.
if (resolvable('pino-pretty')) {
  const child = spawn(BIN, ['--log-pretty', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const [first] = await once(createInterface({ input: child.stdout }), 'line')
    assert.match(first, /INFO.*northflank-mock \S+ listening on http:\/\/127\.0\.0\.1:\d+/)
    assert.throws(() => JSON.parse(first), SyntaxError, 'a pretty line, not JSON')
  } finally {
    child.kill('SIGKILL')
  }
  console.log('   CLI: --log-pretty prints pretty lines (pino-pretty found beside the package)')
} else {
  const pretty = spawnSync(BIN, ['--log-pretty', '--port', '0'], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(pretty.status, 1, pretty.stdout)
  assert.match(pretty.stderr, /^northflank-mock: --log-pretty needs the pino-pretty package, which is not installed: install it beside northflank-mock \(npm install --save-dev pino-pretty\)/)
  assert.doesNotMatch(pretty.stderr, /\n\s+at /, 'no stack trace')
  console.log('   CLI: --log-pretty without pino-pretty says how to get it')
}
