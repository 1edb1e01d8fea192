import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer, Option, Schema } from "effect"
import { JsonJobOutput } from "../domain/job.js"
import { retryBusy } from "../store/database.js"
import { type JobRow } from "./job-row.js"

const encodeOutput = Schema.encodeSync(Schema.parseJson(JsonJobOutput))
const decodeOutput = Schema.decodeUnknownOption(Schema.parseJson(JsonJobOutput))

/**
 * Where a finished job's raw output lives until (and after) it is processed into metrics. The default is the
 * `job_output` table; the registry issue may move it to OCI storage (`{project}/output/v0/jobs/{job}`).
 */
export class JobOutputStore extends Context.Tag("bencher/jobs/JobOutputStore")<
  JobOutputStore,
  {
    readonly put: (jobId: number, output: JsonJobOutput) => Effect.Effect<void>
    readonly get: (jobId: number) => Effect.Effect<Option.Option<JsonJobOutput>>
  }
>() {
  static readonly Table = Layer.effect(
    this,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      return {
        put: (jobId: number, output: JsonJobOutput) =>
          Effect.flatMap(
            Clock.currentTimeMillis,
            (now) =>
              sql`INSERT INTO job_output ${sql.insert({ job_id: jobId, output: encodeOutput(output), created: now })}
              ON CONFLICT (job_id) DO UPDATE SET output = excluded.output, created = excluded.created`
          ).pipe(retryBusy, Effect.orDie, Effect.asVoid),
        get: (jobId: number) =>
          sql<{ output: string }>`SELECT output FROM job_output WHERE job_id = ${jobId}`.pipe(
            Effect.map(([row]) => (row === undefined ? Option.none() : decodeOutput(row.output))),
            Effect.orDie
          )
      }
    })
  )
}

/**
 * The hook the results-processing issue fills: called (in its own fiber, never on the runner's request) once a
 * job is `completed` with its output stored, and again at start for completed jobs not yet processed. It owns
 * the completed -> processed | failed transition. The default leaves the job completed.
 */
export class JobCompletion extends Context.Reference<JobCompletion>()("bencher/jobs/JobCompletion", {
  defaultValue: () => ({
    onCompleted: (_job: JobRow, _output: JsonJobOutput): Effect.Effect<void> => Effect.void,
    /** A job the runner reported failed: its iterations that exited 0 still become (partial) results. */
    onFailed: (_job: JobRow, _output: JsonJobOutput): Effect.Effect<void> => Effect.void
  })
}) {}

/** The seam to the registry issue's `RegistryTokens.mintRunnerPullToken(projectUuid, runnerUuid)`. */
export class RunnerPullTokens extends Context.Reference<RunnerPullTokens>()("bencher/jobs/RunnerPullTokens", {
  defaultValue: () => ({
    mint: (projectUuid: string, runnerUuid: string): Effect.Effect<string> =>
      Effect.succeed(`unsigned.${projectUuid}.${runnerUuid}`)
  })
}) {}
