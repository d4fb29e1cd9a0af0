/**
 * Path globs, as fault rules and verify queries match them against request paths (docs/faults-and-rollouts.md),
 * at a cost bounded whatever the pattern and the path. No Fastify here.
 */

/**
 * A glob is tried only on paths of at most this many characters and segments; a longer path, which no
 * emulated route has, is matched by exact patterns only. With globs of at most 16 segments
 * (PathGlobSchema), one match then tests at most about a thousand segments, whatever the pattern and path.
 */
export const GLOB_PATH_LIMIT = { characters: 2048, segments: 32 }

/**
 * A path pattern: exact unless it holds `*`. `*` matches any characters within one segment, `**` as a
 * whole segment matches any number of segments (so `/v1/**` is a prefix match). The segments between two
 * `**` are a block found at its leftmost place, and each segment's `*`s are matched chunk by chunk at the
 * leftmost place too: both choices are safe (a later place leaves less room for what follows), so nothing
 * is ever retried and the cost is about the path's length times the block's (docs/faults-and-rollouts.md).
 */
export function pathMatcher (pattern: string): (path: string) => boolean {
  if (!pattern.includes('*')) return (path) => path === pattern
  const blocks: SegmentTest[][] = [[]]
  for (const segment of pattern.split('/')) {
    if (segment === '**') blocks.push([])
    else blocks[blocks.length - 1]?.push(segmentTest(segment))
  }
  return (path) => {
    if (path.length > GLOB_PATH_LIMIT.characters) return false
    const segments = path.split('/', GLOB_PATH_LIMIT.segments + 2)
    // split's limit stops at one element past the leading '' and the segments allowed: more means too many.
    return segments.length <= GLOB_PATH_LIMIT.segments + 1 && matchBlocks(blocks, segments)
  }
}

type SegmentTest = (segment: string) => boolean

/** A segment pattern: exact, or chunks between `*`s, the first a prefix, the last a suffix, the others in order between. */
function segmentTest (pattern: string): SegmentTest {
  if (!pattern.includes('*')) return (segment) => segment === pattern
  const chunks = pattern.split('*')
  const first = chunks[0] as string
  const last = chunks[chunks.length - 1] as string
  const middle = chunks.slice(1, -1).filter((c) => c !== '')
  return (segment) => {
    const end = segment.length - last.length
    if (end < first.length || !segment.startsWith(first) || !segment.endsWith(last)) return false
    let at = first.length
    for (const chunk of middle) {
      const found = segment.indexOf(chunk, at)
      if (found === -1 || found + chunk.length > end) return false
      at = found + chunk.length
    }
    return true
  }
}

/** Whether `block` matches the segments from `at` on. */
function blockAt (block: SegmentTest[], segments: string[], at: number): boolean {
  for (let i = 0; i < block.length; i++) if (!(block[i] as SegmentTest)(segments[at + i] as string)) return false
  return true
}

/**
 * Blocks of segment tests separated by `**`: the first block must match the first segments, the last the
 * last ones, and each block between at its leftmost place after the one before.
 */
function matchBlocks (blocks: SegmentTest[][], segments: string[]): boolean {
  const head = blocks[0] as SegmentTest[]
  if (blocks.length === 1) return segments.length === head.length && blockAt(head, segments, 0)
  const tail = blocks[blocks.length - 1] as SegmentTest[]
  const end = segments.length - tail.length
  if (end < head.length || !blockAt(head, segments, 0) || !blockAt(tail, segments, end)) return false
  let at = head.length
  for (let b = 1; b < blocks.length - 1; b++) {
    const block = blocks[b] as SegmentTest[]
    while (at + block.length <= end && !blockAt(block, segments, at)) at++
    if (at + block.length > end) return false
    at += block.length
  }
  return true
}
