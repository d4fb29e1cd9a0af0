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
  journalSize: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1000, description: 'Requests each journal keeps; 0: none' }),
  isolation: Type.Boolean({ default: false, description: 'One namespace (state, journal) per API token' }),
  stateFile: Type.Optional(Type.String({ minLength: 1, description: 'State loaded at start, saved (atomically) at shutdown' }))
}, { additionalProperties: false })
export type Config = Static<typeof ConfigSchema>
