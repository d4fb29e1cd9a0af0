/**
 * Sizes of the property, fuzz and repetition tests. `NORTHFLANK_MOCK_TEST_HEAVY=1` runs them at full size
 * (CI sets it in .ci/run); unset, they run at a fifth of that, still seeded and still large enough to meet
 * every kind of case, so that `npm test` stays quick on a laptop. A test's own environment variable (e.g.
 * FUZZ_RUNS) still wins over both.
 */
export const HEAVY = process.env.NORTHFLANK_MOCK_TEST_HEAVY === '1'

/** `full` when heavy, else a fifth of it (at least `min`). */
export function scaled (full: number, min = 1): number {
  return HEAVY ? full : Math.max(min, Math.ceil(full / 5))
}
