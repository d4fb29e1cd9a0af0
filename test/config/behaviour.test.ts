import t from 'tap'
import { parseConfig } from '../../src/config.js'
import { checkFixtures, defaultFixtures, FixturesError } from '../../src/domain/fixtures.js'
import { build, SERVICE_URL, get } from '../support/helper.js'

t.test('behaviour flags default to Northflank\'s limit, not enforced, and no latency or rollout steps', async (t) => {
  const config = parseConfig([], {})
  t.matchStrict(config, { rateLimit: false, rateLimitMax: 1000, rateLimitWindow: 3600, latency: 0, rolloutPending: 0, rolloutInProgress: 0 })
})

t.test('behaviour flags and their environment variables are read and checked', async (t) => {
  const config = parseConfig(['--rate-limit', '--rate-limit-max', '10', '--latency', '25', '--rollout-pending', '100'], {
    NORTHFLANK_MOCK_RATE_LIMIT_WINDOW: '60', NORTHFLANK_MOCK_ROLLOUT_IN_PROGRESS: '200'
  })
  t.matchStrict(config, { rateLimit: true, rateLimitMax: 10, rateLimitWindow: 60, latency: 25, rolloutPending: 100, rolloutInProgress: 200 })
  t.matchStrict(parseConfig([], { NORTHFLANK_MOCK_RATE_LIMIT: 'true' }), { rateLimit: true })
  t.throws(() => parseConfig(['--latency', '60001'], {}), /invalid --latency \/ NORTHFLANK_MOCK_LATENCY/)
  t.throws(() => parseConfig(['--rate-limit-max', '0'], {}), /invalid --rate-limit-max/)
})

t.test('fixtures may hold fault rules, which act from the start', async (t) => {
  const fixtures = checkFixtures({ ...defaultFixtures(), faults: [{ match: { method: 'GET' }, action: { status: 503 }, times: 1 }] }, 'f.json')
  const app = await build(t, { fixtures })
  t.equal((await get(app, SERVICE_URL)).statusCode, 503)
  t.equal((await get(app, SERVICE_URL)).statusCode, 200)
})

t.test('fixtures with a bad fault rule are refused, naming the rule', async (t) => {
  t.throws(() => checkFixtures({ ...defaultFixtures(), faults: [{ action: { status: 500 } }, { action: { status: 500, drop: true } }] }, 'f.json'),
    new FixturesError('f.json', 'fixtures.faults[1]: action cannot both answer a status and drop the connection'))
  t.throws(() => checkFixtures({ ...defaultFixtures(), faults: [{ action: { status: 99 } }] }, 'f.json'), FixturesError)
})
