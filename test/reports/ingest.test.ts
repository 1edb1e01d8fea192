// The pipeline as a service on a real SQLite file: the rows one report writes, all-or-nothing, and the in-memory
// history agreeing with history read cold from the database.
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Either, Layer } from "effect"
import { join } from "node:path"
import type { JsonNewModel } from "../../src/domain/run.js"
import { IdentityLive } from "../../src/identity/layer.js"
import { type ReportInput, ReportPipeline, stripIgnoreSuffix } from "../../src/reports/pipeline.js"
import { ReportServicesLive } from "../../src/app/server.js"
import { computeLimits, outlier, validateModel } from "../../src/stats/index.js"
import { StoreLive } from "../../src/store/database.js"
import { tempDir } from "../helpers/server.js"

const servicesOn = (db: string) =>
  ReportServicesLive.pipe(Layer.provideMerge(IdentityLive), Layer.provideMerge(StoreLive(db)))

/** Runs `body` with the pipeline and SQL of a fresh set of services (an empty history cache) on `db`. */
const withServices = <A, E>(db: string, body: Effect.Effect<A, E, ReportPipeline | SqlClient.SqlClient>) =>
  Effect.scoped(Effect.flatMap(Layer.build(servicesOn(db)), (ctx) => Effect.provide(body, ctx)))

const seedProject = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO organization (uuid, name, slug, created, modified) VALUES (${crypto.randomUUID()}, 'o', 'o', 0, 0)`
  yield* sql`INSERT INTO project (uuid, organization_id, name, slug, created, modified) VALUES (${crypto.randomUUID()}, 1, 'p', 'p', 0, 0)`
})

const bmf = (values: Readonly<Record<string, number>>) =>
  JSON.stringify(Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { latency: { value } }])))

const report = (
  startTime: number,
  iterations: ReadonlyArray<Readonly<Record<string, number>>>,
  model: JsonNewModel = { test: "t_test", upper_boundary: 0.99 }
): ReportInput => ({
  projectId: 1,
  branch: "main",
  testbed: "ci",
  startTime,
  endTime: startTime,
  results: iterations.map(bmf),
  adapter: "json",
  thresholds: { models: { latency: model } }
})

const count = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql.unsafe<{ n: number }>(`SELECT count(*) AS n FROM ${table}`), (rows) => rows[0]?.n ?? -1)
  )

const counts = Effect.all({
  report: count("report"),
  report_benchmark: count("report_benchmark"),
  metric: count("metric"),
  boundary: count("boundary"),
  alert: count("alert")
})

interface BoundaryRow {
  readonly report_id: number
  readonly iteration: number
  readonly benchmark: string
  readonly value: number
  readonly baseline: number | null
  readonly lower_limit: number | null
  readonly upper_limit: number | null
  readonly alert: number | null
}

const boundaries = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<BoundaryRow>`
    SELECT report_benchmark.report_id, report_benchmark.iteration, benchmark.name AS benchmark, metric.value,
      boundary.baseline, boundary.lower_limit, boundary.upper_limit, alert.boundary_limit AS alert
    FROM metric
    JOIN report_benchmark ON report_benchmark.id = metric.report_benchmark_id
    JOIN benchmark ON benchmark.id = report_benchmark.benchmark_id
    LEFT JOIN boundary ON boundary.metric_id = metric.id
    LEFT JOIN alert ON alert.boundary_id = boundary.id
    ORDER BY report_benchmark.report_id, report_benchmark.iteration, benchmark.name`
)

/**
 * The boundaries of `reports` stored by one long-lived set of services (warm history cache) and by a fresh set per
 * report (every history read from SQLite).
 */
const warmAndCold = (dir: string, reports: ReadonlyArray<ReportInput>) =>
  Effect.gen(function* () {
    const warm = yield* withServices(
      join(dir, "warm.db"),
      Effect.gen(function* () {
        yield* seedProject
        const pipeline = yield* ReportPipeline
        for (const r of reports) yield* pipeline.ingest(r)
        return yield* boundaries
      })
    )
    const coldDb = join(dir, "cold.db")
    yield* withServices(coldDb, seedProject)
    for (const r of reports)
      yield* withServices(
        coldDb,
        Effect.flatMap(ReportPipeline, (pipeline) => pipeline.ingest(r))
      )
    return { warm, cold: yield* withServices(coldDb, boundaries) }
  })

const now = Date.now()
const minutesAgo = (m: number) => now - m * 60_000

describe("ReportPipeline rows", () => {
  it.scopedLive(
    "writes a report_benchmark, metric and boundary row per benchmark, linked, metrics and alerts with time-ordered uuids",
    () =>
      Effect.gen(function* () {
        const db = join(yield* tempDir, "a.db")
        const result = yield* withServices(
          db,
          Effect.gen(function* () {
            yield* seedProject
            const pipeline = yield* ReportPipeline
            const names = Array.from({ length: 600 }, (_, i) => `bench_${i}`)
            for (let r = 0; r < 3; r++) {
              const values = Object.fromEntries(names.map((n, i) => [n, 100 + i + (r % 2)]))
              yield* pipeline.ingest(report(minutesAgo(10 - r), [{ ...values, "quiet-bencher-ignore": 50 + (r % 2) }]))
            }
            // bench_7 and the ignored benchmark jump far past their stable history; only bench_7 alerts.
            const last = Object.fromEntries(names.map((n, i) => [n, 100 + i]))
            yield* pipeline.ingest(
              report(minutesAgo(1), [{ ...last, bench_7: 10_000, "quiet-bencher-ignore": 10_000 }])
            )
            const sql = yield* SqlClient.SqlClient
            const orphans = yield* sql<{ n: number }>`
          SELECT count(*) AS n FROM metric
          LEFT JOIN report_benchmark ON report_benchmark.id = metric.report_benchmark_id
          LEFT JOIN boundary ON boundary.metric_id = metric.id
          WHERE report_benchmark.id IS NULL OR boundary.id IS NULL`
            const uuids = yield* sql<{ uuid: string }>`
          SELECT uuid FROM metric UNION ALL SELECT uuid FROM alert`
            const alerts = (yield* boundaries).filter((b) => b.alert !== null)
            return { counts: yield* counts, orphans: orphans[0]?.n, uuids: uuids.map((u) => u.uuid), alerts }
          })
        )
        // 601 benchmarks in each of 4 reports.
        expect(result.counts).toEqual({ report: 4, report_benchmark: 2404, metric: 2404, boundary: 2404, alert: 1 })
        expect(result.orphans).toBe(0)
        expect(result.uuids).toHaveLength(2405)
        expect(new Set(result.uuids).size).toBe(result.uuids.length)
        expect(
          result.uuids.every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u))
        ).toBe(true)
        expect(result.alerts).toHaveLength(1)
        expect(result.alerts[0]).toMatchObject({ benchmark: "bench_7", value: 10_000, alert: 1 })
      })
  )

  it.scopedLive(
    "stores nothing when a later iteration fails after earlier rows were written, and its points never count",
    () =>
      Effect.gen(function* () {
        const db = join(yield* tempDir, "a.db")
        const result = yield* withServices(
          db,
          Effect.gen(function* () {
            yield* seedProject
            const pipeline = yield* ReportPipeline
            yield* pipeline.ingest(report(minutesAgo(5), [{ a: 100, b: 200 }]))
            yield* pipeline.ingest(report(minutesAgo(4), [{ a: 102, b: 202 }]))
            const before = yield* counts
            // Iteration 0 writes its rows; iteration 1 names a benchmark uuid that does not exist.
            const failed = yield* Effect.flip(
              pipeline.ingest(
                report(minutesAgo(3), [{ a: 1_000_000, b: 1_000_000 }, { "00000000-0000-4000-8000-00000000dead": 1 }])
              )
            )
            const after = yield* counts
            // The next report's limits come from the two stored reports only.
            yield* pipeline.ingest(
              report(minutesAgo(2), [{ a: 101, b: 201 }], { test: "percentage", upper_boundary: 0.1 })
            )
            const last = (yield* boundaries).filter((b) => b.report_id === after.report + 1)
            return { before, failed, after, last }
          })
        )
        expect(result.failed._tag).toBe("NotFound")
        expect(result.after).toEqual(result.before)
        expect(result.last.map((b) => [b.benchmark, b.baseline])).toEqual([
          ["a", 101],
          ["b", 201]
        ])
      })
  )

  it.scopedLive(
    "judges each metric by its newest prior metrics within window and sample size, cached or read cold",
    () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const models: ReadonlyArray<JsonNewModel> = [
          { test: "t_test", upper_boundary: 0.99, lower_boundary: 0.95 },
          { test: "z_score", upper_boundary: 0.9, max_sample_size: 4 },
          { test: "percentage", upper_boundary: 0.05, window: 30 * 60 },
          { test: "static", upper_boundary: 130 },
          { test: "iqr", upper_boundary: 1.5, min_sample_size: 3, max_sample_size: 6, window: 45 * 60 }
        ]
        // Reports an hour ago down to 8 minutes ago (4 minutes apart, far from any window's edge), some with two or
        // three iterations, with a few outliers.
        const plan = Array.from({ length: 14 }, (_, r) => ({
          start: minutesAgo(60 - r * 4),
          model: models[r % models.length] ?? { test: "static" as const },
          iterations: Array.from({ length: 1 + (r % 3) }, (_, i) => ({
            fast: 100 + ((r * 7 + i * 3) % 11) + (r === 9 ? 40 : 0),
            slow: 1000 + ((r * 5 + i) % 13) * 3 - (r === 11 && i === 1 ? 500 : 0),
            "flaky-bencher-ignore": 50 + ((r * 13 + i * 7) % 29)
          }))
        }))
        const reports = plan.map((p) => report(p.start, p.iterations, p.model))

        const { warm, cold } = yield* warmAndCold(dir, reports)
        expect(warm).toEqual(cold)

        // What docs/reference.md §3.2 says each metric is judged against, worked out here from the plan alone.
        const checkNow = Date.now()
        const expected: Array<BoundaryRow> = []
        for (const [r, p] of plan.entries()) {
          const model = Either.getOrThrow(validateModel(p.model))
          for (const [i, iteration] of p.iterations.entries()) {
            for (const [key, value] of Object.entries(iteration)) {
              const { name, ignored } = stripIgnoreSuffix(key)
              const prior: Array<number> = []
              for (let r2 = r; r2 >= 0; r2--) {
                const earlier = plan[r2]
                if (
                  earlier === undefined ||
                  (model.window !== undefined && earlier.start < checkNow - model.window * 1000)
                )
                  continue
                for (let i2 = (r2 === r ? i : earlier.iterations.length) - 1; i2 >= 0; i2--) {
                  const v = (earlier.iterations[i2] as Record<string, number>)[key]
                  if (v !== undefined) prior.push(v)
                }
              }
              const limits = computeLimits(model, prior.slice(0, model.max_sample_size ?? prior.length))
              const side = ignored ? null : outlier(value, limits)
              expected.push({
                report_id: r + 1,
                iteration: i,
                benchmark: name,
                value,
                ...limits,
                alert: side === null ? null : side === "upper" ? 1 : 0
              })
            }
          }
        }
        expected.sort(
          (a, b) => a.report_id - b.report_id || a.iteration - b.iteration || (a.benchmark < b.benchmark ? -1 : 1)
        )
        expect(warm).toEqual(expected)
        // The comparison is not vacuous: limits were set, and something alerted.
        expect(warm.filter((b) => b.upper_limit !== null).length).toBeGreaterThan(40)
        expect(warm.some((b) => b.alert !== null)).toBe(true)
      })
  )

  it.scopedLive("orders a late report of an older commit into the cached history as a cold read does", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      // Commits a, b, c get versions 0, 1, 2; then more reports of a and b arrive: their points belong between
      // others, in version order (then start time), not at the newest end. Two iterations each, so that points
      // of one report are equal but for their iteration.
      const commits = ["a", "b", "c", "a", "b", "a", "c", "b", "a"]
      const reports = commits.map((hash, r) => ({
        ...report(
          minutesAgo(40 - r * 4),
          [
            { x: 100 + ((r * 7) % 5), y: 50 + ((r * 3) % 7) },
            { x: 101 + ((r * 5) % 3), y: 52 }
          ],
          {
            test: "z_score",
            upper_boundary: 0.9,
            max_sample_size: 5
          }
        ),
        hash
      }))
      const { warm, cold } = yield* warmAndCold(dir, reports)
      expect(warm).toEqual(cold)
      expect(warm.filter((b) => b.upper_limit !== null).length).toBeGreaterThan(20)
    })
  )
})
