/**
 * What the emulated API's route modules (src/routes/services.ts, src/routes/jobs.ts) share: the route
 * config the gateway reads, the helper that marks a route as needing a token, the request's namespace, and
 * what each error status means (every error status is inferred: see docs/fidelity.md).
 */
import type { FastifyRequest } from 'fastify'
import type { Namespace } from '../domain/emulator.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes of the emulated API need a bearer token, and most a permission (docs/northflank-contract.md). */
    auth?: { permission?: string }
    /** A route that only answers 405: never named as a 404's hint. */
    notAHint?: boolean
  }
}

/** The config that says a route needs a token, and which permission (src/routes/api.ts makes it; the gateway checks it). */
export type Authed = (permission?: string) => { config: { auth: { permission?: string } } }

/** The request's namespace: every route with `authed` has it set by the gateway's token check. */
export function namespaceOf (request: FastifyRequest): Namespace {
  return request.mockNamespace as Namespace
}

export const UNAUTHORIZED = { 401: 'Token missing, malformed or unknown' }
export const FORBIDDEN = { 403: 'The token lacks the permission or access to the project' }
export const BODY_ERRORS = {
  400: 'The body is not JSON or breaks the schema (details.errors lists every problem); a body the schema accepts is never a 400',
  413: 'The body is larger than the limit',
  415: 'The body is not application/json'
}
