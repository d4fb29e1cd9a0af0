/** The emulator's world: the fixtures it was given and the state they grew into. No Fastify here. */
import type { Fixtures } from '../../schemas/fixtures.js'
import { buildState } from './fixtures.js'
import type { State } from './model.js'

export interface Clock { now: () => Date }
export const systemClock: Clock = { now: () => new Date() }

export class Emulator {
  fixtures: Fixtures
  state: State
  readonly clock: Clock

  constructor (fixtures: Fixtures, clock: Clock = systemClock) {
    this.fixtures = fixtures
    this.state = buildState(fixtures)
    this.clock = clock
  }

  /** Back to the fixtures, as at start. */
  reset (): void {
    this.state = buildState(this.fixtures)
  }
}
