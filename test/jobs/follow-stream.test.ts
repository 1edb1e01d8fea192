import { describe, expect, it } from "@effect/vitest"
import { Chunk, type Context, Deferred, Duration, Effect, Fiber, Stream } from "effect"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { JobEventsClient, jobEventsClientWebSocket } from "../../src/api/job-events-client.js"
import type { JobEvent } from "../../src/api/job-events-rpc.js"
import { RunnerClient } from "../../src/api/runner-client.js"
import { pushLayout } from "../../src/image/client.js"
import { OUTPUT_TAIL_CHARS } from "../../src/jobs/events.js"
import { runRunner } from "../../src/runner/daemon.js"
import { localExecutor } from "../../src/runner/executors/local.js"
import { buildTestImage, tempFolder } from "../registry/images.js"
import { bmf, claim, followWorld, json } from "../cli/follow-world.js"

/** The first `n` events of a Follow stream opened now. */
const firstEvents = (url: string, key: string | undefined, job: string, n: number) =>
  Effect.gen(function* () {
    const client = yield* JobEventsClient
    return Chunk.toReadonlyArray(yield* Stream.runCollect(client.Follow({ project: "proj", job }).pipe(Stream.take(n))))
  }).pipe(Effect.scoped, Effect.provide(jobEventsClientWebSocket(url, key)), Effect.timeout("10 seconds"))

/** A follower collecting every event until the stream ends; `subscribed` completes with its first event. */
const collector = (url: string, key: string | undefined, job: string) =>
  Effect.gen(function* () {
    const subscribed = yield* Deferred.make<void>()
    const fiber = yield* Effect.fork(
      Effect.gen(function* () {
        const client = yield* JobEventsClient
        const seen: Array<JobEvent> = []
        yield* Stream.runForEach(client.Follow({ project: "proj", job }), (e) =>
          Effect.zipRight(
            Effect.sync(() => seen.push(e)),
            Deferred.succeed(subscribed, undefined)
          )
        )
        return seen
      }).pipe(Effect.scoped, Effect.provide(jobEventsClientWebSocket(url, key)), Effect.timeout("10 seconds"))
    )
    yield* Deferred.await(subscribed)
    return fiber
  })

const submit = (w: Effect.Effect.Success<typeof followWorld>, job: Record<string, unknown> = {}) =>
  Effect.map(
    json(w.url, w.adminKey, "/v0/run", {
      project: "proj",
      start_time: w.at(),
      end_time: w.at(),
      results: [],
      settings: { adapter: "json" },
      job: { image: "proj:v1", ...job }
    }),
    (r) => r.body.job as string
  )

/**
 * A job submitted, claimed and running on the world's runner channel; `drive` carries on as its runner. Returns
 * the job's uuid.
 */
const withRunningJob = <A, E>(
  w: Effect.Effect.Success<typeof followWorld>,
  drive: (job: string, rpc: Context.Tag.Service<typeof RunnerClient>) => Effect.Effect<A, E>
) =>
  Effect.gen(function* () {
    const job = yield* submit(w)
    yield* Effect.gen(function* () {
      const rpc = yield* RunnerClient
      yield* claim
      yield* rpc.Running({ job })
      yield* drive(job, rpc)
    }).pipe(Effect.provide(w.channel))
    return job
  })

describe("the job events stream (Follow)", () => {
  it.scopedLive("gives a late follower the current status and the output tail, then live events until the end", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      yield* withRunningJob(w, (job, rpc) =>
        Effect.gen(function* () {
          yield* rpc.Output({
            job,
            chunks: [
              { iteration: 0, stream: "stdout", chunk: "one\n" },
              { iteration: 0, stream: "stderr", chunk: "warn\n" }
            ]
          })
          yield* rpc.Output({ job, chunks: [{ iteration: 0, stream: "stdout", chunk: "two\n" }] })
          // Subscribing now, after all of it happened.
          const late = yield* firstEvents(w.url, w.adminKey, job, 4)
          expect(late[0]).toMatchObject({ _tag: "Status", status: "running", runner: "box" })
          expect(
            late.slice(1).map((e: JobEvent) => (e._tag === "Output" ? [e.stream, e.offset, e.chunk] : e._tag))
          ).toEqual([
            ["stdout", 0, "one\n"],
            ["stderr", 0, "warn\n"],
            ["stdout", 4, "two\n"]
          ])
          // A follower from now on also sees the rest, then the stream ends at the terminal status.
          const all = yield* collector(w.url, w.adminKey, job)
          yield* rpc.Completed({ job, results: [{ exit_code: 0, stdout: bmf(5) }] })
          const events = yield* Fiber.join(all)
          expect(events.filter((e) => e._tag === "Status").map((e) => (e as { status: string }).status)).toEqual([
            "running",
            "completed",
            "processed"
          ])
        })
      )
    })
  )

  it.scopedLive("keeps only a bounded tail of a chatty job's output", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      yield* withRunningJob(w, (job, rpc) =>
        Effect.gen(function* () {
          const line = "x".repeat(1023) + "\n"
          for (let i = 0; i < 100; i++)
            yield* rpc.Output({ job, chunks: [{ iteration: 0, stream: "stdout", chunk: line }] })
          yield* rpc.Output({ job, chunks: [{ iteration: 0, stream: "stdout", chunk: "the end\n" }] })
          const events = yield* firstEvents(w.url, w.adminKey, job, 1 + 64)
          const outputs = events.filter((e) => e._tag === "Output")
          const chars = outputs.reduce((n, e) => n + (e._tag === "Output" ? e.chunk.length : 0), 0)
          expect(chars).toBeLessThanOrEqual(OUTPUT_TAIL_CHARS)
          expect(chars).toBeGreaterThan(OUTPUT_TAIL_CHARS - 2048)
          const last = outputs[outputs.length - 1]
          expect(last?._tag === "Output" ? [last.chunk, last.offset] : undefined).toEqual(["the end\n", 100 * 1024])
        })
      )
    })
  )

  it.scopedLive(
    "shows a public project's job status, but not its raw output, to an anonymous follower; refuses bad keys and unknown jobs",
    () =>
      Effect.gen(function* () {
        const w = yield* followWorld
        const job = yield* withRunningJob(w, (job, rpc) =>
          Effect.gen(function* () {
            yield* rpc.Output({ job, chunks: [{ iteration: 0, stream: "stdout", chunk: "raw output\n" }] })
            // The member gets the tail right after the status; the anonymous follower only the status.
            expect((yield* firstEvents(w.url, w.adminKey, job, 2)).map((e) => e._tag)).toEqual(["Status", "Output"])
            const anonymous = yield* collector(w.url, undefined, job)
            yield* rpc.Output({ job, chunks: [{ iteration: 0, stream: "stdout", chunk: "more raw output\n" }] })
            yield* rpc.Completed({ job, results: [{ exit_code: 0, stdout: bmf(5) }] })
            const seen = yield* Fiber.join(anonymous)
            expect(seen.every((e) => e._tag === "Status")).toBe(true)
            expect(seen[seen.length - 1]).toMatchObject({ status: "processed" })
          })
        )
        const unknown = yield* firstEvents(w.url, w.adminKey, "00000000-0000-4000-8000-000000000000", 1).pipe(
          Effect.flip
        )
        expect(unknown._tag).toBe("NotFound")
        const badKey = yield* firstEvents(w.url, "bencher_user_not-a-key", job, 1).pipe(Effect.flip)
        expect(badKey._tag).toBe("Unauthorized")
      })
  )

  it.scopedLive("the runner daemon forwards a running job's output before the job completes", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      const gate = join(tempFolder("bencher-gate-"), "go")
      const layout = tempFolder()
      yield* Effect.promise(() =>
        buildTestImage({
          output: layout,
          tag: "v2",
          files: {
            "bench.sh": `#!/bin/sh\necho "tick from the runner" >&2\nwhile [ ! -e "$GO_FILE" ]; do sleep 0.05; done\necho '${bmf(9)}'\n`
          }
        })
      )
      yield* Effect.promise(() => pushLayout({ host: w.url, repository: "proj", key: w.adminKey, layout, tag: "v2" }))
      const stop = yield* Deferred.make<void>()
      yield* runRunner({
        host: w.url,
        key: w.runner.key,
        executor: yield* localExecutor(true),
        cacheDir: tempFolder("bencher-cache-"),
        spoolDir: tempFolder("bencher-spool-"),
        pollTimeout: 2,
        stop,
        stopGrace: Duration.millis(100)
      }).pipe(Effect.forkScoped)
      const job = yield* submit(w, { image: "proj:v2", env: { GO_FILE: gate } })
      const events = yield* Effect.gen(function* () {
        const client = yield* JobEventsClient
        const seen: Array<JobEvent> = []
        yield* Stream.runForEach(client.Follow({ project: "proj", job }), (e) =>
          Effect.sync(() => {
            seen.push(e)
            // The output arrived while the job still runs: only now may it finish.
            if (e._tag === "Output" && e.chunk.includes("tick from the runner")) writeFileSync(gate, "")
          })
        )
        return seen
      }).pipe(Effect.scoped, Effect.provide(jobEventsClientWebSocket(w.url, w.adminKey)), Effect.timeout("20 seconds"))
      const tick = events.findIndex((e) => e._tag === "Output" && e.chunk.includes("tick from the runner"))
      const completed = events.findIndex((e) => e._tag === "Status" && e.status === "completed")
      expect(tick).toBeGreaterThan(0)
      expect(completed).toBeGreaterThan(tick)
      expect(events[events.length - 1]).toMatchObject({ _tag: "Status", status: "processed" })
      yield* Deferred.succeed(stop, undefined)
    })
  )
})
