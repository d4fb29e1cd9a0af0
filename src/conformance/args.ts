/** `northflank-mock conformance …`: its flags and environment → checked options. Pure: the caller passes argv and env. */
import { parseArgs } from 'node:util'
import type { Ids } from './catalogue.js'
import { redactionClash } from './report.js'

export const DEFAULT_TARGET = 'https://api.northflank.com'

export const CONFORMANCE_USAGE = `Usage: northflank-mock conformance --token TOKEN --project ID --service ID [options]

Sends the same probes to a Northflank API and to an emulator that mirrors the service (and job), and
reports where their answers differ (docs/conformance.md). Without --allow-deploy, nothing it sends can
change the target.

Options:
  --token TOKEN      a Northflank API token (or NORTHFLANK_TOKEN, which keeps it out of the process list)
  --project ID       the project of the service
  --service ID       a service the token may read
  --job ID           also probe the job routes with this job
  --team ID          also probe the team-scoped routes with this team
  --target URL       the API to measure (${DEFAULT_TARGET})
  --report FILE      write the report as JSON
  --redact           project, service, job and team ids as placeholders in the output and the report
  --allow-deploy     also re-deploy exactly what the service (and job) runs now, to compare the 200
  -h, --help         print this and exit

Exit code: 0 every probe agrees, 1 some disagree, 2 usage, auth, network or safety failure, 130 interrupted.`

export class UsageError extends Error {
  override name = 'UsageError'
}

export interface ConformanceOptions {
  token: string
  ids: Ids
  /** Without a trailing slash. */
  target: string
  report?: string
  allowDeploy: boolean
  redact: boolean
}

/** A token a header can carry: visible ASCII, no space. Anything else would fail inside fetch, whose error quotes it. */
const TOKEN = /^[\x21-\x7e]+$/

export function parseConformanceArgs (argv: string[], env: Record<string, string | undefined>): ConformanceOptions | 'help' {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        token: { type: 'string' },
        project: { type: 'string' },
        service: { type: 'string' },
        job: { type: 'string' },
        team: { type: 'string' },
        target: { type: 'string' },
        report: { type: 'string' },
        redact: { type: 'boolean' },
        'allow-deploy': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    // Node's message names the option, never its value.
    throw new UsageError((err as Error).message)
  }
  if (values.help === true) return 'help'
  const token = (values.token as string | undefined) || env.NORTHFLANK_TOKEN
  if (token === undefined || token === '') throw new UsageError('a token is required: --token TOKEN or NORTHFLANK_TOKEN')
  if (!TOKEN.test(token)) throw new UsageError('the token holds characters an HTTP header cannot carry (spaces, control or non-ASCII characters)')
  for (const name of ['project', 'service'] as const) {
    if (values[name] === undefined || values[name] === '') throw new UsageError(`--${name} ID is required`)
  }
  for (const name of ['job', 'team', 'report'] as const) {
    if (values[name] === '') throw new UsageError(`--${name} needs a value`)
  }
  const target = targetOf((values.target as string | undefined) ?? DEFAULT_TARGET)
  const ids: Ids = { project: values.project as string, service: values.service as string }
  if (values.job !== undefined) ids.job = values.job as string
  if (values.team !== undefined) ids.team = values.team as string
  const redact = values.redact === true
  if (redact) {
    const clash = redactionClash(Object.values(ids))
    if (clash !== undefined) throw new UsageError(clash)
  }
  return {
    token,
    ids,
    target,
    ...(values.report === undefined ? {} : { report: values.report as string }),
    allowDeploy: values['allow-deploy'] === true,
    redact
  }
}

/** An http(s) URL with no credentials, query or fragment, without its trailing slash. */
function targetOf (text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`--target ${JSON.stringify(text)} is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--target must be an http or https URL, not ${url.protocol}`)
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new UsageError('--target must be a base URL, without credentials, query or fragment')
  }
  return url.href.replace(/\/+$/, '')
}
