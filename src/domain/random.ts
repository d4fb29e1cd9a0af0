/**
 * The emulator's random source. mulberry32: a tiny deterministic PRNG (32-bit state), so a fault rule's
 * seeded `fraction` draws the same sequence on every run. Returns numbers in [0, 1).
 */
export function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
