/**
 * A recorded report, replayed against the emulator (test/parity/README.md): an emulator built from the
 * report's mirror fixtures gets every probe's request again, and its answer is compared with the target's
 * recorded answer as the run compared them. A report committed as a snapshot of Northflank must replay
 * without a difference.
 */
import type { ProbeRecord, Report } from '../../schemas/conformance.js'
import { buildApp } from '../app.js'
import { compareAnswers } from './compare.js'
import { MIRROR_TOKEN } from './mirror.js'
import { Sender } from './sender.js'

export interface Replayed {
  probe: ProbeRecord
  /** What differs between the recorded target's answer and the emulator's today; none: they agree. */
  differences: string[]
}

export async function replay (report: Report): Promise<Replayed[]> {
  const app = await buildApp({ fixtures: report.mirror })
  try {
    const emulator = new Sender({ base: await app.listen({ port: 0, host: '127.0.0.1' }), token: MIRROR_TOKEN, signal: new AbortController().signal })
    const replayed: Replayed[] = []
    for (const probe of report.probes) {
      const answer = await emulator.send(probe.request, probe.compare.headers)
      replayed.push({ probe, differences: compareAnswers(probe.compare, probe.target, answer) })
    }
    return replayed
  } finally {
    await app.close()
  }
}
