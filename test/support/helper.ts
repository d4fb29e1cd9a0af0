import type { Test } from 'tap'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildApp, type AppOptions } from '../../src/app.js'

export const PROJECT = 'default-project'
export const SERVICE = 'example-service'
export const SERVICE_URL = `/v1/projects/${PROJECT}/services/${SERVICE}`
export const DEPLOYMENT_URL = `${SERVICE_URL}/deployment`
export const AUTH = { authorization: 'Bearer test-token' }

/** One app per test, closed in teardown. */
export async function build (t: Test, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp(options)
  t.teardown(() => app.close())
  return app
}

/** POST a JSON body (an object, or raw text) with a token. */
export function post (app: FastifyInstance, url: string, body: unknown, headers: InjectOptions['headers'] = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...AUTH, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body)
  })
}

export function get (app: FastifyInstance, url: string, headers: InjectOptions['headers'] = {}) {
  return app.inject({ method: 'GET', url, headers: { ...AUTH, ...headers } })
}

/** The deployment as GET …/deployment reads it back. */
export async function readBack (app: FastifyInstance, url = DEPLOYMENT_URL): Promise<Record<string, any>> {
  const res = await get(app, url)
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`)
  return res.json().data
}
