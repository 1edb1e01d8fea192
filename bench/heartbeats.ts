// Heartbeats off the request path: p99 of `POST /v0/run` (local results, 100 benchmarks) while 1,000 running jobs
// heartbeat once a second over real WebSockets (from a separate runner process), divided by the same p99 with no
// heartbeats. Baseline, same run: a second server whose heartbeats are each an UPDATE on the main connection.
import { Context, Effect } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { Runners } from "../src/runners/runners.js"
import { Specs } from "../src/runners/specs.js"
import { jobRun, percentile, postJson, round, startBenchServer } from "./lib/jobs-server.js"

const JOBS = 1000
const CONNECTIONS = 20
const REQUESTS = 200

const bmf = JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`bench_${i}`, { latency: { value: 1000 + i } }])))

/** p99 of POST /v0/run without and then with 1,000 heartbeats a second, on one server. */
const scenario = (mainConnectionHeartbeats: boolean) =>
  Effect.scoped(Effect.gen(function*() {
    const { url, context } = yield* startBenchServer({ mainConnectionHeartbeats })
    const runners = Context.get(context, Runners)
    yield* Context.get(context, Specs).create({ name: "Bench", cpu: 1, memory: 1, disk: 1, fallback: true })
    yield* Effect.forEach(Array.from({ length: JOBS }), () => postJson(`${url}/bench/v0/run`, jobRun("heartbeats")), { concurrency: 8, discard: true })
    const keys = yield* Effect.forEach(Array.from({ length: CONNECTIONS }, (_, i) => i), (i) =>
      Effect.map(runners.create({ name: `hb-${i}`, specs: ["bench"] }), (r) => r.key))

    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(process.execPath, ["--import", "tsx", "bench/lib/heartbeat-runners.ts", url, String(JOBS / CONNECTIONS), ...keys], { stdio: ["pipe", "pipe", "inherit"] })),
      (c) => Effect.sync(() => c.kill())
    )
    const output = createInterface({ input: child.stdout })
    const ready = yield* Effect.promise(() => new Promise<string>((resolve) => output.once("line", resolve)))
    if (ready !== `ready ${JOBS}`) return yield* Effect.dieMessage(`runner process: ${ready}`)

    const localRun = {
      project: "local",
      start_time: new Date().toISOString(),
      end_time: new Date().toISOString(),
      results: [bmf],
      settings: { adapter: "json" }
    }
    const measure = Effect.gen(function*() {
      const latencies: Array<number> = []
      for (let i = 0; i < REQUESTS; i++) {
        const start = performance.now()
        yield* postJson(`${url}/v0/run`, localRun)
        latencies.push(performance.now() - start)
      }
      return latencies
    })
    yield* measure
    const quiet = yield* measure
    child.stdin.write("go\n")
    yield* Effect.sleep("1500 millis")
    const busy = yield* measure
    return { quiet, busy }
  }))

const program = Effect.gen(function*() {
  const ours = yield* scenario(false)
  const baseline = yield* scenario(true)
  const p99 = (xs: ReadonlyArray<number>) => percentile(xs, 99)
  console.log(JSON.stringify({
    bench: "heartbeats",
    running_jobs: JOBS,
    heartbeats_per_s: JOBS,
    requests: REQUESTS,
    p50_no_heartbeats_ms: round(percentile(ours.quiet, 50)),
    p99_no_heartbeats_ms: round(p99(ours.quiet)),
    p50_heartbeats_ms: round(percentile(ours.busy, 50)),
    p99_heartbeats_ms: round(p99(ours.busy)),
    baseline_p99_no_heartbeats_ms: round(p99(baseline.quiet)),
    baseline_p99_heartbeats_ms: round(p99(baseline.busy)),
    ratio: round(p99(ours.busy) / p99(ours.quiet), 2),
    baseline_ratio: round(p99(baseline.busy) / p99(baseline.quiet), 2)
  }))
})

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
