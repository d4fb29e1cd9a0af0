/** Flags and environment → a checked Config. Pure: the caller passes argv and env. */
import { parseArgs } from 'node:util'
import { Value } from '@sinclair/typebox/value'
import { ConfigSchema, type Config } from '../schemas/config.js'

/**
 * Each setting's flag and environment variable (a flag wins over the environment), and its line in
 * --help: what the flag takes (none for a switch) and what it does. The default shown is the schema's.
 */
export const SETTINGS = {
  port: { flag: 'port', env: 'PORT', arg: 'N', help: 'port to listen on; 0 picks a free one' },
  host: { flag: 'host', env: 'HOST', arg: 'ADDR', help: 'address to listen on' },
  fixtures: { flag: 'fixtures', env: 'NORTHFLANK_MOCK_FIXTURES', arg: 'FILE', help: 'JSON fixtures replacing the default project' },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', arg: 'LEVEL', help: 'fatal|error|warn|info|debug|trace|silent' },
  logPretty: { flag: 'log-pretty', env: 'LOG_PRETTY', arg: '', help: 'human-readable logs (needs pino-pretty installed)' },
  bodyLimit: { flag: 'body-limit', env: 'NORTHFLANK_MOCK_BODY_LIMIT', arg: 'BYTES', help: 'largest request body accepted' },
  adminToken: { flag: 'admin-token', env: 'NORTHFLANK_MOCK_ADMIN_TOKEN', arg: 'TOKEN', help: '/_mock/* (not health) needs x-mock-admin-token' },
  allowedHosts: {
    flag: 'allowed-hosts',
    env: 'NORTHFLANK_MOCK_ALLOWED_HOSTS',
    arg: 'LIST',
    help: 'more host names /_mock answers, comma-separated (.name: with subdomains; *: any)'
  },
  journalSize: { flag: 'journal-size', env: 'NORTHFLANK_MOCK_JOURNAL_SIZE', arg: 'N', help: 'requests each journal keeps; 0 turns it off' },
  journalBytes: { flag: 'journal-bytes', env: 'NORTHFLANK_MOCK_JOURNAL_BYTES', arg: 'BYTES', help: 'bytes all journals keep together' },
  isolation: { flag: 'isolation', env: 'NORTHFLANK_MOCK_ISOLATION', arg: '', help: 'one state and journal per API token' },
  stateFile: { flag: 'state-file', env: 'NORTHFLANK_MOCK_STATE_FILE', arg: 'FILE', help: 'state loaded at start, saved after each change' },
  rateLimit: { flag: 'rate-limit', env: 'NORTHFLANK_MOCK_RATE_LIMIT', arg: '', help: 'answer 429 past the rate limit (headers always)' },
  rateLimitMax: { flag: 'rate-limit-max', env: 'NORTHFLANK_MOCK_RATE_LIMIT_MAX', arg: 'N', help: 'requests per window and token' },
  rateLimitWindow: { flag: 'rate-limit-window', env: 'NORTHFLANK_MOCK_RATE_LIMIT_WINDOW', arg: 'S', help: 'window in seconds' },
  latency: { flag: 'latency', env: 'NORTHFLANK_MOCK_LATENCY', arg: 'MS', help: 'delay added to every API request' },
  rolloutPending: { flag: 'rollout-pending', env: 'NORTHFLANK_MOCK_ROLLOUT_PENDING', arg: 'MS', help: 'time a rollout stays PENDING' },
  rolloutInProgress: { flag: 'rollout-in-progress', env: 'NORTHFLANK_MOCK_ROLLOUT_IN_PROGRESS', arg: 'MS', help: 'time it then stays IN_PROGRESS' }
} as const satisfies Record<keyof Config, { flag: string, env: string, arg: string, help: string }>

/** Rows of three columns (option, what it does, variable and default), each padded to its widest cell. */
function table (rows: Array<[string, string, string]>): string {
  const width = (i: 0 | 1) => Math.max(...rows.map((row) => row[i].length))
  const [w0, w1] = [width(0), width(1)]
  return rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${c === '' ? b : `${b.padEnd(w1)}  ${c}`}`).join('\n')
}

export const USAGE = `Usage: northflank-mock [options]

Options (each also read from the environment variable shown; its default in parentheses):
${table([
  ...Object.entries(SETTINGS).map(([key, { flag, env, arg, help }]): [string, string, string] => {
    const fallback = (ConfigSchema.properties[key as keyof Config] as { default?: unknown }).default
    return [`--${flag}${arg === '' ? '' : ` ${arg}`}`, help, fallback === undefined ? env : `${env} (${String(fallback)})`]
  }),
  ['-h, --help', 'print this and exit', ''],
  ['-v, --version', 'print the version and exit', '']
])}

Command:
  northflank-mock conformance …  measure the emulator against a Northflank API (conformance --help)`

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The checked settings; or 'help' or 'version' when asked for, whatever else the command line says. */
export function parseConfig (argv: string[], env: Record<string, string | undefined>): Config | 'help' | 'version' {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'log-level': { type: 'string' },
        'log-pretty': { type: 'boolean' },
        fixtures: { type: 'string' },
        'body-limit': { type: 'string' },
        'admin-token': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'journal-size': { type: 'string' },
        'journal-bytes': { type: 'string' },
        isolation: { type: 'boolean' },
        'state-file': { type: 'string' },
        'rate-limit': { type: 'boolean' },
        'rate-limit-max': { type: 'string' },
        'rate-limit-window': { type: 'string' },
        latency: { type: 'string' },
        'rollout-pending': { type: 'string' },
        'rollout-in-progress': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' }
      }
    }).values
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${USAGE}`)
  }
  if (values.help === true) return 'help'
  if (values.version === true) return 'version'

  const raw: Record<string, unknown> = {}
  for (const [key, { flag, env: name }] of Object.entries(SETTINGS)) {
    const value = values[flag] ?? env[name]
    if (value !== undefined && value !== '') raw[key] = value
  }
  // Convert turns "8080" into 8080 and "true" into true; Default fills the rest; then check.
  const config = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw))
  const error = Value.Errors(ConfigSchema, config).First()
  if (error !== undefined) {
    const key = error.path.split('/')[1] as keyof Config
    // Every key of the schema has a setting; the schema allows no other.
    const { flag, env: name } = SETTINGS[key]
    const words = (ConfigSchema.properties[key] as { patternWords?: string }).patternWords
    throw new ConfigError(`invalid --${flag} / ${name} (${JSON.stringify(raw[key])}): ${words ?? error.message}`)
  }
  return config as Config
}

/**
 * A failed listen as one line naming the setting to change, for the errors that are the user's to fix:
 * the port taken or not allowed, the address not this machine's, a host name that does not resolve
 * (Node's codes: https://nodejs.org/api/errors.html#common-system-errors, and getaddrinfo's). Any other
 * error is given back as it is.
 */
export function listenError (err: unknown, port: number, host: string): unknown {
  const code = (err as { code?: unknown }).code
  const otherPort = `choose another with --${SETTINGS.port.flag} / ${SETTINGS.port.env} (0 picks a free one)`
  const otherHost = `choose another with --${SETTINGS.host.flag} / ${SETTINGS.host.env} ` +
    '(127.0.0.1: this machine only; 0.0.0.0: every interface)'
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(`port ${port} on ${host} is in use (EADDRINUSE): ${otherPort}`)
    case 'EACCES':
      return new ConfigError(`no permission to listen on port ${port} (EACCES; ports below 1024 need privileges): ${otherPort}`)
    case 'EADDRNOTAVAIL':
      return new ConfigError(`cannot listen on ${host}: not an address of this machine (EADDRNOTAVAIL); ${otherHost}`)
    case 'EINVAL': // an address no socket can listen on, such as a link-local one without its interface (fe80::1)
      return new ConfigError(`cannot listen on ${host}: not an address to listen on (EINVAL); ${otherHost}`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`cannot listen on ${JSON.stringify(host)}: the host name does not resolve (${code}); ${otherHost}`)
    default:
      return err
  }
}
