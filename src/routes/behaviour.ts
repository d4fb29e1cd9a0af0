/**
 * How the emulated API behaves beyond its rules: rate-limit headers on every answer (429 when enforced),
 * global latency, fault rules and the `Prefer` header. One onRequest hook at the root, before auth, so an
 * injected fault or a 429 comes first, as from a gateway in front of the API. Admin routes (`/_mock/…`)
 * are never touched. With no rules, no latency and no Prefer header, a request costs one rate-limit count.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Controls } from '../domain/controls.js'
import { MAX_DELAY_MS, parsePrefer, requestPath, type RequestFacts } from '../domain/faults.js'
import { Errors } from '../errors.js'
import { journalDropped } from './capture.js'

/** A request of the emulated API: a /v1 route, or no route at all (its 404 is the API's too). */
function isEmulatedApi (request: FastifyRequest): boolean {
  const route = request.routeOptions.url
  return route === undefined ? !requestPath(request.url).startsWith('/_mock/') : route.startsWith('/v1/')
}

export function requestFacts (request: FastifyRequest): RequestFacts {
  const params = request.params as { projectId?: string, serviceId?: string } | undefined
  return { method: request.method, path: requestPath(request.url), projectId: params?.projectId, serviceId: params?.serviceId }
}

// Reference §4: limits are per token. Without a usable bearer token, per client address.
const BEARER = /^bearer +(\S+)/i
function rateLimitKey (request: FastifyRequest): string {
  const match = BEARER.exec(request.headers.authorization ?? '')
  return match === null ? `ip:${request.ip}` : `token:${match[1] as string}`
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>

async function behaviour (app: FastifyInstance, { controls }: { controls: Controls }): Promise<void> {
  // The plugin counts (fixed window from a key's first request, as Northflank's), this hook answers:
  // the plugin alone would only send headers while it enforces, and the headers are wanted always.
  await app.register(rateLimit, { global: false })
  const newLimiter = () => app.createRateLimit({
    keyGenerator: rateLimitKey,
    max: () => controls.rateLimit.max,
    timeWindow: () => controls.rateLimit.windowSeconds * 1000
  })
  let limiter = newLimiter()
  controls.onReset(() => { limiter = newLimiter() })

  // Delays are timers, never a blocked loop; closing the app ends them at once so no test waits on one.
  const waiting = new Set<() => void>()
  const wait = (ms: number) => new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer)
      waiting.delete(finish)
      resolve()
    }
    const timer = setTimeout(finish, ms)
    waiting.add(finish)
  })
  app.addHook('preClose', async () => {
    for (const finish of [...waiting]) finish()
  })

  app.addHook('onRequest', async (request, reply) => {
    if (!isEmulatedApi(request)) return
    // isAllowed is only ever true for an allow list, and none is given.
    const limit = await limiter(request) as Extract<Awaited<ReturnType<Limiter>>, { isAllowed: false }>
    reply.header('x-ratelimit-limit', limit.max)
    reply.header('x-ratelimit-remaining', limit.remaining)
    reply.header('x-ratelimit-reset', limit.ttlInSeconds)
    if (limit.isExceeded && controls.rateLimit.enforce) throw Errors.rateLimited(limit.max, limit.ttlInSeconds)

    const header = request.headers.prefer
    // String() joins repeated headers with commas, as RFC 9110 §5.3 combines them.
    const prefer = header === undefined ? undefined : parsePrefer(String(header))
    // The Prefer header's own answer wins, and then no rule is spent on the request.
    const ruled = prefer?.status !== undefined || prefer?.drop === true || controls.faults.httpRules === 0
      ? undefined
      : controls.faults.take(requestFacts(request))
    const delay = Math.min(MAX_DELAY_MS, controls.latencyMs + (prefer?.delayMs ?? 0) + (ruled?.action.delayMs ?? 0))
    if (delay > 0) await wait(delay)

    const by = ruled === undefined ? 'the Prefer header' : `fault rule "${ruled.rule}"`
    if (prefer?.drop === true || ruled?.action.drop === true) {
      request.log.info({ fault: 'drop', by }, 'connection dropped (injected)')
      journalDropped(request.server.emulator, request)
      reply.hijack()
      request.raw.destroy()
      return reply
    }
    const status = prefer?.status ?? ruled?.action.status
    if (status !== undefined) throw Errors.injectedFault(status, by, ruled?.action.message)
  })
}

export const behaviourPlugin = fp(behaviour, { name: 'northflank-mock-behaviour', fastify: '5.x' })
