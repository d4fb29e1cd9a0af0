// `northflank-mock conformance` as a process, for its exit codes and output, against stand-in targets on
// real listening servers: an emulator (everything agrees), one that turns 400 into 422, one that answers
// 429, one that is not there, one that refuses the token; and Ctrl-C. test/conformance/main.test.ts runs
// the command in this process where the process itself is not the point.
import { once } from 'node:events'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { CONFORMANCE_USAGE } from '../../src/conformance/args.js'
import { catalogue } from '../../src/conformance/catalogue.js'
import { spawnCli } from '../support/cli.js'
import { CONTEXTS, emulatorTarget, fullRun, json, readReport, runCli, TOKEN } from '../support/conformance.js'

const reportFile = () => join(mkdtempSync(join(tmpdir(), 'nf-conformance-')), 'report.json')

/** The token is in none of these texts. */
function noToken (t: Test, texts: Record<string, string>): void {
  for (const [name, text] of Object.entries(texts)) t.equal(text.includes(TOKEN), false, `the token is not in ${name}`)
}

/** Every rule the catalogue has a probe for, in some context. */
const PROBEABLE = new Set(CONTEXTS.flatMap(({ ids, facts, allowDeploy }) => catalogue(ids, facts, allowDeploy).map((p) => p.rule)))

t.test('against an emulator: every probe agrees, exit 0, a probe for each probeable rule, within a hundred requests, no token shown', async (t) => {
  const { stand } = await emulatorTarget(t)
  const file = reportFile()
  const { code, stdout, stderr } = await runCli(fullRun(stand.url, ['--report', file]))
  t.equal(code, 0)
  t.equal(stderr, '')
  const report = readReport(file)
  t.strictSame(report.probes.filter((p) => !p.agree).map((p) => [p.name, p.differences]), [], 'no disagreement')
  t.strictSame(new Set(report.probes.map((p) => p.rule)), PROBEABLE, 'every probeable rule is probed')
  t.equal(report.complete, true)
  t.equal(report.targetIsEmulator, true, 'the target said it is an emulator')
  t.equal(report.requests.target, stand.requests.length, 'the report counts every request the target received')
  t.ok(stand.requests.length < 100, `${stand.requests.length} requests to the target`)
  t.equal(stdout.split('\n').at(-2),
    `${report.probes.length} probes: ${report.probes.length} agree, 0 disagree; ${stand.requests.length} requests to the target; report: ${file}`)
  t.matchStrict(stdout, /^Target http:\/\/127\.0\.0\.1:\d+, emulator \S+\n\nRule +Target +Emulator +Agree\nunknown-project-service-404 +404×4 +404×4 +yes\n/)
  noToken(t, { stdout, stderr, report: readFileSync(file, 'utf8') })
  t.ok(stand.requests.every((r) => !r.url.includes(TOKEN)), 'nor in any URL')
  t.ok(stand.requests.every((r) => r.headers.authorization === undefined || !r.headers.authorization.includes(TOKEN) ||
    r.headers.authorization === `Bearer ${TOKEN}`), 'and sent only as a Bearer token')
})

t.test('against a target that turns every 400 into a 422: exactly the probes the emulator answers 400 disagree, exit 1', async (t) => {
  const { stand } = await emulatorTarget(t, {
    rewrite: (_r, answer) => {
      if (answer.status !== 400) return answer
      const body = JSON.parse(String(answer.body))
      return json(422, { error: { ...body.error, status: 422 } }, answer.headers)
    }
  })
  const file = reportFile()
  const { code, stdout } = await runCli(fullRun(stand.url, ['--report', file]))
  t.equal(code, 1)
  const report = readReport(file)
  const at400 = report.probes.filter((p) => p.emulator.status === 400).map((p) => p.name)
  t.ok(at400.length > 20, `${at400.length} probes answered 400`)
  t.strictSame(report.probes.filter((p) => !p.agree).map((p) => p.name), at400)
  t.ok(report.probes.filter((p) => !p.agree).every((p) => p.target.status === 422 &&
    JSON.stringify(p.differences) === JSON.stringify(['status: 422 at the target, 400 at the emulator'])), 'and only by their status')
  t.matchStrict(stdout, new RegExp(`\\nDisagreements \\(${at400.length}\\)\\n\\ntransport-errors · transport\\.bad-escape\\n`))
})

t.test('a 429 with Retry-After: 1 is waited out: the same request comes again a second later, and the run agrees', async (t) => {
  const { stand } = await emulatorTarget(t, {
    intercept: (_r, i) => i === 6 ? json(429, { error: { status: 429, message: 'slow down', id: 'x', details: {} } }, { 'retry-after': '1' }) : undefined
  })
  const { code, stdout } = await runCli(['conformance', '--project', 'shop', '--service', 'web', '--target', stand.url])
  t.equal(code, 0)
  const [limited, retried, next] = stand.requests.slice(6, 9)
  t.strictSame([retried?.method, retried?.url, String(retried?.body)], [limited?.method, limited?.url, String(limited?.body)], 'the same request again')
  const waited = (retried?.at ?? 0) - (limited?.at ?? 0)
  t.ok(waited >= 1000, `it came ${Math.round(waited)} ms after the 429`)
  t.ok((next?.at ?? 0) - (retried?.at ?? 0) < 1000, 'and the run then goes on without waiting')
  t.matchStrict(stdout, new RegExp(`; ${stand.requests.length} requests to the target\\n$`), 'the retry is counted')
})

t.test('a target that cannot be reached: exit 2 and one line saying so, nothing else', async (t) => {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  const { code, stdout, stderr } = await runCli(['conformance', '--project', 'shop', '--service', 'web', '--target', `http://127.0.0.1:${port}`])
  t.equal(code, 2)
  t.equal(stdout, '')
  t.equal(stderr, `northflank-mock conformance: cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`)
})

t.test('a token the target refuses: exit 2 and the reason, and the token is shown nowhere', async (t) => {
  const { stand } = await emulatorTarget(t)
  const refused = await runCli(['conformance', '--project', 'shop', '--service', 'web', '--target', stand.url], { NORTHFLANK_TOKEN: 'wrong-token-0b7e' })
  t.equal(refused.code, 2)
  t.equal(refused.stdout, '')
  t.matchStrict(refused.stderr, /^northflank-mock conformance: the target refused the token \(401: [^\n]+\)\n$/)
  t.equal(`${refused.stdout}${refused.stderr}`.includes('wrong-token-0b7e'), false)
  t.equal(stand.requests.length, 1, 'one read, then it stops')
})

t.test('Ctrl-C: the request in flight is aborted, what was compared is printed and written, exit 130', async (t) => {
  const { stand } = await emulatorTarget(t, { delayMs: 100 })
  const file = reportFile()
  const child = spawnCli(['conformance', '--project', 'shop', '--service', 'web', '--target', stand.url, '--report', file], { NORTHFLANK_TOKEN: TOKEN })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += String(d) })
  child.stderr.on('data', (d) => { stderr += String(d) })
  while (stand.requests.length < 8) await new Promise((resolve) => setTimeout(resolve, 20))
  child.kill('SIGINT')
  const [code] = await once(child, 'exit')
  t.equal(code, 130)
  t.equal(stderr, 'northflank-mock conformance: stopping (again to quit at once)\nnorthflank-mock conformance: interrupted\n')
  const report = readReport(file)
  t.equal(report.complete, false)
  t.equal(report.stopped, 'interrupted')
  t.ok(report.probes.length >= 5 && report.probes.length < 20, `${report.probes.length} probes compared before the stop`)
  t.matchStrict(stdout, /\nStopped early: interrupted\n$/)
})

t.test('--help prints the usage and exits 0', async (t) => {
  const help = await runCli(['conformance', '--help'])
  t.equal(help.code, 0)
  t.equal(help.stdout, `${CONFORMANCE_USAGE}\n`)
  t.equal(help.stderr, '')
})
