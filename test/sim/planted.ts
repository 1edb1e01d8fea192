import { SqlClient } from "@effect/sql"
import { Clock, Effect, Layer, Option } from "effect"
import { jobStatusToInt } from "../../src/domain/job.js"
import type { JobRow } from "../../src/jobs/job-row.js"
import { JobQueue } from "../../src/jobs/queue.js"
import type { AuthenticatedRunner } from "../../src/runners/runners.js"

/**
 * The planted bug: a JobQueue that, when a runner's long poll finds nothing, hands it a job another runner has
 * already claimed (a "second claim"). Used only by the simulator's tests, to prove the sweep catches it.
 */
export const DoubleClaimQueue = Layer.effect(
  JobQueue,
  Effect.gen(function* () {
    const real = yield* JobQueue
    const sql = yield* SqlClient.SqlClient
    const steal = (runner: AuthenticatedRunner) =>
      Effect.gen(function* () {
        const specs = [...runner.specIds]
        if (specs.length === 0) return Option.none<JobRow>()
        const now = yield* Clock.currentTimeMillis
        const rows =
          yield* sql<JobRow>`UPDATE job SET runner_id = ${runner.id}, claimed = ${now}, last_heartbeat = ${now}
          WHERE id = (SELECT id FROM job WHERE status IN ${sql.in([jobStatusToInt("claimed"), jobStatusToInt("running")])}
            AND spec_id IN ${sql.in(specs)} AND runner_id != ${runner.id} ORDER BY id LIMIT 1)
          RETURNING *`.pipe(Effect.orDie)
        return Option.fromNullable(rows[0])
      })
    return {
      ...real,
      claim: (runner: AuthenticatedRunner, timeout) =>
        Effect.flatMap(real.claim(runner, timeout), (got) => (Option.isSome(got) ? Effect.succeed(got) : steal(runner)))
    }
  })
).pipe(Layer.provide(JobQueue.Live))
