#!/usr/bin/env node
/** The command line: flags and environment → config → listen; closes cleanly on SIGTERM/SIGINT. */
import { buildApp } from './app.js'
import { ConfigError, parseConfig, USAGE } from './config.js'
import { FixturesError, readFixturesFile } from './domain/fixtures.js'
import { StateFileError } from './domain/persistence.js'
import { createAjv } from './validation.js'

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
    logger: {
      level: config.logLevel,
      ...(config.logPretty ? { transport: { target: 'pino-pretty' } } : {})
    }
  })

  let closing = false
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (closing) return
      closing = true
      app.log.info({ signal }, 'shutting down')
      // Idle keep-alive sockets are closed at once (Fastify's forceCloseConnections: 'idle'),
      // so a container stops in milliseconds, not after Docker's 10 s kill.
      app.close().then(() => process.exit(0), (err: unknown) => {
        app.log.error({ err }, 'error while closing')
        process.exit(1)
      })
    })
  }

  const url = await app.listen({ port: config.port, host: config.host })
  app.log.info({
    url,
    fixtures: config.fixtures ?? 'built-in default project',
    stateFile: config.stateFile,
    isolation: config.isolation,
    adminToken: config.adminToken !== undefined
  }, `northflank-mock listening on ${url}`)
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof FixturesError || err instanceof StateFileError) {
    console.error(`northflank-mock: ${err.message}`)
  } else {
    console.error(err)
  }
  process.exit(1)
})
