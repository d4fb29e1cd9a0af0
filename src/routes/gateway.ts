/**
 * What stands in front of the emulated API, as a gateway would: the name header, rate-limit headers (and
 * 429s when enforced), fault rules, latency and the `Prefer` header, the route's token check, and the
 * journal. `gateway(app)` installs its hooks in the API plugin's encapsulation context, so they run for
 * exactly the routes registered there and for that plugin's 404, and never for /_mock (the admin plugin)
 * or the OpenAPI document: which plugin the router matched decides, never the URL's text
 * (docs/control-plane.md, "What counts as API traffic").
 *
 * The hot path pays for what is switched on, and for as few Fastify hooks as can carry it: one onRequest
 * hook does all of the above but the journal, and one onSend hook appends to the journal (Fastify runs
 * each hook through a chain of callbacks, which cost more than the work of most of them:
 * docs/performance.md). With no fault rule, no latency and no Prefer header, a request costs one property
 * check for all three, a rate-limit count, the token check and a journal append; nothing is async unless
 * a delay or a fault is actually applied.
 */
import { performance } from 'node:perf_hooks'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authorize, bearerOf, noTokenError } from '../domain/auth.js'
import type { Emulator, Namespace } from '../domain/emulator.js'
import { MAX_DELAY_MS, type RequestFacts } from '../domain/faults.js'
import { parsePrefer, type PreferFault } from '../domain/prefer.js'
import { rateLimitKey, tokenKey } from '../domain/rate-limit.js'
import { requestPath } from '../domain/request-path.js'
import { Errors } from '../errors.js'
import { NAME_HEADER, VERSION } from '../version.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The namespace whose state this request uses, set by the API's auth hook before any handler runs
     * (null until then, and for requests that never reach it: unknown routes, missing tokens).
     */
    mockNamespace: Namespace | null
    /** The JSON body as sent, kept by the body parser for the journal. */
    mockRawBody: string | null
    /** performance.now() when the request arrived, for the journal's duration. */
    mockStart: number
  }
}

/** What fault rules match a request against. */
export function requestFacts (request: FastifyRequest): RequestFacts {
  const params = request.params as { projectId?: string, serviceId?: string, jobId?: string } | undefined
  return { method: request.method, path: requestPath(request.url), project: params?.projectId, service: params?.serviceId, job: params?.jobId }
}

/**
 * The header names and values as received, for the journal's budget: a walk over an array of strings.
 * Node decodes header lines as latin1, one character per byte received, so `.length` is their size in bytes
 * (no UTF-8 count needed, unlike the URL and the bodies).
 */
function headerBytes (raw: string[]): number {
  let bytes = 0
  for (let i = 0; i < raw.length; i++) bytes += (raw[i] as string).length
  return bytes
}

/** Installs the gateway's hooks on `app`, the API plugin's context. */
export function gateway (app: FastifyInstance, emulator: Emulator): void {
  const controls = emulator.controls
  const journaling = emulator.journalSize > 0
  // The last token's rate-limit key, reused while the same token comes back (a test suite's usual traffic):
  // the limiter's Map then finds a string whose hash it already knows, instead of hashing a new one.
  let lastToken: string | undefined
  let lastTokenKey = ''

  app.addHook('onRequest', function gatewayIn (request, reply, done) {
    reply.header(NAME_HEADER, VERSION)
    if (journaling) request.mockStart = performance.now()

    // Counted always, so the headers are always sent; answered with a 429 only when enforced. The client's
    // address is looked up only for a request without a usable token.
    const { max, windowSeconds, enforce } = controls.rateLimit
    const authorization = request.headers.authorization
    const token = bearerOf(authorization)
    let key: string
    if (token === undefined) key = rateLimitKey(authorization, request.ip)
    else if (token === lastToken) key = lastTokenKey
    else {
      key = lastTokenKey = tokenKey(token)
      lastToken = token
    }
    const count = controls.limiter.hit(key, max, windowSeconds)
    reply.header('x-ratelimit-limit', count.limit)
    reply.header('x-ratelimit-remaining', count.remaining)
    reply.header('x-ratelimit-reset', count.resetSeconds)
    if (count.exceeded && enforce) return done(Errors.rateLimited(count.limit, count.resetSeconds))

    if (!controls.engaged && request.headers.prefer === undefined) return done(admit(request, token))
    behave(request, reply, (err) => done(err ?? admit(request, token)))
  })

  /**
   * The route's token check (`config.auth`, set by `authed` in src/routes/api.ts), last, as its own hook
   * was: before the body is even read, so an unauthenticated client learns nothing about its body.
   * Isolation: a token's namespace is made only once the token is accepted, so made-up tokens cost
   * nothing. Returns the error to answer with, if any.
   */
  function admit (request: FastifyRequest, token: string | undefined): Error | undefined {
    const auth = request.routeOptions.config.auth
    if (auth === undefined) return undefined
    // The header's own 401 (missing, malformed) when it holds no token.
    if (token === undefined) return noTokenError(request.headers.authorization)
    try {
      const existing = emulator.existingNamespace(token)
      authorize((existing ?? emulator.base).state, token, auth.permission, (request.params as { projectId?: string }).projectId)
      request.mockNamespace = existing ?? emulator.namespaceFor(token)
    } catch (err) {
      return err as Error
    }
    return undefined
  }

  /** Fault rules, latency and Prefer: only when one of them is set. */
  function behave (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const header = request.headers.prefer
    let prefer: PreferFault | undefined
    try {
      // String() joins repeated headers with commas, as RFC 9110 combines them
      // (https://www.rfc-editor.org/rfc/rfc9110#section-5.3).
      prefer = header === undefined ? undefined : parsePrefer(String(header))
    } catch (err) {
      return done(err as Error)
    }
    // The Prefer header's own answer wins, and then no rule is spent on the request.
    const ruled = prefer?.status !== undefined || prefer?.drop === true || controls.faults.httpRules === 0
      ? undefined
      : controls.faults.take(requestFacts(request))
    const by = ruled === undefined ? 'the Prefer header' : `fault rule "${ruled.rule}"`
    const act = (): void => {
      if (prefer?.drop === true || ruled?.action.drop === true) {
        request.log.info({ fault: 'drop', by }, 'connection dropped (injected)')
        if (journaling) record(request, 0, undefined)
        reply.hijack()
        request.raw.destroy()
        return
      }
      const status = prefer?.status ?? ruled?.action.status
      done(status === undefined ? undefined : Errors.injectedFault(status, by, ruled?.action.message))
    }
    const delay = Math.min(MAX_DELAY_MS, controls.latencyMs + (prefer?.delayMs ?? 0) + (ruled?.action.delayMs ?? 0))
    // On the emulator's clock: with a manual clock, the request waits until the clock is advanced past it.
    if (delay > 0) controls.clock.sleep(delay).then(act, done)
    else act()
  }

  // Closing the app ends every delay at once, so no test waits on one.
  app.addHook('preClose', (done) => {
    controls.clock.release()
    done()
  })

  if (!journaling) return

  /** Where a request that never reached the token check is journaled: its token's namespace, if it has one. */
  function namespaceOf (request: FastifyRequest): Namespace {
    return request.mockNamespace ?? emulator.existingNamespace(bearerOf(request.headers.authorization)) ?? emulator.base
  }

  /** Appends a request to its namespace's journal; `status` 0 and no response: the connection was dropped. */
  function record (request: FastifyRequest, status: number, response: string | undefined): void {
    const duration = performance.now() - request.mockStart
    namespaceOf(request).journal.append({
      seq: emulator.nextSeq(),
      at: Date.now() - duration,
      method: request.method,
      url: request.url,
      params: request.params as Record<string, string | undefined>,
      headers: request.headers,
      body: request.mockRawBody ?? undefined,
      status,
      response,
      duration,
      headerBytes: headerBytes(request.raw.rawHeaders)
    })
  }

  // onSend runs after serialization: every answer of the API, errors included, is JSON text by now.
  app.addHook('onSend', function journal (request, reply, payload, done) {
    record(request, reply.statusCode, payload as string)
    done(null, payload)
  })
}
