import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { RunnerClient } from "../../src/api/runner-client.js"
import { runBencher, spawnBencher } from "../helpers/process.js"
import { bmf, claim, count, exited, followWorld, json, resultsTable, thresholdFlags, waitFor } from "./follow-world.js"

describe("bencher run --image follows the remote job", () => {
  it.scopedLive(
    "prints each status change once, the benchmark's stdout before completion, the local run's table, exit 0",
    () =>
      Effect.gen(function* () {
        const w = yield* followWorld
        yield* w.seed(50)
        const p = w.cli(["--project", "proj", ...thresholdFlags])
        const [, job] = yield* waitFor(p, /Job ([0-9a-f-]{36}): pending/)
        yield* Effect.gen(function* () {
          const rpc = yield* RunnerClient
          expect(yield* claim).toBe(job)
          yield* waitFor(p, /claimed by box/)
          yield* rpc.Running({ job: job ?? "" })
          yield* waitFor(p, /: running/)
          yield* rpc.Output({
            job: job ?? "",
            chunks: [{ iteration: 0, stream: "stdout", chunk: "warming up the benchmark\n" }]
          })
          // The chunk reaches the CLI while the job is still running.
          yield* waitFor(p, /warming up the benchmark/)
          expect(p.stdout() + p.stderr()).not.toMatch(/: completed/)
          yield* rpc.Completed({ job: job ?? "", results: [{ exit_code: 0, stdout: bmf(42) }] })
        }).pipe(Effect.provide(w.channel))
        expect(yield* exited(p)).toBe(0)
        const all = p.stdout() + p.stderr()
        for (const status of ["pending", "claimed by box", "running", "completed", "processed"]) {
          expect(count(all, new RegExp(`Job ${job}: ${status}`))).toBe(1)
        }
        // The same results table as the equivalent local run (a fresh project, the same thresholds and output).
        const localRun = (value: number) =>
          Effect.promise(() =>
            runBencher(
              [
                "run",
                "--host",
                w.url,
                "--key",
                w.adminKey,
                "--project",
                "twin",
                ...thresholdFlags,
                `echo '${bmf(value)}'`
              ],
              { CI: "true" }
            )
          )
        expect((yield* localRun(50)).code).toBe(0)
        const local = yield* localRun(42)
        expect(local.code).toBe(0)
        const table = resultsTable(p.stdout())
        expect(table.length).toBeGreaterThan(2)
        expect(table.join("\n")).toMatch(/100\.00/)
        expect(table).toEqual(resultsTable(local.stdout))
        expect(p.stdout()).toContain("No alerts.")
      })
  )

  it.scopedLive("exits 1 on an alert with --err, and prints the alert", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      yield* w.seed(50)
      const p = w.cli(["--project", "proj", ...thresholdFlags, "--err", "--quiet"])
      yield* Effect.gen(function* () {
        const rpc = yield* RunnerClient
        const job = yield* claim
        yield* rpc.Running({ job })
        yield* rpc.Completed({ job, results: [{ exit_code: 0, stdout: bmf(150) }] })
      }).pipe(Effect.provide(w.channel))
      expect(yield* exited(p), p.stdout() + p.stderr()).toBe(1)
      expect(p.stdout()).toMatch(/Alerts \(1\)/)
      expect(p.stderr()).toContain("Alerts detected (1)")
      // --quiet: no status lines.
      expect(p.stderr()).not.toMatch(/: running/)
    })
  )

  it.scopedLive("exits 2 on a failed job, with its error, its stderr tail and where the full output is", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      const p = w.cli(["--project", "proj", ...thresholdFlags])
      yield* Effect.gen(function* () {
        const rpc = yield* RunnerClient
        const job = yield* claim
        yield* rpc.Running({ job })
        yield* rpc.Failed({
          job,
          results: [{ exit_code: 3, stderr: "line one\nsegfault in bench::remote\n" }],
          error: "iteration 1 of 1: exited with code 3"
        })
      }).pipe(Effect.provide(w.channel))
      expect(yield* exited(p)).toBe(2)
      expect(p.stderr()).toContain("exited with code 3")
      expect(p.stderr()).toContain("segfault in bench::remote")
      expect(p.stderr()).toMatch(/bencher job view [0-9a-f-]{36} --project proj --output/)
    })
  )

  it.scopedLive("exits 3 when the job is canceled", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      const p = w.cli(["--project", "proj", ...thresholdFlags])
      const [, job] = yield* waitFor(p, /Job ([0-9a-f-]{36}): pending/)
      expect((yield* json(w.url, w.adminKey, `/v0/projects/proj/jobs/${job}/cancel`, {})).status).toBe(200)
      expect(yield* exited(p)).toBe(3)
      expect(p.stderr()).toContain("job_canceled_by_user")
    })
  )

  it.scopedLive("exits 4 when its own wait times out, leaving the job pending and saying how to follow it again", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      const p = w.cli(["--project", "proj", ...thresholdFlags, "--wait-timeout", "1"])
      expect(yield* exited(p)).toBe(4)
      const [, job] = p.stderr().match(/Job ([0-9a-f-]{36}): pending/) ?? []
      expect(p.stderr()).toContain(`bencher job view ${job} --project proj --follow`)
      expect((yield* json(w.url, w.adminKey, `/v0/projects/proj/jobs/${job}`)).body.status).toBe("pending")
    })
  )

  it.scopedLive("cancels the job on Ctrl-C with --cancel-on-interrupt and exits 130", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      const p = w.cli(["--project", "proj", ...thresholdFlags, "--cancel-on-interrupt"])
      const [, job] = yield* waitFor(p, /Job ([0-9a-f-]{36}): pending/)
      p.child.kill("SIGINT")
      expect(yield* exited(p)).toBe(130)
      const view = (yield* json(w.url, w.adminKey, `/v0/projects/proj/jobs/${job}`)).body
      expect(view.status).toBe("canceled")
      expect(view.error).toBe("job_canceled_by_user")
    })
  )

  it.scopedLive("--detach prints the job and the command to follow it, exits 0; job view --follow attaches to it", () =>
    Effect.gen(function* () {
      const w = yield* followWorld
      const detached = w.cli(["--project", "proj", ...thresholdFlags, "--detach"])
      expect(yield* exited(detached)).toBe(0)
      const [command, job] = detached.stdout().match(/bencher job view ([0-9a-f-]{36}) --project proj --follow/) ?? []
      expect(command).toBeDefined()
      const follower = spawnBencher([
        "job",
        "view",
        job ?? "",
        "--project",
        "proj",
        "--follow",
        "--host",
        w.url,
        "--key",
        w.adminKey
      ])
      yield* waitFor(follower, /: pending/)
      yield* Effect.gen(function* () {
        const rpc = yield* RunnerClient
        yield* claim
        yield* rpc.Running({ job: job ?? "" })
        yield* rpc.Completed({ job: job ?? "", results: [{ exit_code: 0, stdout: bmf(7) }] })
      }).pipe(Effect.provide(w.channel))
      expect(yield* exited(follower)).toBe(0)
      expect(follower.stdout()).toMatch(/bench::remote/)
    })
  )

  it.scopedLive(
    "polls GET .../jobs/{job} every --job-poll-interval when the stream is off, and still ends with the report",
    () =>
      Effect.gen(function* () {
        const w = yield* followWorld
        const p = w.cli(["--project", "proj", ...thresholdFlags, "--job-poll-interval", "1"], {
          BENCHER_FOLLOW_STREAM: "false"
        })
        const [, job] = yield* waitFor(p, /Job ([0-9a-f-]{36}): pending/)
        yield* Effect.gen(function* () {
          const rpc = yield* RunnerClient
          yield* claim
          yield* rpc.Running({ job: job ?? "" })
          yield* rpc.Completed({ job: job ?? "", results: [{ exit_code: 0, stdout: bmf(11) }] })
        }).pipe(Effect.provide(w.channel))
        expect(yield* exited(p)).toBe(0)
        expect(count(p.stderr(), new RegExp(`Job ${job}: processed`))).toBe(1)
        expect(resultsTable(p.stdout()).join("\n")).toContain("11.00")
      })
  )

  it.scopedLive(
    "rejects --image with a local command, and --detach with --job-poll-interval, before sending anything",
    () =>
      Effect.gen(function* () {
        const w = yield* followWorld
        const withCommand = w.cli(["--project", "proj", "echo hi"])
        expect(yield* exited(withCommand)).toBe(1)
        expect(withCommand.stderr()).toContain("do not also give a local command")
        const both = w.cli(["--project", "proj", "--detach", "--job-poll-interval", "2"])
        expect(yield* exited(both)).toBe(1)
        expect(both.stderr()).toContain("--detach does not wait")
        const jobs = (yield* json(w.url, w.adminKey, "/v0/projects/proj/jobs")).body
        expect(jobs).toEqual([])
      })
  )
})
