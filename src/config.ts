/** Flags and environment → a checked Config. Pure: the caller passes argv and env. */
import { parseArgs } from 'node:util'
import { Value } from '@sinclair/typebox/value'
import { ConfigSchema, type Config } from '../schemas/config.js'

/** Each setting's flag and environment variable; a flag wins over the environment. */
export const SETTINGS = {
  port: { flag: 'port', env: 'PORT' },
  host: { flag: 'host', env: 'HOST' },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL' },
  logPretty: { flag: 'log-pretty', env: 'LOG_PRETTY' },
  fixtures: { flag: 'fixtures', env: 'NORTHFLANK_MOCK_FIXTURES' },
  bodyLimit: { flag: 'body-limit', env: 'NORTHFLANK_MOCK_BODY_LIMIT' },
  adminToken: { flag: 'admin-token', env: 'NORTHFLANK_MOCK_ADMIN_TOKEN' },
  journalSize: { flag: 'journal-size', env: 'NORTHFLANK_MOCK_JOURNAL_SIZE' },
  journalBytes: { flag: 'journal-bytes', env: 'NORTHFLANK_MOCK_JOURNAL_BYTES' },
  isolation: { flag: 'isolation', env: 'NORTHFLANK_MOCK_ISOLATION' },
  stateFile: { flag: 'state-file', env: 'NORTHFLANK_MOCK_STATE_FILE' },
  rateLimit: { flag: 'rate-limit', env: 'NORTHFLANK_MOCK_RATE_LIMIT' },
  rateLimitMax: { flag: 'rate-limit-max', env: 'NORTHFLANK_MOCK_RATE_LIMIT_MAX' },
  rateLimitWindow: { flag: 'rate-limit-window', env: 'NORTHFLANK_MOCK_RATE_LIMIT_WINDOW' },
  latency: { flag: 'latency', env: 'NORTHFLANK_MOCK_LATENCY' },
  rolloutPending: { flag: 'rollout-pending', env: 'NORTHFLANK_MOCK_ROLLOUT_PENDING' },
  rolloutInProgress: { flag: 'rollout-in-progress', env: 'NORTHFLANK_MOCK_ROLLOUT_IN_PROGRESS' }
} as const satisfies Record<keyof Config, { flag: string, env: string }>

export const USAGE = `Usage: northflank-mock [options]

Options (each also read from the environment variable shown):
  --port N            port to listen on; 0 picks a free one          PORT (8080)
  --host ADDR         address to listen on                           HOST (127.0.0.1)
  --fixtures FILE     JSON fixtures replacing the default project    NORTHFLANK_MOCK_FIXTURES
  --log-level LEVEL   fatal|error|warn|info|debug|trace|silent       LOG_LEVEL (info)
  --log-pretty        human-readable logs (needs pino-pretty)        LOG_PRETTY (false)
  --body-limit BYTES  largest request body accepted                  NORTHFLANK_MOCK_BODY_LIMIT (1048576)
  --admin-token TOKEN /_mock/* (not health) needs x-mock-admin-token NORTHFLANK_MOCK_ADMIN_TOKEN
  --journal-size N    requests the journal keeps; 0 turns it off     NORTHFLANK_MOCK_JOURNAL_SIZE (1000)
  --journal-bytes N   bytes all journals keep together               NORTHFLANK_MOCK_JOURNAL_BYTES (67108864)
  --isolation         one state and journal per API token            NORTHFLANK_MOCK_ISOLATION (false)
  --state-file FILE   state loaded at start, saved on each change    NORTHFLANK_MOCK_STATE_FILE
  --rate-limit        answer 429 past the rate limit (headers always) NORTHFLANK_MOCK_RATE_LIMIT (false)
  --rate-limit-max N  requests per window and token                   NORTHFLANK_MOCK_RATE_LIMIT_MAX (1000)
  --rate-limit-window S  window in seconds                            NORTHFLANK_MOCK_RATE_LIMIT_WINDOW (3600)
  --latency MS        delay added to every API request                NORTHFLANK_MOCK_LATENCY (0)
  --rollout-pending MS      time a rollout stays PENDING              NORTHFLANK_MOCK_ROLLOUT_PENDING (0)
  --rollout-in-progress MS  time it then stays IN_PROGRESS            NORTHFLANK_MOCK_ROLLOUT_IN_PROGRESS (0)
  --help              print this and exit`

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function parseConfig (argv: string[], env: Record<string, string | undefined>): Config | 'help' {
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
        help: { type: 'boolean' }
      }
    }).values
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${USAGE}`)
  }
  if (values.help === true) return 'help'

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
    throw new ConfigError(`invalid --${flag} / ${name} (${JSON.stringify(raw[key])}): ${error.message}`)
  }
  return config as Config
}
