import t from 'tap'
import { MAX_PROBLEMS } from '../../src/errors.js'
import { adversarialBodies } from '../support/adversarial-bodies.js'
import { build, DEPLOYMENT_URL, post, readBack } from '../support/helper.js'

const LIMIT = 1048576 // the default body limit

// No timing is asserted here (machines are noisy; speed belongs in `npm run bench`), but a backtracking
// pattern would still fail this test: it takes minutes on the larger bodies, past tap's timeout.
t.test('adversarial bodies up to the body limit are answered, each with a small answer', async (t) => {
  const app = await build(t)
  const before = await readBack(app)
  for (const size of [16 * 1024, 256 * 1024, LIMIT]) {
    for (const { name, text } of adversarialBodies(size)) {
      const bytes = Buffer.byteLength(text)
      t.ok(bytes <= LIMIT, `${name}: ${bytes} bytes is within the limit`)
      const res = await post(app, DEPLOYMENT_URL, text)
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
  }
  // The valid huge-tag body was the last to succeed; put the service back and check nothing else changed.
  const { external: _external, ...rest } = await readBack(app)
  const { external: _before, ...restBefore } = before
  t.strictSame(rest, restBefore, 'only the accepted bodies changed the deployment')
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
  t.strictSame(error.details.errors.slice(0, 2).map((p: { path: string }) => p.path), ['body.docker.k0', 'body.docker.k1'])
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
  t.matchStrict(error.message, new RegExp(`; and ${MAX_PROBLEMS - 5} more \\(see details.errors\\)$`))
})

t.test('a very long unknown key is cut short in the problem path and message', async (t) => {
  const app = await build(t)
  const key = 'x'.repeat(100_000)
  const res = await post(app, DEPLOYMENT_URL, { docker: { configType: 'default', [key]: 1 } })
  const { error } = res.json()
  t.equal(error.details.errors[0].path, `body.docker["${'x'.repeat(64)}"…]`)
  t.ok(error.message.length < 500)
})
