/**
 * Journal capture: one onSend hook that records each request to the emulated API (never /_mock/) in the
 * journal of its namespace. Kept cheap, as it runs on every request: it stores references (headers, the
 * body text, the serialized response) and leaves redaction and parsing to whoever reads the journal.
 */
import { performance } from 'node:perf_hooks'
import type { FastifyReply, FastifyRequest, onRequestHookHandler, onSendHookHandler } from 'fastify'
import { bearerToken } from '../domain/auth.js'
import type { Emulator, Namespace } from '../domain/emulator.js'

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

const ADMIN_PATH = /^\/+_mock(?:[/?]|$)/

/** Where a request that skipped the auth hook is journaled: its token's namespace if it has one. */
function fallbackNamespace (emulator: Emulator, request: FastifyRequest): Namespace {
  if (!emulator.isolation) return emulator.base
  let token: string | undefined
  try {
    token = bearerToken(request.headers.authorization)
  } catch {}
  return emulator.existingNamespace(token) ?? emulator.base
}

/** Notes the arrival time (Fastify's reply.elapsedTime is only kept when a logger is on). */
export const journalStart: onRequestHookHandler = function (request, _reply, done) {
  request.mockStart = performance.now()
  done()
}

/** Appends a request to its namespace's journal; `status` 0 and no response: the connection was dropped. */
function record (emulator: Emulator, request: FastifyRequest, status: number, response: string | undefined): void {
  const ns = request.mockNamespace ?? fallbackNamespace(emulator, request)
  // 0: answered by a hook that ran before journalStart, so no arrival time to measure from.
  const duration = request.mockStart === 0 ? 0 : performance.now() - request.mockStart
  ns.journal.append({
    seq: emulator.nextSeq(),
    at: Date.now() - duration,
    method: request.method,
    url: request.url,
    params: request.params as Record<string, string | undefined>,
    headers: request.headers,
    body: request.mockRawBody ?? undefined,
    status,
    response,
    duration
  })
}

export function journalCapture (emulator: Emulator): onSendHookHandler {
  return function capture (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) {
    if (!ADMIN_PATH.test(request.url)) record(emulator, request, reply.statusCode, typeof payload === 'string' ? payload : undefined)
    done(null, payload)
  }
}

/**
 * For a request whose connection is dropped on purpose (fault injection): no response is sent, so the
 * onSend capture never sees it. Journaled with status 0, so a test can count the attempts a client made.
 */
export function journalDropped (emulator: Emulator, request: FastifyRequest): void {
  if (emulator.journalSize > 0) record(emulator, request, 0, undefined)
}
