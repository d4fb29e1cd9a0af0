/**
 * The package's public API: start an emulator inside a test process on an ephemeral port, and drive it
 * through typed admin helpers.
 *
 *   const mock = await startMock({ isolation: true })
 *   // … point the code under test at mock.url …
 *   await mock.admin.count({ method: 'POST', service: 'example-service', status: 200 })
 *   await mock.close()
 */
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOptions } from './app.js'
import { createAdminClient, type AdminClient } from './client.js'

export { buildApp, type AppOptions } from './app.js'
export {
  AdminError, createAdminClient, VerificationError, type AdminClient, type AdminClientOptions, type JournalFilter, type JournalOptions,
  type JournalStreamOptions, type ResetScope, type Scope
} from './client.js'
export { ManualClock, type Clock } from './domain/clock.js'
export { defaultFixtures, FixturesError } from './domain/fixtures.js'
export { StateFileError } from './domain/persistence.js'
export { VERSION } from './version.js'
export type { Health, JournalEntry, JournalView, StateDump } from '../schemas/admin.js'
export type {
  ClockSet, ClockState, FaultRule, FaultRuleInput, Latency, RateLimitSettings, RateLimitSettingsUpdate, RolloutSettingsBody as RolloutSettings,
  RolloutSettingsUpdate
} from '../schemas/faults.js'
export type { Fixtures } from '../schemas/fixtures.js'
export type { CountExpectation, NearMiss, VerifyQuery } from '../schemas/verify.js'

export interface StartOptions extends AppOptions {
  /** Default 0: a free port chosen by the system. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
}

export interface MockServer {
  /** Base URL, e.g. http://127.0.0.1:39123: the API host for the client under test. */
  url: string
  /** The Fastify instance, for `inject` or decorations (e.g. `app.emulator`). */
  app: FastifyInstance
  /** Admin helpers bound to this emulator (and to its admin token, when one is set). */
  admin: AdminClient
  /** Stops listening (and saves the state file, when one is set). */
  close: () => Promise<void>
}

export async function startMock (options: StartOptions = {}): Promise<MockServer> {
  const { port = 0, host = '127.0.0.1', ...appOptions } = options
  const app = await buildApp(appOptions)
  let url: string
  try {
    url = await app.listen({ port, host })
  } catch (err) {
    await app.close()
    throw err
  }
  return {
    url,
    app,
    admin: createAdminClient(url, { adminToken: options.adminToken }),
    close: () => app.close()
  }
}
