/**
 * Time for the emulated API: the system's, or a manual one that only moves when told to (admin API
 * `/_mock/clock`), so a test can walk a rollout through its steps, or a rate-limit window to its end,
 * without waiting. Injected delays run on it too: with a manual clock, a delayed request is released when
 * the clock is advanced past its delay (docs/faults-and-rollouts.md). No Fastify here.
 */

export interface Clock { now: () => Date }
export const systemClock: Clock = { now: () => new Date() }

/** The last instant's whole second, and its text up to the milliseconds: `YYYY-MM-DDTHH:MM:SS.`. */
let second = Number.NaN
let secondText = ''
/** `000Z` to `999Z`. */
const MILLIS_TEXT = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`)

/**
 * An instant as Date.prototype.toISOString writes it (`2026-12-07T03:18:00.123Z`), the form of every time
 * the API shows, at a fraction of its cost: toISOString took 1.5 to 2 µs on the benchmark's machine, and
 * every accepted update stamps its rollout (docs/performance.md). The text of the second last written is
 * kept, so an instant in the same second costs one concatenation. Instants outside the years 0000 to
 * 9999, or between whole milliseconds, go to toISOString.
 */
export function isoTime (ms: number): string {
  if (!Number.isInteger(ms) || ms < -62_167_219_200_000 || ms >= 253_402_300_800_000) return new Date(ms).toISOString()
  const milli = ((ms % 1000) + 1000) % 1000
  if (ms - milli !== second) {
    second = ms - milli
    secondText = new Date(second).toISOString().slice(0, 20)
  }
  return secondText + (MILLIS_TEXT[milli] as string)
}

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

/** A pending `sleep`: due at `due` on the clock; `timer` while the clock is the system's. */
interface Sleeper {
  due: number
  wake: () => void
  timer: NodeJS.Timeout | undefined
}

/**
 * The emulator's clock: its base clock (the system's, or the one the app was built with) until switched
 * to manual, then a ManualClock starting where the base clock stood.
 */
export class ControlledClock implements Clock {
  private manual: ManualClock | undefined
  private readonly sleepers = new Set<Sleeper>()

  constructor (readonly base: Clock = systemClock) {}

  get mode (): ClockMode {
    return this.manual === undefined ? 'system' : 'manual'
  }

  now (): Date {
    return this.manual === undefined ? this.base.now() : this.manual.now()
  }

  /** `now()` in epoch milliseconds, without a Date when the base clock is the system's (the hot path). */
  millis (): number {
    if (this.manual !== undefined) return this.manual.now().getTime()
    return this.base === systemClock ? Date.now() : this.base.now().getTime()
  }

  /** Stops time at `at`, or where it stands now. */
  setManual (at: Date = this.now()): void {
    this.rebase(() => { this.manual = new ManualClock(at) })
  }

  setSystem (): void {
    if (this.manual !== undefined) this.rebase(() => { this.manual = undefined })
  }

  /** Moves a manual clock forward, releasing the sleeps now due; false when the clock is not manual. */
  advance (ms: number): boolean {
    if (this.manual === undefined) return false
    this.manual.advance(ms)
    this.wakeDue()
    return true
  }

  /**
   * Resolves after `ms` on this clock: a timer while the clock is the system's; with a manual clock, when
   * it is advanced past the due time. `release()` ends every pending sleep at once (closing the app).
   */
  sleep (ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        due: this.millis() + ms,
        timer: undefined,
        wake: () => {
          clearTimeout(sleeper.timer)
          this.sleepers.delete(sleeper)
          resolve()
        }
      }
      this.sleepers.add(sleeper)
      this.arm(sleeper)
    })
  }

  /** Ends every pending sleep now. */
  release (): void {
    for (const sleeper of [...this.sleepers]) sleeper.wake()
  }

  /** How many sleeps are pending (for tests and the admin API's view). */
  get sleeping (): number {
    return this.sleepers.size
  }

  /** Switches the time source, keeping what each pending sleep has left to wait. */
  private rebase (change: () => void): void {
    const before = this.millis()
    const left = [...this.sleepers].map((s) => [s, s.due - before] as const)
    change()
    const after = this.millis()
    for (const [sleeper, ms] of left) {
      clearTimeout(sleeper.timer)
      sleeper.timer = undefined
      sleeper.due = after + ms
      this.arm(sleeper)
    }
    this.wakeDue()
  }

  private arm (sleeper: Sleeper): void {
    if (this.manual !== undefined) return
    sleeper.timer = setTimeout(sleeper.wake, Math.max(0, sleeper.due - this.millis()))
  }

  private wakeDue (): void {
    const now = this.millis()
    for (const sleeper of [...this.sleepers]) if (sleeper.due <= now) sleeper.wake()
  }
}
