/**
 * What a report may show: never the token (every string it holds is scrubbed of it, in case an answer
 * repeats it), and with --redact, placeholders for the ids of the user's project, service, job, team and
 * build services, so that a report can be shared (docs/conformance.md, "Sharing a report").
 */
import type { Report } from '../../schemas/conformance.js'
import { REGISTRY_PROVIDERS } from '../../schemas/service.js'
import { catalogue, encodeAll } from './catalogue.js'
import { RunError } from './sender.js'

/** Every string value of a JSON value passed through `f`; keys stay (they are the API's, and shapes are made of them). */
function mapStrings (value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value)
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f))
  if (value !== null && typeof value === 'object') {
    // fromEntries defines each key as data, so that a `__proto__` key stays a key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]))
  }
  return value
}

export const TOKEN_SHOWN = '[token]'

/** `text` with every occurrence of the token replaced. */
export function scrub (text: string, token: string): string {
  return token === '' ? text : text.replaceAll(token, TOKEN_SHOWN)
}

export interface Redaction {
  project: string
  service: string
  job?: string
  team?: string
  /** Build services the mirror knows of, besides the service. */
  builders: string[]
}

/** Each id and the placeholder it becomes, longest id first (so that no id is replaced inside a longer one). */
export function placeholders (r: Redaction): Array<[string, string]> {
  const pairs: Array<[string, string]> = [[r.project, 'my-project'], [r.service, 'my-service']]
  if (r.job !== undefined) pairs.push([r.job, 'my-job'])
  if (r.team !== undefined) pairs.push([r.team, 'my-team'])
  r.builders.forEach((id, i) => pairs.push([id, i === 0 ? 'my-build-service' : `my-build-service-${i + 1}`]))
  return pairs.sort(([a], [b]) => b.length - a.length)
}

/** A whole id (not part of a longer one: ids are letters, digits and dashes), as written or percent-encoded. */
function replacer (pairs: Array<[string, string]>): (s: string) => string {
  const rules = pairs.flatMap(([id, placeholder]): Array<[RegExp, string]> => [
    [new RegExp(`(?<![A-Za-z0-9-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9-])`, 'g'), placeholder],
    [new RegExp(encodeAll(id), 'g'), encodeAll(placeholder)]
  ])
  return (s) => rules.reduce((text, [pattern, placeholder]) => text.replace(pattern, placeholder), s)
}

/**
 * The words the probes send of their own (in paths and bodies) and the values they compare: an id that is
 * one of them cannot be told apart from it in a report, and replacing it would change what a replay sends.
 */
function ownWords (): Set<string> {
  const ids = { project: 'my-project', service: 'my-service', job: 'my-job', team: 'my-team' }
  const probes = catalogue(ids, { serviceType: 'deployment', serviceBuilder: 'my-build-service', job: { source: 'internal', builder: 'my-build-service' } }, true)
  const text = probes.map((p) => `${p.request.path} ${p.request.body ?? ''} ${Object.values(p.request.headers).join(' ')}`).join(' ')
  return new Set([...[...text.matchAll(/[A-Za-z0-9-]+/g)].map(([word]) => word), ...REGISTRY_PROVIDERS, 'service'])
}

/** Why these ids cannot be redacted, or undefined when they can. */
export function redactionClash (ids: string[]): string | undefined {
  const words = ownWords()
  const clash = ids.find((id) => words.has(id))
  return clash === undefined ? undefined : `--redact cannot replace the id "${clash}": the probes send or compare that word themselves`
}

/** The report as it may be shown or written: scrubbed of the token, and redacted when asked. */
export function publish (report: Report, token: string, redaction?: Redaction): Report {
  if (redaction !== undefined) {
    const clash = redactionClash([redaction.project, redaction.service, redaction.job, redaction.team, ...redaction.builders].filter((id) => id !== undefined))
    if (clash !== undefined) throw new RunError(clash)
  }
  const redact = redaction === undefined ? (s: string) => s : replacer(placeholders(redaction))
  const { target, ...rest } = report
  const shown = mapStrings(rest, (s) => redact(scrub(s, token))) as Omit<Report, 'target'>
  return { target: scrub(target, token), ...shown, redacted: redaction !== undefined }
}
