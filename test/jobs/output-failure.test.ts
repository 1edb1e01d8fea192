import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import type { JsonJobOutput } from "../../src/domain/job.js"
import { RunnerChannel } from "../../src/jobs/channel.js"
import { type JobRow, statusOf } from "../../src/jobs/job-row.js"
import { JobLifecycle } from "../../src/jobs/lifecycle.js"
import { JobCompletion, JobOutputStore } from "../../src/jobs/output.js"
import { JobSupervisor } from "../../src/jobs/supervisor.js"
import { JobsWorld, runnerFor, spec, submit, worldFile } from "./world.js"

/** A job output store on a full disk: every put dies, as the blob store's ENOSPC does. */
const FullDisk = Layer.succeed(JobOutputStore, {
  put: () => Effect.dieMessage("ENOSPC: no space left on device"),
  get: () => Effect.succeed(Option.none())
})

describe("a job output that cannot be stored", () => {
  // Found by the simulator (sim/, fault disk_full): the job stayed `completed` for ever, unprocessed and supervised.
  it.scoped("still hands the output to processing and ends the supervision, for Completed and Failed alike", () =>
    Effect.gen(function* () {
      const processed: Array<readonly [string, JobRow, JsonJobOutput]> = []
      const completion = Layer.succeed(JobCompletion, {
        onCompleted: (job, output) => Effect.sync(() => void processed.push(["completed", job, output])),
        onFailed: (job, output) => Effect.sync(() => void processed.push(["failed", job, output]))
      })
      const ctx = yield* Layer.build(JobsWorld(yield* worldFile, {}, FullDisk).pipe(Layer.provide(completion)))
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        const { runner } = yield* runnerFor("box", ["small"])
        const channel = yield* RunnerChannel
        const supervisor = yield* JobSupervisor
        const lifecycle = yield* JobLifecycle
        for (const outcome of ["completed", "failed"] as const) {
          const job = yield* submit("proj")
          const claimed = yield* channel.claim(runner, 1)
          expect(Option.map(claimed, (c) => c.uuid)).toEqual(Option.some(job.uuid))
          yield* channel.running(runner, job.uuid)
          const results = [{ exit_code: 0, stdout: "{}" }]
          const ack =
            outcome === "completed"
              ? yield* channel.completed(runner, job.uuid, results)
              : yield* channel.failed(runner, job.uuid, results, "exit 1")
          expect(ack.status).toBe(outcome)
          expect(supervisor.held(runner.id, job.uuid)).toBeUndefined()
          expect(statusOf((yield* lifecycle.byId(job.id)) ?? job)).toBe(outcome)
          yield* Effect.yieldNow()
          const last = processed.at(-1)
          expect(last?.[0]).toBe(outcome)
          expect(last?.[1].id).toBe(job.id)
          expect(last?.[2].results[0]?.stdout).toBe("{}")
        }
      }).pipe(Effect.provide(ctx))
    })
  )
})
