// Heartbeats off the request path: p99 of `POST /v0/run` (local results, 100 benchmarks) while 1,000 running jobs
// heartbeat once a second over real WebSockets (from a separate runner process, one runner and one connection per
// job, as real runners each run one job), divided by the same p99 with no heartbeats. Baseline, same run: a second
// server whose heartbeats are each an UPDATE on the main connection.
// Quiet and busy blocks alternate (ROUNDS times) so that both sides of each ratio see the same load from whatever
// else runs on this shared box, and the heartbeat rate the server actually answered during the busy blocks is
// reported next to the nominal 1,000/s.
import { Context, Effect } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { Runners } from "../src/runners/runners.js"
import { Specs } from "../src/runners/specs.js"
import { jobRun, percentile, postJson, round, startBenchServer } from "./lib/jobs-server.js"

const JOBS = 1000
const RUNNERS = Number(process.env["BENCH_RUNNERS"] ?? JOBS)
const ROUNDS = 5
const REQUESTS_PER_BLOCK = 80

const bmf = JSON.stringify(
  Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`bench_${i}`, { latency: { value: 1000 + i } }]))
)

/** Latencies of POST /v0/run in alternating quiet and busy blocks, on one server. */
const scenario = (mainConnectionHeartbeats: boolean) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { url, context } = yield* startBenchServer({ mainConnectionHeartbeats, teamJobs: true })
      const runners = Context.get(context, Runners)
      yield* Context.get(context, Specs).create({ name: "Bench", cpu: 1, memory: 1, disk: 1, fallback: true })
      yield* Effect.forEach(Array.from({ length: JOBS }), () => postJson(`${url}/bench/v0/run`, jobRun("heartbeats")), {
        concurrency: 8,
        discard: true
      })
      const keys = yield* Effect.forEach(
        Array.from({ length: RUNNERS }, (_, i) => i),
        (i) => Effect.map(runners.create({ name: `hb-${i}`, specs: ["bench"] }), (r) => r.key)
      )

      const child = yield* Effect.acquireRelease(
        Effect.sync(() =>
          spawn(
            process.execPath,
            ["--import", "tsx", "bench/lib/heartbeat-runners.ts", url, String(JOBS / RUNNERS), ...keys],
            { stdio: ["pipe", "pipe", "inherit"] }
          )
        ),
        (c) => Effect.sync(() => c.kill())
      )
      const output = createInterface({ input: child.stdout })
      const nextLine = Effect.promise(() => new Promise<string>((resolve) => output.once("line", resolve)))
      const ready = yield* nextLine
      if (ready !== `ready ${JOBS}`) return yield* Effect.dieMessage(`runner process: ${ready}`)

      const localRun = {
        project: "local",
        start_time: new Date().toISOString(),
        end_time: new Date().toISOString(),
        results: [bmf],
        settings: { adapter: "json" }
      }
      const measure = (n: number) =>
        Effect.gen(function* () {
          const latencies: Array<number> = []
          for (let i = 0; i < n; i++) {
            const start = performance.now()
            yield* postJson(`${url}/v0/run`, localRun)
            latencies.push(performance.now() - start)
          }
          return latencies
        })
      yield* measure(40)
      const quiet: Array<number> = []
      const busy: Array<number> = []
      let acked = 0
      let unexpected = 0
      let busyMs = 0
      for (let round = 0; round < ROUNDS; round++) {
        quiet.push(...(yield* measure(REQUESTS_PER_BLOCK)))
        child.stdin.write("go\n")
        // Every job's first heartbeat falls within its first second.
        yield* Effect.sleep("1200 millis")
        const started = performance.now()
        busy.push(...(yield* measure(REQUESTS_PER_BLOCK)))
        busyMs += performance.now() - started + 1200
        child.stdin.write("stop\n")
        const [, ok = "0", other = "0"] = (yield* nextLine).split(" ")
        acked += Number(ok)
        unexpected += Number(other)
      }
      return { quiet, busy, heartbeatsPerS: acked / (busyMs / 1000), unexpected }
    })
  )

const program = Effect.gen(function* () {
  const ours = yield* scenario(false)
  const baseline = yield* scenario(true)
  const p99 = (xs: ReadonlyArray<number>) => percentile(xs, 99)
  console.log(
    JSON.stringify({
      bench: "heartbeats",
      running_jobs: JOBS,
      runner_connections: RUNNERS,
      requests_per_side: ours.quiet.length,
      heartbeats_answered_per_s: round(ours.heartbeatsPerS, 0),
      baseline_heartbeats_answered_per_s: round(baseline.heartbeatsPerS, 0),
      heartbeats_not_ok: ours.unexpected + baseline.unexpected,
      p50_no_heartbeats_ms: round(percentile(ours.quiet, 50)),
      p99_no_heartbeats_ms: round(p99(ours.quiet)),
      p50_heartbeats_ms: round(percentile(ours.busy, 50)),
      p99_heartbeats_ms: round(p99(ours.busy)),
      baseline_p50_no_heartbeats_ms: round(percentile(baseline.quiet, 50)),
      baseline_p99_no_heartbeats_ms: round(p99(baseline.quiet)),
      baseline_p50_heartbeats_ms: round(percentile(baseline.busy, 50)),
      baseline_p99_heartbeats_ms: round(p99(baseline.busy)),
      ratio: round(p99(ours.busy) / p99(ours.quiet), 2),
      baseline_ratio: round(p99(baseline.busy) / p99(baseline.quiet), 2)
    })
  )
})

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
