import { Clock, Context, Duration, Effect, FiberMap, Layer } from "effect"
import { JobLifecycle } from "./lifecycle.js"
import { type JobRow, statusOf } from "./job-row.js"
import { billedMinutes, HeartbeatWriter } from "./heartbeats.js"
import { JobQueue } from "./queue.js"
import { JobSettings } from "./settings.js"

/** What a supervisor keeps in memory about a claimed or running job. */
interface Supervised {
  readonly id: number
  readonly uuid: string
  readonly runnerId: number
  readonly organizationId: number
  readonly timeoutMs: number
  status: "claimed" | "running"
  started: number | null
  lastHeartbeat: number
  /** Canceled (user or timeout) but the runner has not acknowledged yet: heartbeats are answered with cancel. */
  canceled: boolean
}

const make = Effect.gen(function* () {
  const lifecycle = yield* JobLifecycle
  const queue = yield* JobQueue
  const writer = yield* HeartbeatWriter
  const settings = yield* JobSettings
  const heartbeatMs = Duration.toMillis(settings.heartbeatTimeout)
  const graceMs = Duration.toMillis(settings.timeoutGrace)
  const jobs = new Map<string, Supervised>()
  const fibers = yield* FiberMap.make<string>()

  const drop = (job: Supervised) =>
    Effect.suspend(() => {
      jobs.delete(job.uuid)
      return Effect.zipRight(queue.release(job.id), writer.forget(job.id))
    })

  const overTime = (job: Supervised, now: number) =>
    job.started !== null && now >= job.started + job.timeoutMs + graceMs

  /** Marks a job canceled for running over time; the runner hears `cancel` on its next heartbeat. */
  const cancelOverTime = (job: Supervised) =>
    Effect.gen(function* () {
      job.canceled = true
      yield* lifecycle.cancel(job.id, "job_timeout_exceeded")
      yield* queue.release(job.id)
    })

  /**
   * One fiber per job: sleeps (Effect Clock) until the earlier of the heartbeat deadline and the timeout + grace
   * deadline, then re-reads memory. Heartbeats only move `lastHeartbeat`; they never wake this fiber.
   */
  const watch = (job: Supervised): Effect.Effect<void> =>
    Effect.gen(function* () {
      while (jobs.get(job.uuid) === job) {
        const now = yield* Clock.currentTimeMillis
        const heartbeatDeadline = job.lastHeartbeat + heartbeatMs
        if (job.canceled) {
          if (now >= heartbeatDeadline) return yield* drop(job)
          yield* Effect.sleep(Duration.millis(heartbeatDeadline - now))
          continue
        }
        if (overTime(job, now)) {
          yield* cancelOverTime(job)
          continue
        }
        if (now >= heartbeatDeadline) {
          yield* lifecycle.fail(job.id, "heartbeat_timeout", { runnerId: job.runnerId, from: ["claimed", "running"] })
          return yield* drop(job)
        }
        const timeDeadline = job.started === null ? Infinity : job.started + job.timeoutMs + graceMs
        yield* Effect.sleep(Duration.millis(Math.min(heartbeatDeadline, timeDeadline) - now))
      }
    }).pipe(Effect.catchAllCause((cause) => Effect.logError("job supervisor failed", cause)))

  /** Starts supervising a claimed or running job (at claim time, or at start for recovered jobs). */
  const supervise = (row: JobRow) =>
    Effect.gen(function* () {
      const status = statusOf(row)
      if ((status !== "claimed" && status !== "running") || row.runner_id === null) return
      const job: Supervised = {
        id: row.id,
        uuid: row.uuid,
        runnerId: row.runner_id,
        organizationId: row.organization_id,
        timeoutMs: row.timeout * 1000,
        status,
        started: row.started,
        lastHeartbeat: row.last_heartbeat ?? row.claimed ?? (yield* Clock.currentTimeMillis),
        canceled: false
      }
      jobs.set(job.uuid, job)
      yield* FiberMap.run(fibers, job.uuid, watch(job))
    })

  const held = (runnerId: number, uuid: string) => {
    const job = jobs.get(uuid.toLowerCase())
    return job !== undefined && job.runnerId === runnerId ? job : undefined
  }

  /**
   * A heartbeat from the runner holding the job: memory and the background writer only. Answers whether the
   * job is canceled. Undefined when this server supervises no such job for this runner.
   */
  const heartbeat = (runnerId: number, uuid: string) =>
    Effect.gen(function* () {
      const job = held(runnerId, uuid)
      if (job === undefined) return undefined
      const now = yield* Clock.currentTimeMillis
      job.lastHeartbeat = now
      if (job.canceled) return { canceled: true }
      if (overTime(job, now)) {
        yield* cancelOverTime(job)
        return { canceled: true }
      }
      yield* writer.record({
        jobId: job.id,
        runnerId,
        organizationId: job.organizationId,
        at: now,
        billedMinute: billedMinutes(job.started, now)
      })
      return { canceled: false }
    })

  /** claimed -> running; a repeat (reconnect) only refreshes the heartbeat. */
  const running = (runnerId: number, uuid: string) =>
    Effect.gen(function* () {
      const job = held(runnerId, uuid)
      if (job === undefined) return undefined
      if (job.canceled) return { canceled: true }
      if (job.status === "claimed") {
        const row = yield* lifecycle.start(job.id, runnerId)
        if (row !== undefined) {
          job.status = "running"
          job.started = row.started
        }
      }
      job.lastHeartbeat = yield* Clock.currentTimeMillis
      return { canceled: false }
    })

  /** The job reached a terminal state through a message or a user: stop watching it. */
  const end = (uuid: string) =>
    Effect.suspend(() => {
      const job = jobs.get(uuid.toLowerCase())
      if (job === undefined) return Effect.void
      return Effect.zipRight(drop(job), FiberMap.remove(fibers, job.uuid))
    })

  /** A user canceled the job: keep answering the runner's heartbeats with cancel until it acknowledges. */
  const markCanceled = (uuid: string) =>
    Effect.suspend(() => {
      const job = jobs.get(uuid.toLowerCase())
      if (job === undefined) return Effect.void
      job.canceled = true
      return queue.release(job.id)
    })

  const isCanceled = (uuid: string) => jobs.get(uuid.toLowerCase())?.canceled === true
  const size = Effect.sync(() => jobs.size)

  return { supervise, heartbeat, running, end, markCanceled, isCanceled, held, size } as const
})

/** The JobSupervisor of docs/architecture.md: a fiber per claimed or running job holding its deadlines in memory. */
export class JobSupervisor extends Context.Tag("bencher/jobs/JobSupervisor")<
  JobSupervisor,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.scoped(this, make)
}
