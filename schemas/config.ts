import { Type, type Static } from '@sinclair/typebox'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** The server's settings, from flags and environment (src/config.ts says which name is which). */
export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  host: Type.String({ minLength: 1, default: '127.0.0.1' }),
  logLevel: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)), { default: 'info' }),
  logPretty: Type.Boolean({ default: false }),
  fixtures: Type.Optional(Type.String({ minLength: 1 })),
  bodyLimit: Type.Integer({ minimum: 1024, default: 1048576, description: 'Largest request body, in bytes' }),
  adminToken: Type.Optional(Type.String({ minLength: 1, description: 'When set, /_mock/* (but health) needs it in x-mock-admin-token' })),
  allowedHosts: Type.Optional(Type.String({
    // Comma-separated host names, each `name` or `.name` (with subdomains), or `*`; no ports.
    pattern: '^(?:\\*|\\.?[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*)(?:,(?:\\*|\\.?[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*))*$',
    description: 'Host names /_mock answers besides loopback names and addresses, IP literals and single-label names',
    // What a bad value is told (src/config.ts), in place of the pattern.
    patternWords: 'must be host names separated by commas, each name, .name (with its subdomains) or *, without a port'
  })),
  journalSize: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1000, description: 'Requests each journal keeps; 0: none' }),
  journalBytes: Type.Integer({ minimum: 0, maximum: 2 ** 40, default: 64 * 1024 * 1024, description: 'Bytes all journals keep together' }),
  isolation: Type.Boolean({ default: false, description: 'One namespace (state, journal) per API token' }),
  stateFile: Type.Optional(Type.String({ minLength: 1, description: 'State loaded at start, saved (atomically) at shutdown' })),
  rateLimit: Type.Boolean({ default: false, description: 'Answer 429 past the rate limit (the headers are always sent)' }),
  rateLimitMax: Type.Integer({ minimum: 1, maximum: 1000000000, default: 1000, description: 'Requests per window and token' }),
  rateLimitWindow: Type.Integer({ minimum: 1, maximum: 86400, default: 3600, description: 'Rate-limit window, in seconds' }),
  latency: Type.Integer({ minimum: 0, maximum: 60000, default: 0, description: 'Delay added to every API request, in ms' }),
  rolloutPending: Type.Integer({ minimum: 0, maximum: 86400000, default: 0, description: 'How long a rollout stays PENDING, in ms' }),
  rolloutInProgress: Type.Integer({ minimum: 0, maximum: 86400000, default: 0, description: 'How long a rollout stays IN_PROGRESS, in ms' })
}, { additionalProperties: false })
export type Config = Static<typeof ConfigSchema>
