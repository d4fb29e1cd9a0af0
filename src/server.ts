#!/usr/bin/env node
/** The command line: flags and environment → config → listen; closes cleanly on SIGTERM/SIGINT. */
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, parseConfig, USAGE } from './config.js'
import { FixturesError, readFixturesFile } from './domain/fixtures.js'
import { StateFileError } from './domain/persistence.js'
import { createAjv } from './validation.js'
import { VERSION } from './version.js'

async function main (): Promise<void> {
  const config = parseConfig(process.argv.slice(2), process.env)
  if (config === 'help') {
    console.log(USAGE)
    return
  }
  const fixtures = config.fixtures === undefined ? undefined : readFixturesFile(createAjv(), config.fixtures)
  const app = await buildApp({
    fixtures,
    bodyLimit: config.bodyLimit,
    adminToken: config.adminToken,
    journalSize: config.journalSize,
    isolation: config.isolation,
    stateFile: config.stateFile,
    behaviour: {
      latencyMs: config.latency,
      rollout: { pendingMs: config.rolloutPending, inProgressMs: config.rolloutInProgress },
      rateLimit: { enforce: config.rateLimit, max: config.rateLimitMax, windowSeconds: config.rateLimitWindow }
    },
    logger: {
      level: config.logLevel,
      ...(config.logPretty ? { transport: { target: 'pino-pretty' } } : {})
    }
  })

  // SIGTERM/SIGINT (and a crash) close the server; a second signal, or 10 s, exits at once. Idle keep-alive
  // sockets are closed at once (Fastify's forceCloseConnections: 'idle'), so a container stops in
  // milliseconds, not after Docker's 10 s kill.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    app.log.info({ signal, err }, 'shutting down')
    await app.close()
  })

  const fixturesName = config.fixtures ?? 'the built-in default project'
  // Fastify's own start-up line, reworded: one line, with the URL to use.
  await app.listen({
    port: config.port,
    host: config.host,
    listenTextResolver: (url) => `northflank-mock ${VERSION} listening on ${url} (fixtures: ${fixturesName})`
  })
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof FixturesError || err instanceof StateFileError) {
    console.error(`northflank-mock: ${err.message}`)
  } else {
    console.error(err)
  }
  process.exit(1)
})
