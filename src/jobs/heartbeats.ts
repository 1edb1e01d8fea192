import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import { BackgroundSql, retryBusy } from "../store/database.js"
import { JobSettings } from "./settings.js"

/** A job's latest heartbeat as the writer will store it. */
export interface HeartbeatMark {
  readonly jobId: number
  readonly runnerId: number
  readonly organizationId: number
  readonly at: number
  /** Whole minutes billed so far (Bencher's `last_billed_minute`); 0 before the job started. */
  readonly billedMinute: number
}

/**
 * The seam to the usage ledger: called inside the writer's background transaction when a job's billed minute
 * moved, with the minute it is now billed through and the heartbeat's time. The server wires it to `Usage`
 * (jobs/wiring.ts); the default records nothing.
 */
export class RunnerUsage extends Context.Reference<RunnerUsage>()("bencher/jobs/RunnerUsage", {
  defaultValue: () => ({
    recordMinutes: (
      _organizationId: number,
      _jobId: number,
      _throughMinute: number,
      _at: number
    ): Effect.Effect<void> => Effect.void
  })
}) {}

/** Rows per batched UPDATE: 3 parameters each, well under SQLite's 32,766 bound parameters. */
const CHUNK = 300

const latestByRunner = (marks: ReadonlyArray<HeartbeatMark>): Map<number, number> => {
  const latest = new Map<number, number>()
  for (const m of marks) latest.set(m.runnerId, Math.max(latest.get(m.runnerId) ?? 0, m.at))
  return latest
}

export const billedMinutes = (started: number | null, now: number): number =>
  started === null ? 0 : Math.max(1, Math.ceil((now - started) / 60_000))

const make = Effect.gen(function* () {
  const bg = yield* BackgroundSql
  const main = yield* SqlClient.SqlClient
  const settings = yield* JobSettings
  const usage = yield* RunnerUsage
  let dirty = new Map<number, HeartbeatMark>()
  const billed = new Map<number, number>()

  /** Memory only: the request path never waits on SQLite for a heartbeat. */
  const record = (mark: HeartbeatMark): Effect.Effect<void> =>
    Effect.sync(() => {
      dirty.set(mark.jobId, mark)
    })

  /** Forget a finished job's billing cursor (after its final flush). */
  const forget = (jobId: number): Effect.Effect<void> =>
    Effect.sync(() => {
      billed.delete(jobId)
    })

  /**
   * One UPDATE for all jobs and one for their runners, so the background connection holds SQLite's write lock
   * for the shortest time; the usage ledger only hears of jobs whose billed minute moved.
   */
  const write = (marks: ReadonlyArray<HeartbeatMark>) =>
    Effect.gen(function* () {
      const newlyBilled = marks.filter((m) => m.billedMinute > (billed.get(m.jobId) ?? 0))
      // Holds the main connection's permit (not its connection) while the background connection writes: a flush
      // then never commits between a request transaction's first read and its first write, which SQLite answers
      // with SQLITE_BUSY_SNAPSHOT and a replay of the whole request. A request waits at most one batched UPDATE.
      yield* Effect.scoped(
        Effect.zipRight(
          main.reserve,
          bg.withTransaction(
            Effect.gen(function* () {
              for (let i = 0; i < marks.length; i += CHUNK) {
                const chunk = marks.slice(i, i + CHUNK)
                const values = bg.unsafe(
                  chunk.map(() => "(?, ?, ?)").join(", "),
                  chunk.flatMap((m) => [m.jobId, m.at, m.billedMinute])
                )
                yield* bg`WITH mark (id, at, minute) AS (VALUES ${values})
            UPDATE job SET last_heartbeat = max(coalesce(job.last_heartbeat, 0), mark.at),
              last_billed_minute = max(job.last_billed_minute, mark.minute)
            FROM mark WHERE job.id = mark.id`
              }
              // A runner runs one job at a time, so there are about as many runners as marks: batched like the jobs
              // (one UPDATE per runner was 1,000 statements a second with 1,000 running jobs).
              const runners = [...latestByRunner(marks)]
              for (let i = 0; i < runners.length; i += CHUNK) {
                const chunk = runners.slice(i, i + CHUNK)
                const values = bg.unsafe(chunk.map(() => "(?, ?)").join(", "), chunk.flat())
                yield* bg`WITH mark (id, at) AS (VALUES ${values})
            UPDATE runner SET last_heartbeat = max(coalesce(runner.last_heartbeat, 0), mark.at)
            FROM mark WHERE runner.id = mark.id`
              }
              for (const m of newlyBilled) {
                yield* usage.recordMinutes(m.organizationId, m.jobId, m.billedMinute, m.at)
              }
            })
          )
        )
      ).pipe(retryBusy)
      for (const m of newlyBilled) billed.set(m.jobId, m.billedMinute)
    })

  /** Writes everything recorded since the last flush in one background transaction; no marks, no SQL. Never call
   * it inside a main-connection transaction: it waits for the main permit that transaction holds. */
  const flush = Effect.suspend(() => {
    if (dirty.size === 0) return Effect.void
    // In id order, so each batched UPDATE walks the job table's B-tree forward instead of jumping around it.
    const marks = [...dirty.values()].sort((a, b) => a.jobId - b.jobId)
    dirty = new Map()
    return write(marks).pipe(
      Effect.catchAll((error) =>
        Effect.logWarning("heartbeat flush failed; will retry", error).pipe(
          Effect.zipRight(
            Effect.sync(() => {
              for (const m of marks) if (!dirty.has(m.jobId)) dirty.set(m.jobId, m)
            })
          )
        )
      )
    )
  })

  yield* flush.pipe(Effect.delay(settings.heartbeatFlushInterval), Effect.forever, Effect.forkScoped)
  yield* Effect.addFinalizer(() => flush)

  return { record, flush, forget, pending: Effect.sync(() => dirty.size) } as const
})

/** Batches heartbeats and billed minutes onto the dedicated background connection. */
export class HeartbeatWriter extends Context.Tag("bencher/jobs/HeartbeatWriter")<
  HeartbeatWriter,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.scoped(this, make)
}
