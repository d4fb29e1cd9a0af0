/** Who may call what (docs/northflank-contract.md, "Authentication and permissions"). No Fastify here: the caller passes the header and the route's needs. */
import { type ApiError, Errors } from '../errors.js'
import type { State } from './model.js'

/**
 * The permissions Northflank's docs and the official client name for each emulated route. Updating a job's
 * deployment needs the same Services permission as a service's (sic: the client and the docs page both say
 * so); reading a job needs `Project > Jobs > General > Read`.
 */
export const Permissions = {
  updateDeployment: 'Project > Services > Deployment > Update Deployment',
  viewInstances: 'Project > Services > Deployment > View Instances',
  readService: 'Project > Services > General > Read',
  readJob: 'Project > Jobs > General > Read'
} as const

// RFC 6750, section 2.1 (https://www.rfc-editor.org/rfc/rfc6750#section-2.1): the scheme is case-insensitive; a b64token follows one space.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

/** The token of a well-formed `Authorization: Bearer` header, else undefined. */
export function bearerOf (header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1]
}

/** The 401 for an `Authorization` header that holds no bearer token (bearerOf said none): missing or malformed. */
export function noTokenError (header: string | undefined): ApiError {
  return header === undefined || header === '' ? Errors.missingToken() : Errors.malformedToken()
}

/**
 * Checks a token against the state's token list (and, when one is named, its permission). Without one, any well-formed token passes, as the official
 * client never checks tokens either. Inferred: project access is checked before the permission, so a
 * token restricted to other projects learns nothing about this one.
 */
export function authorize (state: State, token: string, permission: string | undefined, projectId: string | undefined): void {
  if (state.tokens === undefined) return
  const grant = state.tokens.get(token)
  if (grant === undefined) throw Errors.unknownToken()
  if (projectId !== undefined && grant.projects !== undefined && !grant.projects.has(projectId)) {
    throw Errors.noProjectAccess(projectId)
  }
  if (permission !== undefined && grant.permissions !== undefined && !grant.permissions.has(permission)) throw Errors.missingPermission(permission)
}
