// npm run bench -- ingest: one report of 1,000 benchmarks under a t_test threshold with 64 prior metrics each,
// against a baseline that inserts the same number of metric rows with one bare prepared statement in one
// transaction. Target: ratio (pipeline / baseline) <= 5, on wall-clock medians. CPU medians (the whole process's
// user + system time) are printed too: on a shared machine they move less than wall time.
import { SqlClient } from "@effect/sql"
import Sqlite from "better-sqlite3"
import { Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { IdentityLive } from "../src/identity/layer.js"
import { ReportPipeline } from "../src/reports/pipeline.js"
import { ReportServicesLive } from "../src/app/server.js"
import { StoreLive } from "../src/store/database.js"
import { uuidsV7 } from "../src/store/ids.js"

const BENCHMARKS = 1000
const PRIOR = Number(process.env.PRIOR ?? 64)
const ROUNDS = Number(process.env.ROUNDS ?? 7)

const dir = mkdtempSync(join(tmpdir(), "bench-ingest-"))
const db = join(dir, "ingest.db")

const bmf = (round: number) => {
  const out: Record<string, { latency: { value: number } }> = {}
  for (let b = 0; b < BENCHMARKS; b++) out[`bench_${b}`] = { latency: { value: 1000 + b + ((round * 7 + b) % 13) } }
  return JSON.stringify(out)
}

let clock = Date.parse("2026-01-01T00:00:00Z")
const input = (projectId: number, round: number) => {
  clock += 60_000
  return {
    projectId,
    branch: "main",
    testbed: "bench",
    startTime: clock,
    endTime: clock,
    results: [bmf(round)],
    adapter: "json",
    thresholds: { models: { latency: { test: "t_test" as const, upper_boundary: 0.99 } } }
  }
}

const percentile = (xs: ReadonlyArray<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] ?? Number.NaN
}

const pipelineMs: Array<number> = []
const pipelineCpuMs: Array<number> = []
const baselineMs: Array<number> = []
const baselineCpuMs: Array<number> = []
const floorMs: Array<number> = []

const program = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const pipeline = yield* ReportPipeline
  yield* sql`INSERT INTO organization (uuid, name, slug, created, modified) VALUES ('00000000-0000-4000-8000-000000000001', 'o', 'o', 0, 0)`
  yield* sql`INSERT INTO project (uuid, organization_id, name, slug, created, modified) VALUES ('00000000-0000-4000-8000-000000000002', 1, 'p', 'p', 0, 0)`
  for (let r = 0; r < PRIOR; r++) yield* pipeline.ingest(input(1, r))

  // Baseline: the same number of metric rows with one prepared statement in one transaction, on its own connection
  // to the same file. Its rounds alternate with the pipeline's, so that both see the same load on a shared machine.
  const raw = new Sqlite(db)
  raw.pragma("journal_mode = WAL")
  raw.pragma("synchronous = NORMAL")
  // Checkpoints stay with the pipeline's connection, so the baseline never pays for copying the pipeline's pages.
  raw.pragma("wal_autocheckpoint = 0")
  raw.exec(
    "CREATE TABLE raw_metric (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, report_benchmark_id INTEGER NOT NULL, measure_id INTEGER NOT NULL, value REAL NOT NULL, lower_value REAL, upper_value REAL)"
  )
  const insert = raw.prepare(
    "INSERT INTO raw_metric (uuid, report_benchmark_id, measure_id, value, lower_value, upper_value) VALUES (?, ?, ?, ?, ?, ?)"
  )
  const baseline = (r: number) =>
    raw.transaction(() => {
      for (let b = 0; b < BENCHMARKS; b++) insert.run(crypto.randomUUID(), r * BENCHMARKS + b, 1, 1000 + b, null, null)
    })()

  // The floor's rows go to a testbed of their own, so that they never enter the pipeline's threshold history.
  raw.pragma("foreign_keys = ON")
  raw.exec(
    "INSERT INTO testbed (uuid, project_id, name, slug, created, modified) VALUES ('00000000-0000-4000-8000-0000000000f1', 1, 'floor', 'floor', 0, 0)"
  )
  const floorTestbed = Number(raw.prepare("SELECT id FROM testbed WHERE slug = 'floor'").pluck().get())
  const template = raw.prepare("SELECT head_id, version_id FROM report ORDER BY id DESC LIMIT 1").get() as {
    head_id: number
    version_id: number
  }
  const threshold = raw.prepare("SELECT id, model_id, measure_id FROM threshold LIMIT 1").get() as {
    id: number
    model_id: number
    measure_id: number
  }
  const benchmarkIds = raw
    .prepare("SELECT id FROM benchmark WHERE project_id = 1 ORDER BY id")
    .pluck()
    .all() as Array<number>
  const floorReport = raw.prepare(
    "INSERT INTO report (uuid, project_id, head_id, version_id, testbed_id, adapter, start_time, end_time, created) VALUES (?, 1, ?, ?, ?, 0, ?, ?, ?)"
  )
  const floorReportBenchmark = raw.prepare(
    "INSERT INTO report_benchmark (report_id, iteration, benchmark_id) VALUES (?, 0, ?)"
  )
  const floorMetric = raw.prepare(
    "INSERT INTO metric (uuid, report_benchmark_id, measure_id, value, lower_value, upper_value) VALUES (?, ?, ?, ?, NULL, NULL)"
  )
  const floorBoundary = raw.prepare(
    "INSERT INTO boundary (metric_id, threshold_id, model_id, baseline, lower_limit, upper_limit) VALUES (?, ?, ?, ?, NULL, ?)"
  )
  // Time-ordered uuids, as the pipeline writes them (drawn before the clock starts): the report's, then the metrics'.
  const floor = (uuids: ReadonlyArray<string>) =>
    raw.transaction(() => {
      const reportId = floorReport.run(
        uuids[0],
        template.head_id,
        template.version_id,
        floorTestbed,
        clock,
        clock,
        clock
      ).lastInsertRowid
      const reportBenchmarkIds = benchmarkIds.map((id) => floorReportBenchmark.run(reportId, id).lastInsertRowid)
      for (const [b, id] of reportBenchmarkIds.entries()) {
        const metricId = floorMetric.run(uuids[b + 1], id, threshold.measure_id, 1000 + b).lastInsertRowid
        floorBoundary.run(metricId, threshold.id, threshold.model_id, 1000 + b, 1010 + b)
      }
    })()

  for (let r = 0; r < ROUNDS; r++) {
    // The report's results string is the input: it is built before the clock starts.
    const report = input(1, PRIOR + r)
    const cpu = process.cpuUsage()
    const started = performance.now()
    yield* pipeline.ingest(report)
    pipelineMs.push(performance.now() - started)
    const used = process.cpuUsage(cpu)
    pipelineCpuMs.push((used.user + used.system) / 1000)
    const baseCpu = process.cpuUsage()
    const baseStarted = performance.now()
    baseline(r)
    baselineMs.push(performance.now() - baseStarted)
    const baseUsed = process.cpuUsage(baseCpu)
    baselineCpuMs.push((baseUsed.user + baseUsed.system) / 1000)
    const floorUuids = uuidsV7(clock, 1 + benchmarkIds.length)
    const floorStarted = performance.now()
    floor(floorUuids)
    floorMs.push(performance.now() - floorStarted)
  }
  raw.close()
})

await Effect.runPromise(
  program.pipe(
    Effect.provide(
      ReportServicesLive.pipe(
        Layer.provideMerge(IdentityLive),
        Layer.provideMerge(StoreLive(db, { checkpoints: process.env.CHECKPOINTS === "inline" ? "inline" : "worker" }))
      )
    ),
    Effect.scoped
  )
)
if (process.env.KEEP === undefined) rmSync(dir, { recursive: true, force: true })
else console.log(`kept ${db}`)

const p50 = percentile(pipelineMs, 0.5)
const b50 = percentile(baselineMs, 0.5)
console.log(`pipeline per report: ${pipelineMs.map((x) => x.toFixed(1)).join(", ")} ms`)
console.log(`baseline per report: ${baselineMs.map((x) => x.toFixed(2)).join(", ")} ms`)
console.log(`schema floor per report: ${floorMs.map((x) => x.toFixed(2)).join(", ")} ms`)
console.log(
  `cpu per report: pipeline ${pipelineCpuMs.map((x) => x.toFixed(1)).join(", ")} ms; baseline ${baselineCpuMs.map((x) => x.toFixed(2)).join(", ")} ms`
)
console.log(
  JSON.stringify({
    benchmarks: BENCHMARKS,
    prior_metrics_per_benchmark: PRIOR,
    pipeline_p50_ms: Number(p50.toFixed(2)),
    baseline_p50_ms: Number(b50.toFixed(2)),
    pipeline_cpu_p50_ms: Number(percentile(pipelineCpuMs, 0.5).toFixed(2)),
    baseline_cpu_p50_ms: Number(percentile(baselineCpuMs, 0.5).toFixed(2)),
    floor_p50_ms: Number(percentile(floorMs, 0.5).toFixed(2)),
    floor_ratio: Number((percentile(floorMs, 0.5) / b50).toFixed(2)),
    ratio: Number((p50 / b50).toFixed(2))
  })
)
