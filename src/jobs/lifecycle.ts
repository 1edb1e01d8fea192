import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer } from "effect"
import { allowedTransitions, type JobStatus, jobStatusToInt } from "../domain/job.js"
import { retryBusy } from "../store/database.js"
import { JobEvents } from "./events.js"
import { type JobRow, statusOf } from "./job-row.js"

/** Every status a job may move to `to` from, per the lifecycle in docs/architecture.md. */
export const sourcesOf = (to: JobStatus): ReadonlyArray<number> =>
  (Object.keys(allowedTransitions) as Array<JobStatus>)
    .filter((from) => allowedTransitions[from].includes(to))
    .map(jobStatusToInt)

/** Why a job ended, as stored in `job.error` and sent as Bencher's close reasons. */
export type EndReason =
  | "heartbeat_timeout"
  | "job_timeout_exceeded"
  | "job_canceled_by_user"
  | "job_canceled_by_runner"
  | "orphaned_claim"
  | (string & {})

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const events = yield* JobEvents

  /**
   * One compare-and-set UPDATE: the job moves to `to` only if its current status may lead there (and, when
   * given, only if `runnerId` holds it). Returns the updated row, or undefined when nothing changed: a lost
   * race, a duplicate or a late message, all of which callers treat as no-ops. A change is published to
   * followers (JobEvents) at once, unless `publish` is false: a caller inside a larger transaction publishes
   * after its commit.
   */
  const transition = (
    jobId: number,
    to: JobStatus,
    fields: Readonly<Record<string, number | string | null>> = {},
    options: { readonly runnerId?: number; readonly from?: ReadonlyArray<JobStatus>; readonly publish?: boolean } = {}
  ) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const from = options.from?.filter((s) => allowedTransitions[s].includes(to)).map(jobStatusToInt) ?? sourcesOf(to)
      if (from.length === 0) return undefined
      const rows =
        yield* sql<JobRow>`UPDATE job SET ${sql.update({ ...fields, status: jobStatusToInt(to), modified: now })}
        WHERE id = ${jobId} AND status IN ${sql.in(from)}
        ${options.runnerId === undefined ? sql`` : sql`AND runner_id = ${options.runnerId}`}
        RETURNING *`
      return rows[0]
    }).pipe(
      retryBusy,
      Effect.tap((row) => (row === undefined || options.publish === false ? Effect.void : events.status(row)))
    )

  const claim = (jobId: number, runnerId: number) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      transition(jobId, "claimed", { runner_id: runnerId, claimed: now, last_heartbeat: now })
    )

  const start = (jobId: number, runnerId: number) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      transition(jobId, "running", { started: now, last_heartbeat: now }, { runnerId })
    )

  /**
   * running -> completed; failed -> completed only for a late result after a heartbeat timeout (the runner was
   * alive after all). A job that failed in processing stays failed, so a replayed Completed cannot revive it.
   */
  const complete = (jobId: number, runnerId: number, options: { readonly publish?: boolean } = {}) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const fromRunning = yield* transition(
        jobId,
        "completed",
        { completed: now, error: null },
        { runnerId, from: ["running"], ...options }
      )
      if (fromRunning !== undefined) return fromRunning
      const row = yield* byId(jobId)
      if (row === undefined || statusOf(row) !== "failed" || row.error !== "heartbeat_timeout") return undefined
      return yield* transition(
        jobId,
        "completed",
        { completed: now, error: null },
        { runnerId, from: ["failed"], ...options }
      )
    })

  const fail = (
    jobId: number,
    error: EndReason,
    options: { readonly runnerId?: number; readonly from?: ReadonlyArray<JobStatus>; readonly publish?: boolean } = {}
  ) => Effect.flatMap(Clock.currentTimeMillis, (now) => transition(jobId, "failed", { completed: now, error }, options))

  const cancel = (jobId: number, reason: EndReason, options: { readonly runnerId?: number } = {}) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      transition(jobId, "canceled", { completed: now, error: reason }, options)
    )

  const byId = (jobId: number) => sql<JobRow>`SELECT * FROM job WHERE id = ${jobId}`.pipe(Effect.map((rows) => rows[0]))
  const byUuid = (uuid: string) =>
    sql<JobRow>`SELECT * FROM job WHERE uuid = ${uuid.toLowerCase()}`.pipe(Effect.map((rows) => rows[0]))

  return { transition, claim, start, complete, fail, cancel, byId, byUuid } as const
})

/** The job lifecycle as compare-and-set transitions on the main connection. */
export class JobLifecycle extends Context.Tag("bencher/jobs/JobLifecycle")<
  JobLifecycle,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}
