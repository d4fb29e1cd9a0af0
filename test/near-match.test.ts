import t from 'tap'
import { editDistance, nearMatches } from '../src/near-match.js'

t.test('editDistance counts insertions, deletions, substitutions and adjacent swaps as one edit each', async (t) => {
  const cases: Array<[string, string, number]> = [
    ['', '', 0], ['', 'abc', 3], ['abc', '', 3], ['external', 'external', 0],
    ['extrenal', 'external', 1], // a swap
    ['externl', 'external', 1], ['externall', 'external', 1], ['exturnal', 'external', 1],
    ['kitten', 'sitting', 3], ['ca', 'abc', 3], ['internal', 'external', 2]
  ]
  for (const [a, b, d] of cases) {
    t.equal(editDistance(a, b), d, `${JSON.stringify(a)} → ${JSON.stringify(b)}`)
    t.equal(editDistance(b, a), d, 'and back')
  }
})

t.test('nearMatches names the close candidates, closest first, and nothing for a stranger', async (t) => {
  const top = ['external', 'docker', 'internal', 'buildpack']
  t.strictSame(nearMatches('extrenal', top), ['external'])
  t.strictSame(nearMatches('Docker', top), ['docker'], 'case is not an edit')
  t.strictSame(nearMatches('intrnal', top), ['internal'])
  t.strictSame(nearMatches('ternal', top), ['external', 'internal'], 'ties in the candidates\' order')
  t.strictSame(nearMatches('imagepath', ['imagePath', 'credentials']), ['imagePath'])
  t.strictSame(nearMatches('buildSha', ['id', 'branch', 'buildSHA', 'buildId']), ['buildSHA'], 'the closest only, not buildId')
  t.strictSame(nearMatches('bogus', top), [])
  t.strictSame(nearMatches('k0', ['id']), [], 'two edits are too many for a two-letter key')
  t.strictSame(nearMatches('docker', top), [], 'a candidate itself is no typo')
  t.strictSame(nearMatches('extrenal', ['externals', 'external']), ['external'], 'a closer one replaces a farther one found first')
  t.strictSame(nearMatches('Docker', ['docker', 'dockers']), ['docker'], 'a farther one found later is left out')
  t.strictSame(nearMatches('x'.repeat(1 << 20), top), [], 'a huge key is dismissed by its length')
})

t.test('nearMatches names the bare word for a word with an id suffix, which is too many edits from a short word', async (t) => {
  const match = ['method', 'path', 'project', 'service', 'job']
  t.strictSame(nearMatches('jobId', match), ['job'], 'two edits from a three-letter word')
  t.strictSame(nearMatches('projectId', match), ['project'])
  t.strictSame(nearMatches('service_id', match), ['service'])
  t.strictSame(nearMatches('JobID', match), ['job'], 'case is not an edit')
  t.strictSame(nearMatches('Id', ['', 'x']), [], 'a suffix alone names nothing, not even an empty word')
  t.strictSame(nearMatches('buildID', ['id', 'buildId']), ['buildId'], 'with no bare word, the edit count decides')
  t.strictSame(nearMatches('thingId', match), [], 'a stranger with the suffix is still a stranger')
})
