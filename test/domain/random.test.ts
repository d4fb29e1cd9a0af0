import t from 'tap'
import { mulberry32 } from '../../src/domain/random.js'

t.test('mulberry32 gives the same sequence for the same seed and another for another seed', async (t) => {
  const draw = (seed: number) => { const r = mulberry32(seed); return Array.from({ length: 20 }, r) }
  t.strictSame(draw(42), draw(42))
  t.strictNotSame(draw(42), draw(43))
  t.ok(draw(7).every((x) => x >= 0 && x < 1), 'numbers fall in [0, 1)')
})
