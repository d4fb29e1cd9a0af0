// `northflank-mock conformance` run in this process (src/conformance/main.ts), where what matters is what
// it compares, sends and writes rather than the process: test/conformance/cli.test.ts runs it as one.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Report } from '../../schemas/conformance.js'
import { conformanceMain } from '../../src/conformance/main.js'
import { emulatorTarget, json, readReport, targetFixtures, TOKEN, whyHarmless } from '../support/conformance.js'

const reportFile = () => join(mkdtempSync(join(tmpdir(), 'nf-conformance-')), 'report.json')

/** conformanceMain with these arguments and NORTHFLANK_TOKEN: its exit code and what it printed. */
async function main (args: string[], env: Record<string, string> = { NORTHFLANK_TOKEN: TOKEN }) {
  let stdout = ''
  let stderr = ''
  const code = await conformanceMain(args, env, { out: (text) => { stdout += `${text}\n` }, err: (text) => { stderr += `${text}\n` } })
  return { code, stdout, stderr }
}

t.test('against a target that differs on chosen rules: exactly those are reported, and what the comparison forgives is not', async (t) => {
  const { stand } = await emulatorTarget(t, {
    rewrite: (r, answer) => {
      const headers = { ...answer.headers }
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) delete headers[name]
      const body = JSON.parse(String(answer.body))
      // route-404-405: the method not allowed is a 404 there, without Allow.
      if (r.method === 'PUT') {
        delete headers.allow
        return { status: 404, headers, body: Buffer.from(JSON.stringify({ error: { ...body.error, status: 404 } })) }
      }
      if (answer.status === 200) {
        // job-read-fields: the job shows no settings.
        if (r.url === '/v1/projects/shop/jobs/nightly') delete body.data.settings
        // Forgiven: a login answered 204, and a service with more fields than the emulator has.
        if (r.url === '/v1/login') return { status: 204, headers, body: Buffer.alloc(0) }
        if (r.url === '/v1/projects/shop/services/web') body.data.cluster = { id: 'nf-eu' }
      }
      return { ...answer, headers, body: Buffer.from(JSON.stringify(body)) }
    }
  })
  const file = reportFile()
  const { code, stderr } = await main(['--project', 'shop', '--service', 'web', '--job', 'nightly', '--target', stand.url, '--report', file])
  t.equal(stderr, '')
  t.equal(code, 1)
  const report = readReport(file)
  t.strictSame(report.probes.filter((p) => !p.agree).map((p) => [p.rule, p.name, p.differences]), [
    ['rate-limit-headers', 'read.rate-limit-headers', [
      'header x-ratelimit-limit: absent at the target, sent at the emulator',
      'header x-ratelimit-remaining: absent at the target, sent at the emulator',
      'header x-ratelimit-reset: absent at the target, sent at the emulator'
    ]],
    ['route-404-405', 'route.method', ['status: 404 at the target, 405 at the emulator', 'header allow: absent at the target, sent at the emulator']],
    ['job-read-fields', 'job.read', ['body.data.settings: missing at the target, an object at the emulator']]
  ])
})

t.test('a recording target: without --allow-deploy, no request could have changed it, and nothing did', async (t) => {
  const { stand, mock } = await emulatorTarget(t)
  const state = async () => (await fetch(`${mock.url}/_mock/state`)).text()
  const before = await state()
  const { code } = await main(['--project', 'shop', '--service', 'web', '--job', 'nightly', '--team', 'acme', '--target', stand.url])
  t.equal(code, 0)
  const fixtures = targetFixtures()
  const updates = stand.requests.filter((r) => r.method !== 'GET')
  t.ok(updates.length > 30, `${updates.length} requests other than reads`)
  for (const r of stand.requests) {
    const why = whyHarmless({ method: r.method, url: r.url, authorization: r.headers.authorization, body: String(r.body) }, fixtures)
    t.ok(why !== undefined, `${r.method} ${r.url.slice(0, 80)}: ${why ?? 'COULD HAVE CHANGED THE TARGET'}`)
  }
  t.equal(await state(), before, 'the target\'s state is as it was')
})

t.test('--redact: the output and the report carry placeholders for the ids, and still agree', async (t) => {
  const { stand } = await emulatorTarget(t)
  const file = reportFile()
  const { code, stdout } = await main(['--project', 'shop', '--service', 'web', '--job', 'nightly', '--team', 'team-7',
    '--allow-deploy', '--redact', '--target', stand.url, '--report', file])
  t.equal(code, 0)
  const text = readFileSync(file, 'utf8')
  const ids = /(?<![A-Za-z0-9-])(shop|web|nightly|builder|team-7)(?![A-Za-z0-9-])/
  t.equal(ids.exec(stdout)?.[0], undefined, 'no id in the output')
  t.equal(ids.exec(text)?.[0], undefined, 'no id in the report')
  const report: Report = JSON.parse(text)
  t.equal(report.redacted, true)
  t.strictSame(report.mirror.projects[0]?.services.map((s) => s.id), ['my-service', 'my-build-service'])
  t.ok(report.probes.some((p) => p.request.path === '/v1/teams/my-team/projects/my-project/services/my-service'))
})

t.test('a refused token, a usage error and a report that cannot be written: exit 2, and one line saying why', async (t) => {
  const { stand } = await emulatorTarget(t, { intercept: () => json(401, { error: { status: 401, message: 'Unauthorized', id: 'x', details: {} } }) })
  const refused = await main(['--project', 'shop', '--service', 'web', '--target', stand.url])
  t.strictSame(refused, { code: 2, stdout: '', stderr: 'northflank-mock conformance: the target refused the token (401: Unauthorized)\n' })
  t.strictSame(await main(['--project', 'shop']), {
    code: 2, stdout: '', stderr: 'northflank-mock conformance: --service ID is required (northflank-mock conformance --help lists the options)\n'
  })
  const misplaced = await main(['--project', 'shop', '--service', 'web', '--token', 'tok-1', '--target', 'tok-1'])
  t.equal(misplaced.stderr, 'northflank-mock conformance: --target "[token]" is not a URL (northflank-mock conformance --help lists the options)\n',
    'a token given where a URL goes is not repeated')
  t.equal((await main(['--project', 'shop', '--service', 'web', '--token=tok-2', '--target', 'tok-2'])).stderr.includes('tok-2'), false)
  t.equal((await main(['--project', 'shop', '--service', 'web', '--target', TOKEN])).stderr.includes(TOKEN), false, 'nor the one from NORTHFLANK_TOKEN')
  // Node's words for a flag without its value, which vary with its version.
  t.matchStrict((await main(['--project', 'shop', '--service', 'web', '--target', 'x', '--token'])).stderr,
    /^northflank-mock conformance: Option '--token[^']*' argument missing.* \(northflank-mock conformance --help lists the options\)\n$/)
  const target = await emulatorTarget(t)
  const unwritable = await main(['--project', 'shop', '--service', 'web', '--target', target.stand.url, '--report', '/nonexistent-dir/r.json'])
  t.equal(unwritable.code, 2)
  t.matchStrict(unwritable.stdout, /probes: \d+ agree, 0 disagree; \d+ requests to the target; report: \/nonexistent-dir\/r\.json\n$/)
  t.equal(unwritable.stderr, 'northflank-mock conformance: cannot write the report: ENOENT: no such file or directory, open \'/nonexistent-dir/r.json\'\n')
})
