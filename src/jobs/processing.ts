import { Clock, Effect, Layer, Option } from "effect"
import type { JsonIterationOutput, JsonJobOutput } from "../domain/job.js"
import { ReportPipeline } from "../reports/pipeline.js"
import { jobConfigOf } from "./jobs.js"
import { JobEvents } from "./events.js"
import { JobLifecycle } from "./lifecycle.js"
import { type JobRow } from "./job-row.js"
import { JobCompletion } from "./output.js"

/**
 * The results strings of a job's output: per iteration that exited 0, the contents of its collected files when
 * it has any (each file one results string; the runner's `build_time`/`file_size` BMF is one of them), else its
 * stdout. stderr is kept with the output but never parsed.
 */
export const resultsOf = (results: ReadonlyArray<JsonIterationOutput>): ReadonlyArray<string> =>
  results
    .filter((r) => r.exit_code === 0)
    .flatMap((r) => {
      const files = r.output === undefined || r.output === null ? [] : Object.values(r.output)
      if (files.length > 0) return files
      return r.stdout === undefined || r.stdout === null ? [] : [r.stdout]
    })

/**
 * The last step of a remote run (docs/reference.md §5.7): a completed job's output becomes the report's metrics,
 * boundaries and alerts through the same ReportPipeline as a local run, with the report's adapter and the job's
 * average and fold. The report's times become the job's start (or backdate) and completion. completed ->
 * processed is written in the same transaction as the metrics, as a compare-and-set, so a job is processed at
 * most once; an adapter failure leaves no metrics and moves completed -> failed with the adapter's message. The
 * raw output stays stored.
 */
export const JobProcessingLive = Layer.effect(
  JobCompletion,
  Effect.gen(function* () {
    const pipeline = yield* ReportPipeline
    const lifecycle = yield* JobLifecycle
    const events = yield* JobEvents
    const onCompleted = (job: JobRow, output: JsonJobOutput): Effect.Effect<void> =>
      Effect.gen(function* () {
        const config = jobConfigOf(job)
        const settings = Option.getOrUndefined(config)
        const now = yield* Clock.currentTimeMillis
        const backdate =
          settings?.backdate === undefined || settings.backdate === null ? undefined : Date.parse(settings.backdate)
        const startTime = backdate ?? job.started ?? job.claimed ?? job.created
        const endTime =
          backdate === undefined
            ? (job.completed ?? now)
            : backdate + Math.max(0, (job.completed ?? now) - (job.started ?? now))
        const failures = output.results.filter((r) => r.exit_code !== 0).length
        let processed: JobRow | undefined
        yield* pipeline
          .ingestInto(
            job.report_id,
            {
              results: resultsOf(output.results),
              average: settings?.average,
              fold: settings?.fold,
              startTime,
              endTime,
              // Iterations that failed without --allow-failure leave the report partial.
              partial: failures > 0 && settings?.allow_failure !== true
            },
            // Followers hear `processed` after the commit, when the report they fetch has its results.
            Effect.flatMap(
              lifecycle.transition(job.id, "processed", {}, { from: ["completed"], publish: false }),
              (row) => {
                processed = row
                // Lost the compare-and-set: another processor finished first; roll this one back.
                return row === undefined ? Effect.fail("already processed" as const) : Effect.void
              }
            )
          )
          .pipe(
            Effect.catchIf(
              (e) => e === "already processed",
              () => Effect.void
            )
          )
        if (processed !== undefined) yield* events.status(processed)
      }).pipe(
        Effect.catchTag("BadRequest", (error) =>
          lifecycle
            .transition(job.id, "failed", { error: error.message.slice(0, 4096) }, { from: ["completed"] })
            .pipe(Effect.asVoid)
        ),
        Effect.catchAllCause((cause) =>
          Effect.logError("processing a completed job failed", cause).pipe(
            Effect.zipRight(
              lifecycle.transition(job.id, "failed", { error: "processing_error" }, { from: ["completed"] })
            ),
            Effect.asVoid,
            Effect.catchAllCause(() => Effect.void)
          )
        )
      )
    /**
     * A failed job (a non-zero exit without --allow-failure): its iterations that exited 0 are still processed into
     * the report, flagged partial; the job stays failed with the runner's error. Duplicate Failed messages never
     * reach here (the failed transition is a compare-and-set), so this runs once per job.
     */
    const onFailed = (job: JobRow, output: JsonJobOutput): Effect.Effect<void> =>
      Effect.gen(function* () {
        const results = resultsOf(output.results)
        if (results.length === 0) return
        const settings = Option.getOrUndefined(jobConfigOf(job))
        const now = yield* Clock.currentTimeMillis
        yield* pipeline.ingestInto(
          job.report_id,
          {
            results,
            average: settings?.average,
            fold: settings?.fold,
            startTime: job.started ?? job.claimed ?? job.created,
            endTime: job.completed ?? now,
            partial: true
          },
          Effect.void
        )
      }).pipe(
        Effect.catchAllCause((cause) =>
          Effect.logWarning("a failed job's successful iterations could not be processed", cause)
        )
      )
    return { onCompleted, onFailed }
  })
)
