/**
 * Time for the emulator: the system's, or a manual one that only moves when told to (admin API
 * `/_mock/clock`), so a test can walk a rollout through its steps without waiting. No Fastify here.
 */
import type { Clock } from './emulator.js'

/** A clock that stands still until advanced. */
export class ManualClock implements Clock {
  private at: number

  constructor (start: Date = new Date()) {
    this.at = start.getTime()
  }

  now (): Date {
    return new Date(this.at)
  }

  set (at: Date): void {
    this.at = at.getTime()
  }

  advance (ms: number): void {
    this.at += ms
  }
}

export type ClockMode = 'system' | 'manual'

/**
 * The emulator's clock: its base clock (the system's, or the one the app was built with) until switched
 * to manual, then a ManualClock starting where the base clock stood.
 */
export class ControlledClock implements Clock {
  private manual: ManualClock | undefined

  constructor (readonly base: Clock) {}

  get mode (): ClockMode {
    return this.manual === undefined ? 'system' : 'manual'
  }

  now (): Date {
    return this.manual === undefined ? this.base.now() : this.manual.now()
  }

  /** Stops time at `at`, or where it stands now. */
  setManual (at: Date = this.now()): void {
    this.manual = new ManualClock(at)
  }

  setSystem (): void {
    this.manual = undefined
  }

  /** Moves a manual clock forward; false when the clock is not manual. */
  advance (ms: number): boolean {
    if (this.manual === undefined) return false
    this.manual.advance(ms)
    return true
  }
}
