/**
 * buildApp: a ready Fastify instance of the emulator. It never listens; src/server.ts does, and tests
 * call `inject`.
 */
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import swagger from '@fastify/swagger'
import Fastify, { type ConnectionError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Fixtures } from '../schemas/fixtures.js'
import type { Clock } from './domain/clock.js'
import type { ControlOptions } from './domain/controls.js'
import { Emulator } from './domain/emulator.js'
import { checkFixturesValue, defaultFixtures } from './domain/fixtures.js'
import { readStateFile, StateSaver } from './domain/persistence.js'
import { SERIALIZER_AJV_OPTIONS } from './ajv.js'
import { drainOversizedBodies, type DrainLimits } from './body-drain.js'
import { ApiError, envelope, Errors, toApiError } from './errors.js'
import { parseJson } from './json.js'
import { OneLinePerRequest, requestLogger } from './log.js'
import type { KnownRoute } from './route-hints.js'
import { openapiOptions, openapiRoutes } from './openapi.js'
import { adminPlugin } from './routes/admin/index.js'
import { apiPlugin } from './routes/api.js'
import { lazySerializers } from './serialization.js'
import { validatorCompiler } from './validation.js'
import { NAME_HEADER, VERSION } from './version.js'

export interface AppOptions {
  /**
   * Fixtures (docs/fixtures.md), checked as --fixtures checks a file: a bad document throws a FixturesError
   * naming the field. Default: the docs' example project.
   */
  fixtures?: Fixtures
  /** Fastify's logger option: false (tests), or pino options. */
  logger?: FastifyServerOptions['logger']
  /** Largest request body in bytes. */
  bodyLimit?: number
  /** How much of a body over bodyLimit is still read, so that the client sees the 413 (src/body-drain.ts). */
  oversizedBody?: Partial<DrainLimits>
  clock?: Clock
  /** Latency, rollout step durations and rate limits at start (and after a reset). */
  behaviour?: Omit<ControlOptions, 'clock' | 'faults' | 'rateLimitKeys'>
  /** When set, /_mock/* (except health) needs it in the x-mock-admin-token header. */
  adminToken?: string
  /**
   * Host names /_mock answers besides loopback names and addresses, IP literals and single-label names:
   * `name`, `.name` (it and its subdomains), or `*` (any Host). docs/control-plane.md says why.
   */
  allowedHosts?: string[]
  /** Requests each journal keeps (default 1000); 0 turns the journal off. */
  journalSize?: number
  /** Bytes all journals keep together (default 64 MiB); past it, the journal holding the most loses its oldest entries. */
  journalBytes?: number
  /** One namespace (state and journal) per API token, for tests running in parallel. */
  isolation?: boolean
  /** Isolation: most namespaces kept at once (default 10000); past it, a new token gets a 503. */
  maxNamespaces?: number
  /**
   * State loaded at build (when the file exists; it wins over `fixtures`), saved atomically shortly after
   * each change and when the app closes.
   */
  stateFile?: string
  /** Most time (ms) a client may take to send a whole request; then it gets a 408 and is disconnected. */
  requestTimeout?: number
  /** Most time (ms) a socket may stay idle before it is closed. */
  connectionTimeout?: number
  /** Most time (ms) a kept-alive socket may wait for its next request. */
  keepAliveTimeout?: number
  /** Milliseconds between heartbeat comments on GET /_mock/journal/stream (default 15000). */
  streamHeartbeatMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    emulator: Emulator
  }
}

/** Response serializers, compiled on first use and shared by every app of the process (src/serialization.ts). */
const SERIALIZERS = lazySerializers()

/**
 * Every error answer: Northflank's envelope, its id the request's. The name header is set here too, as the
 * router's own errors (frameworkErrors) skip the hooks.
 */
function sendError (error: ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(error.status).headers(error.headers).header(NAME_HEADER, VERSION).send(envelope(error, request.id))
}

/**
 * What Node could not even read as an HTTP request (a timeout, headers too large, garbage) still gets
 * the error envelope, where Fastify's default answers a body of its own shape.
 */
function clientErrorHandler (err: ConnectionError, socket: Socket): void {
  // A connection already reset or shut: no one is left to answer. Node gets here only in races that a
  // test cannot bring about on demand (a reset mid-request raises no clientError at all), hence:
  /* c8 ignore next 4 */
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const error = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? Errors.requestTimeout()
    : err.code === 'HPE_HEADER_OVERFLOW' ? Errors.headersTooLarge() : Errors.malformedRequest(err.code)
  const body = JSON.stringify(envelope(error, randomUUID()))
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `${NAME_HEADER}: ${VERSION}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  socket.destroySoon()
}

export async function buildApp (options: AppOptions = {}): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeout ?? 30_000
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new OneLinePerRequest(),
    // A request's logger is made when something logs through it (src/log.ts); without a logger, Fastify's
    // own stand-in costs nothing and needs no factory.
    ...(options.logger === undefined || options.logger === false ? {} : { childLoggerFactory: requestLogger }),
    genReqId: () => randomUUID(),
    bodyLimit: options.bodyLimit ?? 1048576,
    // HEAD only where a client may use it, the API's reads (src/routes/api.ts): every route costs start-up.
    exposeHeadRoutes: false,
    // The official client sends `//v1/...` when its host ends in '/' (docs/northflank-contract.md).
    routerOptions: { ignoreDuplicateSlashes: true },
    // Errors the router raises before any route (a bad percent-escape, an over-long id) get the envelope too.
    frameworkErrors: (err, request: FastifyRequest, reply: FastifyReply) => sendError(toApiError(err), request, reply),
    // Slow or idle clients cannot hold sockets for ever. Node checks the request deadline every 30 s by
    // default, which let a 30 s timeout run to a minute: check at least every second.
    requestTimeout,
    connectionTimeout: options.connectionTimeout ?? 60_000,
    // Node's own default, not Fastify's 72 s (meant for sitting behind a load balancer): a test suite
    // that opens many clients and drops them does not pile up idle sockets. Node's and undici's clients
    // read the Keep-Alive: timeout=5 hint and stop reusing a socket before then.
    keepAliveTimeout: options.keepAliveTimeout ?? 5_000,
    http: { connectionsCheckingInterval: Math.min(1000, Math.ceil(requestTimeout / 4)) },
    clientErrorHandler,
    // Response serializers compiled on first use, not all at start-up (src/serialization.ts).
    schemaController: { compilersFactory: { buildSerializer: SERIALIZERS } },
    // fast-json-stringify picks the if/then branch of an answer with an Ajv of its own (src/ajv.ts).
    serializerOpts: { ajv: SERIALIZER_AJV_OPTIONS }
  }).withTypeProvider<TypeBoxTypeProvider>()

  // Checked as --fixtures and POST /_mock/fixtures check them: a bad document fails here, naming the field.
  const given = options.fixtures === undefined ? undefined : checkFixturesValue(options.fixtures)
  const saved = options.stateFile === undefined ? undefined : readStateFile(options.stateFile)
  const emulator = new Emulator(saved?.fixtures ?? given ?? defaultFixtures(), {
    clock: options.clock,
    behaviour: options.behaviour,
    isolation: options.isolation,
    journalSize: options.journalSize,
    journalBytes: options.journalBytes,
    maxNamespaces: options.maxNamespaces
  })
  if (saved !== undefined) emulator.state = saved.state
  const stateFile = options.stateFile
  if (stateFile !== undefined) {
    const saver = new StateSaver(stateFile, emulator, (err) => app.log.error({ err }, 'could not save the state file'))
    emulator.onChange = () => saver.changed()
    app.addHook('onClose', async () => saver.close())
  }
  app.decorate('emulator', emulator)
  // Set by the API's hooks and the body parser; declared here so every request has the same shape.
  app.decorateRequest('mockNamespace', null)
  app.decorateRequest('mockRawBody', null)
  app.decorateRequest('mockStart', 0)
  app.setValidatorCompiler(validatorCompiler)
  // JSON is the only body the API takes: anything else is a 415, not a string to validate. The parser is
  // the project's own (src/json.ts), which refuses `__proto__` and `constructor.prototype` keys with a 400.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // parseAs 'string': always text. Kept for the journal (a reference, no copy).
    const text = body as string
    request.mockRawBody = text
    parseJson(request, text, done)
  })

  // A body over the limit fails in any context: read the rest of it before the 413 goes out.
  drainOversizedBodies(app, options.oversizedBody)
  app.setErrorHandler((err, request, reply) => {
    const error = toApiError(err, request.headers['content-type'])
    // Only the log sees what went wrong inside; the client gets the envelope and the id to quote.
    if (error.status >= 500) request.log.error({ err }, 'internal error')
    return sendError(error, request, reply)
  })

  // Every route that answers (not the 405s), for the hints of a 404.
  const routes: KnownRoute[] = []
  app.addHook('onRoute', (route) => {
    if (route.config?.notAHint === true) return
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url })
  })
  // Before the routes: it collects each one as it is added.
  await app.register(swagger, openapiOptions)
  // The emulated API, with its gateway (the name header, rate limits, faults, token checks, journal) and
  // the 404 of every other path.
  await app.register(apiPlugin(emulator, routes))
  // The rest, in a context of its own: the name header's hook runs for these and not again for the API,
  // whose gateway sets it in its own hook (src/routes/gateway.ts says why hooks are few there).
  await app.register(Object.assign(async function rest (scope: FastifyInstance): Promise<void> {
    // Callback style: an async hook costs a promise and a microtask per request.
    scope.addHook('onRequest', function name (_request, reply, done) {
      reply.header(NAME_HEADER, VERSION)
      done()
    })
    // The control plane, with its own guard and 404.
    await scope.register(adminPlugin, {
      prefix: '/_mock',
      emulator,
      adminToken: options.adminToken,
      allowedHosts: options.allowedHosts ?? [],
      routes,
      streamHeartbeatMs: options.streamHeartbeatMs
    })
    openapiRoutes(scope)
  }, { [Symbol.for('fastify.display-name')]: 'northflank-mock-rest' }))
  return app
}
