/**
 * What a run prints (docs/conformance.md, "Reading the output"): a table of one line per rule, which fits
 * a screen, then each disagreement with both answers side by side, then one line of totals.
 */
import { FILL_MARKER, type Answer, type ProbeRecord, type Report } from '../../schemas/conformance.js'

const AUTH_SHOWN = { user: 'your token', none: 'no token', malformed: 'a malformed Authorization header', unknown: 'an unknown token' }
/** Width of each side of a disagreement, and the lines of an answer shown. */
const SIDE = 56
const LINES = 14

/** Statuses with their counts, in the order first seen: `400×3 404`. */
function statuses (list: number[]): string {
  const counts = new Map<number, number>()
  for (const s of list) counts.set(s, (counts.get(s) ?? 0) + 1)
  return [...counts].map(([s, n]) => n === 1 ? String(s) : `${s}×${n}`).join(' ')
}

function columns (rows: string[][]): string[] {
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((row) => (row[i] as string).length)))
  return rows.map((row) => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)).join('  '))
}

/** The rule table: rule, the target's statuses, the emulator's, and whether they agree. */
export function ruleTable (probes: ProbeRecord[]): string[] {
  const rules = new Map<string, ProbeRecord[]>()
  for (const probe of probes) rules.set(probe.rule, [...(rules.get(probe.rule) ?? []), probe])
  const rows = [['Rule', 'Target', 'Emulator', 'Agree']]
  for (const [rule, list] of rules) {
    const disagree = list.filter((p) => !p.agree).length
    rows.push([rule, statuses(list.map((p) => p.target.status)), statuses(list.map((p) => p.emulator.status)),
      disagree === 0 ? 'yes' : `no (${disagree} of ${list.length})`])
  }
  return columns(rows)
}

/** An answer as lines: its status, then its body pretty-printed, cut to LINES lines of SIDE characters. */
function answerLines (side: string, answer: Answer): string[] {
  const body = answer.text ?? (answer.body === undefined ? '(body not kept: not compared)' : JSON.stringify(answer.body, null, 2))
  const lines = [`${side}: ${answer.status}`, ...body.split('\n')]
  const shown = lines.slice(0, LINES).map((line) => line.length > SIDE ? `${line.slice(0, SIDE - 1)}…` : line)
  if (lines.length > LINES) shown.push(`(${lines.length - LINES} more lines)`)
  return shown
}

/** One disagreement: what was sent, what differs, then both answers side by side. */
export function disagreement (probe: ProbeRecord): string[] {
  const { request } = probe
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value.length > 40 ? `${value.slice(0, 40)}…` : value}`)
  const lines = [`${probe.rule} · ${probe.name}`, `  ${[`${request.method} ${request.path}`, AUTH_SHOWN[request.auth], ...headers].join(' · ')}`]
  if (request.body !== null) lines.push(`  body: ${request.body.length > 200 ? `${request.body.slice(0, 200)}…` : request.body}`)
  if (request.fill !== undefined) lines.push(`  (${FILL_MARKER} stands for ${request.fill.count} × "${request.fill.char}")`)
  for (const difference of probe.differences) lines.push(`  - ${difference}`)
  const [left, right] = [answerLines('target', probe.target), answerLines('emulator', probe.emulator)]
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    lines.push(right[i] === undefined ? `  ${left[i] as string}` : `  ${(left[i] ?? '').padEnd(SIDE)} │ ${right[i]}`)
  }
  return lines
}

/** Everything a run prints, but the errors. */
export function printout (report: Report, reportFile?: string): string {
  const disagreeing = report.probes.filter((p) => !p.agree)
  const lines = [`Target ${report.target}, emulator ${report.version}`, '', ...ruleTable(report.probes)]
  if (disagreeing.length > 0) {
    lines.push('', `Disagreements (${disagreeing.length})`)
    for (const probe of disagreeing) lines.push('', ...disagreement(probe))
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `Note: ${n}`))
  lines.push('', `${report.probes.length} probes: ${report.probes.length - disagreeing.length} agree, ${disagreeing.length} disagree; ` +
    `${report.requests.target} requests to the target` + (reportFile === undefined ? '' : `; report: ${reportFile}`))
  if (report.stopped !== null) lines.push(`Stopped early: ${report.stopped}`)
  return lines.join('\n')
}
