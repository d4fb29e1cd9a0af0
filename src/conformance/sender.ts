/**
 * Sends probe requests to one API, one at a time, with global fetch: the token of the run only where the
 * probe says so, never in a URL; no redirect followed (a redirect could take the token elsewhere); and the
 * target's rate limits honoured before the next request (docs/northflank-contract.md, "Rate limits"): a
 * 429 waits out its Retry-After, and once x-ratelimit-remaining is 0, the next request waits for
 * x-ratelimit-reset. Waits longer than `maxWaitMs` stop the run instead. Time is injected (`sleep`, `now`)
 * so that tests need not wait.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { FILL_MARKER, type Answer, type ProbeRequest } from '../../schemas/conformance.js'
import { VERSION } from '../version.js'
import { deeperThan, MAX_DEPTH } from './shape.js'

/** Why a run stops, for the one line it prints; `exit` is the process's exit code. */
export class RunError extends Error {
  override name = 'RunError'
  constructor (message: string, readonly exit: 2 | 130 = 2) {
    super(message)
  }
}

/** A well-formed Bearer token no one has, for probes that must be refused. */
export const UNKNOWN_TOKEN = 'nfmock-unknown-token'

export interface SenderOptions {
  /** The API's base URL, without a trailing slash. */
  base: string
  /** Sent as `Bearer <token>` for requests whose auth is `user`. */
  token: string
  signal: AbortSignal
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Milliseconds since the epoch, for a Retry-After given as a date. */
  now?: () => number
  /** The longest wait for a rate limit; past it the run stops. */
  maxWaitMs?: number
  /** Most requests sent, retries included. */
  maxRequests?: number
  /** Most time one request may take. */
  timeoutMs?: number
  /** Attempts of one request answered 429 before the run stops. */
  maxAttempts?: number
}

/** Longest text of a body kept, and longest body read: an answer costs bounded memory and work. */
const TEXT_KEPT = 2000
const BODY_READ = 1024 * 1024

const realSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal })

/** The body and headers a request sends, FILL_MARKER expanded. */
export function expand (text: string, request: ProbeRequest): string {
  return request.fill === undefined ? text : text.replaceAll(FILL_MARKER, request.fill.char.repeat(request.fill.count))
}

/** x-ratelimit-reset (whole seconds until the window resets), in ms; undefined when absent or not a number. */
function resetMs (headers: Headers): number | undefined {
  const reset = headers.get('x-ratelimit-reset')?.trim()
  return reset !== undefined && /^\d+$/.test(reset) ? Number(reset) * 1000 : undefined
}

/**
 * How long a 429 asks to wait: Retry-After as delay-seconds or an HTTP date (RFC 9110, section 10.2.3);
 * else x-ratelimit-reset; else a second.
 */
export function retryDelayMs (headers: Headers, now: number): number {
  const retryAfter = headers.get('retry-after')?.trim()
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000
  const at = retryAfter === undefined ? NaN : Date.parse(retryAfter)
  if (!Number.isNaN(at)) return Math.max(0, at - now)
  return resetMs(headers) ?? 1000
}

export class Sender {
  /** Requests sent, retries included. */
  requests = 0
  /** An answer carried x-northflank-mock: the API is an emulator. */
  emulated = false
  /** Set when the window's requests are spent: the next request waits until then. */
  private resumeAt: number | undefined
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  private readonly now: () => number
  private readonly maxWaitMs: number
  private readonly maxRequests: number
  private readonly timeoutMs: number
  private readonly maxAttempts: number

  constructor (private readonly options: SenderOptions) {
    this.sleep = options.sleep ?? realSleep
    this.now = options.now ?? Date.now
    this.maxWaitMs = options.maxWaitMs ?? 60_000
    this.maxRequests = options.maxRequests ?? 300
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.maxAttempts = options.maxAttempts ?? 3
  }

  /** The answer, with `headers` holding those named and x-northflank-mock. */
  send (request: ProbeRequest, headerNames: readonly string[] = []): Promise<Answer> {
    return this.attempt(request, headerNames, 1)
  }

  private async attempt (request: ProbeRequest, headerNames: readonly string[], attempt: number): Promise<Answer> {
    if (this.resumeAt !== undefined) {
      await this.wait(this.resumeAt - this.now(), 'its rate limit is spent')
      this.resumeAt = undefined
    }
    const response = await this.fetch(request)
    const text = await this.guard(readText(response))
    if (response.headers.has('x-northflank-mock')) this.emulated = true
    if (response.headers.get('x-ratelimit-remaining')?.trim() === '0') this.resumeAt = this.now() + (resetMs(response.headers) ?? 1000)
    if (response.status !== 429) return answer(response, text, headerNames)
    if (attempt >= this.maxAttempts) throw new RunError(`the target answered 429 to ${attempt} attempts of ${request.method} ${request.path}`)
    await this.wait(retryDelayMs(response.headers, this.now()), 'it answered 429')
    this.resumeAt = undefined
    return this.attempt(request, headerNames, attempt + 1)
  }

  private async wait (ms: number, why: string): Promise<void> {
    if (ms > this.maxWaitMs) {
      throw new RunError(`the target asks to wait ${Math.ceil(ms / 1000)} s (${why}), longer than ${this.maxWaitMs / 1000} s: run again later`)
    }
    if (ms > 0) await this.guard(this.sleep(ms, this.options.signal))
  }

  private async fetch (request: ProbeRequest): Promise<Response> {
    if (this.requests >= this.maxRequests) throw new RunError(`stopped at ${this.maxRequests} requests to one API, the most a run sends`)
    this.requests++
    const headers: Record<string, string> = { 'user-agent': `northflank-mock-conformance/${VERSION}` }
    for (const [name, value] of Object.entries(request.headers)) headers[name] = expand(value, request)
    const auth = { user: `Bearer ${this.options.token}`, none: undefined, malformed: 'Basic bmZtb2Nr', unknown: `Bearer ${UNKNOWN_TOKEN}` }[request.auth]
    if (auth !== undefined) headers.authorization = auth
    // Bytes, not a string: fetch then adds no content type of its own, so a probe without one sends none.
    const body = request.body === null ? undefined : Buffer.from(expand(request.body, request))
    const signal = AbortSignal.any([this.options.signal, AbortSignal.timeout(this.timeoutMs)])
    return this.guard(fetch(`${this.options.base}${request.path}`, { method: request.method, headers, body, redirect: 'manual', signal }))
  }

  /** A failure of the network or the wait, as the RunError the run stops with. */
  private async guard<T> (promise: Promise<T>): Promise<T> {
    try {
      return await promise
    } catch (err) {
      if (this.options.signal.aborted) throw new RunError('interrupted', 130)
      const e = err as Error & { cause?: { code?: string, message?: string } }
      if (e.name === 'TimeoutError') throw new RunError(`${this.options.base} did not answer within ${this.timeoutMs / 1000} s`)
      // Node's fetch gives the network's own error as the cause; without one, fetch refused the request itself.
      if (e.cause?.message === undefined) throw new RunError(`the request to ${this.options.base} failed: ${e.message}`)
      throw new RunError(`cannot reach ${this.options.base}: ${e.cause.message}`)
    }
  }
}

/** The body's text, at most BODY_READ bytes of it: a huge answer is cut (and then not JSON), not held whole. */
async function readText (response: Response): Promise<string> {
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of response.body ?? []) {
    chunks.push(Buffer.from(chunk as Uint8Array))
    bytes += (chunk as Uint8Array).length
    if (bytes >= BODY_READ) break
  }
  return Buffer.concat(chunks).subarray(0, BODY_READ).toString('utf8')
}

function answer (response: Response, text: string, headerNames: readonly string[]): Answer {
  const headers: Record<string, string> = {}
  for (const name of [...headerNames, 'x-northflank-mock']) {
    const value = response.headers.get(name)
    if (value !== null) headers[name] = value
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { status: response.status, headers, text: text.slice(0, TEXT_KEPT) }
  }
  // Nested past what any answer of the API holds: kept as text, so that nothing walks it further.
  if (deeperThan(body, MAX_DEPTH)) return { status: response.status, headers, text: text.slice(0, TEXT_KEPT) }
  return { status: response.status, headers, body }
}
