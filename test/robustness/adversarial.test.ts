import t from 'tap'
import { MAX_PROBLEMS } from '../../src/errors.js'
import { adversarialBodies } from '../support/adversarial-bodies.js'
import { build, DEPLOYMENT_URL, post, readBack } from '../support/helper.js'

const LIMIT = 1048576 // the default body limit

/**
 * Generous on purpose: a backtracking pattern misses it by orders of magnitude (the verbatim imagePath
 * pattern takes ~0.6 s on 16 KiB, minutes on 1 MiB), while a linear one stays far below it. Measured as
 * this process's CPU time, which is what a request takes from the event loop, and which other processes
 * on a busy machine do not inflate as they do wall time.
 */
function boundMs (bytes: number): number {
  return 50 + 0.5 * (bytes / 1024)
}

function cpuMs (since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

t.test('adversarial bodies up to the body limit are answered within a linear-time bound, with a small answer', async (t) => {
  const app = await build(t)
  const before = await readBack(app)
  // The first request of a process also compiles code: that is start-up, not per-request cost.
  for (const { text } of adversarialBodies(1024)) await post(app, DEPLOYMENT_URL, text)

  // Growing sizes, so a backtracking engine fails at the first and smallest, in a second, not after minutes.
  for (const size of [16 * 1024, 256 * 1024, LIMIT]) {
    let slow = false
    for (const { name, text } of adversarialBodies(size)) {
      const bytes = Buffer.byteLength(text)
      t.ok(bytes <= LIMIT, `${name}: ${bytes} bytes is within the limit`)
      const since = process.cpuUsage()
      const res = await post(app, DEPLOYMENT_URL, text)
      const ms = cpuMs(since)
      if (!t.ok(ms < boundMs(bytes), `${name}, ${bytes} bytes: ${ms.toFixed(1)} ms of CPU < ${boundMs(bytes).toFixed(0)} ms`)) slow = true
      t.ok(res.statusCode === 400 || res.statusCode === 200, `${name}: answered ${res.statusCode}`)
      t.ok(res.body.length < 64 * 1024, `${name}: a ${res.body.length}-byte answer`)
      if (res.statusCode === 400) {
        const { error } = res.json()
        t.equal(error.status, 400)
        t.ok(error.message.length < 2000, `${name}: a ${error.message.length}-character message`)
      } else {
        // Only the valid body of the lot: a tag of any length is allowed (the wire schema sets no maxLength
        // on imagePath; docs/northflank-contract.md, "The request body").
        t.equal(name, 'imagePath valid, huge tag')
      }
    }
    // Past a miss, bigger bodies would take minutes each: the test has failed already.
    if (slow) return
  }
  // The valid huge-tag body was the last to succeed; put the service back and check nothing else changed.
  const { external: _external, ...rest } = await readBack(app)
  const { external: _before, ...restBefore } = before
  t.same(rest, restBefore, 'only the accepted bodies changed the deployment')
})

t.test('a body over the limit is refused with 413 before it is parsed', async (t) => {
  const app = await build(t)
  const res = await post(app, DEPLOYMENT_URL, JSON.stringify({ external: { imagePath: `${'a'.repeat(LIMIT)}:x` } }))
  t.equal(res.statusCode, 413)
  t.equal(res.json().error.status, 413)
})

t.test('a body with thousands of unknown keys lists the first 100 problems and says there are more', async (t) => {
  const app = await build(t)
  const keys = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))
  const res = await post(app, DEPLOYMENT_URL, { docker: { configType: 'default', ...keys } })
  t.equal(res.statusCode, 400)
  const { error } = res.json()
  t.equal(error.details.errors.length, MAX_PROBLEMS)
  t.equal(error.details.truncated, true)
  t.same(error.details.errors.slice(0, 2).map((p: { path: string }) => p.path), ['body.docker.k0', 'body.docker.k1'])
  t.equal(error.message.match(/ is not allowed/g).length, 5, 'the message spells out five problems')
  t.ok(error.message.endsWith(`; and more (details.errors lists the first ${MAX_PROBLEMS})`))
  t.ok(error.message.length < 1000)
})

t.test('a body with a few unknown keys lists every one of them', async (t) => {
  const app = await build(t)
  const keys = Object.fromEntries(Array.from({ length: MAX_PROBLEMS }, (_, i) => [`k${i}`, i]))
  const res = await post(app, DEPLOYMENT_URL, keys)
  const { error } = res.json()
  t.equal(error.details.errors.length, MAX_PROBLEMS)
  t.notOk('truncated' in error.details)
  t.match(error.message, new RegExp(`; and ${MAX_PROBLEMS - 5} more \\(see details.errors\\)$`))
})

t.test('a very long unknown key is cut short in the problem path and message', async (t) => {
  const app = await build(t)
  const key = 'x'.repeat(100_000)
  const res = await post(app, DEPLOYMENT_URL, { docker: { configType: 'default', [key]: 1 } })
  const { error } = res.json()
  t.equal(error.details.errors[0].path, `body.docker["${'x'.repeat(64)}"…]`)
  t.ok(error.message.length < 500)
})
