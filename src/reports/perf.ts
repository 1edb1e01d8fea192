import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import { BadRequest, PersistenceError } from "../domain/errors.js"
import { MAX_PERF_PERMUTATIONS } from "../domain/limits.js"
import type { PerfParams } from "../domain/resources.js"
import { toIso } from "../domain/time.js"
import { Branches } from "../projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../projects/dimension-services.js"
import { dimensionJson, measureJson, type ProjectRow, projectJson } from "../projects/rows.js"
import { Thresholds } from "../thresholds/thresholds.js"
import { alertStatusName, boundaryJson, type MetricBoundaryColumns, metricJson, ReportViews } from "./views.js"

interface PerfRow extends MetricBoundaryColumns {
  readonly report_uuid: string
  readonly iteration: number
  readonly start_time: number
  readonly end_time: number
  readonly number: number
  readonly hash: string | null
  readonly alert_uuid: string | null
  readonly boundary_limit: number | null
  readonly alert_status: number | null
  readonly alert_modified: number | null
}

/** `GET /v0/projects/{project}/perf` (docs/reference.md §7.1): every branch x testbed x benchmark x measure series. */
const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const branches = yield* Branches
  const testbeds = yield* Testbeds
  const benchmarks = yield* Benchmarks
  const measures = yield* Measures
  const thresholds = yield* Thresholds
  const views = yield* ReportViews

  const series = (q: {
    readonly headId: number
    readonly testbedId: number
    readonly benchmarkId: number
    readonly measureId: number
    readonly specId: number | null
    readonly start: number | null
    readonly end: number | null
  }) =>
    sql<PerfRow>`SELECT report.uuid AS report_uuid, report_benchmark.iteration, report.start_time, report.end_time,
        version.number, version.hash, metric.uuid AS metric_uuid, metric.value, metric.lower_value, metric.upper_value,
        boundary.threshold_id, boundary.model_id, boundary.baseline, boundary.lower_limit, boundary.upper_limit,
        alert.uuid AS alert_uuid, alert.boundary_limit, alert.status AS alert_status, alert.modified AS alert_modified
      FROM report_benchmark
      JOIN report ON report.id = report_benchmark.report_id
      JOIN head_version ON head_version.version_id = report.version_id AND head_version.head_id = ${q.headId}
      JOIN version ON version.id = report.version_id
      JOIN metric ON metric.report_benchmark_id = report_benchmark.id AND +metric.measure_id = ${q.measureId}
      LEFT JOIN boundary ON boundary.metric_id = metric.id
      LEFT JOIN alert ON alert.boundary_id = boundary.id
      WHERE report_benchmark.benchmark_id = ${q.benchmarkId} AND report.testbed_id = ${q.testbedId}
        AND (${q.specId} IS NULL OR report.spec_id = ${q.specId})
        AND (${q.start} IS NULL OR report.start_time >= ${q.start})
        AND (${q.end} IS NULL OR report.end_time <= ${q.end})
      ORDER BY version.number ASC, report.start_time ASC, report_benchmark.iteration ASC`

  const perf = (project: ProjectRow, params: PerfParams) =>
    Effect.gen(function* () {
      if (params.heads !== undefined && params.heads.length !== params.branches.length) {
        return yield* new BadRequest({ message: "heads: must have one entry per branch (empty for the current head)" })
      }
      const branchRows = yield* Effect.forEach(params.branches, (b) => branches.resolve(project.id, b))
      const testbedRows = yield* Effect.forEach(params.testbeds, (t) => testbeds.resolve(project.id, t))
      const benchmarkRows = yield* Effect.forEach(params.benchmarks, (b) => benchmarks.resolve(project.id, b))
      const measureRows = yield* Effect.forEach(params.measures, (m) => measures.resolve(project.id, m))
      const heads = yield* Effect.forEach(branchRows, (branch, i) =>
        Effect.gen(function* () {
          const wanted = params.heads?.[i]
          if (wanted === undefined || wanted === "") return branch.head_id
          const [head] = yield* sql<{
            id: number
          }>`SELECT id FROM head WHERE uuid = ${wanted.toLowerCase()} AND branch_id = ${branch.id}`
          if (head === undefined)
            return yield* new BadRequest({ message: `heads: head ${wanted} is not a head of branch ${branch.name}` })
          return head.id
        })
      )

      const results = []
      let permutations = 0
      outer: for (const [bi, branch] of branchRows.entries()) {
        const headId = heads[bi] ?? null
        if (headId === null) continue
        const branchJson = yield* branches.toJson(project.uuid, branch, headId)
        for (const testbed of testbedRows) {
          for (const benchmark of benchmarkRows) {
            for (const measure of measureRows) {
              if (++permutations > MAX_PERF_PERMUTATIONS) break outer
              const rows = yield* series({
                headId,
                testbedId: testbed.id,
                benchmarkId: benchmark.id,
                measureId: measure.id,
                specId: null,
                start: params.start_time ?? null,
                end: params.end_time ?? null
              })
              const metrics = yield* Effect.forEach(rows, (r) =>
                Effect.gen(function* () {
                  const threshold =
                    r.threshold_id !== null && r.model_id !== null
                      ? views.thresholdModelJson(
                          project,
                          yield* thresholds.byId(r.threshold_id),
                          yield* thresholds.modelById(r.model_id)
                        )
                      : null
                  return {
                    report: r.report_uuid,
                    iteration: r.iteration,
                    start_time: toIso(r.start_time),
                    end_time: toIso(r.end_time),
                    version: { number: r.number, hash: r.hash },
                    metric: metricJson(r),
                    threshold,
                    boundary: r.threshold_id === null ? null : boundaryJson(r),
                    alert:
                      r.alert_uuid === null
                        ? null
                        : {
                            uuid: r.alert_uuid,
                            limit: r.boundary_limit === 1 ? ("upper" as const) : ("lower" as const),
                            status: alertStatusName(r.alert_status ?? 0),
                            modified: toIso(r.alert_modified ?? 0)
                          }
                  }
                })
              )
              results.push({
                branch: branchJson,
                testbed: views.testbedJson(project.uuid, testbed),
                benchmark: dimensionJson(project.uuid, benchmark),
                measure: measureJson(project.uuid, measure),
                metrics
              })
            }
          }
        }
      }
      return {
        project: projectJson(project),
        start_time: params.start_time === undefined ? null : toIso(params.start_time),
        end_time: params.end_time === undefined ? null : toIso(params.end_time),
        results
      }
    })

  return PersistenceError.refailService({ perf } as const)
})

export class Perf extends Context.Tag("bencher/reports/Perf")<Perf, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}
