import t from 'tap'
import { CONFORMANCE_USAGE, parseConformanceArgs, UsageError } from '../../src/conformance/args.js'

const base = ['--project', 'shop', '--service', 'web']

/** The message of the UsageError a parse throws. */
function usage (argv: string[], env: Record<string, string> = { NORTHFLANK_TOKEN: 'tok' }): string {
  try {
    parseConformanceArgs(argv, env)
  } catch (err) {
    if (err instanceof UsageError) return err.message
    throw err
  }
  return 'no error'
}

t.test('the options of a run, the token from the flag or NORTHFLANK_TOKEN, the target without its trailing slash', async (t) => {
  t.strictSame(parseConformanceArgs([...base, '--token', 'tok', '--job', 'j', '--team', 'acme', '--report', 'r.json', '--redact', '--allow-deploy',
    '--target', 'http://127.0.0.1:9000/'], {}), {
    token: 'tok',
    ids: { project: 'shop', service: 'web', job: 'j', team: 'acme' },
    target: 'http://127.0.0.1:9000',
    report: 'r.json',
    allowDeploy: true,
    redact: true
  })
  t.strictSame(parseConformanceArgs(base, { NORTHFLANK_TOKEN: 'from-env' }), {
    token: 'from-env', ids: { project: 'shop', service: 'web' }, target: 'https://api.northflank.com', allowDeploy: false, redact: false
  })
  t.equal((parseConformanceArgs([...base, '--token', 'flag'], { NORTHFLANK_TOKEN: 'env' }) as { token: string }).token, 'flag', 'the flag wins')
  t.equal(parseConformanceArgs(['-h'], {}), 'help')
  t.equal(parseConformanceArgs([...base, '--help'], {}), 'help')
  t.matchStrict(CONFORMANCE_USAGE, /^Usage: northflank-mock conformance --token TOKEN --project ID --service ID \[options\]\n/)
})

t.test('what is wrong with the command line, in one line that never repeats the token', async (t) => {
  t.equal(usage(base, {}), 'a token is required: --token TOKEN or NORTHFLANK_TOKEN')
  t.equal(usage([...base, '--token', ''], {}), 'a token is required: --token TOKEN or NORTHFLANK_TOKEN')
  t.equal(usage([...base, '--token', 'two words'], {}), 'the token holds characters an HTTP header cannot carry (spaces, control or non-ASCII characters)')
  t.equal(usage(['--service', 'web']), '--project ID is required')
  t.equal(usage(['--project', 'shop', '--service', '']), '--service ID is required')
  t.equal(usage([...base, '--job', '']), '--job needs a value')
  // Node's own words, which vary between versions: what they name is checked.
  t.matchStrict(usage([...base, '--tokn', 'x']), /^Unknown option '--tokn'/)
  t.matchStrict(usage([...base, 'extra']), /^Unexpected argument 'extra'/)
  t.equal(usage([...base, '--target', 'api.northflank.com']), '--target "api.northflank.com" is not a URL')
  t.equal(usage([...base, '--target', 'ftp://x']), '--target must be an http or https URL, not ftp:')
  t.equal(usage([...base, '--target', 'https://u:p@x/']), '--target must be a base URL, without credentials, query or fragment')
  t.equal(usage([...base, '--target', 'https://x/?a=1']), '--target must be a base URL, without credentials, query or fragment')
  t.equal(usage(['--project', 'shop', '--service', 'deployment', '--redact']),
    '--redact cannot replace the id "deployment": the probes send or compare that word themselves')
})
