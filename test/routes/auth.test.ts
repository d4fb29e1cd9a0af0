import t from 'tap'
import type { Fixtures } from '../../schemas/fixtures.js'
import { Permissions } from '../../src/domain/auth.js'
import { defaultFixtures } from '../../src/domain/fixtures.js'
import { build, DEPLOYMENT_URL, SERVICE_URL } from '../support/helper.js'

const BODY = JSON.stringify({ docker: { configType: 'default' } })

function withTokens (): Fixtures {
  return {
    ...defaultFixtures(),
    tokens: [
      { token: 'admin' },
      { token: 'reader', permissions: [Permissions.viewInstances, Permissions.readService] },
      { token: 'elsewhere', projects: ['another-project'] },
      { token: 'deployer', projects: ['default-project'], permissions: [Permissions.updateDeployment] }
    ]
  }
}

t.test('by default any well-formed bearer token is accepted, and none or a malformed one is a 401', async (t) => {
  const app = await build(t)
  const send = (authorization?: string) => app.inject({
    method: 'POST',
    url: DEPLOYMENT_URL,
    payload: BODY,
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) }
  })
  t.equal((await send('Bearer whatever.jwt.value')).statusCode, 200)
  t.equal((await send('bearer lower-case-scheme')).statusCode, 200, 'the scheme is case-insensitive (RFC 6750)')
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'missing-token'],
    ['', 'missing-token'],
    ['Bearer', 'malformed-token'],
    ['Bearer ', 'malformed-token'],
    ['Basic dXNlcjpwYXNz', 'malformed-token'],
    ['Bearer two tokens', 'malformed-token'],
    ['Token abc', 'malformed-token']
  ]
  const messages: Record<string, string> = {
    'missing-token': 'Unauthorized: send an API token as "Authorization: Bearer <token>"',
    'malformed-token': 'Unauthorized: the Authorization header must be "Bearer <token>"'
  }
  for (const [header, reason] of cases) {
    const res = await send(header)
    t.equal(res.statusCode, 401, String(header))
    t.equal(res.json().error.status, 401)
    t.equal(res.json().error.details.reason, reason)
    t.equal(res.json().error.message, messages[reason])
  }
})

t.test('auth is checked before the body: an unauthenticated bad body is a 401, not a 400', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: DEPLOYMENT_URL, payload: '{bad', headers: { 'content-type': 'application/json' } })
  t.equal(res.statusCode, 401)
})

t.test('with tokens in the fixtures: unknown → 401, wrong project or permission → 403', async (t) => {
  const app = await build(t, { fixtures: withTokens() })
  const call = (token: string, method: 'GET' | 'POST', url: string) => app.inject({
    method, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(method === 'POST' ? { payload: BODY } : {})
  })
  t.equal((await call('admin', 'POST', DEPLOYMENT_URL)).statusCode, 200)
  t.equal((await call('deployer', 'POST', DEPLOYMENT_URL)).statusCode, 200)

  const unknown = await call('stranger', 'POST', DEPLOYMENT_URL)
  t.equal(unknown.statusCode, 401)
  t.equal(unknown.json().error.details.reason, 'unknown-token')
  t.equal(unknown.json().error.message, 'Unauthorized: the API token is not valid')

  const reader = await call('reader', 'POST', DEPLOYMENT_URL)
  t.equal(reader.statusCode, 403)
  t.equal(reader.json().error.message, 'Forbidden: the API token lacks the permission "Project > Services > Deployment > Update Deployment"')
  t.equal((await call('reader', 'GET', DEPLOYMENT_URL)).statusCode, 200)
  t.equal((await call('reader', 'GET', SERVICE_URL)).statusCode, 200)
  t.equal((await call('deployer', 'GET', SERVICE_URL)).statusCode, 403, 'reading a service needs its own permission')

  const elsewhere = await call('elsewhere', 'POST', DEPLOYMENT_URL)
  t.equal(elsewhere.statusCode, 403)
  t.equal(elsewhere.json().error.details.reason, 'no-project-access')
  t.equal(elsewhere.json().error.message, 'Forbidden: the API token has no access to project "default-project"')
  const hidden = await call('elsewhere', 'POST', '/v1/projects/no-such-project/services/x/deployment')
  t.equal(hidden.statusCode, 403, 'a project outside the token\'s reach is a 403 whether or not it exists')
})

t.test('GET /v1/login (the CLI\'s token check) answers 200 for a known token and 401 otherwise', async (t) => {
  const app = await build(t, { fixtures: withTokens() })
  const login = (token: string) => app.inject({ method: 'GET', url: '/v1/login', headers: { authorization: `Bearer ${token}` } })
  t.equal((await login('reader')).statusCode, 200)
  t.strictSame((await login('reader')).json(), { data: {} })
  t.equal((await login('nobody')).statusCode, 401)
})
