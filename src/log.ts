/**
 * The request log: one line per request, when it completes, instead of Fastify's "incoming" and
 * "completed" pair. Its `reqId` is the `id` of any error envelope sent, so a client's error can be found in
 * the log. No secret reaches it: headers are never logged (the Authorization value, the admin token), and a
 * `token` in the query string (an API token naming an isolation namespace, `?token=`) is shown as `***`.
 *
 * What it costs per request (docs/performance.md): Fastify gives each request a pino child logger bound to
 * its id, which most requests never use but for that one line. Here a request's logger is made only when
 * something logs through it (an error, an injected fault), and the line itself goes through the parent
 * with the id among its fields: the same line, without a logger built and dropped per request.
 */
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>

/**
 * The URL with the value of every `token` query parameter replaced by `***`. Keys are compared decoded, as
 * the query parser decodes them (`?%74oken=` is `token` too), so no spelling slips through.
 */
export function redactedUrl (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const parts = url.slice(q + 1).split('&')
  let changed = false
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const eq = part.indexOf('=')
    if (eq !== -1 && keyOf(part.slice(0, eq)) === 'token') {
      parts[i] = `${part.slice(0, eq)}=***`
      changed = true
    }
  }
  return changed ? `${url.slice(0, q + 1)}${parts.join('&')}` : url
}

function keyOf (raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    return raw // a bad escape: the query parser keeps such a key as it is too
  }
}

/** What the parent logger is: pino, which Fastify builds from the `logger` option. */
type ParentLogger = FastifyBaseLogger & { isLevelEnabled: (level: string) => boolean }
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/**
 * A request's logger: the pino child Fastify would make (`parent.child(bindings)`), made on first use. Until
 * then, its level is its parent's.
 */
export class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined

  constructor (private readonly parent: ParentLogger, private readonly bindings: Bindings) {}

  private get logger (): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings)
    return this.made
  }

  get level (): string {
    return (this.made ?? this.parent).level
  }

  set level (level: string) {
    this.logger.level = level
  }

  isLevelEnabled (level: string): boolean {
    return ((this.made ?? this.parent) as ParentLogger).isLevelEnabled(level)
  }

  fatal (...args: unknown[]): void { this.log('fatal', args) }
  error (...args: unknown[]): void { this.log('error', args) }
  warn (...args: unknown[]): void { this.log('warn', args) }
  info (...args: unknown[]): void { this.log('info', args) }
  debug (...args: unknown[]): void { this.log('debug', args) }
  trace (...args: unknown[]): void { this.log('trace', args) }
  silent (): void {}

  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options)
  }

  /** The parent while no child has been made: a line written through it needs the bindings among its fields. */
  get unbound (): FastifyBaseLogger | undefined {
    return this.made === undefined ? this.parent : undefined
  }

  private log (level: Level, args: unknown[]): void {
    // Below its level a call writes nothing, so it makes no child either.
    if (this.isLevelEnabled(level)) (this.logger[level] as (...a: unknown[]) => void)(...args)
  }
}

/**
 * Fastify's `childLoggerFactory`: a RequestLogger per request, or, for a route with a log level or
 * serializers of its own (the health check's `logLevel: 'warn'`), the child itself.
 */
export function requestLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return options.level === undefined && options.serializers === undefined
    ? new RequestLogger(logger as ParentLogger, bindings)
    : logger.child(bindings, options)
}

export class OneLinePerRequest extends LogController {
  override incomingRequest (): void {}
  override requestCompleted (_error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const log = request.log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }
    // Nothing is built for a line that would not be written (--log-level warn, the health check, and no
    // logger at all, whose stand-in has no isLevelEnabled).
    if (log.isLevelEnabled?.('info') !== true) return
    const method = request.method
    const url = redactedUrl(request.url)
    const statusCode = reply.statusCode
    const responseTime = Math.round(reply.elapsedTime * 1000) / 1000
    log.info({ method, url, statusCode, responseTime }, 'request')
  }
}
