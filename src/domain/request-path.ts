/**
 * The request's path as fault rules and verify queries see it: no query string, no repeated slashes (the
 * router ignores them).
 */
export function requestPath (url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  return path.includes('//') ? path.replace(/\/{2,}/g, '/') : path
}
