/**
 * Rate-limit counting as Northflank documents it (docs/northflank-contract.md, "Rate limits"): each key
 * has a fixed window that opens with its first request and lasts `windowSeconds`; the count starts afresh
 * with the next request after it. Windows are measured on the emulator's clock, so a manual clock moved
 * past a window opens a new one. Synchronous: a Map lookup per request, and a move to the Map's end when
 * another key was counted since. No Fastify here.
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
  readonly key: string
  start: number
  count: number
  /** Neighbours in the order the windows opened. */
  earlier: Window | undefined
  later: Window | undefined
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

/**
 * Past its capacity, the limiter forgets windows that have ended first (their counts start afresh anyway),
 * then the key used least recently: a client cycling through many keys cannot reset the count of a key
 * in use. Both are O(1) per new key, amortised: the windows are also kept in the order they opened, which
 * is the order of their ends while the clock moves forward, so the ended ones are found at the front.
 */
export class FixedWindowLimiter {
  /** In the order the keys were last used: the first is the least recently used. */
  private readonly windows = new Map<string, Window>()
  /** The key hit last: it is last in `windows` already, so hitting it again reorders nothing. */
  private lastKey: string | undefined
  /** The windows in the order they opened (a window that reopens moves to the end). */
  private first: Window | undefined
  private last: Window | undefined
  /**
   * False once a window opened before the start of the one opened last (the clock was set back): then
   * that order is not the order of the windows' ends, and is sorted again before it is relied on.
   */
  private ordered = true

  /** `capacity`: most keys counted at once. */
  constructor (private readonly clock: ControlledClock, readonly capacity: number) {}

  /** Counts one request under `key`. */
  hit (key: string, max: number, windowSeconds: number): RateLimitCount {
    const now = this.clock.millis()
    const windowMs = windowSeconds * 1000
    let window = this.windows.get(key)
    if (window === undefined) {
      if (this.windows.size >= this.capacity) this.makeRoom(now, windowMs)
      window = { key, start: now, count: 0, earlier: undefined, later: undefined }
      this.windows.set(key, window)
      this.opened(window)
    } else {
      if (key !== this.lastKey) {
        this.windows.delete(key)
        this.windows.set(key, window)
      }
      // A clock set back before the window's start opens a new window too.
      if (now >= window.start + windowMs || now < window.start) {
        this.unlink(window)
        window.start = now
        window.count = 0
        this.opened(window)
      }
    }
    this.lastKey = key
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
    if (key === undefined) {
      this.windows.clear()
      this.first = this.last = undefined
      this.ordered = true
      return
    }
    const window = this.windows.get(key)
    if (window !== undefined) this.forget(window)
  }

  get size (): number {
    return this.windows.size
  }

  /**
   * Forgets the windows a hit would open afresh (ended, or opened after the clock's time), then, if there
   * is still no room, the least recently used key. `windowMs` is the length in force now: a window is
   * judged as `hit` would judge it.
   */
  private makeRoom (now: number, windowMs: number): void {
    if (!this.ordered) this.sort(now, windowMs)
    // By opening, which is by start: the ended windows lead, and those opened after a clock set back trail.
    for (let w = this.first; w !== undefined && now >= w.start + windowMs; w = this.first) this.forget(w)
    for (let w = this.last; w !== undefined && now < w.start; w = this.last) this.forget(w)
    if (this.windows.size < this.capacity) return
    const leastRecent = this.windows.values().next().value
    if (leastRecent !== undefined) this.forget(leastRecent)
  }

  /** After the clock went back: forgets the windows a hit would open afresh, and relinks the rest by start. */
  private sort (now: number, windowMs: number): void {
    const live: Window[] = []
    for (let w = this.first; w !== undefined; w = w.later) {
      if (now >= w.start + windowMs || now < w.start) this.windows.delete(w.key)
      else live.push(w)
    }
    live.sort((a, b) => a.start - b.start)
    this.first = this.last = undefined
    for (const w of live) this.opened(w)
    this.ordered = true
  }

  private forget (window: Window): void {
    this.windows.delete(window.key)
    this.unlink(window)
  }

  /** Appends a window to the opening order. */
  private opened (window: Window): void {
    const last = this.last
    window.earlier = last
    window.later = undefined
    if (last === undefined) this.first = window
    else {
      last.later = window
      if (window.start < last.start) this.ordered = false
    }
    this.last = window
  }

  private unlink (window: Window): void {
    if (window.earlier === undefined) this.first = window.later
    else window.earlier.later = window.later
    if (window.later === undefined) this.last = window.earlier
    else window.later.earlier = window.earlier
    window.earlier = window.later = undefined
  }
}
