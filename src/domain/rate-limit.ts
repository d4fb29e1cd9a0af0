/**
 * Rate-limit counting as Northflank documents it (docs/northflank-contract.md, "Rate limits"): each key
 * has a fixed window that opens with its first request and lasts `windowSeconds`; the count starts afresh
 * with the next request after it. Windows are measured on the emulator's clock, so a manual clock moved
 * past a window opens a new one. Synchronous, a Map lookup per request. No Fastify here.
 */
import { bearerOf } from './auth.js'
import type { ControlledClock } from './clock.js'

export interface RateLimitCount {
  /** Requests allowed per window. */
  limit: number
  /** Requests left in this window (0 once the limit is reached). */
  remaining: number
  /** Whole seconds until the window ends, on the emulator's clock. */
  resetSeconds: number
  /** This request is past the limit. */
  exceeded: boolean
}

interface Window {
  start: number
  count: number
}

/**
 * The key a request is counted under: its bearer token (Northflank limits each token), or the client's
 * address when it sends no usable token.
 */
export function rateLimitKey (authorization: string | undefined, address: string): string {
  const token = bearerOf(authorization)
  return token === undefined ? `ip:${address}` : tokenKey(token)
}

export function tokenKey (token: string): string {
  return `token:${token}`
}

export class FixedWindowLimiter {
  /** In the order the windows opened: a window that reopens moves to the end. */
  private readonly windows = new Map<string, Window>()

  /** `capacity`: most keys counted at once; past it, the key whose window opened first is forgotten. */
  constructor (private readonly clock: ControlledClock, readonly capacity: number) {}

  /** Counts one request under `key`. */
  hit (key: string, max: number, windowSeconds: number): RateLimitCount {
    const now = this.clock.millis()
    const windowMs = windowSeconds * 1000
    let window = this.windows.get(key)
    // A clock set back before the window's start opens a new window too.
    if (window === undefined || now >= window.start + windowMs || now < window.start) {
      if (window !== undefined) {
        this.windows.delete(key)
      } else if (this.windows.size >= this.capacity) {
        this.windows.delete(this.windows.keys().next().value as string)
      }
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    window.count++
    return {
      limit: max,
      remaining: Math.max(0, max - window.count),
      resetSeconds: Math.ceil((window.start + windowMs - now) / 1000),
      exceeded: window.count > max
    }
  }

  /** Forgets one key's window (a namespace reset), or every key's. */
  reset (key?: string): void {
    if (key === undefined) this.windows.clear()
    else this.windows.delete(key)
  }

  get size (): number {
    return this.windows.size
  }
}
