import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option, TestClock } from "effect"
import { JobLifecycle } from "../../src/jobs/lifecycle.js"
import { Jobs } from "../../src/jobs/jobs.js"
import { JobQueue } from "../../src/jobs/queue.js"
import { RunnerChannel } from "../../src/jobs/channel.js"
import { Duration } from "effect"
import { makeStatementCounter } from "../../src/store/statement-count.js"
import { buildWorld, runnerFor, spec, submit, tierOf, worldFile } from "./world.js"

const settle = Effect.repeatN(Effect.yieldNow(), 50)

describe("JobQueue", () => {
  it.scoped("wakes exactly one waiting runner per job", () =>
    Effect.gen(function* () {
      const ctx = yield* buildWorld(yield* worldFile)
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        const queue = yield* JobQueue
        const runners = yield* Effect.forEach(["a", "b", "c"], (n) => runnerFor(n, ["small"]))
        const claims = yield* Effect.forEach(runners, ({ runner }) =>
          Effect.fork(queue.claim(runner, Duration.seconds(30)))
        )
        yield* settle
        const job = yield* submit("proj")
        yield* settle
        const done = yield* Effect.forEach(claims, Fiber.poll)
        const claimed = done.filter(Option.isSome)
        expect(claimed).toHaveLength(1)
        expect((yield* queue.stats).waiting).toBe(2)
        const row = yield* (yield* JobLifecycle).byId(job.id)
        expect(row?.status).toBe(1)
        yield* TestClock.adjust("30 seconds")
        const results = yield* Effect.forEach(claims, Fiber.join)
        expect(results.filter(Option.isSome).map((r) => r.value.id)).toEqual([job.id])
      }).pipe(Effect.provide(ctx))
    })
  )

  it.scoped("runs no SQL while runners wait and no job arrives", () =>
    Effect.gen(function* () {
      const counter = yield* makeStatementCounter
      // Built under the counting tracer so the writer and supervisor fibers it forks are counted too.
      const ctx = yield* buildWorld(yield* worldFile).pipe(Effect.withTracer(counter.tracer))
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        const queue = yield* JobQueue
        const runners = yield* Effect.forEach(["a", "b", "c", "d"], (n) => runnerFor(n, ["small"]))
        const claims = yield* Effect.forEach(runners, ({ runner }) =>
          Effect.fork(queue.claim(runner, Duration.seconds(900)))
        )
        yield* settle
        const before = counter.count()
        for (let i = 0; i < 60; i++) yield* TestClock.adjust("10 seconds")
        yield* settle
        expect(counter.count()).toBe(before)
        expect((yield* queue.stats).waiting).toBe(4)
        yield* Effect.forEach(claims, Fiber.interrupt)
        expect((yield* queue.stats).waiting).toBe(0)
      }).pipe(Effect.provide(ctx), Effect.withTracer(counter.tracer))
    })
  )

  it.scoped("hands out jobs by priority, then by age", () =>
    Effect.gen(function* () {
      const ctx = yield* buildWorld(yield* worldFile)
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        const { runner } = yield* runnerFor("a", ["small"])
        const old = yield* submit("old-free")
        const younger = yield* submit("young-free")
        const first = yield* submit("team-project")
        tierOf.set(first.organization_id, "team")
        // The tier is read at submission: resubmit now that the organization is team.
        const team = yield* submit("team-project", { timeout: 600 })
        const queue = yield* JobQueue
        const order: Array<number> = []
        for (let i = 0; i < 3; i++) {
          const got = yield* queue.claim(runner, Duration.seconds(1))
          if (Option.isSome(got)) order.push(got.value.id)
        }
        // `first` (free, same organization as the running team job) waits for its organization's slot.
        expect(order).toEqual([team.id, old.id, younger.id])
      }).pipe(Effect.provide(ctx))
    })
  )

  it.scoped("gives a runner only jobs whose spec it serves", () =>
    Effect.gen(function* () {
      const ctx = yield* buildWorld(yield* worldFile)
      yield* Effect.gen(function* () {
        yield* spec("Small")
        yield* spec("Big")
        const small = yield* runnerFor("small-box", ["small"])
        const big = yield* runnerFor("big-box", ["big"])
        const queue = yield* JobQueue
        const smallClaim = yield* Effect.fork(queue.claim(small.runner, Duration.seconds(5)))
        yield* settle
        const job = yield* submit("proj", { spec: "big" })
        yield* settle
        expect(yield* Fiber.poll(smallClaim)).toEqual(Option.none())
        const bigClaim = yield* queue.claim(big.runner, Duration.seconds(5))
        expect(Option.map(bigClaim, (r) => r.id)).toEqual(Option.some(job.id))
        yield* TestClock.adjust("5 seconds")
        expect(yield* Fiber.join(smallClaim)).toEqual(Option.none())
      }).pipe(Effect.provide(ctx))
    })
  )

  it.scoped("runs one free job per organization and one unclaimed job per source IP at a time", () =>
    Effect.gen(function* () {
      const ctx = yield* buildWorld(yield* worldFile)
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        const channel = yield* RunnerChannel
        const a = yield* runnerFor("a", ["small"])
        const b = yield* runnerFor("b", ["small"])
        const first = yield* submit("same-org")
        const second = yield* submit("same-org")
        const got = yield* channel.claim(a.runner, 1)
        expect(Option.map(got, (j) => j.uuid)).toEqual(Option.some(first.uuid))
        const waiting = yield* Effect.fork(channel.claim(b.runner, 60))
        yield* settle
        expect(yield* Fiber.poll(waiting)).toEqual(Option.none())
        yield* channel.running(a.runner, first.uuid)
        yield* channel.completed(a.runner, first.uuid, [{ exit_code: 0, stdout: "ok" }])
        const next = yield* Fiber.join(waiting)
        expect(Option.map(next, (j) => j.uuid)).toEqual(Option.some(second.uuid))
      }).pipe(Effect.provide(ctx))
    })
  )

  it.scoped("never hands out a job canceled while pending", () =>
    Effect.gen(function* () {
      const ctx = yield* buildWorld(yield* worldFile)
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        const { runner } = yield* runnerFor("a", ["small"])
        const job = yield* submit("proj")
        const jobs = yield* Jobs
        const canceled = yield* jobs.cancel(job)
        expect(canceled.status).toBe(6)
        const again = yield* Effect.flip(jobs.cancel(job))
        expect(again._tag).toBe("Conflict")
        const claim = yield* Effect.fork((yield* JobQueue).claim(runner, Duration.seconds(2)))
        yield* TestClock.adjust("2 seconds")
        expect(yield* Fiber.join(claim)).toEqual(Option.none())
      }).pipe(Effect.provide(ctx))
    })
  )
})
