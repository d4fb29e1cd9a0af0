/**
 * The isolation namespace an admin call acts on: the API token it belongs to, named in the
 * `x-mock-namespace` header (what the admin client and the inspector send), or in `?token=` (for curl). A
 * header keeps the API token out of URLs, which proxies and request logs record; the request log redacts
 * `token` in URLs all the same (src/app.ts).
 */
import type { FastifyRequest } from 'fastify'
import { NAMESPACE_HEADER } from '../../../schemas/admin.js'
import { Errors } from '../../errors.js'

/** The token of the namespace a request names, or undefined; a 400 when the header and ?token= disagree. */
export function scopeOf (request: FastifyRequest): string | undefined {
  const header = request.headers[NAMESPACE_HEADER] as string | undefined // one string: the schema says so
  const query = (request.query as { token?: string } | undefined)?.token
  if (header !== undefined && query !== undefined && header !== query) throw Errors.conflictingScope()
  return header ?? query
}
