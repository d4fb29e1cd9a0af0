import t, { type Test } from 'tap'
import { run, type RunOptions } from '../../src/conformance/run.js'
import { RunError } from '../../src/conformance/sender.js'
import { emulatorTarget, json, targetFixtures, TOKEN, type StandInOptions } from '../support/conformance.js'

async function target (t: Test, options: StandInOptions = {}, fixtures = targetFixtures()) {
  return (await emulatorTarget(t, options, fixtures)).stand
}

function options (url: string, more: Partial<RunOptions> = {}): RunOptions {
  return { target: url, token: TOKEN, ids: { project: 'shop', service: 'web' }, allowDeploy: false, signal: new AbortController().signal, ...more }
}

/** The RunError a run rejects with. */
async function stop (promise: Promise<unknown>): Promise<{ message: string, exit: number }> {
  const err = await promise.then(() => new Error('resolved'), (e: unknown) => e)
  if (!(err instanceof RunError)) throw err
  return { message: err.message, exit: err.exit }
}

const error = (status: number, message: string) => json(status, { error: { status, message, id: 'e', details: {} } })

t.test('a read the target refuses stops the run before any probe, saying why in one line', async (t) => {
  const answers = [
    error(401, 'Unauthorized:\n  bad token'),
    error(403, 'Forbidden'),
    error(404, 'Not found'),
    { status: 502, headers: {}, body: Buffer.from('<html>') },
    json(200, { nodata: true })
  ]
  const stand = await target(t, { intercept: (_r, i) => answers[i] })
  t.strictSame(await stop(run(options(stand.url))), { message: 'the target refused the token (401: Unauthorized: bad token)', exit: 2 })
  t.strictSame(await stop(run(options(stand.url))), { message: 'the token may not read service "web" in project "shop" (403: Forbidden)', exit: 2 })
  t.strictSame(await stop(run(options(stand.url))), { message: 'the target has no service "web" in project "shop" (404: Not found)', exit: 2 })
  t.strictSame(await stop(run(options(stand.url))), { message: 'reading service "web" in project "shop" answered 502', exit: 2 })
  t.strictSame(await stop(run(options(stand.url))), { message: 'reading service "web" in project "shop" answered 200', exit: 2 })
  // The emulator's own message follows, whatever it says.
  t.matchStrict((await stop(run(options(stand.url, { ids: { project: 'shop', service: 'web', job: 'nope' } })))).message,
    /^the target has no job "nope" in project "shop" \(404: .+\)$/)
  t.equal(stand.requests.filter((r) => r.method !== 'GET').length, 0, 'nothing but reads')
})

t.test('what the emulator cannot mirror stops the run with the reason', async (t) => {
  const stand = await target(t, {
    rewrite: (r, answer) => {
      if (r.url === '/v1/projects/shop/services/web') return json(200, { data: { ...JSON.parse(String(answer.body)).data, serviceType: 'addon' } })
      if (r.url === '/v1/projects/shop/services/api/deployment') return json(200, { data: { external: { imagePath: 'nginx' } } })
      return answer
    }
  })
  t.strictSame(await stop(run(options(stand.url))),
    { message: 'the emulator cannot mirror what the target reads: the service\'s serviceType is "addon", not one of combined, build, deployment', exit: 2 })
  const bad = await stop(run(options(stand.url, { ids: { project: 'shop', service: 'api' } })))
  t.matchStrict(bad.message, /^the emulator cannot mirror what the target reads: fixtures\.projects\[0\]\.services\[0\]\.deployment\.external\.imagePath /)
})

t.test('when what the probes name as absent exists, the run stops before any update', async (t) => {
  const fixtures = targetFixtures()
  fixtures.projects[0]?.services.push({ id: 'nfmock-absent', serviceType: 'build', repository: '', branch: 'main' })
  const stand = await target(t, {}, fixtures)
  const result = await run(options(stand.url, { allowDeploy: true }))
  t.strictSame(result.stoppedBy && { message: result.stoppedBy.message, exit: result.stoppedBy.exit }, {
    message: 'GET /v1/projects/shop/services/nfmock-absent answered 200, not 404: the probes that follow name it as something that does not exist, ' +
      'so the run stops before sending them',
    exit: 2
  })
  t.equal(result.report.complete, false)
  t.equal(result.report.stopped, result.stoppedBy?.message)
  t.strictSame(result.report.probes, [], 'the guard is the first probe')
  t.strictSame(stand.requests.map((r) => r.method), ['GET', 'GET', 'GET'], 'two reads and the guard')
})

t.test('a target that goes away mid-run: the run stops, with what it has', async (t) => {
  const stand = await target(t, { dropFrom: 12 })
  const result = await run(options(stand.url))
  t.matchStrict(result.stoppedBy?.message, /^cannot reach http:\/\/127\.0\.0\.1:\d+: /)
  t.equal(result.report.probes.length, 10, 'the two reads, then ten probes')
  t.equal(result.report.requests.target, 13)
  t.equal(result.report.requests.emulator, 10)
  t.equal(result.report.targetIsEmulator, true)
  t.strictSame(result.builders, ['builder'], 'the build service the mirror knows of besides the service')
})

t.test('a run\'s waits and date come from the clock it is given: a 429 is waited out without sleeping', async (t) => {
  const stand = await target(t, {
    intercept: (_r, i) => i === 3 ? json(429, { error: { status: 429, message: 'slow down', id: 'x', details: {} } }, { 'retry-after': '20' }) : undefined
  })
  const waits: number[] = []
  const now = Date.parse('2027-01-05T10:00:00Z')
  const result = await run(options(stand.url, { sender: { now: () => now, sleep: async (ms) => { waits.push(ms) } } }))
  t.strictSame(waits, [20000])
  t.equal(result.report.date, '2027-01-05T10:00:00.000Z')
  t.equal(result.report.complete, true)
  t.equal(result.report.requests.target, result.report.probes.length + 3, 'two reads and a retry besides the probes')
})
