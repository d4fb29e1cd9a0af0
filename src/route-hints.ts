/**
 * Route hints for a 404, in the spirit of msw's unhandled-request suggestions: the request is compared
 * with every route the emulator has, segment by segment (a path parameter takes any segment, a typo
 * costs less than a wrong word, a missing or extra segment costs one), a different method costs a
 * little, and only close routes are named, closest first. No Fastify here.
 */
import { editDistance } from './near-match.js'

export interface KnownRoute {
  method: string
  /** As registered: `/v1/projects/:projectId/services/:serviceId`. */
  url: string
}

export interface RouteHint {
  method: string
  /** As documented: `/v1/projects/{projectId}/services/{serviceId}`. */
  path: string
}

/** Most hints given. */
const MAX_HINTS = 2
/** The largest distance still worth naming: one wrong segment and another method, or a missing /v1. */
const CLOSE = 1.5

/** 0 when a segment fits the template's, ½ for a typo (a third of its letters or fewer), else 1. */
function segmentCost (segment: string, template: string): number {
  if (template.startsWith(':')) return 0
  if (segment.toLowerCase() === template.toLowerCase()) return 0
  return editDistance(segment.toLowerCase(), template.toLowerCase()) <= Math.max(1, Math.floor(template.length / 3)) ? 0.5 : 1
}

/** Edit distance over segments, with segmentCost for substitutions. */
function pathDistance (segments: string[], template: string[]): number {
  let prev = Array.from({ length: template.length + 1 }, (_, j) => j)
  for (let i = 1; i <= segments.length; i++) {
    const row = [i]
    for (let j = 1; j <= template.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + segmentCost(segments[i - 1] as string, template[j - 1] as string))
    }
    prev = row
  }
  return prev[template.length] as number
}

function segmentsOf (path: string): string[] {
  const q = path.indexOf('?')
  return (q === -1 ? path : path.slice(0, q)).split('/').filter((s) => s !== '')
}

/** `:projectId` → `{projectId}`, as OpenAPI and Northflank's docs write parameters. */
export function documented (url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

/** The routes closest to a request (at most two, equally close); none when none is close. */
export function closestRoutes (method: string, url: string, routes: KnownRoute[]): RouteHint[] {
  const segments = segmentsOf(url)
  const scored: Array<{ hint: RouteHint, cost: number }> = []
  for (const route of routes) {
    const cost = pathDistance(segments, segmentsOf(route.url)) + (route.method === method ? 0 : 0.5)
    if (cost > 0 && cost <= CLOSE) scored.push({ hint: { method: route.method, path: documented(route.url) }, cost })
  }
  scored.sort((a, b) => a.cost - b.cost)
  // Only the closest: a second route is named when it is just as close.
  return scored.filter((s) => s.cost === scored[0]?.cost).slice(0, MAX_HINTS).map((s) => s.hint)
}

/**
 * Northflank's endpoints of the form `/v1/projects/{projectId}/services/deployment/{serviceId}` (and
 * `…/combined/…`), whose PATCH its docs now recommend over the emulated POST: not emulated. Returns the
 * endpoint as Northflank's docs write it, or undefined for any other path.
 */
export function serviceTypeEndpoint (method: string, url: string): string | undefined {
  const s = segmentsOf(url)
  const isOne = s.length === 6 && s[0] === 'v1' && s[1] === 'projects' && s[3] === 'services' && (s[4] === 'deployment' || s[4] === 'combined')
  return isOne ? `${method} /v1/projects/{projectId}/services/${s[4] as string}/{serviceId}` : undefined
}
