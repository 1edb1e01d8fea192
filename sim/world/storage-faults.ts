import type { ServerFaults } from "../server.js"
import type { World } from "./world.js"

/**
 * The database and disk faults the server's layers consult (sim/server.ts). Each decision draws from a stream
 * named by its moment (or job), so how often the server asks changes no other stream of the seed.
 */
export const storageFaults = (world: World, jobName: (jobId: number) => string): ServerFaults => ({
  backgroundBusy: () => {
    const r = world.rng.fork(`busy-${world.step}-${world.clock.now}`)
    if (!r.chance(world.rates.background_busy)) return undefined
    const where = r.chance(0.5) ? ("begin" as const) : ("commit" as const)
    world.fault("background_busy", "server", `background transaction fails at ${where}`)
    return where
  },
  outputDiskFull: (jobId: number) => {
    const r = world.rng.fork(`disk-${jobId}-${world.clock.now}`)
    if (!r.chance(world.rates.disk_full)) return false
    world.fault("disk_full", "server", `output of ${jobName(jobId)} not written: disk full`)
    return true
  }
})
