// The snapshots of Northflank's answers committed here (README.md) are replayed against the emulator: each
// probe's request again, its answer compared with the recorded target's as the run compared them. None is
// committed yet, so the replay is also exercised with reports made against stand-in targets.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Report } from '../../schemas/conformance.js'
import { conformanceMain } from '../../src/conformance/main.js'
import { replay } from '../../src/conformance/replay.js'
import { committedSnapshots, emulatorTarget, fullRun, json, readReport, TOKEN, type Upstream } from '../support/conformance.js'

/** Why a report cannot stand as a snapshot of Northflank, or none. */
function unfit (report: Report): string[] {
  const why: string[] = []
  if (report.targetIsEmulator) why.push('recorded against an emulator (it answered with x-northflank-mock)')
  if (!report.complete) why.push(`incomplete: ${String(report.stopped)}`)
  return why
}

/** A report of a run against a stand-in whose answers `rewrite` makes, written to a temporary folder and read back. */
async function recorded (t: Test, rewrite: (answer: Upstream) => Upstream): Promise<Report> {
  const { stand } = await emulatorTarget(t, { rewrite: (_r, answer) => rewrite(answer) })
  const file = join(mkdtempSync(join(tmpdir(), 'nf-parity-')), 'snapshot.json')
  const args = fullRun(stand.url, ['--report', file, '--redact']).slice(1)
  await conformanceMain(args, { NORTHFLANK_TOKEN: TOKEN }, { out: () => {}, err: () => {} })
  return readReport(file)
}

/** Not an emulator, to the eye of a run: no x-northflank-mock, and reads with more than the emulator shows. */
function northflankLike (answer: Upstream): Upstream {
  const { 'x-northflank-mock': _name, ...headers } = answer.headers
  const body = answer.body.length === 0 ? undefined : JSON.parse(String(answer.body))
  // A read: an object with fields (an update's {"data":{}} stays as it is).
  if (answer.status === 200 && Object.keys(body?.data ?? {}).length > 0) body.data.cluster = { id: 'nf-eu-1' }
  return { ...answer, headers, body: body === undefined ? answer.body : Buffer.from(JSON.stringify(body)) }
}

t.test('every snapshot committed under test/parity/ is Northflank\'s, whole, and the emulator answers each of its probes as Northflank did', async (t) => {
  for (const [file, report] of committedSnapshots()) {
    t.strictSame(unfit(report), [], `${file} can stand as a snapshot`)
    const replayed = await replay(report)
    t.strictSame(replayed.filter((r) => r.differences.length > 0).map((r) => [r.probe.name, r.differences]), [], `${file}: ${replayed.length} probes replayed`)
  }
})

t.test('a snapshot recorded from a stand-in target and written to a file replays with no difference, status and shape per probe', async (t) => {
  const report = await recorded(t, northflankLike)
  t.strictSame(unfit(report), [])
  t.equal(report.redacted, true)
  t.ok(report.probes.length > 60, `${report.probes.length} probes`)
  const replayed = await replay(report)
  t.equal(replayed.length, report.probes.length)
  t.strictSame(replayed.filter((r) => r.differences.length > 0).map((r) => [r.probe.name, r.differences]), [])
})

t.test('a snapshot the emulator does not match fails the replay on exactly the probes it differs on', async (t) => {
  const report = await recorded(t, (answer) => {
    if (answer.status !== 400) return northflankLike(answer)
    return northflankLike(json(422, { error: { ...JSON.parse(String(answer.body)).error, status: 422 } }, answer.headers))
  })
  const replayed = await replay(report)
  const at400 = report.probes.filter((p) => p.emulator.status === 400).map((p) => p.name)
  t.ok(at400.length > 20)
  t.strictSame(replayed.filter((r) => r.differences.length > 0).map((r) => r.probe.name), at400)
  t.ok(replayed.every((r) => r.differences.every((d) => d === 'status: 422 at the target, 400 at the emulator')))
})

t.test('a report recorded against the emulator, or cut short, cannot stand as a snapshot', async (t) => {
  const report = await recorded(t, (answer) => answer)
  t.strictSame(unfit(report), ['recorded against an emulator (it answered with x-northflank-mock)'])
  t.strictSame(unfit({ ...report, targetIsEmulator: false, complete: false, stopped: 'interrupted' }), ['incomplete: interrupted'])
})
