import fc from 'fast-check'
import t from 'tap'
import { GLOB_PATH_LIMIT, pathMatcher } from '../../src/domain/path-glob.js'
import { scaled } from '../support/heavy.js'

t.test('path patterns match exactly, * within a segment, ** across segments', async (t) => {
  t.ok(pathMatcher('/v1/login')('/v1/login'))
  t.notOk(pathMatcher('/v1/login')('/v1/login/x'))
  const one = pathMatcher('/v1/projects/*/services/*/deployment')
  t.ok(one('/v1/projects/p/services/s/deployment'))
  t.notOk(one('/v1/projects/p/x/services/s/deployment'), '* does not cross a slash')
  t.notOk(one('/v1/projects/p/services/s'))
  const prefix = pathMatcher('/v1/**')
  t.ok(prefix('/v1'))
  t.ok(prefix('/v1/projects/p/services/s'))
  t.notOk(prefix('/_mock/health'))
  const mid = pathMatcher('/v1/**/deployment')
  t.ok(mid('/v1/teams/t/projects/p/services/s/deployment'))
  t.notOk(mid('/v1/teams/t/projects/p/services/s'))
  const part = pathMatcher('/v1/projects/proj-*/services/*-api')
  t.ok(part('/v1/projects/proj-1/services/web-api'))
  t.notOk(part('/v1/projects/other/services/web-api'))
  t.notOk(part('/v1/projects/proj-1/services/web-api-2'))
  t.ok(pathMatcher('/a/**/**/b')('/a/b'), 'repeated ** still match zero segments')
  t.ok(pathMatcher('/a/x**y')('/a/xzzy'), '** inside a segment acts as *')
  t.ok(pathMatcher('/v1/log*')('/v1/login'))
  t.ok(pathMatcher('/v1/log*')('/v1/log'), 'a trailing * matches nothing too')
})

/**
 * The glob language written the plain way, as a reference: a memoised search over (pattern segment, path
 * segment), trying every split a `**` allows, and a regular expression per segment. Slow, but obviously
 * right, and sharing nothing with pathMatcher's leftmost-first matching.
 */
function referenceMatch (pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return path === pattern
  const pat = pattern.split('/')
  const segs = path.split('/')
  const res = pat.map((p) => new RegExp(`^${p.split('*').map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`))
  const memo = new Map<string, boolean>()
  const match = (i: number, j: number): boolean => {
    const key = `${i},${j}`
    let found = memo.get(key)
    if (found !== undefined) return found
    if (i === pat.length) found = j === segs.length
    else if (pat[i] === '**') found = match(i + 1, j) || (j < segs.length && match(i, j + 1))
    else found = j < segs.length && (res[i] as RegExp).test(segs[j] as string) && match(i + 1, j + 1)
    memo.set(key, found)
    return found
  }
  return match(0, 0)
}

t.test('path globs match exactly what the plain reference matches, on generated patterns and paths', async (t) => {
  const patternSegment = fc.constantFrom('a', 'b', 'ab', '*', '**', 'a*', '*b', 'a*b', '*a*', 'a**', '*ab*b', '')
  const pathSegment = fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'aab', 'abb', 'bab', 'abab', 'aabb')
  const glob = fc.array(patternSegment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`)
  const path = fc.array(pathSegment, { minLength: 1, maxLength: 8 }).map((s) => `/${s.join('/')}`)
  fc.assert(fc.property(glob, path, (g, p) => pathMatcher(g)(p) === referenceMatch(g, p)), { numRuns: scaled(20_000, 2000) })
  t.pass('no counterexample')
})

t.test('globs are tried on paths up to GLOB_PATH_LIMIT characters and segments; exact patterns on any path', async (t) => {
  const { characters, segments } = GLOB_PATH_LIMIT
  const long = `/v1/${'a'.repeat(characters - 4)}`
  t.equal(long.length, characters)
  t.equal(pathMatcher('/v1/*')(long), true, `${characters} characters`)
  t.equal(pathMatcher('/v1/*')(`${long}a`), false, 'one more: no glob matches')
  t.equal(pathMatcher('/**')(`${long}a`), false)
  t.equal(pathMatcher(`${long}a`)(`${long}a`), true, 'an exact pattern still does')
  const many = '/a'.repeat(segments)
  t.equal(pathMatcher('/**')(many), true, `${segments} segments`)
  t.equal(pathMatcher('/**')(`${many}/a`), false, 'one more: no glob matches')
  t.equal(pathMatcher(`${many}/a`)(`${many}/a`), true, 'an exact pattern still does')
})
