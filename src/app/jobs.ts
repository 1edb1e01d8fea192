import { Effect, Layer } from "effect"
import { ServerConfig } from "./config.js"
import { RunnerChannel } from "../jobs/channel.js"
import { HeartbeatWriter } from "../jobs/heartbeats.js"
import { JobEvents } from "../jobs/events.js"
import { ImageResolver } from "../jobs/image.js"
import { Jobs } from "../jobs/jobs.js"
import { JobLifecycle } from "../jobs/lifecycle.js"
import { JobOutputStore } from "../jobs/output.js"
import { JobPolicy } from "../jobs/policy.js"
import { JobQueue } from "../jobs/queue.js"
import { RecoveryLive } from "../jobs/recovery.js"
import { JobSupervisor } from "../jobs/supervisor.js"

/**
 * The actors (queue, supervisors, heartbeat writer) and the services on top of them, recovered at start. Where raw
 * outputs are kept and how heartbeats are written are parameters: the server keeps outputs in the BlobStore, tests
 * in a table, and a bench runs its per-heartbeat baseline through the same channel.
 */
export const jobsLayer = <E1, R1, E2, R2, E3 = never, R3 = never, E4 = never, R4 = never>(
  parts: JobsParts<E1, R1, E2, R2, E3, R3, E4, R4>
) => {
  const [stores, actors, supervisor, services, recovery] = jobsLayers(parts)
  return recovery.pipe(
    Layer.provideMerge(services),
    Layer.provideMerge(supervisor),
    Layer.provideMerge(actors),
    Layer.provideMerge(stores)
  )
}

/** What jobsLayer's callers choose: where outputs go, how heartbeats are written, and (tests) a broken rule. */
export interface JobsParts<E1, R1, E2, R2, E3 = never, R3 = never, E4 = never, R4 = never> {
  readonly outputs: Layer.Layer<JobOutputStore, E1, R1>
  readonly writer: Layer.Layer<HeartbeatWriter, E2, R2>
  /** The simulator's planted-bug tests swap in a broken queue or lifecycle; everything else uses the Live ones. */
  readonly queue?: Layer.Layer<JobQueue, E3, R3 | JobLifecycle>
  readonly lifecycle?: Layer.Layer<JobLifecycle, E4, R4>
}

/** jobsLayer's parts, each needing only those before it (the simulator builds them in this order itself). */
export const jobsLayers = <E1, R1, E2, R2, E3 = never, R3 = never, E4 = never, R4 = never>(
  parts: JobsParts<E1, R1, E2, R2, E3, R3, E4, R4>
) =>
  [
    Layer.mergeAll(parts.lifecycle ?? JobLifecycle.Live, parts.outputs),
    Layer.mergeAll(parts.queue ?? JobQueue.Live, parts.writer),
    JobSupervisor.Live,
    Layer.mergeAll(Jobs.Live, RunnerChannel.Live),
    RecoveryLive
  ] as const

/**
 * The jobs with their outputs in the `job_output` table and the background heartbeat writer (tests, simulator).
 * JobEvents is provided below everything, so every JobLifecycle instance publishes to the same followers.
 */
export const JobsLive = jobsLayer({ outputs: JobOutputStore.Table, writer: HeartbeatWriter.Live }).pipe(
  Layer.provideMerge(JobEvents.Live)
)

/**
 * The seams' defaults for a server without identity and the registry: digest-only images on this server's host,
 * and plan-less priorities. Replace either layer to plug the real service in.
 */
export const JobSeamsDefault = Layer.mergeAll(
  Layer.unwrapEffect(Effect.map(ServerConfig, (config) => ImageResolver.digestOnly(`${config.host}:${config.port}`))),
  JobPolicy.Default
)
