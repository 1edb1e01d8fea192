import { describe, expect, it } from "@effect/vitest"
import { RpcClientError } from "@effect/rpc/RpcClientError"
import { Effect, Either, Fiber, Layer } from "effect"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { MAX_OUTPUT_BYTES } from "../../src/domain/limits.js"
import { boundedOutcome, writeSpool } from "../../src/runner/daemon.js"
import type { Executor } from "../../src/runner/executors/executor.js"
import { supervise } from "../../src/runner/executors/process.js"
import { makeExecutor } from "../../src/runner/executors/select.js"
import { runnerWorld } from "./world.js"

const MiB = 1024 * 1024

/** A job that floods stdout with `bytes` bytes, then writes its BMF to a file the runner collects. */
const flood = (bytes: number) => ({
  entrypoint: [
    "/bin/sh",
    "-c",
    `yes a | head -c ${bytes}; echo '{"flood":{"latency":{"value":5}}}' > "$BENCHER_OUTPUT_DIR/results.json"`
  ],
  file_paths: ["/output/results.json"]
})

/** crun (or runc) when it works here; the sandboxed variants are skipped otherwise. */
const oci = await Effect.runPromise(Effect.either(makeExecutor("oci"))).then((e) => {
  if (Either.isLeft(e)) console.warn(`skipping the oci runs: ${e.left.message}`)
  return Either.isRight(e) ? e.right : undefined
})

/** Waits until the runner's spool holds no outcome (it removes one once the server acknowledged it). */
const spoolDrained = (w: Effect.Effect.Success<typeof runnerWorld>) =>
  Effect.gen(function* () {
    while (readdirSync(w.spoolDir).some((f) => f.endsWith(".json"))) yield* Effect.sleep("25 millis")
  }).pipe(Effect.timeout("10 seconds"))

/** The same runner, after whatever came before, still completes a normal job. */
const normalJobCompletes = (w: Effect.Effect.Success<typeof runnerWorld>, image?: string) =>
  Effect.gen(function* () {
    const next = yield* w.submit(
      image === undefined ? {} : { image, entrypoint: ["/bin/sh", "-c", `echo '{"normal":{"latency":{"value":1}}}'`] }
    )
    const done = yield* w.until(next.job, w.finished, "20 seconds")
    expect(done.status).toBe("processed")
    expect(done.output.results[0].truncated ?? false).toBe(false)
  })

describe("a job whose output is larger than one channel message", () => {
  const cases: Array<{ readonly name: string; readonly executor?: Executor; readonly image?: string }> = [
    { name: "local" },
    ...(oci === undefined ? [] : [{ name: oci.describe, executor: oci, image: "proj:busybox" }])
  ]
  for (const { executor, image, name } of cases) {
    for (const size of [20 * MiB, 200 * MiB]) {
      it.scopedLive(
        `${name}: ${size / MiB} MiB of stdout is capped per stream, noted in the result, and the report stored`,
        () =>
          Effect.gen(function* () {
            const w = yield* runnerWorld
            if (image !== undefined) yield* w.pushBusybox
            const r = yield* w.startRunner(executor === undefined ? {} : { executor })
            const submitted = yield* w.submit({ ...flood(size), ...(image === undefined ? {} : { image }) })
            const done = yield* w.until(submitted.job, w.finished, "60 seconds")
            expect(done.status).toBe("processed")
            const iteration = done.output.results[0]
            expect(iteration.truncated).toBe(true)
            expect(iteration.dropped_bytes).toBe(size - MAX_OUTPUT_BYTES)
            // Its first and last halves.
            expect(iteration.stdout.length).toBe(MAX_OUTPUT_BYTES)
            expect(iteration.stdout.startsWith("a\na\n")).toBe(true)
            expect(iteration.stdout.endsWith("a\na\n")).toBe(true)
            expect(iteration.stderr).toContain(
              `stdout truncated at 8 MiB: kept its first and last 4 MiB of ${size} bytes written`
            )
            const report = yield* w.report(submitted.report)
            expect(report.results[0][0].benchmark.name).toBe("flood")
            expect(report.results[0][0].measures[0].metric.value).toBe(5)
            yield* normalJobCompletes(w, image)
            yield* spoolDrained(w)
            expect(existsSync(join(w.spoolDir, "rejected"))).toBe(false)
            yield* r.stop
            yield* Fiber.join(r.fiber).pipe(Effect.timeout("10 seconds"))
          }),
        120_000
      )
    }
  }
})

describe("an outcome over what one job may report", () => {
  it("becomes a failure naming the sizes, without the results", () => {
    const job = "00000000-0000-4000-8000-000000000000"
    const outcome = { job, kind: "Completed" as const, results: [{ exit_code: 0, stdout: "x".repeat(2000) }] }
    expect(boundedOutcome(outcome, 10_000)).toBe(outcome)
    const failed = boundedOutcome(outcome, 1000)
    expect(failed.kind).toBe("Failed")
    expect(failed.results).toEqual([])
    expect(failed.error).toMatch(
      /^the job's output over 1 iteration\(s\) is 20\d\d characters as JSON, over the 1000 characters one job may report/
    )
  })
})

describe("output capture", () => {
  it.live("keeps the first and the last half of the cap and counts every byte", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.promise(() =>
        supervise({
          argv: ["/bin/sh", "-c", "printf HEAD; head -c 100000 /dev/zero; printf TAIL"],
          env: {},
          timeoutMs: 10_000,
          maxOutputBytes: 1000
        })
      )
      const kept = exit.stdout.buffer
      expect(kept.length).toBe(1000)
      expect(kept.subarray(0, 4).toString()).toBe("HEAD")
      expect(kept.subarray(996).toString()).toBe("TAIL")
      expect(exit.stdout.total).toBe(100_008)
      expect(exit.stdout.truncated).toBe(true)
    })
  )
})

/** Claims the next job as the runner would, starts it, and returns its uuid (the outcome is then written by hand). */
const claimAndStart = (w: Effect.Effect.Success<typeof runnerWorld>) =>
  Effect.gen(function* () {
    const rpc = yield* RunnerClient
    const job = yield* rpc.Claim({ poll_timeout: 5 })
    expect(job).not.toBeNull()
    yield* rpc.Running({ job: job!.uuid })
    return job!.uuid
  }).pipe(Effect.provide(runnerClientWebSocket(w.url, w.runnerKey)), Effect.scoped)

describe("an outcome in parts (OutcomePart, OutcomeEnd)", () => {
  it.scopedLive(
    "takes parts in order only, says how much it holds, and applies the whole once it is all there",
    () =>
      Effect.gen(function* () {
        const w = yield* runnerWorld
        const submitted = yield* w.submit()
        yield* Effect.gen(function* () {
          const rpc = yield* RunnerClient
          const job = (yield* rpc.Claim({ poll_timeout: 5 }))!.uuid
          expect(job).toBe(submitted.job)
          yield* rpc.Running({ job })
          const text = JSON.stringify({
            kind: "Completed",
            results: [{ exit_code: 0, stdout: JSON.stringify({ parts: { latency: { value: 4 } } }) }]
          })
          expect(yield* rpc.OutcomePart({ job, offset: 0, data: text.slice(0, 10) })).toEqual({ received: 10 })
          // A part at another offset is not taken: the answer says where to go on from.
          expect(yield* rpc.OutcomePart({ job, offset: 20, data: text.slice(20) })).toEqual({ received: 10 })
          const early = yield* Effect.flip(rpc.OutcomeEnd({ job, size: text.length }))
          expect(early._tag).toBe("OutcomeIncomplete")
          expect(early._tag === "OutcomeIncomplete" && early.received).toBe(10)
          // The early end dropped nothing: the rest completes it.
          expect(yield* rpc.OutcomePart({ job, offset: 10, data: text.slice(10) })).toEqual({ received: text.length })
          expect(yield* rpc.OutcomeEnd({ job, size: text.length })).toEqual({ job, status: "completed" })
          // A part for a job another runner holds (or none does) is refused like any other message.
          const foreign = yield* Effect.flip(
            rpc.OutcomePart({ job: "00000000-0000-4000-8000-000000000000", offset: 0, data: "{}" })
          )
          expect(foreign._tag).toBe("JobNotHeld")
        }).pipe(Effect.provide(runnerClientWebSocket(w.url, w.runnerKey)), Effect.scoped)
        const done = yield* w.until(submitted.job, w.finished)
        expect(done.status).toBe("processed")
        expect((yield* w.report(submitted.report)).results[0][0].measures[0].metric.value).toBe(4)
      }),
    60_000
  )
})

describe("a spooled outcome that cannot be delivered", () => {
  it.scopedLive(
    "refused by the server: the job fails with the refusal, the outcome is moved aside, the runner goes on",
    () =>
      Effect.gen(function* () {
        const w = yield* runnerWorld
        const submitted = yield* w.submit()
        expect(yield* claimAndStart(w)).toBe(submitted.job)
        // Not an integer exit code: the server cannot decode it.
        yield* writeSpool(w.spoolDir, {
          job: submitted.job,
          kind: "Completed",
          results: [{ exit_code: 1.5, stdout: "{}" }]
        })
        const r = yield* w.startRunner()
        const done = yield* w.until(submitted.job, w.finished)
        expect(done.status).toBe("failed")
        expect(done.error).toMatch(/refused/)
        yield* spoolDrained(w)
        expect(existsSync(join(w.spoolDir, "rejected", `${submitted.job}.json`))).toBe(true)
        yield* normalJobCompletes(w)
        yield* r.stop
        yield* Fiber.join(r.fiber).pipe(Effect.timeout("10 seconds"))
      }),
    60_000
  )

  it.scopedLive(
    "lost on the way every time: failed after 5 attempts and moved aside, the runner goes on",
    () =>
      Effect.gen(function* () {
        const w = yield* runnerWorld
        const submitted = yield* w.submit()
        expect(yield* claimAndStart(w)).toBe(submitted.job)
        yield* writeSpool(w.spoolDir, {
          job: submitted.job,
          kind: "Completed",
          results: [{ exit_code: 0, stdout: JSON.stringify({ lost: { latency: { value: 1 } } }) }]
        })
        // The server stays reachable, but any message carrying this job's results closes the connection (as a frame
        // over the server's limit did).
        let sends = 0
        const closed = () => {
          sends++
          return Effect.fail(new RpcClientError({ reason: "Protocol", message: "socket closed (1009)" }))
        }
        const dropsResults = Layer.effect(
          RunnerClient,
          Effect.map(
            RunnerClient,
            (real) =>
              ({
                ...real,
                Completed: (p: { readonly job: string }) =>
                  p.job === submitted.job ? closed() : real.Completed(p as never),
                OutcomePart: (p: { readonly job: string }) =>
                  p.job === submitted.job ? closed() : (real as any).OutcomePart(p)
              }) as unknown as typeof real
          )
        ).pipe(Layer.provide(runnerClientWebSocket(w.url, w.runnerKey)))
        const r = yield* w.startRunner({ client: dropsResults })
        const done = yield* w.until(submitted.job, w.finished, "30 seconds")
        expect(done.status).toBe("failed")
        expect(done.error).toMatch(/5 attempts/)
        expect(sends).toBe(5)
        expect(existsSync(join(w.spoolDir, "rejected", `${submitted.job}.json`))).toBe(true)
        yield* spoolDrained(w)
        yield* normalJobCompletes(w)
        yield* r.stop
        yield* Fiber.join(r.fiber).pipe(Effect.timeout("10 seconds"))
      }),
    60_000
  )
})
