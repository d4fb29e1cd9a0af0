/**
 * `northflank-mock/msw`: msw request handlers that answer the code under test's calls to Northflank's API
 * host from an emulator started with `startMock`, in process (Fastify's `inject`: no socket, no host
 * change), so that a suite keeps `onUnhandledRequest: 'error'` for every other host. `msw` is an optional
 * peer dependency: only this entry point needs it. docs/testing.md shows it in use.
 */
import type { FastifyInstance } from 'fastify'
import { http, passthrough, type HttpHandler } from 'msw'

/** The API host of Northflank's official client, CLI and deploy action. */
export const NORTHFLANK_API = 'https://api.northflank.com'

export interface NorthflankHandlersOptions {
  /**
   * The API base URL the code under test calls (default https://api.northflank.com); a path after the host
   * (`https://proxy.example/northflank`) is taken off before the emulator routes the request.
   */
  baseUrl?: string
}

/** What the handlers need of `startMock`'s result: the app to inject into, and the URL it listens on. */
export interface InProcessEmulator {
  app: FastifyInstance
  url: string
}

/** Headers about the connection, not the message (RFC 9110, section 7.6.1): an injected answer had none. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding'])

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/**
 * Two handlers: one answers every request under `baseUrl` from the emulator, whatever its path (one the
 * emulator lacks gets its 404 naming the closest route); the other lets the requests to the emulator's own
 * address (`mock.admin`, or code given `mock.url`) through to its socket, which `onUnhandledRequest:
 * 'error'` would refuse. Each request goes in with the Host header of `baseUrl`, as over the network, so
 * `/_mock` under `https://api.northflank.com` answers 403 (the control plane answers local names only:
 * docs/control-plane.md); tests drive the control plane with `mock.admin`.
 */
export function northflankHandlers (mock: InProcessEmulator, options: NorthflankHandlersOptions = {}): HttpHandler[] {
  const base = new URL(options.baseUrl ?? NORTHFLANK_API)
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError(`baseUrl must be an http: or https: URL, not ${JSON.stringify(options.baseUrl)}`)
  }
  const prefix = base.pathname.replace(/\/+$/, '')
  const under = (origin: string, path: string): RegExp => new RegExp(`^${escaped(origin)}${escaped(path)}(?:/.*)?$`)
  const own = new URL(mock.url)

  return [
    http.all(under(base.origin, prefix), async ({ request }) => {
      const url = new URL(request.url)
      const headers: Record<string, string> = {}
      // Fetch's Headers hold a repeated header as one value, joined with ", " as RFC 9110 combines them.
      for (const [name, value] of request.headers) if (name !== 'content-length' && !HOP_BY_HOP.has(name)) headers[name] = value
      headers.host = base.host
      // msw hands the body over as a stream: read whole, as the server would, and sent with its length.
      const payload = request.body === null ? undefined : Buffer.from(await request.arrayBuffer())
      let answer: Awaited<ReturnType<FastifyInstance['inject']>>
      try {
        answer = await mock.app.inject({ method: request.method, url: `${url.pathname.slice(prefix.length) || '/'}${url.search}`, headers, payload })
      } catch (err) {
        // A fault rule or `Prefer: drop` destroyed the connection: the client sees a network error, as over a socket.
        if ((err as { code?: string }).code === 'LIGHT_ECONNRESET') return Response.error()
        throw err
      }
      const reply = new Headers()
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name)) continue
        for (const one of [value].flat()) reply.append(name, String(one))
      }
      // No body at all for a HEAD, a 204 or a 304 (a Response built with one, even empty, throws for those).
      return new Response(answer.rawPayload.length === 0 ? null : answer.rawPayload, { status: answer.statusCode, statusText: answer.statusMessage, headers: reply })
    }),
    http.all(under(own.origin, ''), () => passthrough())
  ]
}
