import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Clock, Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { BadRequest, NotFound } from "../../domain/errors.js"
import { submitRunResponse } from "../../runs/submit.js"
import { CurrentActor } from "../../identity/actor.js"
import { Branches } from "../../projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../../projects/dimension-services.js"
import { visibilityOf } from "../../identity/project-ref.js"
import type { ProjectRow } from "../../projects/rows.js"
import { SeriesHistory } from "../../reports/history.js"
import { Perf } from "../../reports/perf.js"
import { ReportPipeline, reportInputOf, validModel } from "../../reports/pipeline.js"
import { alertStatusInt, ReportViews } from "../../reports/views.js"
import type { JsonNewModel } from "../../domain/run.js"
import { retryBusy } from "../../store/database.js"
import { toPage, setTotalCount } from "../../store/pagination.js"
import { Thresholds } from "../../thresholds/thresholds.js"
import { bodyField, orInternal, projectWith } from "./support.js"

export const RunHandlersLive = HttpApiBuilder.group(BencherApi, "run", (handlers) =>
  handlers.handle("run", ({ payload }) => orInternal(submitRunResponse(payload))))

export const ReportsHandlersLive = HttpApiBuilder.group(BencherApi, "reports", (handlers) =>
  Effect.gen(function*() {
    const pipeline = yield* ReportPipeline
    const views = yield* ReportViews
    const perf = yield* Perf
    const seriesHistory = yield* SeriesHistory
    const branches = yield* Branches
    const testbeds = yield* Testbeds
    const benchmarks = yield* Benchmarks
    const measures = yield* Measures
    const sql = yield* SqlClient.SqlClient
    return handlers
      .handle("list", ({ path, urlParams }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          const page = toPage(urlParams, "desc")
          const where = ["report.project_id = ?"]
          const args: Array<string | number> = [project.id]
          if (urlParams.branch !== undefined) {
            where.push("head.branch_id = ?")
            args.push((yield* branches.resolve(project.id, urlParams.branch)).id)
          }
          if (urlParams.testbed !== undefined) {
            where.push("report.testbed_id = ?")
            args.push((yield* testbeds.resolve(project.id, urlParams.testbed)).id)
          }
          if (urlParams.start_time !== undefined) {
            where.push("report.start_time >= ?")
            args.push(urlParams.start_time)
          }
          if (urlParams.end_time !== undefined) {
            where.push("report.end_time <= ?")
            args.push(urlParams.end_time)
          }
          const clause = where.join(" AND ")
          const [count] = yield* sql.unsafe<{ n: number }>(
            `SELECT count(*) AS n FROM report JOIN head ON head.id = report.head_id WHERE ${clause}`,
            args
          )
          const rows = yield* views.reportRows(
            `${clause} ORDER BY report.start_time ${page.direction}, report.id ${page.direction} LIMIT ? OFFSET ?`,
            [...args, page.limit, page.offset]
          )
          yield* setTotalCount(count?.n ?? 0)
          const expand = urlParams.expand !== undefined && urlParams.expand !== "false"
          return yield* Effect.forEach(rows, (r) => views.reportJson(project, r, { expand }))
        })))
      .handle("create", ({ path, payload }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "run")
          const id = yield* pipeline.ingest(reportInputOf(project.id, payload))
          return yield* views.reportJson(project, yield* views.reportById(id))
        })))
      .handle("view", ({ path }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          return yield* views.reportJson(project, yield* views.findReport(project.id, path.report))
        })))
      .handle("remove", ({ path }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "delete")
          const report = yield* views.findReport(project.id, path.report)
          yield* sql`DELETE FROM report WHERE id = ${report.id}`
          yield* seriesHistory.invalidate
        })))
      .handle("metric", ({ path }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          const [row] = yield* sql<{ report_id: number; benchmark_id: number; measure_id: number; iteration: number }>`
            SELECT report_benchmark.report_id, report_benchmark.benchmark_id, metric.measure_id, report_benchmark.iteration
            FROM metric JOIN report_benchmark ON report_benchmark.id = metric.report_benchmark_id
            JOIN report ON report.id = report_benchmark.report_id
            WHERE metric.uuid = ${path.metric.toLowerCase()} AND report.project_id = ${project.id}`
          if (row === undefined) return yield* new NotFound({ message: `Metric not found: ${path.metric}` })
          const report = yield* views.reportById(row.report_id)
          const branch = yield* branches.byId(report.branch_id)
          const json = yield* perf.perf(project, {
            branches: [branch.uuid],
            heads: [(yield* branches.headById(report.head_id)).uuid],
            testbeds: [(yield* testbeds.byId(report.testbed_id)).uuid],
            benchmarks: [(yield* benchmarks.byId(row.benchmark_id)).uuid],
            measures: [(yield* measures.byId(row.measure_id)).uuid]
          })
          const series = json.results[0]
          const point = series?.metrics.find((m) => m.metric.uuid === path.metric.toLowerCase())
          if (series === undefined || point === undefined) return yield* new NotFound({ message: `Metric not found: ${path.metric}` })
          return {
            uuid: point.metric.uuid,
            ...point,
            branch: series.branch,
            testbed: series.testbed,
            benchmark: series.benchmark,
            measure: series.measure
          }
        })))
      .handle("perf", ({ path, urlParams }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          return yield* perf.perf(project, urlParams)
        })))
  }))

export const ThresholdsHandlersLive = HttpApiBuilder.group(BencherApi, "thresholds", (handlers) =>
  Effect.gen(function*() {
    const thresholds = yield* Thresholds
    const views = yield* ReportViews
    const branches = yield* Branches
    const testbeds = yield* Testbeds
    const measures = yield* Measures
    const sql = yield* SqlClient.SqlClient
    const find = (project: ProjectRow, uuid: string) =>
      Effect.flatMap(thresholds.findByUuid(project.id, uuid), (t) =>
        t === undefined ? Effect.fail(new NotFound({ message: `Threshold not found: ${uuid}` })) : Effect.succeed(t))
    return handlers
      .handle("list", ({ path, urlParams }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* thresholds.list(project.id, {
            ...urlParams,
            branchId: urlParams.branch === undefined ? undefined : (yield* branches.resolve(project.id, urlParams.branch)).id,
            testbedId: urlParams.testbed === undefined ? undefined : (yield* testbeds.resolve(project.id, urlParams.testbed)).id,
            measureId: urlParams.measure === undefined ? undefined : (yield* measures.resolve(project.id, urlParams.measure)).id
          })
          yield* setTotalCount(total)
          return yield* Effect.forEach(rows, (t) => views.thresholdJson(project, t))
        })))
      .handle("create", ({ path, payload }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "create")
          const { branch: b, testbed: t, measure: m, ...model } = payload
          const valid = yield* validModel(model, "")
          return yield* retryBusy(sql.withTransaction(Effect.gen(function*() {
            const branch = yield* branches.resolve(project.id, b).pipe(bodyField("branch"))
            const testbed = yield* testbeds.resolve(project.id, t).pipe(bodyField("testbed"))
            const measure = yield* measures.resolve(project.id, m).pipe(bodyField("measure"))
            if ((yield* thresholds.find(branch.id, testbed.id, measure.id)) !== undefined) {
              return yield* new BadRequest({ message: `A threshold already exists for branch ${b}, testbed ${t} and measure ${m}` })
            }
            const threshold = yield* thresholds.upsert(project.id, branch.id, testbed.id, measure.id, valid)
            return yield* views.thresholdJson(project, threshold)
          })))
        })))
      .handle("view", ({ path }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          return yield* views.thresholdJson(project, yield* find(project, path.threshold))
        })))
      .handle("replace", ({ path, payload }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "edit")
          const threshold = yield* find(project, path.threshold)
          if (!("test" in payload) || payload.test === undefined || payload.test === null) {
            return yield* views.thresholdJson(project, yield* thresholds.setModel(threshold, null))
          }
          const valid = yield* validModel(payload as JsonNewModel, "")
          return yield* views.thresholdJson(project, yield* thresholds.setModel(threshold, valid))
        })))
      .handle("remove", ({ path }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "delete")
          yield* thresholds.remove(yield* find(project, path.threshold))
        })))
  }))

export const AlertsHandlersLive = HttpApiBuilder.group(BencherApi, "alerts", (handlers) =>
  Effect.gen(function*() {
    const views = yield* ReportViews
    const sql = yield* SqlClient.SqlClient
    const find = (project: ProjectRow, uuid: string) =>
      Effect.flatMap(views.alertsWhere("report.project_id = ? AND alert.uuid = ?", [project.id, uuid.toLowerCase()]), (rows) =>
        rows[0] === undefined ? Effect.fail(new NotFound({ message: `Alert not found: ${uuid}` })) : Effect.succeed(rows[0]))
    return handlers
      .handle("list", ({ path, urlParams }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          const page = toPage(urlParams, "desc")
          const where = ["report.project_id = ?"]
          const args: Array<number> = [project.id]
          if (urlParams.status !== undefined) {
            where.push("alert.status = ?")
            args.push(alertStatusInt(urlParams.status))
          }
          const order = urlParams.sort === "modified" ? "alert.modified" : "alert.created"
          const all = yield* views.alertsWhere(`${where.join(" AND ")} ORDER BY ${order} ${page.direction}, alert.id ${page.direction}`, args)
          yield* setTotalCount(all.length)
          return yield* Effect.forEach(all.slice(page.offset, page.offset + page.limit), (a) => views.alertJson(project, a))
        })))
      .handle("view", ({ path }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "view")
          return yield* views.alertJson(project, yield* find(project, path.alert))
        })))
      .handle("update", ({ path, payload }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "edit")
          const alert = yield* find(project, path.alert)
          if (payload.status !== undefined && payload.status !== null) {
            const now = yield* Clock.currentTimeMillis
            yield* sql`UPDATE alert SET status = ${alertStatusInt(payload.status)}, modified = ${now} WHERE id = ${alert.id}`
          }
          return yield* views.alertJson(project, yield* find(project, path.alert))
        })))
  }))
