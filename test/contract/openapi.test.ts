import t from 'tap'
import fc from 'fast-check'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { FastifyInstance } from 'fastify'
import { UpdateDeploymentBodySchema } from '../../schemas/deployment.js'
import { ErrorEnvelopeSchema } from '../../schemas/error.js'
import { EmptyDataSchema } from '../../schemas/service.js'
import { candidateBody } from '../support/arbitraries.js'
import { scaled } from '../support/heavy.js'
import { build, DEPLOYMENT_URL, get, post } from '../support/helper.js'

const UPDATE = '/v1/projects/{projectId}/services/{serviceId}/deployment'

async function openapiDocument (app: FastifyInstance, url = '/openapi.json'): Promise<any> {
  const res = await app.inject({ method: 'GET', url })
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`)
  return res.json()
}

/** `METHOD /path` of every route the app has (from Fastify's route tree), HEAD left out. */
function appRoutes (app: FastifyInstance): string[] {
  const routes: string[] = []
  const parents: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line)
    if (match === null) continue
    const depth = (match[1] as string).length / 4
    const path = (parents[depth - 1] ?? '') + (match[2] as string)
    parents[depth] = path
    for (const method of (match[3] as string).split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`)
  }
  return routes
}

/** `METHOD /path` of every operation in an OpenAPI document, in Fastify's `:param` form. */
function documentedRoutes (doc: any): string[] {
  return Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
}

t.test('GET /v1/swagger-json and GET /openapi.json serve the same OpenAPI 3.1 document as JSON, without a token', async (t) => {
  const app = await build(t)
  const a = await app.inject({ method: 'GET', url: '/v1/swagger-json' })
  const b = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(a.statusCode, 200)
  t.matchStrict(a.headers['content-type'], /^application\/json/)
  t.equal(a.body, b.body)
  t.equal(a.json().openapi, '3.1.0')
  t.equal((await app.inject({ method: 'GET', url: '/v1/swagger-json' })).body, a.body, 'the same text on every call')
})

t.test('the document is valid OpenAPI to @apidevtools/swagger-parser', async (t) => {
  const app = await build(t)
  const doc = await openapiDocument(app)
  await t.resolves(SwaggerParser.validate(structuredClone(doc)))

  // The validator is not lenient: Fastify's own way of writing a status range ('4xx'), or a response
  // without a description, is caught. (It does not check operationId uniqueness or path parameters for
  // 3.1 documents: the next tests do.)
  const lowercaseRange = structuredClone(doc)
  lowercaseRange.paths[UPDATE].post.responses['4xx'] = lowercaseRange.paths[UPDATE].post.responses['4XX']
  await t.rejects(SwaggerParser.validate(lowercaseRange))
  const undescribed = structuredClone(doc)
  delete undescribed.paths[UPDATE].post.responses['400'].description
  await t.rejects(SwaggerParser.validate(undescribed))
})

t.test('every route that answers is in the document; the others only answer 405', async (t) => {
  const app = await build(t)
  const documented = documentedRoutes(await openapiDocument(app))
  const routes = appRoutes(app)
  t.ok(routes.length > documented.length, `${routes.length} routes, ${documented.length} operations`)
  for (const route of documented) t.ok(routes.includes(route), `${route} is a route of the app`)
  for (const route of routes.filter((r) => !documented.includes(r))) {
    const [method, path] = route.split(' ') as [string, string]
    if (path === '/openapi.json' || path === '/v1/swagger-json') continue // the document itself
    const res = await app.inject({ method: method as 'GET', url: path.replace(/:(\w+)/g, 'x'), headers: { authorization: 'Bearer t' } })
    t.equal(res.statusCode, 405, `${route} is undocumented and answers 405`)
  }
})

t.test('each operation has an id, a summary, tags and path parameters matching its path', async (t) => {
  const app = await build(t)
  const doc = await openapiDocument(app)
  const ids = new Set<string>()
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (path.startsWith('/_mock/')) {
        t.strictSame(op.tags, ['Mock admin'], `${method} ${path} is a Mock admin route`)
        continue
      }
      t.type(op.operationId, 'string', `${method} ${path} has an operationId`)
      t.notOk(ids.has(op.operationId), `${op.operationId} is unique`)
      ids.add(op.operationId)
      t.type(op.summary, 'string')
      t.ok(op.tags.length > 0)
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      t.strictSame((op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name).sort(), inPath,
        `${method} ${path}: one required parameter per path segment`)
    }
  }
})

t.test('the update operation documents the body schema, bearer auth, and every response with its envelope', async (t) => {
  const app = await build(t)
  const doc = await openapiDocument(app)
  t.strictSame(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer' })
  t.strictSame(doc.security, [{ bearerAuth: [] }])
  for (const path of [UPDATE, '/v1/teams/{teamId}/projects/{projectId}/services/{serviceId}/deployment']) {
    const op = doc.paths[path].post
    t.equal(op.requestBody.required, true)
    t.strictSame(op.requestBody.content['application/json'].schema, JSON.parse(JSON.stringify(UpdateDeploymentBodySchema)),
      `${path}: the body schema is the TypeBox schema, verbatim patterns and if/then rules included`)
    t.strictSame(Object.keys(op.responses).sort(), ['200', '400', '401', '403', '404', '409', '413', '415', '4XX', '5XX'])
    t.strictSame(op.responses['200'].content['application/json'].schema, JSON.parse(JSON.stringify(EmptyDataSchema)))
    const envelope = JSON.parse(JSON.stringify(ErrorEnvelopeSchema))
    for (const [status, response] of Object.entries<any>(op.responses)) {
      if (status === '200') continue
      t.ok(response.description.length > 0, `${status} is described`)
      const { description: _d, ...schema } = response.content['application/json'].schema
      const { description: _e, ...expected } = envelope
      t.strictSame(schema, expected, `${status} is the error envelope`)
    }
  }
  t.equal(doc.paths[UPDATE].post.security, undefined, 'routes with a token inherit the global bearer rule')
  t.strictSame(doc.paths['/_mock/health'].get.security, [], 'routes without a token say so')
})

t.test('each error the update answers is documented for it, and has the documented envelope', async (t) => {
  const app = await build(t, {
    bodyLimit: 1024,
    fixtures: {
      projects: [{ id: 'p', services: [{ id: 's', serviceType: 'deployment' }, { id: 'c', serviceType: 'combined' }] }],
      tokens: [{ token: 'all' }, { token: 'none', permissions: [] }]
    }
  })
  const doc = await openapiDocument(app)
  const responses = doc.paths[UPDATE].post.responses
  const ajv = new Ajv2020({ strict: false })
  const url = (service: string) => `/v1/projects/p/services/${service}/deployment`
  const all = { authorization: 'Bearer all' }
  const answers = {
    400: await post(app, url('s'), '{', all),
    401: await post(app, url('s'), {}, { authorization: '' }),
    403: await post(app, url('s'), {}, { authorization: 'Bearer none' }),
    404: await post(app, url('nope'), {}, all),
    409: await post(app, url('c'), { external: { imagePath: 'nginx:latest' } }, all),
    413: await post(app, url('s'), { internal: { branch: 'x'.repeat(2000) } }, all),
    415: await app.inject({ method: 'POST', url: url('s'), headers: { ...all, 'content-type': 'text/plain' }, payload: 'x' })
  }
  for (const [status, res] of Object.entries(answers)) {
    t.equal(String(res.statusCode), status)
    const schema = responses[status].content['application/json'].schema
    t.ok(ajv.validate(schema, res.json()), `${status}: the body fits the documented schema`)
  }
})

t.test('the document\'s body schema accepts and rejects what the server accepts and rejects', async (t) => {
  const app = await build(t)
  const doc = await openapiDocument(app)
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the wire patterns need non-unicode regular expressions.
  const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: false })
  const documented = ajv.compile(doc.paths[UPDATE].post.requestBody.content['application/json'].schema)

  // The endpoint page's examples and those of docs/northflank-contract.md ("The request body"), then generated bodies.
  const examples: unknown[] = [
    { external: { imagePath: 'nginx:latest', credentials: 'example-credentials' }, docker: { configType: 'default' } },
    { internal: { id: 'example-build-service', branch: 'master', buildId: 'premium-guide-6393' }, docker: { configType: 'default' } },
    { docker: { configType: 'customCommand', customCommand: 'nginx -g' } },
    {}, { internal: {} }, { internal: { buildSHA: 'latest' } }, { foo: 1 }, { docker: {} }, { internal: { buildSHA: 'abc' } },
    { external: { imagePath: 'nginx:latest' }, internal: {} }, { external: { imagePath: 'nginx' } },
    { external: { imagePath: 'https://registry.example.com/v1/foo:bar' } }, { docker: { configType: 'customCommand' } },
    { external: { imagePath: 'nginx:latest' }, buildpack: { configType: 'default' } }, { docker: { configType: 'default', bogus: 1 } }
  ]
  for (const body of examples) {
    const res = await post(app, DEPLOYMENT_URL, body)
    t.equal(documented(body), res.statusCode !== 400, `${JSON.stringify(body)}: ${res.statusCode}`)
  }

  // Generated bodies, valid and nearly valid.
  const details = await fc.check(fc.asyncProperty(candidateBody, async (body) => {
    // Encoded here: helper's post() sends a string as raw text.
    const res = await post(app, '/v1/projects/none/services/none/deployment', JSON.stringify(body))
    // An unknown project is a 404 once the body is valid: the status alone tells the verdict.
    return documented(body) === (res.statusCode === 404)
  }), { seed: 3, numRuns: scaled(1000) })
  t.notOk(details.failed, String(fc.defaultReportMessage(details) ?? 'agrees'))
})

t.test('a GET with a token reads back what the document says it returns', async (t) => {
  const app = await build(t)
  const doc = await openapiDocument(app)
  const ajv = new Ajv2020({ strict: false, unicodeRegExp: false })
  const schema = doc.paths[UPDATE].get.responses['200'].content['application/json'].schema
  const res = await get(app, DEPLOYMENT_URL)
  t.equal(res.statusCode, 200)
  t.ok(ajv.validate(schema, res.json()), JSON.stringify(ajv.errors))
})
