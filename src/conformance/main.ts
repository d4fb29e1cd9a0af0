/**
 * `northflank-mock conformance …` (src/server.ts dispatches here): the options, a run, what it prints and
 * writes, and the exit code. Ctrl-C (SIGINT) or SIGTERM stops the run after the request in flight is
 * aborted: it prints what it has, writes the report, and exits 130; a second signal exits at once.
 */
import { writeFileSync } from 'node:fs'
import { CONFORMANCE_USAGE, parseConformanceArgs, UsageError, type ConformanceOptions } from './args.js'
import { publish, scrub } from './report.js'
import { run } from './run.js'
import { RunError } from './sender.js'
import { printout } from './table.js'

export interface Io {
  out: (text: string) => void
  err: (text: string) => void
}

const PROCESS_IO: Io = {
  out: (text) => { process.stdout.write(`${text}\n`) },
  err: (text) => { process.stderr.write(`${text}\n`) }
}

/** Runs the command; resolves with its exit code. */
export async function conformanceMain (argv: string[], env: Record<string, string | undefined>, io: Io = PROCESS_IO): Promise<number> {
  const fail = (message: string, token: string): void => io.err(`northflank-mock conformance: ${scrub(message, token)}`)
  let options: ReturnType<typeof parseConformanceArgs>
  try {
    options = parseConformanceArgs(argv, env)
  } catch (err) {
    // A UsageError is all parseConformanceArgs throws. It may quote a value given in the wrong place, so
    // whatever could be the token is scrubbed from it too.
    const given = [env.NORTHFLANK_TOKEN, ...argv.flatMap((arg, i) => arg === '--token' ? [argv[i + 1]] : arg.startsWith('--token=') ? [arg.slice(8)] : [])]
    const message = given.reduce((text: string, token) => scrub(text, token ?? ''), (err as UsageError).message)
    fail(`${message} (northflank-mock conformance --help lists the options)`, '')
    return 2
  }
  if (options === 'help') {
    io.out(CONFORMANCE_USAGE)
    return 0
  }
  const { token } = options

  const controller = new AbortController()
  const stop = (): void => {
    // A second signal: the user wants out now. Not tested: two signals to a child arrive as one as often as not.
    /* c8 ignore next */
    if (controller.signal.aborted) process.exit(130)
    io.err('northflank-mock conformance: stopping (again to quit at once)')
    controller.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  const code = await measure(options, controller.signal, io, fail).catch((err: unknown) => {
    // Anything but a RunError is a bug, for src/server.ts to show.
    /* c8 ignore next */
    if (!(err instanceof RunError)) throw err
    fail(err.message, token)
    return err.exit
  })
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  return code
}

/** A run, what it prints and writes, and its exit code; a RunError when it could not compare anything. */
async function measure (options: ConformanceOptions, signal: AbortSignal, io: Io, fail: (message: string, token: string) => void): Promise<number> {
  const { token, ids } = options
  const result = await run({ target: options.target, token, ids, allowDeploy: options.allowDeploy, signal })
  const report = publish(result.report, token, options.redact ? { ...ids, builders: result.builders } : undefined)
  io.out(scrub(printout(report, options.report), token))
  if (options.report !== undefined) {
    try {
      writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`)
    } catch (err) {
      fail(`cannot write the report: ${(err as Error).message}`, token)
      return 2
    }
  }
  if (result.stoppedBy !== undefined) {
    fail(result.stoppedBy.message, token)
    return result.stoppedBy.exit
  }
  return report.probes.every((p) => p.agree) ? 0 : 1
}
