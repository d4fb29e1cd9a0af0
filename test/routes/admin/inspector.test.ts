/**
 * The inspector's script as source (src/routes/admin/ui/inspector.js): `npm run lint` (eslint .) lints it
 * with the browser's globals, so a mistake in it fails the lint, not only the Chromium tests. Checked with
 * eslint's own API and the repository's config, on the file's text at the file's path: what `eslint .` does
 * for it, without linting the whole tree.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const FILE = 'src/routes/admin/ui/inspector.js'

t.test('a lint error in the inspector\'s source fails npm run lint; the source as it is passes', async (t) => {
  const eslint = new ESLint({ cwd: ROOT })
  t.equal(await eslint.isPathIgnored(FILE), false, '`eslint .` lints the file')
  const source = readFileSync(new URL(`../../../${FILE}`, import.meta.url), 'utf8')
  const [clean] = await eslint.lintText(source, { filePath: FILE })
  t.strictSame(clean?.messages, [], 'the source as it is: no error, no warning')

  const broken = `${source}\nvar legacy = undefinedName(process.env)\nlegacy()\n`
  const [result] = await eslint.lintText(broken, { filePath: FILE })
  const line = source.split('\n').length + 1
  t.strictSame(result?.messages.map((m) => `${m.line} ${m.severity === 2 ? 'error' : 'warning'} ${m.ruleId ?? ''}: ${m.message}`), [
    `${line} warning no-var: Unexpected var, use let or const instead.`,
    `${line} error no-undef: 'undefinedName' is not defined.`,
    `${line} error no-undef: 'process' is not defined.`
  ], 'an unknown name, and a Node global the browser does not have, are errors')
  t.equal(result?.errorCount, 2, 'errors, so eslint exits non-zero')
})
