import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { BackgroundSql, retryBusy } from "../store/database.js"
import { UsageSink, type UsageEntry } from "./sink.js"
import { PersistenceError } from "../domain/errors.js"

/** Whole minutes, rounded up, at least 1, from `started` (docs/reference.md §5.8). */
export const elapsedMinutes = (startedAt: number, now: number): number =>
  Math.max(1, Math.ceil(Math.max(0, now - startedAt) / 60_000))

export interface RunnerMinutesInput {
  readonly organizationId: number
  readonly jobId: number
  /** when the job started running (epoch ms) */
  readonly startedAt: number
  /** the heartbeat's or terminal message's time (epoch ms) */
  readonly now: number
}

/** A job billed through its n-th started minute (the heartbeat writer's `last_billed_minute`), at `at`. */
export interface RunnerMinutesThrough {
  readonly organizationId: number
  readonly jobId: number
  readonly throughMinute: number
  readonly at: number
}

export type RunnerMinutesEntry = Extract<UsageEntry, { readonly _tag: "RunnerMinutes" }>

export interface UsageSummary {
  readonly runnerMinutes: number
  readonly metrics: number
}

const make = Effect.gen(function* () {
  const background = yield* BackgroundSql
  const sql = yield* SqlClient.SqlClient
  const sink = yield* UsageSink

  const publish = (entry: UsageEntry) =>
    sink.record(entry).pipe(Effect.catchAllCause((cause) => Effect.logWarning("usage sink failed", cause)))

  /** Appends the minutes of one job not yet billed, in one statement; None when there is nothing new. */
  const appendRunnerMinutes = (input: RunnerMinutesInput) =>
    appendThrough({
      organizationId: input.organizationId,
      jobId: input.jobId,
      throughMinute: elapsedMinutes(input.startedAt, input.now),
      at: input.now
    })

  /** Bills a job through its `throughMinute`-th minute: appends what the ledger lacks below it, nothing twice. */
  const appendThrough = (input: RunnerMinutesThrough) =>
    Effect.gen(function* () {
      const total = input.throughMinute
      if (total <= 0) return Option.none<RunnerMinutesEntry>()
      const rows = yield* background<{ minutes: number; through_minute: number }>`
        INSERT INTO usage_runner_minutes (organization_id, job_id, minutes, through_minute, recorded_at)
        SELECT ${input.organizationId}, ${input.jobId}, ${total} - billed, ${total}, ${input.at}
        FROM (SELECT COALESCE(MAX(through_minute), 0) AS billed FROM usage_runner_minutes WHERE job_id = ${input.jobId})
        WHERE billed < ${total}
        ON CONFLICT DO NOTHING
        RETURNING minutes, through_minute`
      const row = rows[0]
      if (row === undefined) return Option.none<RunnerMinutesEntry>()
      return Option.some<RunnerMinutesEntry>({
        _tag: "RunnerMinutes",
        organizationId: input.organizationId,
        jobId: input.jobId,
        minutes: row.minutes,
        throughMinute: row.through_minute,
        recordedAt: input.at
      })
    })

  /**
   * Bills a running or finished job up to `now`: appends only the minutes not yet billed, so a replayed
   * heartbeat or terminal message bills nothing twice (UNIQUE(job_id, through_minute) backs it up).
   * Runs on the background connection with busy retries. Returns the appended entry, if any.
   */
  const recordRunnerMinutes = (input: RunnerMinutesInput): Effect.Effect<Option.Option<RunnerMinutesEntry>> =>
    appendRunnerMinutes(input).pipe(
      retryBusy,
      Effect.orDie,
      Effect.tap(Option.match({ onNone: () => Effect.void, onSome: publish }))
    )

  /** The same for many jobs in one background transaction (the heartbeat flusher's batch). */
  const recordRunnerMinutesBatch = (
    inputs: ReadonlyArray<RunnerMinutesInput>
  ): Effect.Effect<ReadonlyArray<RunnerMinutesEntry>> =>
    Effect.forEach(inputs, appendRunnerMinutes).pipe(
      Effect.map((entries) => entries.flatMap(Option.toArray)),
      background.withTransaction,
      retryBusy,
      Effect.orDie,
      Effect.tap((entries) => Effect.forEach(entries, publish, { discard: true }))
    )

  /**
   * The heartbeat writer's hook, called inside its background transaction (which already holds SQLite's write
   * lock, so no retry here): idempotent by job and minute, so a restarted server re-billing from its first
   * heartbeat appends nothing twice.
   */
  const recordRunnerMinutesThrough = (input: RunnerMinutesThrough): Effect.Effect<void> =>
    appendThrough(input).pipe(
      Effect.orDie,
      Effect.flatMap(Option.match({ onNone: () => Effect.void, onSome: publish }))
    )

  /**
   * Counts the metrics a report stored, once per report. Uses the main connection so a caller's report
   * transaction includes it; a replay for the same report is a no-op.
   */
  const recordMetrics = (input: {
    readonly organizationId: number
    readonly projectId: number
    readonly reportId: number
    readonly metrics: number
    readonly recordedAt?: number
  }): Effect.Effect<Option.Option<UsageEntry & { readonly _tag: "Metrics" }>> =>
    Effect.gen(function* () {
      const recordedAt = input.recordedAt ?? (yield* Clock.currentTimeMillis)
      const rows = yield* sql`INSERT INTO usage_metrics ${sql.insert({
        organization_id: input.organizationId,
        project_id: input.projectId,
        report_id: input.reportId,
        metrics: input.metrics,
        recorded_at: recordedAt
      })} ON CONFLICT (report_id) DO NOTHING RETURNING id`.pipe(retryBusy, Effect.orDie)
      if (rows.length === 0) return Option.none()
      const entry = { _tag: "Metrics", ...input, recordedAt } as const
      yield* publish(entry)
      return Option.some(entry)
    })

  /** Runner minutes and metrics recorded in [start, end) for an organization. */
  const summary = (input: {
    readonly organizationId: number
    readonly start: number
    readonly end: number
  }): Effect.Effect<UsageSummary> =>
    Effect.gen(function* () {
      const minutes = yield* sql<{ n: number | null }>`SELECT SUM(minutes) AS n FROM usage_runner_minutes
        WHERE organization_id = ${input.organizationId} AND recorded_at >= ${input.start} AND recorded_at < ${input.end}`
      const metrics = yield* sql<{ n: number | null }>`SELECT SUM(metrics) AS n FROM usage_metrics
        WHERE organization_id = ${input.organizationId} AND recorded_at >= ${input.start} AND recorded_at < ${input.end}`
      return { runnerMinutes: minutes[0]?.n ?? 0, metrics: metrics[0]?.n ?? 0 }
    }).pipe(Effect.orDie)

  return PersistenceError.refailService({
    recordRunnerMinutes,
    recordRunnerMinutesBatch,
    recordRunnerMinutesThrough,
    recordMetrics,
    summary
  } as const)
})

/**
 * The append-only usage ledger (docs/reference.md §5.8, §5.9): runner minutes per job (idempotent deltas) and
 * metrics per report. Needs SqlClient, BackgroundSql and a UsageSink.
 */
export class Usage extends Context.Tag("bencher/usage/Usage")<Usage, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}
