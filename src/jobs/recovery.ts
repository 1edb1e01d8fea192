import { SqlClient } from "@effect/sql"
import { Clock, Duration, Effect, Layer, Option } from "effect"
import { jobStatusToInt } from "../domain/job.js"
import { JobLifecycle } from "./lifecycle.js"
import { type JobRow } from "./job-row.js"
import { JobCompletion, JobOutputStore } from "./output.js"
import { JobQueue } from "./queue.js"
import { JobSettings } from "./settings.js"
import { JobSupervisor } from "./supervisor.js"

/**
 * Start-up recovery (docs/reference.md §5.5): claimed jobs silent for longer than the heartbeat timeout fail
 * (their runner never started them); other claimed or running jobs get fresh supervisors with the time they have
 * left; completed jobs go to processing again, or fail when their output was lost.
 */
export const recoverJobs = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const lifecycle = yield* JobLifecycle
  const queue = yield* JobQueue
  const supervisor = yield* JobSupervisor
  const outputs = yield* JobOutputStore
  const completion = yield* JobCompletion
  const settings = yield* JobSettings
  const now = yield* Clock.currentTimeMillis
  const staleBefore = now - Duration.toMillis(settings.heartbeatTimeout)

  const inFlight =
    yield* sql<JobRow>`SELECT * FROM job WHERE status IN ${sql.in([jobStatusToInt("claimed"), jobStatusToInt("running")])}`
  for (const row of inFlight) {
    const seen = row.last_heartbeat ?? row.claimed ?? row.modified
    if (row.status === jobStatusToInt("claimed") && seen < staleBefore) {
      yield* lifecycle.fail(row.id, "heartbeat_timeout", { from: ["claimed"] })
      yield* queue.release(row.id)
    } else {
      yield* supervisor.supervise(row)
    }
  }

  const completed = yield* sql<JobRow>`SELECT * FROM job WHERE status = ${jobStatusToInt("completed")}`
  for (const row of completed) {
    const output = yield* outputs.get(row.id)
    if (Option.isNone(output)) {
      yield* lifecycle.fail(row.id, "job output lost before processing", { from: ["completed"] })
    } else {
      yield* completion.onCompleted(row, output.value).pipe(
        Effect.catchAllCause((cause) => Effect.logError("job processing failed", cause)),
        Effect.forkDaemon
      )
    }
  }
})

export const RecoveryLive = Layer.effectDiscard(recoverJobs)
