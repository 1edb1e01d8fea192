import type { Rng } from "./rng.js"

/**
 * Every fault the world can inject, beside the part of the world (sim/world/) that injects it; each seed picks a
 * probability for each, in this order, so a new fault goes at the end or every seed's mix changes.
 */
export const FAULTS = [
  "crash_before_running", // runners.ts
  "crash_during", // runners.ts
  "crash_after_completed", // runners.ts
  "partition", // chaos.ts
  "delay", // network.ts
  "duplicate", // network.ts
  "heartbeat_stop", // runners.ts
  "slow_job", // job-plan.ts
  "user_cancel", // clients.ts
  "server_restart", // chaos.ts
  "background_busy", // storage-faults.ts
  "garbage_output", // job-plan.ts
  "nonzero_exit", // job-plan.ts
  "disk_full" // storage-faults.ts
] as const
export type FaultName = (typeof FAULTS)[number]

export const isFaultName = (name: string): name is FaultName => (FAULTS as ReadonlyArray<string>).includes(name)

/** Upper bounds of each fault's probability (per job, per message, per transaction or per minute). */
const MAX_RATE: Record<FaultName, number> = {
  crash_before_running: 0.08,
  crash_during: 0.08,
  crash_after_completed: 0.08,
  partition: 0.15,
  delay: 0.2,
  duplicate: 0.2,
  heartbeat_stop: 0.1,
  slow_job: 0.08,
  user_cancel: 0.1,
  server_restart: 0.15,
  background_busy: 0.3,
  garbage_output: 0.1,
  nonzero_exit: 0.1,
  disk_full: 0.05
}

export type FaultRates = Readonly<Record<FaultName, number>>

/**
 * The seed's fault mix: each fault is off, low or high. Disabled faults get probability 0, but the draws are
 * made all the same, so disabling one (while shrinking) keeps every other stream of the seed unchanged.
 */
export const chooseRates = (rng: Rng, disabled: ReadonlySet<FaultName>, emphasize?: FaultName): FaultRates => {
  const rates = {} as Record<FaultName, number>
  for (const fault of FAULTS) {
    const level = rng.pick([0, 0.25, 0.6, 1])
    rates[fault] = disabled.has(fault) ? 0 : MAX_RATE[fault] * level
  }
  // A named scenario makes its fault frequent, so it happens in its seed whatever the rest of the mix.
  if (emphasize !== undefined && !disabled.has(emphasize)) rates[emphasize] = Math.max(MAX_RATE[emphasize], 0.6)
  return rates
}
