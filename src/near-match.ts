/**
 * "Did you mean …?" for a misspelled key: the declared keys within a couple of edits of it. No library:
 * this is the whole of it, and the emulator keeps its runtime dependencies few.
 */

/** At most this many edits make a typo; and at most a third of the longer word, so `id` is not `k0`. */
const MAX_EDITS = 2

/** `projectId`, `project_id`, `projectID`: a word followed by an id suffix. */
const ID_SUFFIXES = ['Id', 'ID', '_id']

/**
 * Optimal string alignment distance: insertions, deletions, substitutions, and swaps of two adjacent
 * characters, each one edit (`extrenal` is one edit from `external`, where Levenshtein counts two).
 */
export function editDistance (a: string, b: string): number {
  // Three rows of the usual table: the one two back is needed for swaps.
  let before = new Array<number>(b.length + 1).fill(0)
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1)
      current.push(d)
    }
    before = previous
    previous = current
  }
  return previous[b.length] as number
}

/**
 * The candidates `word` is likely a misspelling of, closest first (ties in the candidates' order); case
 * does not count as an edit. None when nothing is close, or when `word` is itself a candidate.
 */
export function nearMatches (word: string, candidates: readonly string[]): string[] {
  if (candidates.includes(word)) return []
  const lower = word.toLowerCase()
  // A path parameter's name where the control plane's queries use the word alone (`jobId` for `job`,
  // docs/control-plane.md): too far for an edit count on a short word, but never a stranger.
  const suffix = ID_SUFFIXES.find((s) => word.length > s.length && word.endsWith(s))
  if (suffix !== undefined) {
    const named = lower.slice(0, -suffix.length)
    const bare = candidates.find((candidate) => candidate.toLowerCase() === named)
    if (bare !== undefined) return [bare]
  }
  let best = Infinity
  let found: string[] = []
  for (const candidate of candidates) {
    const limit = Math.min(MAX_EDITS, Math.floor(Math.max(word.length, candidate.length) / 3))
    // Cheap bound first: a 1 MiB key is never measured against a 9-character one.
    if (Math.abs(word.length - candidate.length) > limit) continue
    const d = editDistance(lower, candidate.toLowerCase())
    if (d > limit || d > best) continue
    if (d < best) found = []
    best = d
    found.push(candidate)
  }
  return found
}
