import t from 'tap'
import { runFiles, unclaimed } from '../support/suite.js'
import { GROUPS } from './groups.js'

await runFiles(GROUPS.unit as string[])

t.test('every test file runs in exactly one suite', async (t) => {
  const claimed = Object.values(GROUPS).flat()
  t.strictSame(unclaimed(claimed), [], 'no file left out')
  t.strictSame(claimed.filter((file, i) => claimed.indexOf(file) !== i), [], 'no file run twice')
})
