/**
 * Route hints for a 404, in the spirit of msw's unhandled-request suggestions: the request is compared
 * with every route the emulator has, segment by segment (a path parameter takes any segment, a typo
 * costs less than a wrong word, a missing or extra segment costs one, an empty one nothing: a trailing
 * slash is the path without it), a different method costs a little, so a route of the same method wins,
 * and only close routes are named, closest first. No Fastify here.
 *
 * The cost is bounded whatever the path: a path longer than HINTABLE is not compared at all (no route is
 * anywhere near that long), and the typo check of a segment runs an edit distance only against the few
 * distinct words of the routes, and only when the lengths are close enough for a typo.
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

/**
 * The largest path compared with the routes: a few times the longest route with long ids. A longer path
 * gets a 404 without hints, at the cost of measuring it.
 */
export const HINTABLE = { characters: 512, segments: 32 }

/** 0 when a segment fits the template's, ½ for a typo (a third of its letters or fewer), else 1. */
function segmentCost (segment: string, template: string): number {
  if (segment === template) return 0
  const limit = Math.max(1, Math.floor(template.length / 3))
  // Cheap bound first: a segment much longer or shorter than the word is no typo of it.
  if (Math.abs(segment.length - template.length) > limit) return 1
  return editDistance(segment, template) <= limit ? 0.5 : 1
}

/**
 * Edit distance over segments, with `cost(i, j)` (request segment i against template segment j) for
 * substitutions.
 */
function pathDistance (length: number, template: string[], cost: (i: number, word: string) => number): number {
  let prev = Array.from({ length: template.length + 1 }, (_, j) => j)
  for (let i = 1; i <= length; i++) {
    const row = [i]
    for (let j = 1; j <= template.length; j++) {
      const word = template[j - 1] as string
      const substitution = word.startsWith(':') ? 0 : cost(i - 1, word)
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + substitution)
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

/** Whether a request's path is small enough to be compared with the routes (see HINTABLE). */
export function hintable (url: string): boolean {
  const q = url.indexOf('?')
  const length = q === -1 ? url.length : q
  if (length > HINTABLE.characters) return false
  let slashes = 0
  for (let i = 0; i < length; i++) if (url.charCodeAt(i) === 47 && ++slashes > HINTABLE.segments) return false
  return true
}

/**
 * The routes closest to a request (at most two, equally close); none when none is close, or when the path
 * is too large to compare (`hintable`).
 */
export function closestRoutes (method: string, url: string, routes: KnownRoute[]): RouteHint[] {
  if (!hintable(url)) return []
  const segments = segmentsOf(url).map((s) => s.toLowerCase())
  // Each request segment against each distinct word of the routes once, however many routes share it.
  const costs = segments.map(() => new Map<string, number>())
  const cost = (i: number, word: string): number => {
    const known = costs[i] as Map<string, number>
    let c = known.get(word)
    if (c === undefined) known.set(word, c = segmentCost(segments[i] as string, word.toLowerCase()))
    return c
  }
  // Several methods share a path: each path is measured once.
  const distances = new Map<string, number>()
  const scored: Array<{ hint: RouteHint, cost: number }> = []
  for (const route of routes) {
    let d = distances.get(route.url)
    if (d === undefined) distances.set(route.url, d = pathDistance(segments.length, segmentsOf(route.url), cost))
    const distance = d + (route.method === method ? 0 : 0.5)
    // 0: the route itself, asked with a trailing slash (empty segments do not count), or in other case.
    if (distance <= CLOSE) scored.push({ hint: { method: route.method, path: documented(route.url) }, cost: distance })
  }
  scored.sort((a, b) => a.cost - b.cost)
  // Only the closest: a second route is named when it is just as close.
  return scored.filter((s) => s.cost === scored[0]?.cost).slice(0, MAX_HINTS).map((s) => s.hint)
}

/**
 * Northflank's PATCH endpoints its docs now recommend over the emulated POSTs, which are not emulated:
 * `/v1/projects/{projectId}/services/{deployment|combined}/{serviceId}` and
 * `/v1/projects/{projectId}/jobs/{cron|manual}/{jobId}`. For such a path: the endpoint as Northflank's docs
 * write it, and the emulated POST of the same resource; undefined for any other path.
 */
export function notEmulatedEndpoint (method: string, url: string): { endpoint: string, instead: RouteHint } | undefined {
  if (!hintable(url)) return undefined
  const s = segmentsOf(url)
  if (s.length !== 6 || s[0] !== 'v1' || s[1] !== 'projects') return undefined
  const [kind, variant] = [s[3], s[4] as string]
  if (kind === 'services' && (variant === 'deployment' || variant === 'combined')) {
    return {
      endpoint: `${method} /v1/projects/{projectId}/services/${variant}/{serviceId}`,
      instead: { method: 'POST', path: '/v1/projects/{projectId}/services/{serviceId}/deployment' }
    }
  }
  if (kind === 'jobs' && (variant === 'cron' || variant === 'manual')) {
    return {
      endpoint: `${method} /v1/projects/{projectId}/jobs/${variant}/{jobId}`,
      instead: { method: 'POST', path: '/v1/projects/{projectId}/jobs/{jobId}/deployment' }
    }
  }
  return undefined
}
