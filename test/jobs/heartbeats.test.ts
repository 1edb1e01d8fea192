import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, TestClock } from "effect"
import { RunnerChannel } from "../../src/jobs/channel.js"
import { HeartbeatWriter, RunnerUsage } from "../../src/jobs/heartbeats.js"
import { JobLifecycle } from "../../src/jobs/lifecycle.js"
import { Runners } from "../../src/runners/runners.js"
import { makeStatementCounter } from "../../src/store/statement-count.js"
import { JobsWorld, runnerFor, spec, submit, worldFile } from "./world.js"

const settle = Effect.repeatN(Effect.yieldNow(), 50)

describe("HeartbeatWriter", () => {
  it.scoped("answers heartbeats from memory and flushes them, with billed minutes, in one batch per interval", () =>
    Effect.gen(function* () {
      const counter = yield* makeStatementCounter
      const billed: Array<[number, number]> = []
      const usage = Layer.succeed(RunnerUsage, {
        recordMinutes: (_org: number, jobId: number, minutes: number) =>
          Effect.sync(() => void billed.push([jobId, minutes]))
      })
      const ctx = yield* Layer.build(
        JobsWorld(yield* worldFile, { heartbeatFlushInterval: Duration.seconds(5) }).pipe(Layer.provide(usage))
      ).pipe(Effect.withTracer(counter.tracer))
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        const { runner } = yield* runnerFor("box", ["small"])
        const jobs = [yield* submit("one", { sourceIp: "10.0.0.1" }), yield* submit("two", { sourceIp: "10.0.0.2" })]
        const channel = yield* RunnerChannel
        for (const job of jobs) {
          expect(Option.isSome(yield* channel.claim(runner, 1))).toBe(true)
          yield* channel.running(runner, job.uuid)
        }
        yield* (yield* HeartbeatWriter).flush
        const before = counter.count()
        for (let i = 0; i < 4; i++) {
          yield* TestClock.adjust("1 second")
          for (const job of jobs) expect(yield* channel.heartbeat(runner, job.uuid)).toEqual({ canceled: false })
        }
        expect(counter.count()).toBe(before)
        expect(yield* (yield* HeartbeatWriter).pending).toBe(2)
        yield* TestClock.adjust("1 second")
        yield* settle
        expect(counter.count()).toBeGreaterThan(before)
        const lifecycle = yield* JobLifecycle
        for (const job of jobs) {
          const row = yield* lifecycle.byId(job.id)
          expect(row?.last_heartbeat).toBe(4000)
          expect(row?.last_billed_minute).toBe(1)
        }
        expect((yield* (yield* Runners).byId(runner.id)).last_heartbeat).toBe(4000)
        expect(billed.sort()).toEqual(jobs.map((j) => [j.id, 1]).sort())
      }).pipe(Effect.provide(ctx), Effect.withTracer(counter.tracer))
    })
  )
})
