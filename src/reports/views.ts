import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Either, Layer } from "effect"
import { adapterFromInt } from "../adapters/index.js"
import { NotFound, PersistenceError } from "../domain/errors.js"
import { toIso } from "../domain/time.js"
import { Branches } from "../projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../projects/dimension-services.js"
import { dimensionJson, measureJson, type ProjectRow, projectJson, type TestbedRow } from "../projects/rows.js"
import type { Page } from "../store/pagination.js"
import { single } from "../store/rows.js"
import { modelJson, type ModelRow, type ThresholdRow, Thresholds } from "../thresholds/thresholds.js"

export const alertStatusName = (n: number): "active" | "dismissed" | "silenced" =>
  n === 1 ? "dismissed" : n === 10 ? "silenced" : "active"
export const alertStatusInt = (s: "active" | "dismissed" | "silenced"): number =>
  s === "dismissed" ? 1 : s === "silenced" ? 10 : 0

/** A metric joined with its boundary, as report and perf queries select them. */
export interface MetricBoundaryColumns {
  readonly metric_uuid: string
  readonly value: number
  readonly lower_value: number | null
  readonly upper_value: number | null
  readonly threshold_id: number | null
  readonly model_id: number | null
  readonly baseline: number | null
  readonly lower_limit: number | null
  readonly upper_limit: number | null
}

interface ResultRow extends MetricBoundaryColumns {
  readonly iteration: number
  readonly benchmark_id: number
  readonly measure_id: number
}

export interface ReportRow {
  readonly id: number
  readonly uuid: string
  readonly project_id: number
  readonly head_id: number
  readonly version_id: number
  readonly testbed_id: number
  readonly adapter: number
  readonly partial: number
  readonly start_time: number
  readonly end_time: number
  readonly created: number
  readonly branch_id: number
  readonly job_uuid: string | null
}

export const metricJson = (
  r: Pick<MetricBoundaryColumns, "metric_uuid" | "value" | "lower_value" | "upper_value">
) => ({
  uuid: r.metric_uuid,
  value: r.value,
  lower_value: r.lower_value,
  upper_value: r.upper_value
})

export const boundaryJson = (r: Pick<MetricBoundaryColumns, "baseline" | "lower_limit" | "upper_limit">) => ({
  baseline: r.baseline,
  lower_limit: r.lower_limit,
  upper_limit: r.upper_limit
})

/** Report benchmarks whose result rows one statement reads (a statement is one synchronous call). */
const RESULT_ROWS_PER_READ = 500

/** Builds Bencher's JSON views (JsonReport, JsonThreshold, JsonAlert) from rows, memoising per-request lookups. */
const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const branches = yield* Branches
  const testbeds = yield* Testbeds
  const measures = yield* Measures
  const benchmarks = yield* Benchmarks
  const thresholds = yield* Thresholds

  const testbedJson = (projectUuid: string, t: TestbedRow) => ({ ...dimensionJson(projectUuid, t), spec: null })

  const thresholdModelJson = (project: ProjectRow, threshold: ThresholdRow, model: ModelRow) => ({
    uuid: threshold.uuid,
    project: project.uuid,
    model: modelJson(model),
    created: toIso(threshold.created)
  })

  const thresholdJson = (project: ProjectRow, threshold: ThresholdRow) =>
    Effect.gen(function* () {
      const branch = yield* branches.byId(threshold.branch_id)
      return {
        uuid: threshold.uuid,
        project: project.uuid,
        branch: yield* branches.toJson(project.uuid, branch),
        testbed: testbedJson(project.uuid, yield* testbeds.byId(threshold.testbed_id)),
        measure: measureJson(project.uuid, yield* measures.byId(threshold.measure_id)),
        model: threshold.model_id === null ? null : modelJson(yield* thresholds.modelById(threshold.model_id)),
        created: toIso(threshold.created),
        modified: toIso(threshold.modified)
      }
    })

  const alertsWhere = (clause: string, args: ReadonlyArray<string | number>) =>
    sql.unsafe<{
      id: number
      uuid: string
      boundary_limit: number
      status: number
      created: number
      modified: number
      report_uuid: string
      iteration: number
      benchmark_id: number
      threshold_id: number
      metric_uuid: string
      value: number
      lower_value: number | null
      upper_value: number | null
      baseline: number | null
      lower_limit: number | null
      upper_limit: number | null
    }>(
      `SELECT alert.id, alert.uuid, alert.boundary_limit, alert.status, alert.created, alert.modified,
        report.uuid AS report_uuid, report_benchmark.iteration, report_benchmark.benchmark_id, boundary.threshold_id,
        metric.uuid AS metric_uuid, metric.value, metric.lower_value, metric.upper_value,
        boundary.baseline, boundary.lower_limit, boundary.upper_limit
      FROM alert JOIN boundary ON boundary.id = alert.boundary_id JOIN metric ON metric.id = boundary.metric_id
      JOIN report_benchmark ON report_benchmark.id = metric.report_benchmark_id
      JOIN report ON report.id = report_benchmark.report_id
      WHERE ${clause}`,
      args
    )

  type AlertRow = Effect.Effect.Success<ReturnType<typeof alertsWhere>>[number]

  const alertJson = (project: ProjectRow, row: AlertRow) =>
    Effect.gen(function* () {
      return {
        uuid: row.uuid,
        report: row.report_uuid,
        iteration: row.iteration,
        benchmark: dimensionJson(project.uuid, yield* benchmarks.byId(row.benchmark_id)),
        metric: metricJson(row),
        threshold: yield* thresholdJson(project, yield* thresholds.byId(row.threshold_id)),
        boundary: boundaryJson(row),
        limit: row.boundary_limit === 1 ? ("upper" as const) : ("lower" as const),
        status: alertStatusName(row.status),
        created: toIso(row.created),
        modified: toIso(row.modified)
      }
    })

  const reportRows = (clause: string, args: ReadonlyArray<string | number>) =>
    sql.unsafe<ReportRow>(
      `SELECT report.id, report.uuid, report.project_id, report.head_id, report.version_id, report.testbed_id,
        report.adapter, report.partial, report.start_time, report.end_time, report.created, head.branch_id,
        job.uuid AS job_uuid
      FROM report JOIN head ON head.id = report.head_id LEFT JOIN job ON job.report_id = report.id
      WHERE ${clause}`,
      args
    )

  const findReport = (projectId: number, uuid: string) =>
    reportRows("report.project_id = ? AND report.uuid = ?", [projectId, uuid.toLowerCase()]).pipe(
      Effect.flatMap((rows) =>
        rows[0] === undefined
          ? Effect.fail(new NotFound({ message: `Report not found: ${uuid}` }))
          : Effect.succeed(rows[0])
      )
    )

  const reportById = (id: number) => reportRows("report.id = ?", [id]).pipe(Effect.flatMap(single("report")))

  /** A project's reports, newest first by default, one page of them, with the total for `X-Total-Count`. */
  const listReports = (
    projectId: number,
    filter: {
      readonly branchId?: number | undefined
      readonly testbedId?: number | undefined
      readonly startTime?: number | undefined
      readonly endTime?: number | undefined
    },
    page: Page
  ) =>
    Effect.gen(function* () {
      const where = ["report.project_id = ?"]
      const args: Array<string | number> = [projectId]
      if (filter.branchId !== undefined) {
        where.push("head.branch_id = ?")
        args.push(filter.branchId)
      }
      if (filter.testbedId !== undefined) {
        where.push("report.testbed_id = ?")
        args.push(filter.testbedId)
      }
      if (filter.startTime !== undefined) {
        where.push("report.start_time >= ?")
        args.push(filter.startTime)
      }
      if (filter.endTime !== undefined) {
        where.push("report.end_time <= ?")
        args.push(filter.endTime)
      }
      const clause = where.join(" AND ")
      const [count] = yield* sql.unsafe<{ n: number }>(
        `SELECT count(*) AS n FROM report JOIN head ON head.id = report.head_id WHERE ${clause}`,
        args
      )
      const rows = yield* reportRows(
        `${clause} ORDER BY report.start_time ${page.direction}, report.id ${page.direction} LIMIT ? OFFSET ?`,
        [...args, page.limit, page.offset]
      )
      return { rows, total: count?.n ?? 0 }
    })

  /** Where a metric of the project sits: its report, benchmark, measure and iteration. */
  const findMetric = (projectId: number, uuid: string) =>
    Effect.gen(function* () {
      const [row] = yield* sql<{ report_id: number; benchmark_id: number; measure_id: number; iteration: number }>`
        SELECT report_benchmark.report_id, report_benchmark.benchmark_id, metric.measure_id, report_benchmark.iteration
        FROM metric JOIN report_benchmark ON report_benchmark.id = metric.report_benchmark_id
        JOIN report ON report.id = report_benchmark.report_id
        WHERE metric.uuid = ${uuid.toLowerCase()} AND report.project_id = ${projectId}`
      if (row === undefined) return yield* new NotFound({ message: `Metric not found: ${uuid}` })
      return row
    })

  /** A project's alerts with the given status (all by default), by creation or modification time, one page of them. */
  const listAlerts = (
    projectId: number,
    filter: {
      readonly status?: "active" | "dismissed" | "silenced" | undefined
      readonly sort?: "created" | "modified" | undefined
    },
    page: Page
  ) =>
    Effect.gen(function* () {
      const where = ["report.project_id = ?"]
      const args: Array<number> = [projectId]
      if (filter.status !== undefined) {
        where.push("alert.status = ?")
        args.push(alertStatusInt(filter.status))
      }
      const order = filter.sort === "modified" ? "alert.modified" : "alert.created"
      const all = yield* alertsWhere(
        `${where.join(" AND ")} ORDER BY ${order} ${page.direction}, alert.id ${page.direction}`,
        args
      )
      return { rows: all.slice(page.offset, page.offset + page.limit), total: all.length }
    })

  const findAlert = (projectId: number, uuid: string) =>
    Effect.flatMap(alertsWhere("report.project_id = ? AND alert.uuid = ?", [projectId, uuid.toLowerCase()]), (rows) =>
      rows[0] === undefined
        ? Effect.fail(new NotFound({ message: `Alert not found: ${uuid}` }))
        : Effect.succeed(rows[0])
    )

  const setAlertStatus = (alertId: number, status: "active" | "dismissed" | "silenced") =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      yield* sql`UPDATE alert SET status = ${alertStatusInt(status)}, modified = ${now} WHERE id = ${alertId}`
    })

  /** Bencher's JsonReport: project, branch (at the report's head), testbed, results per iteration, alerts, counts. */
  const reportJson = (
    project: ProjectRow,
    report: ReportRow,
    options: { readonly expand: boolean } = { expand: true }
  ) =>
    Effect.gen(function* () {
      const branch = yield* branches.byId(report.branch_id)
      const testbed = yield* testbeds.byId(report.testbed_id)
      const base = {
        uuid: report.uuid,
        user: null,
        project: projectJson(project),
        branch: yield* branches.toJson(project.uuid, branch, report.head_id),
        testbed: testbedJson(project.uuid, testbed),
        start_time: toIso(report.start_time),
        end_time: toIso(report.end_time),
        adapter: Either.getOrElse(adapterFromInt(report.adapter), () => "magic"),
        job: report.job_uuid,
        partial: report.partial === 1,
        created: toIso(report.created)
      }
      // The report's rows a few hundred benchmarks per statement, in (iteration, report_benchmark, metric) order:
      // one statement for 10,000 benchmarks held the event loop for a tenth of a second or more.
      const reportBenchmarks = yield* sql<{ id: number }>`SELECT id FROM report_benchmark WHERE report_id = ${report.id}
        ORDER BY iteration, id`
      const rows: Array<ResultRow> = []
      for (let i = 0; i < reportBenchmarks.length; i += RESULT_ROWS_PER_READ) {
        const ids = reportBenchmarks.slice(i, i + RESULT_ROWS_PER_READ).map((r) => r.id)
        const chunk = yield* sql.unsafe<ResultRow>(
          `SELECT report_benchmark.iteration, report_benchmark.benchmark_id, metric.measure_id,
            metric.uuid AS metric_uuid, metric.value, metric.lower_value, metric.upper_value,
            boundary.threshold_id, boundary.model_id, boundary.baseline, boundary.lower_limit, boundary.upper_limit
          FROM report_benchmark JOIN metric ON metric.report_benchmark_id = report_benchmark.id
          LEFT JOIN boundary ON boundary.metric_id = metric.id
          WHERE report_benchmark.id IN (${ids.map(() => "?").join(", ")})
          ORDER BY report_benchmark.iteration, report_benchmark.id, metric.id`,
          ids
        )
        for (const row of chunk) rows.push(row)
      }
      const alertRows = yield* alertsWhere("report.id = ?", [report.id])
      const activeAlerts = alertRows.filter((a) => a.status === 0).length
      const iterations = new Map<number, Map<number, Array<ResultRow>>>()
      for (const row of rows) {
        const perIteration = iterations.get(row.iteration) ?? new Map<number, Array<ResultRow>>()
        iterations.set(row.iteration, perIteration)
        const perBenchmark = perIteration.get(row.benchmark_id) ?? []
        perIteration.set(row.benchmark_id, perBenchmark)
        perBenchmark.push(row)
      }
      const sortedIterations = [...iterations.entries()].sort((a, b) => a[0] - b[0])
      const counts = {
        alerts: { active: activeAlerts, total: alertRows.length },
        results: sortedIterations.map(([, perIteration]) => ({
          benchmarks: perIteration.size,
          measures: new Set([...perIteration.values()].flatMap((rs) => rs.map((r) => r.measure_id))).size
        }))
      }
      if (!options.expand) return { ...base, counts }

      const thresholdCache = new Map<string, ReturnType<typeof thresholdModelJson>>()
      // The report's benchmarks and measures in a few statements, not one per result.
      const benchmarkRows = yield* benchmarks.byIds(rows.map((r) => r.benchmark_id))
      const measureRows = yield* measures.byIds(rows.map((r) => r.measure_id))
      const rowOf = <T>(found: Map<number, T>, id: number, table: string): Effect.Effect<T> => {
        const row = found.get(id)
        return row === undefined
          ? Effect.dieMessage(`${table} ${id} of report ${report.id} vanished`)
          : Effect.succeed(row)
      }
      const results = yield* Effect.forEach(sortedIterations, ([iteration, perIteration]) =>
        Effect.forEach([...perIteration.entries()], ([benchmarkId, resultRows]) =>
          Effect.gen(function* () {
            const benchmark = dimensionJson(project.uuid, yield* rowOf(benchmarkRows, benchmarkId, "benchmark"))
            const measuresJson = yield* Effect.forEach(resultRows, (r) =>
              Effect.gen(function* () {
                let threshold: ReturnType<typeof thresholdModelJson> | null = null
                if (r.threshold_id !== null && r.model_id !== null) {
                  const key = `${r.threshold_id}:${r.model_id}`
                  if (!thresholdCache.has(key)) {
                    thresholdCache.set(
                      key,
                      thresholdModelJson(
                        project,
                        yield* thresholds.byId(r.threshold_id),
                        yield* thresholds.modelById(r.model_id)
                      )
                    )
                  }
                  threshold = thresholdCache.get(key) ?? null
                }
                return {
                  measure: measureJson(project.uuid, yield* rowOf(measureRows, r.measure_id, "measure")),
                  metric: metricJson(r),
                  threshold,
                  boundary: r.threshold_id === null ? null : boundaryJson(r)
                }
              })
            )
            return { iteration, benchmark, measures: measuresJson }
          })
        )
      )
      const alerts = yield* Effect.forEach(alertRows, (a) => alertJson(project, a))
      return { ...base, results, alerts, counts }
    })

  return PersistenceError.refailService({
    thresholdJson,
    alertJson,
    listAlerts,
    findAlert,
    setAlertStatus,
    listReports,
    findReport,
    reportById,
    findMetric,
    reportJson,
    testbedJson,
    thresholdModelJson
  } as const)
})

export class ReportViews extends Context.Tag("bencher/reports/ReportViews")<
  ReportViews,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}
