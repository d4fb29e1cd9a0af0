/**
 * A 413 that reaches the client. Fastify answers a body over the limit at once and asks Node to close the
 * connection; Node then closes the socket with the rest of the body unread, the kernel resets the
 * connection, and a client still writing sees EPIPE or ECONNRESET instead of the answer. So the rest of an
 * over-limit body is read and thrown away first, and the 413 goes out once the client has sent it all.
 * The reading is bounded: a body declared or found larger than `maxBytes`, or one still arriving after
 * `maxMs`, is not read further, and the client is cut off with the 413 (the connection closes, as Fastify
 * asks). Only requests that already failed pass here: the hook runs on errors alone.
 */
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'

export interface DrainLimits {
  /** Largest body, in bytes, that is read to its end. */
  maxBytes: number
  /** Longest time, in ms, spent reading the rest of one body. */
  maxMs: number
}

export const DRAIN_LIMITS: Readonly<DrainLimits> = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000 }

/**
 * Reads and discards the rest of a request's body. Resolves true once it has all been read, false when it
 * was cut short: by the limits, or by the client leaving. A transport deadline like Node's requestTimeout,
 * so the real time, not the emulator's Clock: a manual clock must not hold a socket open for ever.
 */
export function discardRest (req: IncomingMessage, limits: DrainLimits): Promise<boolean> {
  if (Number(req.headers['content-length']) > limits.maxBytes) return Promise.resolve(false)
  return new Promise((resolve) => {
    let bytes = 0
    const finish = (ended: boolean): void => {
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
      // Cut short: stop reading; the socket closes once the 413 is written.
      if (!ended) req.pause()
      resolve(ended)
    }
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length
      if (bytes > limits.maxBytes) finish(false)
    }
    const onEnd = (): void => finish(true)
    const onClose = (): void => finish(false)
    const timer = setTimeout(finish, limits.maxMs, false)
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('close', onClose)
    req.resume()
  })
}

/** Delays the answer to a body over the limit until the rest of it is read (or the limits cut it off). */
export function drainOversizedBodies (app: FastifyInstance, options: Partial<DrainLimits> = {}): void {
  const limits = { ...DRAIN_LIMITS, ...options }
  // Callback style: every other error (a 400 among them) passes at once, without a promise.
  app.addHook('onError', (request, _reply, error, done) => {
    if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return done()
    discardRest(request.raw, limits).then(() => done()) // never rejects
  })
}
