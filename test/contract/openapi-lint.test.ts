import t from 'tap'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../src/app.js'

// The served OpenAPI document, linted as a user would lint it: Redocly CLI (a dev dependency) with the
// project's redocly.yaml (the recommended ruleset, plus the checks Spectral's spectral:oas adds) and the
// exceptions in .redocly.lint-ignore.yaml. Redocly matches an exception by the document's file name, so
// the document is written as `openapi.json` next to copies of both files, in a temporary folder.

const require = createRequire(import.meta.url)
const REDOCLY = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js')
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const IGNORE_FILE = '.redocly.lint-ignore.yaml'

const UPDATE = '/paths/~1v1~1projects~1{projectId}~1services~1{serviceId}~1deployment/post'
// The admin routes that need no admin token and read no input: health and the inspector's page.
const OPEN_RESPONSES = ['#/paths/~1_mock~1health/get/responses', '#/paths/~1_mock~1ui/get/responses']

interface Problem {
  ruleId: string
  severity: 'error' | 'warn'
  message: string
  location: Array<{ source: { ref: string }, pointer: string }>
}
interface Report { totals: { errors: number, warnings: number, ignored: number }, problems: Problem[] }

const line = (p: Problem) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`

/** The value at a JSON pointer (`#/a/b~1c`) in a document. */
function at (doc: unknown, pointer: string): any {
  return pointer.slice(2).split('/').reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
}

// The document as served, and a copy without what was added so that the linters pass (servers, contact,
// license, descriptions, an operationId): the copy is not named in the exceptions, so it also shows
// everything they hide. One Redocly run lints both (about 2 s).
const app = await buildApp()
const served = (await app.inject({ method: 'GET', url: '/openapi.json' })).body
await app.close()
const doc = JSON.parse(served)
const stripped = structuredClone(doc)
delete stripped.servers
delete stripped.info.contact
delete stripped.info.license
delete at(stripped, `#${UPDATE}`).description
delete stripped.paths['/_mock/faults'].post.operationId
delete stripped.paths['/_mock/faults/{id}'].get.parameters[0].description

const dir = mkdtempSync(join(tmpdir(), 'northflank-mock-lint-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
for (const file of ['redocly.yaml', IGNORE_FILE]) copyFileSync(join(ROOT, file), join(dir, file))
writeFileSync(join(dir, 'openapi.json'), served)
writeFileSync(join(dir, 'stripped.json'), JSON.stringify(stripped))
const run = spawnSync(process.execPath, [REDOCLY, 'lint', 'openapi.json', 'stripped.json', '--format', 'json', '--max-problems', '1000'], {
  cwd: dir,
  // No usage data, no update check against the registry, no state written to the caller's HOME.
  env: { PATH: process.env.PATH ?? '', HOME: dir, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  encoding: 'utf8',
  timeout: 60_000
})
// One JSON report per file, in the order given, written back to back.
const reports = run.stdout.split(/(?<=\n\})(?=\{)/).filter((s) => s.trim() !== '').map((s) => JSON.parse(s) as Report)
if (reports.length !== 2) throw new Error(`redocly lint: exit ${run.status}, ${run.error?.message ?? ''}\n${run.stderr}`)
const [servedReport, strippedReport] = reports as [Report, Report]

/** A problem an exception is for: the if/then false positive, or an open admin route's missing 4XX. */
function excepted (p: Problem): boolean {
  return p.severity === 'warn' && (
    (p.ruleId === 'no-required-schema-properties-undefined' && /\/allOf\/\d+\/then\/required\/\d+$/.test(p.location[0]?.pointer ?? '')) ||
    (p.ruleId === 'operation-4xx-response' && OPEN_RESPONSES.includes(p.location[0]?.pointer ?? '')))
}

t.test('Redocly finds no error and no warning in the served document, but for the listed exceptions', async (t) => {
  t.strictSame(servedReport.problems.map(line), [], 'no problem outside the exceptions')
  t.equal(servedReport.totals.errors, 0)
  t.equal(servedReport.totals.warnings, 0)
})

t.test('each exception is the if/then false positive or an open admin route it names, and each is in use', async (t) => {
  const hidden = strippedReport.problems.filter(excepted)
  for (const problem of hidden.filter((p) => p.ruleId === 'no-required-schema-properties-undefined')) {
    // `#/…/<object>/allOf/<n>/then/required/<k>`: the field must be a property of <object>, the schema
    // whose allOf holds this if/then and which therefore describes the same instance.
    const [, object, n, k] = /^(#.*)\/allOf\/(\d+)\/then\/required\/(\d+)$/.exec(problem.location[0]!.pointer)!
    const holder = at(doc, object!)
    const rule = holder.allOf[Number(n)]
    const field = rule.then.required[Number(k)]
    t.ok(rule.if !== undefined && holder.properties[field] !== undefined,
      `${problem.location[0]!.pointer}: "${field}" is a property of the object its if/then applies to`)
  }
  for (const responses of OPEN_RESPONSES) {
    t.strictSame(Object.keys(at(doc, responses)), ['200'], `${responses}: documents its 200 only`)
  }

  const listed = readFileSync(join(ROOT, IGNORE_FILE), 'utf8').split('\n').filter((l) => /^\s+- '#\//.test(l)).length
  t.equal(hidden.length, listed, 'as many problems of those kinds as exceptions listed')
  t.equal(servedReport.totals.ignored, listed, 'every listed exception matches a problem of the served document')
})

t.test('without its servers, contact, license, a description, an operationId and a parameter description, the document is reported for each', async (t) => {
  const problems = strippedReport.problems.filter((p) => !excepted(p)).map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}`)
  t.strictSame(problems.sort(), [
    'error no-empty-servers #/openapi',
    'warn info-contact #/info/contact',
    'warn info-license #/info',
    `warn operation-description #${UPDATE}/description`,
    'warn operation-operationId #/paths/~1_mock~1faults/post/operationId',
    'warn parameter-description #/paths/~1_mock~1faults~1{id}/get/parameters/0'
  ].sort())
})
