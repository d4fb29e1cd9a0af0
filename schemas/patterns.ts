/**
 * The wire schema's patterns, verbatim, and a linear-time rewrite of each.
 *
 * The schema documents (validation, OpenAPI) carry the verbatim patterns so that they stay byte-for-byte
 * Northflank's (docs/northflank-contract.md, "The request body"). The validator never runs them: V8's
 * backtracking engine needs seconds on a long imagePath that fails the verbatim pattern, so each one is
 * matched through its rewrite, which accepts exactly the same strings (argued below, checked by
 * test/contract/differential.test.ts on generated strings).
 */

/** external.imagePath, verbatim from the wire schema. */
export const IMAGE_PATH_PATTERN =
  '^(?:(?:https?:\\/\\/)?([a-zA-Z0-9\\-]+\\.[a-zA-Z0-9\\.\\-]+)(\\/v1)?)?(?:\\/)?([a-zA-Z/-9\\.\\-_]+)(?:\\:([a-zA-Z/-9\\.\\-_\\:]+)|\\@([a-zA-Z/-9\\.\\-_\\:]+))$'

/** external.credentials, verbatim. */
export const CREDENTIALS_PATTERN = '^[A-Za-z0-9-]+$'

/** internal.id, verbatim. */
export const BUILD_SERVICE_ID_PATTERN = '^[a-zA-Z](-?[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)?$'

/*
 * Why the imagePath rewrite accepts the same language. Name the classes
 *   A = [a-zA-Z0-9-]   H = [a-zA-Z0-9.-]   P = [a-zA-Z/-9.\-_] = letters, digits, '/', '.', '-', '_'
 *   T = P plus ':'     (note `/-9` is the range '/'..'9': the slash and the digits)
 * The verbatim pattern is  ((https?://)? A+ '.' H+ ('/v1')?)? '/'? P+ (':' T+ | '@' T+).
 * 1. Without the scheme, host, '/v1' and '/' are all made of P characters, so that prefix plus P+ is
 *    exactly P+ (the empty prefix gives every P+): these strings are P+ [:@] T+.
 * 2. With the scheme and a ':' separator, 'http' is P+ and '//host…' is T+, so the string is already in
 *    P+ ':' T+ (case 1). Only the scheme with an '@' separator is new: '@' is in neither P nor T, so the
 *    '@' is the separator, and before it stands https?:// A+ '.' H+ ('/v1')? '/'? P+. As H is within P
 *    and '/v1', '/' are P strings, H+ ('/v1')? '/'? P+ is exactly H P+ (one H, then at least one P).
 * Each rewritten alternative splits its input one way only (A has no '.', P no ':' or '@'), so V8 runs it
 * in linear time.
 */
const P = 'a-zA-Z0-9/._-'
const IMAGE_PATH_LINEAR = `^(?:[${P}]+[:@][:${P}]+|https?:\\/\\/[a-zA-Z0-9-]+\\.[a-zA-Z0-9.-][${P}]+@[:${P}]+)$`

/*
 * internal.id: -?X+(-X+)* over X = [a-zA-Z0-9] is "X and '-', no '--', not ending in '-'", which is
 * (-?X)*; each step of that reads one or two characters in the only way possible.
 */
const BUILD_SERVICE_ID_LINEAR = '^[a-zA-Z](?:-?[a-zA-Z0-9])*$'

/** Verbatim pattern → the linear-time pattern the validator runs instead. */
export const LINEAR_REWRITES: ReadonlyMap<string, string> = new Map([
  [IMAGE_PATH_PATTERN, IMAGE_PATH_LINEAR],
  [BUILD_SERVICE_ID_PATTERN, BUILD_SERVICE_ID_LINEAR],
  // Already linear: one class, one quantifier.
  [CREDENTIALS_PATTERN, CREDENTIALS_PATTERN]
])

/**
 * The emulator's own: a request path to match (fault rules, verify), exact when it has no `*`, else a glob
 * of at most 16 segments, so that matching it stays cheap (src/domain/path-glob.ts, pathMatcher). Linear in
 * V8: each segment starts at a slash that no `[^/]*` can take.
 */
export const PATH_GLOB_PATTERN = '^/(?:[^*]*|[^/]*(?:/[^/]*){0,15})$'

/** Each pattern in words: the 400 message of a string that fails it is `<path> must be <words>`. */
export const PATTERN_HINTS: ReadonlyMap<string, string> = new Map([
  [PATH_GLOB_PATTERN, 'a path starting with /: exact, or a glob (with *) of at most 16 segments'],
  [IMAGE_PATH_PATTERN, 'an image with a :tag or @digest, e.g. nginx:latest, ghcr.io/org/app:1.0 or repo/app@sha256:…'],
  [CREDENTIALS_PATTERN, 'letters, digits and dashes only'],
  [BUILD_SERVICE_ID_PATTERN, 'a letter, then letters, digits and single dashes, not ending in a dash']
])
