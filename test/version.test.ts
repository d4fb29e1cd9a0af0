import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { packageVersion } from '../src/version.js'

t.test('packageVersion reads the nearest package.json up the tree, or says 0.0.0', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'nf-version-'))
  mkdirSync(join(root, 'dist', 'src'), { recursive: true })
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', version: '9.8.7' }))
  t.equal(packageVersion(pathToFileURL(join(root, 'dist', 'src', 'version.js')).href), '9.8.7')
  t.equal(packageVersion(pathToFileURL('/version.js').href), '0.0.0')
})
