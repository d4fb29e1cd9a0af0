#!/usr/bin/env node
/** The command line: flags and environment → config → listen; closes cleanly on SIGTERM/SIGINT. */

// A signal during start-up exits at once. Installed before anything else loads (the built server.js is
// a few kB; scripts/build.mjs puts the rest in chunks, each loaded by an import below): as a container's
// PID 1, Node ignores a signal it has no handler for, and Docker would wait 10 s to kill it.
// Until the server exists there is nothing to close; closeWithGrace takes over once it does.
const exitEarly = process.exit.bind(process, 0)
process.once('SIGTERM', exitEarly)
process.once('SIGINT', exitEarly)

// --help, --version and a bad flag need only these: they answer without loading the server.
const { ConfigError, listenError, parseConfig, USAGE } = await import('./config.js')
const { VERSION } = await import('./version.js')

/** Errors that are the user's to fix (a flag, a file): their message alone, without a stack. */
const userErrors: Array<abstract new (...args: never[]) => Error> = [ConfigError]

/**
 * The log's stdout: one write per turn of the event loop instead of one per line. Under load, the lines
 * of every request answered in a turn go out in one write(2); idle, a line still goes out at once.
 * process.stdout writes synchronously on Linux (files, pipes and terminals), so nothing is lost on exit.
 */
function batchedStdout (): { write: (line: string) => void } {
  let pending = ''
  const flush = (): void => {
    const text = pending
    pending = ''
    if (text !== '') process.stdout.write(text)
  }
  process.on('exit', flush)
  return {
    write (line: string) {
      if (pending === '') setImmediate(flush)
      pending += line
    }
  }
}

/**
 * The log's stdout with --log-pretty: each line formatted by pino-pretty, in this thread and at once (its
 * transport would run in a worker and resolve the package by name from pino's folder). pino-pretty is an
 * optional peer dependency, so an installed copy may not have it: then a message says how to get it.
 */
async function prettyStdout (): Promise<{ write: (line: string) => void }> {
  let prettyFactory: typeof import('pino-pretty').prettyFactory
  try {
    ({ prettyFactory } = await import('pino-pretty'))
  // Reached only where pino-pretty is absent: never here (a dev dependency), so test/e2e/install.sh checks
  // this message from installed copies. Hence:
  /* c8 ignore start */
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new ConfigError('--log-pretty needs the pino-pretty package, which is not installed: install it beside ' +
      'northflank-mock (npm install --save-dev pino-pretty), or pipe the JSON logs through `npx pino-pretty`')
  }
  /* c8 ignore stop */
  const pretty = prettyFactory({})
  return { write: (line) => { process.stdout.write(pretty(line)) } }
}

async function main (): Promise<void> {
  // `northflank-mock conformance …` (docs/conformance.md): a command of its own, with its own signal handling.
  if (process.argv[2] === 'conformance') {
    process.removeListener('SIGTERM', exitEarly)
    process.removeListener('SIGINT', exitEarly)
    const { conformanceMain } = await import('./conformance/main.js')
    process.exitCode = await conformanceMain(process.argv.slice(3), process.env)
    return
  }
  const config = parseConfig(process.argv.slice(2), process.env)
  if (config === 'help') {
    console.log(USAGE)
    return
  }
  if (config === 'version') {
    console.log(VERSION)
    return
  }
  const log = config.logPretty ? await prettyStdout() : batchedStdout()

  const [{ default: closeWithGrace }, { buildApp }, { FixturesError, readFixturesFile }, { StateFileError }] =
    await Promise.all([
      import('close-with-grace'), import('./app.js'), import('./domain/fixtures.js'), import('./domain/persistence.js')
    ])
  userErrors.push(FixturesError, StateFileError)
  const fixtures = config.fixtures === undefined ? undefined : readFixturesFile(config.fixtures)
  const app = await buildApp({
    fixtures,
    bodyLimit: config.bodyLimit,
    adminToken: config.adminToken,
    allowedHosts: config.allowedHosts?.split(','),
    journalSize: config.journalSize,
    journalBytes: config.journalBytes,
    isolation: config.isolation,
    stateFile: config.stateFile,
    behaviour: {
      latencyMs: config.latency,
      rollout: { pendingMs: config.rolloutPending, inProgressMs: config.rolloutInProgress },
      rateLimit: { enforce: config.rateLimit, max: config.rateLimitMax, windowSeconds: config.rateLimitWindow }
    },
    logger: { level: config.logLevel, stream: log }
  })

  // SIGTERM/SIGINT (and a crash) close the server; a second signal, or 10 s, exits at once. Idle keep-alive
  // sockets are closed at once (Fastify's forceCloseConnections: 'idle'), so a container stops in
  // milliseconds, not after Docker's 10 s kill.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    app.log.info({ signal, err }, 'shutting down')
    await app.close()
  })
  // Only now, so a signal never finds no listener: Node drops its signal watcher with the last listener,
  // and a signal that arrived during buildApp but is dispatched after would be lost with it.
  process.removeListener('SIGTERM', exitEarly)
  process.removeListener('SIGINT', exitEarly)

  const fixturesName = config.fixtures ?? 'the built-in default project'
  // Fastify's own start-up line, reworded: one line, with the URL to use.
  try {
    await app.listen({
      port: config.port,
      host: config.host,
      listenTextResolver: (url) => `northflank-mock ${VERSION} listening on ${url} (fixtures: ${fixturesName})`
    })
  } catch (err) {
    // A port in use, an address not this machine's…: one line naming the flag, as the other start-up errors.
    throw listenError(err, config.port, config.host)
  }
}

main().catch((err: unknown) => {
  if (err instanceof Error && userErrors.some((type) => err instanceof type)) {
    console.error(`northflank-mock: ${err.message}`)
  // A bug, with its stack. No start-up failure a test can cause comes here: each is a user error above (the
  // listen errors too, src/config.ts listenError). Hence:
  /* c8 ignore start */
  } else {
    console.error(err)
  }
  /* c8 ignore stop */
  process.exit(1)
})
