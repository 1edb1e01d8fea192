import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Scope, TestClock } from "effect"
import { RunnerChannel } from "../../src/jobs/channel.js"
import { HeartbeatWriter } from "../../src/jobs/heartbeats.js"
import { type JobRow } from "../../src/jobs/job-row.js"
import { JobLifecycle } from "../../src/jobs/lifecycle.js"
import { JobOutputStore } from "../../src/jobs/output.js"
import { Duration } from "effect"
import { JobsWorld, runnerFor, spec, submit, worldFile } from "./world.js"

const settle = Effect.repeatN(Effect.yieldNow(), 50)
const statusName = ["pending", "claimed", "running", "completed", "processed", "failed", "canceled"]
const statusOf = (row: JobRow | undefined) => (row === undefined ? "missing" : statusName[row.status])
const reload = (job: JobRow) => Effect.flatMap(JobLifecycle, (l) => l.byId(job.id))

const settings = { heartbeatTimeout: Duration.seconds(30), timeoutGrace: Duration.seconds(60) }

/** One claimed job and its runner, in a world built in the current scope. */
const claimedJob = (options: { readonly timeout?: number } = {}) =>
  Effect.gen(function* () {
    yield* spec("Small", true)
    const { runner } = yield* runnerFor("box", ["small"])
    const job = yield* submit("proj", options)
    const channel = yield* RunnerChannel
    const claimed = yield* channel.claim(runner, 1)
    expect(Option.isSome(claimed)).toBe(true)
    return { runner, job, channel }
  })

describe("JobSupervisor", () => {
  it.scoped("fails a silent runner's job at exactly the heartbeat timeout", () =>
    Effect.gen(function* () {
      const ctx = yield* Layer.build(JobsWorld(yield* worldFile, settings))
      yield* Effect.gen(function* () {
        const { job } = yield* claimedJob()
        yield* TestClock.adjust(Duration.millis(29_999))
        yield* settle
        expect(statusOf(yield* reload(job))).toBe("claimed")
        yield* TestClock.adjust(Duration.millis(1))
        yield* settle
        const row = yield* reload(job)
        expect(statusOf(row)).toBe("failed")
        expect(row?.error).toBe("heartbeat_timeout")
        expect(row?.completed).toBe(30_000)
      }).pipe(Effect.provide(ctx))
    })
  )

  it.scoped("keeps a heartbeating job alive and cancels it at timeout + grace", () =>
    Effect.gen(function* () {
      const ctx = yield* Layer.build(JobsWorld(yield* worldFile, settings))
      yield* Effect.gen(function* () {
        const { runner, job, channel } = yield* claimedJob({ timeout: 60 })
        yield* TestClock.adjust("1 second")
        expect(yield* channel.running(runner, job.uuid)).toEqual({ canceled: false })
        const started = (yield* reload(job))?.started ?? -1
        expect(started).toBe(1000)
        // Heartbeats every 10 s until one second before timeout (60 s) + grace (60 s).
        for (let t = 10; t < 120; t += 10) {
          yield* TestClock.adjust("10 seconds")
          expect(yield* channel.heartbeat(runner, job.uuid)).toEqual({ canceled: false })
        }
        yield* TestClock.adjust(Duration.millis(9_999))
        yield* settle
        expect(statusOf(yield* reload(job))).toBe("running")
        yield* TestClock.adjust(Duration.millis(1))
        yield* settle
        const row = yield* reload(job)
        expect(statusOf(row)).toBe("canceled")
        expect(row?.error).toBe("job_timeout_exceeded")
        expect(row?.completed).toBe(started + 120_000)
        expect(yield* channel.heartbeat(runner, job.uuid)).toEqual({ canceled: true })
        const ack = yield* channel.canceled(runner, job.uuid)
        expect(ack.status).toBe("canceled")
      }).pipe(Effect.provide(ctx))
    })
  )

  it.scoped("completes a job whose late Completed arrives after a heartbeat failure, once", () =>
    Effect.gen(function* () {
      const ctx = yield* Layer.build(JobsWorld(yield* worldFile, settings))
      yield* Effect.gen(function* () {
        const { runner, job, channel } = yield* claimedJob()
        yield* channel.running(runner, job.uuid)
        yield* TestClock.adjust("31 seconds")
        yield* settle
        expect(statusOf(yield* reload(job))).toBe("failed")
        const ack = yield* channel.completed(runner, job.uuid, [{ exit_code: 0, stdout: "bench 1 ns" }])
        expect(ack.status).toBe("completed")
        const row = yield* reload(job)
        expect(statusOf(row)).toBe("completed")
        expect(row?.error).toBeNull()
        const again = yield* channel.completed(runner, job.uuid, [{ exit_code: 1, stdout: "other" }])
        expect(again.status).toBe("completed")
        const output = yield* (yield* JobOutputStore).get(job.id)
        expect(Option.map(output, (o) => o.results[0]?.stdout)).toEqual(Option.some("bench 1 ns"))
        const late = yield* channel.failed(runner, job.uuid, [], "too late")
        expect(late.status).toBe("completed")
      }).pipe(Effect.provide(ctx))
    })
  )

  it.scoped("resumes supervision after a server restart mid-job", () =>
    Effect.gen(function* () {
      const file = yield* worldFile
      const first = yield* Scope.make()
      const ctx1 = yield* Layer.buildWithScope(JobsWorld(file, settings), first)
      const { runner, job } = yield* Effect.gen(function* () {
        const claimed = yield* claimedJob({ timeout: 60 })
        yield* claimed.channel.running(claimed.runner, claimed.job.uuid)
        yield* TestClock.adjust("10 seconds")
        yield* claimed.channel.heartbeat(claimed.runner, claimed.job.uuid)
        yield* (yield* HeartbeatWriter).flush
        return claimed
      }).pipe(Effect.provide(ctx1))
      yield* Scope.close(first, Exit.void)

      // Restart at t = 20 s: the last heartbeat (t = 10 s) leaves 20 s of the 30 s heartbeat timeout.
      yield* TestClock.adjust("10 seconds")
      const ctx2 = yield* Layer.build(JobsWorld(file, settings))
      yield* Effect.gen(function* () {
        expect(statusOf(yield* reload(job))).toBe("running")
        const channel = yield* RunnerChannel
        yield* TestClock.adjust(Duration.millis(19_999))
        yield* settle
        expect(statusOf(yield* reload(job))).toBe("running")
        expect(yield* channel.heartbeat(runner, job.uuid)).toEqual({ canceled: false })
        yield* TestClock.adjust("30 seconds")
        yield* settle
        const row = yield* reload(job)
        expect(statusOf(row)).toBe("failed")
        expect(row?.completed).toBe(20_000 + 19_999 + 30_000)
      }).pipe(Effect.provide(ctx2))
    })
  )

  it.scoped("fails a claimed job orphaned for longer than the heartbeat timeout at start", () =>
    Effect.gen(function* () {
      const file = yield* worldFile
      const first = yield* Scope.make()
      const ctx1 = yield* Layer.buildWithScope(JobsWorld(file, settings), first)
      const { job } = yield* claimedJob().pipe(Effect.provide(ctx1))
      yield* Scope.close(first, Exit.void)
      yield* TestClock.adjust("31 seconds")
      const ctx2 = yield* Layer.build(JobsWorld(file, settings))
      const row = yield* reload(job).pipe(Effect.provide(ctx2))
      expect(statusOf(row)).toBe("failed")
      expect(row?.error).toBe("heartbeat_timeout")
    })
  )
})
