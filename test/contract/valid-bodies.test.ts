import t from 'tap'
import fc from 'fast-check'
import type { Fixtures } from '../../schemas/fixtures.js'
import { validBodyNaming } from '../support/arbitraries.js'
import { richFixtures, SHA_A1, SHA_A2, SHA_DEV } from '../support/fixtures/rich.js'
import { scaled } from '../support/heavy.js'
import { build, post } from '../support/helper.js'
import { independentValidator } from '../support/upstream.js'

// A 400 means the body is not JSON or breaks the published schema, and nothing else: a body the schema
// accepts, sent to a service in any state, is applied (200), names something that does not exist (404) or
// does not fit the service (409). Seeded; another seed: FC_SEED=123 npx tap test/contract/valid-bodies.test.ts
const SEED = Number(process.env.FC_SEED ?? 20261202)

/** One service in each state a body can meet. */
function fixtures (): Fixtures {
  const f = richFixtures()
  const shop = f.projects[0] as Fixtures['projects'][number]
  shop.services.push({ id: 'blind', serviceType: 'deployment', deployment: { internal: { id: 'opaque' } } })
  return f
}
const SERVICES = {
  web: 'deployment service running an external image',
  worker: 'deployment service running a build of a build service with listed builds',
  blind: 'deployment service running a build of a build service with unlisted builds',
  fresh: 'deployment service never deployed',
  combo: 'combined service',
  builder: 'build service with listed builds',
  opaque: 'build service with unlisted builds'
}

t.test('a schema-valid body is never a 400, whatever the state of the service it is sent to', async (t) => {
  const RUNS = scaled(400)
  const app = await build(t, { fixtures: fixtures() })
  const valid = independentValidator()
  const bodies = validBodyNaming({
    ids: ['builder', 'opaque', 'combo', 'web', 'nobody'],
    branches: ['main', 'dev', 'feature'],
    buildIds: ['build-1', 'build-2', 'build-dev', 'combo-1', 'nope'],
    shas: [SHA_A1, SHA_A2, SHA_DEV]
  })
  const seen: Record<string, number> = {}
  const details = await fc.check(fc.asyncProperty(bodies, async (body) => {
    if (valid(body) !== true) throw new Error(`the generator made an invalid body: ${JSON.stringify(body)}`)
    for (const service of Object.keys(SERVICES)) {
      await app.inject({ method: 'POST', url: '/_mock/reset' }) // each service in its fixture state
      const res = await post(app, `/v1/projects/shop/services/${service}/deployment`, body)
      seen[res.statusCode] = (seen[res.statusCode] ?? 0) + 1
      if (![200, 404, 409].includes(res.statusCode)) throw new Error(`${service}: ${res.statusCode} ${res.body}`)
    }
  }), { seed: SEED, numRuns: RUNS })
  t.notOk(details.failed, details.failed ? String(fc.defaultReportMessage(details)) : `${RUNS} bodies × 7 services (seed ${SEED})`)
  // The property only means something if the bodies reach every outcome.
  for (const status of ['200', '404', '409']) t.ok((seen[status] ?? 0) > RUNS / 4, `${seen[status]} answers were ${status}`)
})
