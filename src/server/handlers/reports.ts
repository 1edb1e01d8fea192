import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { BadRequest, NotFound } from "../../domain/errors.js"
import { submitRunResponse } from "../../runs/submit.js"
import { Branches } from "../../projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../../projects/dimension-services.js"
import type { ProjectRow } from "../../projects/rows.js"
import { Perf } from "../../reports/perf.js"
import { ReportPipeline, reportInputOf, validModel } from "../../reports/pipeline.js"
import { ReportViews } from "../../reports/views.js"
import type { JsonNewModel } from "../../domain/run.js"
import { toPage, setTotalCount } from "../../store/pagination.js"
import { Thresholds } from "../../thresholds/thresholds.js"
import { bodyField, projectWith } from "./support.js"

export const RunHandlersLive = HttpApiBuilder.group(BencherApi, "run", (handlers) =>
  handlers.handle("run", ({ payload }) => submitRunResponse(payload))
)

export const ReportsHandlersLive = HttpApiBuilder.group(BencherApi, "reports", (handlers) =>
  Effect.gen(function* () {
    const pipeline = yield* ReportPipeline
    const views = yield* ReportViews
    const perf = yield* Perf
    const branches = yield* Branches
    const testbeds = yield* Testbeds
    const benchmarks = yield* Benchmarks
    const measures = yield* Measures
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* views.listReports(
            project.id,
            {
              branchId:
                urlParams.branch === undefined ? undefined : (yield* branches.resolve(project.id, urlParams.branch)).id,
              testbedId:
                urlParams.testbed === undefined
                  ? undefined
                  : (yield* testbeds.resolve(project.id, urlParams.testbed)).id,
              startTime: urlParams.start_time,
              endTime: urlParams.end_time
            },
            toPage(urlParams, "desc")
          )
          yield* setTotalCount(total)
          const expand = urlParams.expand !== undefined && urlParams.expand !== "false"
          return yield* Effect.forEach(rows, (r) => views.reportJson(project, r, { expand }))
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "run")
          const id = yield* pipeline.ingest(reportInputOf(project.id, payload))
          return yield* views.reportJson(project, yield* views.reportById(id))
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return yield* views.reportJson(project, yield* views.findReport(project.id, path.report))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "delete")
          yield* pipeline.remove((yield* views.findReport(project.id, path.report)).id)
        })
      )
      .handle("metric", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const row = yield* views.findMetric(project.id, path.metric)
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
          if (series === undefined || point === undefined)
            return yield* new NotFound({ message: `Metric not found: ${path.metric}` })
          return {
            uuid: point.metric.uuid,
            ...point,
            branch: series.branch,
            testbed: series.testbed,
            benchmark: series.benchmark,
            measure: series.measure
          }
        })
      )
      .handle("perf", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return yield* perf.perf(project, urlParams)
        })
      )
  })
)

export const ThresholdsHandlersLive = HttpApiBuilder.group(BencherApi, "thresholds", (handlers) =>
  Effect.gen(function* () {
    const thresholds = yield* Thresholds
    const views = yield* ReportViews
    const branches = yield* Branches
    const testbeds = yield* Testbeds
    const measures = yield* Measures
    const find = (project: ProjectRow, uuid: string) =>
      Effect.flatMap(thresholds.findByUuid(project.id, uuid), (t) =>
        t === undefined ? Effect.fail(new NotFound({ message: `Threshold not found: ${uuid}` })) : Effect.succeed(t)
      )
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* thresholds.list(project.id, {
            ...urlParams,
            branchId:
              urlParams.branch === undefined ? undefined : (yield* branches.resolve(project.id, urlParams.branch)).id,
            testbedId:
              urlParams.testbed === undefined ? undefined : (yield* testbeds.resolve(project.id, urlParams.testbed)).id,
            measureId:
              urlParams.measure === undefined ? undefined : (yield* measures.resolve(project.id, urlParams.measure)).id
          })
          yield* setTotalCount(total)
          return yield* Effect.forEach(rows, (t) => views.thresholdJson(project, t))
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "create")
          const { branch: b, testbed: t, measure: m, ...model } = payload
          const valid = yield* validModel(model, "")
          const branch = yield* branches.resolve(project.id, b).pipe(bodyField("branch"))
          const testbed = yield* testbeds.resolve(project.id, t).pipe(bodyField("testbed"))
          const measure = yield* measures.resolve(project.id, m).pipe(bodyField("measure"))
          const threshold = yield* thresholds.createIfAbsent(project.id, branch.id, testbed.id, measure.id, valid)
          if (threshold === undefined) {
            return yield* new BadRequest({
              message: `A threshold already exists for branch ${b}, testbed ${t} and measure ${m}`
            })
          }
          return yield* views.thresholdJson(project, threshold)
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return yield* views.thresholdJson(project, yield* find(project, path.threshold))
        })
      )
      .handle("replace", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "edit")
          const threshold = yield* find(project, path.threshold)
          if (!("test" in payload) || payload.test === undefined || payload.test === null) {
            return yield* views.thresholdJson(project, yield* thresholds.setModel(threshold, null))
          }
          const valid = yield* validModel(payload as JsonNewModel, "")
          return yield* views.thresholdJson(project, yield* thresholds.setModel(threshold, valid))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "delete")
          yield* thresholds.remove(yield* find(project, path.threshold))
        })
      )
  })
)

export const AlertsHandlersLive = HttpApiBuilder.group(BencherApi, "alerts", (handlers) =>
  Effect.gen(function* () {
    const views = yield* ReportViews
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* views.listAlerts(project.id, urlParams, toPage(urlParams, "desc"))
          yield* setTotalCount(total)
          return yield* Effect.forEach(rows, (a) => views.alertJson(project, a))
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return yield* views.alertJson(project, yield* views.findAlert(project.id, path.alert))
        })
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "edit")
          const alert = yield* views.findAlert(project.id, path.alert)
          if (payload.status !== undefined && payload.status !== null)
            yield* views.setAlertStatus(alert.id, payload.status)
          return yield* views.alertJson(project, yield* views.findAlert(project.id, path.alert))
        })
      )
  })
)
