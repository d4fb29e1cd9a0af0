import { once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import t from 'tap'
import { VERSION } from '../../src/version.js'
import { spawnCli } from '../support/cli.js'
import { richFixtures } from '../support/fixtures/rich.js'
import { send } from '../support/raw.js'

async function output (child: ReturnType<typeof spawnCli>) {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += String(d) })
  child.stderr.on('data', (d) => { stderr += String(d) })
  const [code] = await once(child, 'exit')
  return { code, stdout, stderr }
}

t.test('starts, logs its URL, serves, writes one JSON line per request, nothing on stderr, and exits 0 on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nf-server-'))
  const fixtures = join(dir, 'fixtures.json')
  writeFileSync(fixtures, JSON.stringify(richFixtures()))
  const child = spawnCli(['--port', '0', '--fixtures', fixtures], { HOST: '127.0.0.1', NORTHFLANK_MOCK_ALLOWED_HOSTS: 'mock.internal' })
  t.teardown(() => { child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += String(d) })
  const lines = createInterface({ input: child.stdout })
  const logged: any[] = []
  let url = ''
  for await (const line of lines) {
    const entry = JSON.parse(line)
    logged.push(entry)
    const started = /^northflank-mock \S+ listening on (\S+) \(fixtures: (.*)\)$/.exec(entry.msg)
    if (started !== null) {
      url = started[1] as string
      t.equal(started[2], fixtures, 'the start-up line names the fixtures')
      break
    }
  }
  t.matchStrict(url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(logged.length, 1, 'one start-up line')

  const res = await fetch(`${url}/v1/projects/shop/services/web`, { headers: { authorization: 'Bearer x' } })
  t.equal(res.status, 200, 'the fixtures file was loaded')
  const [line] = await once(lines, 'line')
  t.matchStrict(JSON.parse(line), { msg: 'request', method: 'GET', statusCode: 200 })
  // Answers whose schemas carry if/then blocks, serialized for the first time.
  for (const path of ['/_mock/fixtures', '/openapi.json']) t.equal((await fetch(url + path)).status, 200, path)
  t.equal((await send(url, 'GET', '/_mock/health', undefined, { host: 'mock.internal' })).status, 200, 'a host of NORTHFLANK_MOCK_ALLOWED_HOSTS')
  t.equal((await send(url, 'GET', '/_mock/health', undefined, { host: 'other.internal' })).status, 403, 'and no other')

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0)
  t.equal(stderr, '', 'nothing on stderr: no warning from a serializer')
})

t.test('a bad fixtures file stops the start with a message naming the file and the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nf-server-'))
  const fixtures = join(dir, 'broken.json')
  writeFileSync(fixtures, JSON.stringify({ projects: [{ id: 'p', services: [{ id: 's', serviceType: 'nope' }] }] }))
  const { code, stderr } = await output(spawnCli(['--port', '0'], { NORTHFLANK_MOCK_FIXTURES: fixtures }))
  t.equal(code, 1)
  t.matchStrict(stderr, `northflank-mock: fixtures ${fixtures}: fixtures.projects[0].services[0].serviceType must be one of`)
})

t.test('a bad flag stops with the usage; --help prints it and exits 0', async (t) => {
  const bad = await output(spawnCli(['--port', 'x']))
  t.equal(bad.code, 1)
  t.matchStrict(bad.stderr, 'northflank-mock: invalid --port / PORT ("x")')
  const help = await output(spawnCli(['--help']))
  t.equal(help.code, 0)
  t.matchStrict(help.stdout, /^Usage: northflank-mock \[options\]/)
})

// -h and -v are the same options to parseArgs (test/config/config.test.ts): one spawn each is enough here.
t.test('--version prints the version alone and exits 0', async (t) => {
  const { code, stdout } = await output(spawnCli(['--version']))
  t.equal(code, 0)
  t.equal(stdout, `${VERSION}\n`)
})

t.test('a port already taken is one line naming --port, PORT and 0, not a crash trace', async (t) => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const port = (server.address() as { port: number }).port
  const { code, stdout, stderr } = await output(spawnCli(['--port', String(port)]))
  t.equal(code, 1, 'the exit code of the other start-up errors')
  t.equal(stderr, `northflank-mock: port ${port} on 127.0.0.1 is in use (EADDRINUSE): choose another with --port / PORT (0 picks a free one)\n`)
  t.equal(stdout, '', 'no start-up line')
  const byEnv = await output(spawnCli([], { PORT: String(port) }))
  t.equal(byEnv.code, 1)
  t.equal(byEnv.stderr, stderr, 'the same, with the port from PORT')
})

t.test('an address not of this machine is one line naming --host and HOST', async (t) => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, no machine's address.
  const { code, stderr } = await output(spawnCli(['--port', '0', '--host', '192.0.2.1']))
  t.equal(code, 1)
  t.equal(stderr, 'northflank-mock: cannot listen on 192.0.2.1: not an address of this machine (EADDRNOTAVAIL); ' +
    'choose another with --host / HOST (127.0.0.1: this machine only; 0.0.0.0: every interface)\n')
})

t.test('--log-pretty writes human-readable lines instead of JSON', async (t) => {
  const child = spawnCli(['--port', '0', '--log-pretty'])
  t.teardown(() => { child.kill('SIGKILL') })
  const lines = createInterface({ input: child.stdout })
  for await (const line of lines) {
    if (line.includes('listening on')) {
      t.matchStrict(line, /INFO.*northflank-mock \S+ listening on http:\/\/127\.0\.0\.1:\d+/)
      t.throws(() => JSON.parse(line))
      break
    }
  }
  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0)
})
