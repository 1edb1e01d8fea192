// npm run bench -- follow: how long after the server marks a remote job processed the `bencher run --image`
// process exits, when it follows the job over the job events stream (WebSocket) versus the baseline that polls
// `GET /v0/projects/{project}/jobs/{job}` every 5 s as Bencher's CLI does (our CLI with BENCHER_FOLLOW_STREAM=false
// and --job-poll-interval 5). Real server, real spawned CLI processes (dist/, so `npm run build` first), a runner
// played over the real runner channel. The processed instant is taken from the server's own JobEvents, in this
// process, and the exit from the child's exit event, on the same clock. For the baseline each job completes after
// a random delay within the poll interval, so the poll phase is random as it is for real jobs.
import { Context, Effect, Random } from "effect"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { RunnerClient } from "../src/api/runner-client.js"
import { JobEvents } from "../src/jobs/events.js"
import { repoRoot } from "../test/helpers/process.js"
import { bmf, claim, exited, followWorld, thresholdFlags, waitFor } from "../test/cli/follow-world.js"

const JOBS = Number(process.env.JOBS ?? 30)
const BASELINE_JOBS = Number(process.env.BASELINE_JOBS ?? 8)
const POLL_SECONDS = 5

const quantile = (xs: ReadonlyArray<number>, q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN
}
const round = (x: number) => Math.round(x * 10) / 10

if (!existsSync(join(repoRoot, "dist", "main.js"))) {
  console.error("bench follow spawns the built CLI: run `npm run build` first")
  process.exit(2)
}

const program = Effect.gen(function*() {
  const w = yield* followWorld
  const events = Context.get(w.context, JobEvents)

  /** One job: the CLI follows it; returns ms from `processed` (server) to the CLI's exit. */
  const sample = (mode: "stream" | "poll") =>
    Effect.gen(function*() {
      const p = w.cli(
        ["--project", "proj", ...thresholdFlags, ...(mode === "poll" ? ["--job-poll-interval", String(POLL_SECONDS)] : [])],
        mode === "poll" ? { BENCHER_FOLLOW_STREAM: "false" } : {}
      )
      const exitedAt = Effect.runPromise(Effect.promise(() => p.exited).pipe(Effect.map((code) => ({ code, at: performance.now() }))))
      const [, job] = yield* waitFor(p, /Job ([0-9a-f-]{36}): pending/)
      const uuid = job ?? ""
      const subscription = yield* events.subscribe(uuid)
      const delayMs = mode === "poll" ? yield* Random.nextIntBetween(0, POLL_SECONDS * 1000) : 0
      yield* Effect.gen(function*() {
        const rpc = yield* RunnerClient
        yield* claim
        yield* rpc.Running({ job: uuid })
        yield* Effect.sleep(`${delayMs} millis`)
        yield* rpc.Completed({ job: uuid, results: [{ exit_code: 0, stdout: bmf(42) }] })
      }).pipe(Effect.provide(w.channel))
      let processedAt = 0
      for (;;) {
        const event = yield* subscription.take
        if (event._tag === "Status" && event.status === "processed") {
          processedAt = performance.now()
          break
        }
      }
      const exit = yield* Effect.promise(() => exitedAt)
      yield* exited(p)
      if (exit.code !== 0) return yield* Effect.dieMessage(`CLI exited ${exit.code}: ${p.stderr()}`)
      return exit.at - processedAt
    }).pipe(Effect.scoped)

  const run = (mode: "stream" | "poll", n: number) =>
    Effect.gen(function*() {
      const times: Array<number> = []
      for (let i = 0; i < n; i++) {
        const ms = yield* sample(mode)
        times.push(ms)
        console.error(`${mode} ${i + 1}/${n}: ${round(ms)} ms`)
      }
      return times
    })

  yield* sample("stream") // warm-up: the first CLI start and the first WebSocket pay one-time costs
  const stream = yield* run("stream", JOBS)
  const baseline = yield* run("poll", BASELINE_JOBS)
  const p99 = quantile(stream, 0.99)
  const baselineP99 = quantile(baseline, 0.99)
  console.log(JSON.stringify({
    jobs: JOBS,
    baseline_jobs: BASELINE_JOBS,
    poll_interval_s: POLL_SECONDS,
    p50_ms: round(quantile(stream, 0.5)),
    p99_ms: round(p99),
    max_ms: round(Math.max(...stream)),
    baseline_p50_ms: round(quantile(baseline, 0.5)),
    baseline_p99_ms: round(baselineP99),
    ratio: round(baselineP99 / p99)
  }))
})

await Effect.runPromise(Effect.scoped(program))
process.exit(0)
