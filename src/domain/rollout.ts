/**
 * The rollout lifecycle behind `status.deployment` of GET service (docs/northflank-contract.md, "What the
 * read endpoints show"): after an accepted update the rollout is PENDING, then IN_PROGRESS, then COMPLETED (or FAILED when a fault rule says so). Nothing
 * runs in the background: a rollout stores when it started and how long each step lasts, and its status
 * is derived from the clock on every read, so a manual clock walks it through its steps. Inferred: the
 * steps, their order and the `DEPLOYING` reason follow the enums of the public API; Northflank does not
 * document their timing. No Fastify here.
 */
import type { Static } from '@sinclair/typebox'
import type { RolloutStateSchema } from '../../schemas/faults.js'
import type { DeploymentStatus, RolloutStatus } from '../../schemas/service.js'
import { isoTime } from './clock.js'

/** How long a rollout stays in each step, in milliseconds; zero skips the step. */
export interface RolloutSettings {
  pendingMs: number
  inProgressMs: number
}

/** The default: every rollout completes at once, in the same instant as the update. */
export const IMMEDIATE: Readonly<RolloutSettings> = { pendingMs: 0, inProgressMs: 0 }

export type RolloutOutcome = Extract<RolloutStatus, 'COMPLETED' | 'FAILED'>

/** How a rollout will go, decided when the update is accepted. */
export interface RolloutPlan extends RolloutSettings {
  outcome: RolloutOutcome
}

/**
 * One rollout as stored on a service: plain data (it survives a JSON round trip), with its schema in
 * schemas/faults.ts for state dumps. `waitingForBuild` marks `buildSHA: latest` with no build on the
 * branch: the docs say the service "will be updated but no instances will be deployed until a build is
 * available", so the rollout stays PENDING.
 */
export type Rollout = Static<typeof RolloutStateSchema>

export function startRollout (plan: RolloutPlan, now: Date, deployedSHA: string | undefined, waitingForBuild: boolean): Rollout {
  const rollout: Rollout = { startedAt: isoTime(now.getTime()), pendingMs: plan.pendingMs, inProgressMs: plan.inProgressMs, outcome: plan.outcome }
  if (deployedSHA !== undefined) rollout.deployedSHA = deployedSHA
  if (waitingForBuild) rollout.waitingForBuild = true
  return rollout
}

/**
 * The status a rollout shows at `now`. `lastTransitionTime` is when it entered its current step;
 * `deployedSHA` appears once a build is deployed, so only on COMPLETED.
 */
export function rolloutStatus (rollout: Rollout, now: Date): DeploymentStatus {
  const started = Date.parse(rollout.startedAt)
  const running = started + rollout.pendingMs
  const done = running + rollout.inProgressMs
  const t = now.getTime()
  if (rollout.waitingForBuild === true || t < running) return step('PENDING', started)
  if (t < done) return step('IN_PROGRESS', running)
  const status = step(rollout.outcome, done)
  if (rollout.outcome === 'COMPLETED' && rollout.deployedSHA !== undefined) status.deployedSHA = rollout.deployedSHA
  return status
}

function step (status: RolloutStatus, at: number): DeploymentStatus {
  return { status, reason: 'DEPLOYING', lastTransitionTime: isoTime(at) }
}
