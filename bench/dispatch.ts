// Dispatch latency: 200 runners wait on real WebSockets; each job goes from `POST /v0/run` returning to a runner
// holding it. The runners (the real RunnerClient) live in a child process, bench/lib/dispatch-runners.ts, as real
// runners are other machines: their GC and event loop stay out of the server's. Baseline, same run: 200 pollers in
// the server process that each try a claim on the database every 1 s (Bencher's POLL_INTERVAL; its claim loop is
// server-side, so they stay next to the database). Also counts SQL statements executed while runners wait and
// nothing arrives.
// Receipts are stamped with CLOCK_MONOTONIC in whichever process holds the job; the bench stamps its POSTs with the
// same clock, and counts any receipt stamped before its POST was sent (a broken clock assumption; must be 0).
import { SqlClient } from "@effect/sql"
import { Clock, Context, Deferred, Effect, Exit, Fiber, FiberId, Random } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { JobQueue } from "../src/jobs/queue.js"
import { Runners } from "../src/runners/runners.js"
import { Specs } from "../src/runners/specs.js"
import { makeStatementCounter } from "../src/store/statement-count.js"
import { monotonicMs } from "./lib/clock.js"
import { jobRun, percentile, postJson, round, startBenchServer } from "./lib/jobs-server.js"

const RUNNERS = 200
const JOBS = 300
// A submission at a random point of the second; 100 so the p99 is not just the slowest of a few.
const BASELINE_JOBS = 100
const IDLE_SECONDS = 3
const ALIGNED_JOBS = 20

const program = Effect.gen(function* () {
  const counter = yield* makeStatementCounter
  const { url, context } = yield* startBenchServer().pipe(Effect.withTracer(counter.tracer))
  const runners = Context.get(context, Runners)
  const specs = Context.get(context, Specs)
  const queue = Context.get(context, JobQueue)
  const sql = Context.get(context, SqlClient.SqlClient)

  yield* specs.create({ name: "Bench", cpu: 1, memory: 1, disk: 1, fallback: true })
  const keys = yield* Effect.forEach(
    Array.from({ length: RUNNERS }, (_, i) => i),
    (i) => runners.create({ name: `runner-${i}`, specs: ["bench"] })
  )

  // Receipt times (monotonic ms) by job uuid, whichever side (runner or submitter) gets there first.
  const receipts = new Map<string, Deferred.Deferred<number>>()
  const receipt = (uuid: string) => {
    let d = receipts.get(uuid)
    if (d === undefined) {
      d = Deferred.unsafeMake<number>(FiberId.none)
      receipts.set(uuid, d)
    }
    return d
  }

  const child = spawn(
    process.execPath,
    ["--import", "tsx", "bench/lib/dispatch-runners.ts", url, ...keys.map((k) => k.key)],
    {
      stdio: ["pipe", "pipe", "inherit"]
    }
  )
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  yield* Effect.addFinalizer(() => Effect.sync(() => child.kill()))
  const output = createInterface({ input: child.stdout })
  const readyLine = yield* Effect.promise(() => new Promise<string>((resolve) => output.once("line", resolve)))
  if (readyLine !== `ready ${RUNNERS}`) return yield* Effect.dieMessage(`runner process: ${readyLine}`)
  output.on("line", (line) => {
    const [tag, uuid = "", at = ""] = line.split(" ")
    if (tag === "got") Deferred.unsafeDone(receipt(uuid), Exit.succeed(Number(at)))
  })

  while ((yield* queue.stats).waiting < RUNNERS) yield* Effect.sleep("50 millis")

  const idleBefore = counter.count()
  yield* Effect.sleep(`${IDLE_SECONDS} seconds`)
  const idleStatements = counter.count() - idleBefore

  let beforeSend = 0
  // `spread`: submit at a random point of the second, so a submission's phase against the pollers' ticks is uniform.
  const measure = (n: number, spread = false) =>
    Effect.gen(function* () {
      const fromReturn: Array<number> = []
      const fromSend: Array<number> = []
      const post: Array<number> = []
      for (let i = 0; i < n; i++) {
        if (spread) yield* Effect.sleep(`${yield* Random.nextIntBetween(0, 1000)} millis`)
        const sent = monotonicMs()
        const report = (yield* postJson(`${url}/bench/v0/run`, jobRun("dispatch"))) as { job: string }
        const returned = monotonicMs()
        const got = yield* Deferred.await(receipt(report.job))
        if (got < sent) beforeSend++
        // The server wakes the runner before it answers the POST, so a runner may hold the job before the response
        // is back: that counts as 0.
        fromReturn.push(Math.max(0, got - returned))
        fromSend.push(got - sent)
        post.push(returned - sent)
      }
      return { fromReturn, fromSend, post }
    })

  yield* measure(30)
  const ours = yield* measure(JOBS)
  // The waiting runners leave (their connections close, their waits end) before the pollers start.
  child.stdin.end()
  yield* Effect.promise(() => exited)
  while ((yield* queue.stats).waiting > 0) yield* Effect.sleep("20 millis")

  // Baseline: each poller tries one claim query every second. Staggered: phases spread over the second (steady
  // state, 200 polls/s in aggregate); aligned: all runners started together and poll at the same instants.
  const baselineRun = (n: number, staggered: boolean) =>
    Effect.gen(function* () {
      const pollers = yield* Effect.forEach(keys, (created) =>
        Effect.gen(function* () {
          const runner = yield* runners.authenticate(created.key)
          if (staggered) yield* Effect.sleep(`${yield* Random.nextIntBetween(0, 1000)} millis`)
          return yield* Effect.gen(function* () {
            const now = yield* Clock.currentTimeMillis
            const rows = yield* sql<{
              uuid: string
              id: number
            }>`UPDATE job SET status = 1, runner_id = ${runner.id}, claimed = ${now},
              last_heartbeat = ${now}, modified = ${now}
              WHERE id = (SELECT id FROM job WHERE status = 0
                AND spec_id IN (SELECT spec_id FROM runner_spec WHERE runner_id = ${runner.id})
                ORDER BY priority DESC, created, id LIMIT 1) AND status = 0
              RETURNING uuid, id`
            const row = rows[0]
            if (row !== undefined) {
              yield* Deferred.succeed(receipt(row.uuid), monotonicMs())
              yield* sql`UPDATE job SET status = 3 WHERE id = ${row.id}`
            }
          }).pipe(Effect.zipRight(Effect.sleep("1 second")), Effect.forever, Effect.orDie)
        }).pipe(Effect.withTracer(counter.tracer), Effect.fork)
      )
      // The pollers' SQL while nothing arrives, once every phase has started.
      yield* Effect.sleep("1 second")
      const idleBefore = counter.count()
      yield* Effect.sleep(`${IDLE_SECONDS} seconds`)
      const idleStatementsPerS = (counter.count() - idleBefore) / IDLE_SECONDS
      const result = yield* measure(n, true)
      yield* Effect.forEach(pollers, Fiber.interrupt, { discard: true })
      return { ...result, idleStatementsPerS }
    })
  const baseline = yield* baselineRun(BASELINE_JOBS, true)
  const aligned = yield* baselineRun(ALIGNED_JOBS, false)

  const p = (xs: ReadonlyArray<number>, q: number) => round(percentile(xs, q))
  const p99 = percentile(ours.fromReturn, 99)
  console.log(
    JSON.stringify({
      bench: "dispatch",
      runners: RUNNERS,
      jobs: JOBS,
      baseline_jobs: BASELINE_JOBS,
      aligned_baseline_jobs: ALIGNED_JOBS,
      p50_ms: p(ours.fromReturn, 50),
      p99_ms: p(ours.fromReturn, 99),
      p50_from_request_start_ms: p(ours.fromSend, 50),
      p99_from_request_start_ms: p(ours.fromSend, 99),
      post_p50_ms: p(ours.post, 50),
      post_p99_ms: p(ours.post, 99),
      idle_sql_statements_per_s: round(idleStatements / IDLE_SECONDS),
      receipts_before_send: beforeSend,
      baseline_idle_sql_statements_per_s: round(baseline.idleStatementsPerS),
      baseline_staggered_p50_ms: p(baseline.fromReturn, 50),
      baseline_staggered_p99_ms: p(baseline.fromReturn, 99),
      baseline_staggered_p99_from_request_start_ms: p(baseline.fromSend, 99),
      baseline_aligned_p50_ms: p(aligned.fromReturn, 50),
      baseline_aligned_p99_ms: p(aligned.fromReturn, 99),
      // ratio: against the staggered pollers, because that is Bencher's steady state: each runner's 1 s claim loop
      // starts when it connects, so 200 waiting runners poll 200 times a second in aggregate (aligned is a corner case).
      // A claim then runs every 5 ms on average, so this baseline's p99 is about the widest gap between 200 random
      // phases (20-26 ms here, most of it after the POST has returned); the price is 200 SQL statements a second idle.
      ratio: round(percentile(baseline.fromReturn, 99) / p99, 1),
      ratio_aligned: round(percentile(aligned.fromReturn, 99) / p99, 1)
    })
  )
})

Effect.runPromise(Effect.scoped(program)).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
