import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { MODEL_TESTS } from "../../stats/model.js"
import { clientOptions } from "../backend.js"
import { archivedFlag, orUndefined, pagination, paginationParams, projectArg, withClient } from "./common.js"

// `bencher threshold {list,create,view,update,delete}`, `alert {list,view,update}`, `report {list,view,delete}` and
// `metric view`, with Bencher's names and flags (docs/reference.md §4.3). Each prints the server's JSON body.

const uuidArg = (name: string, what: string) => Args.text({ name }).pipe(Args.withDescription(`${what} UUID`))
const dimension = (name: string, what: string) =>
  Options.text(name).pipe(Options.withDescription(`${what} slug, name or UUID`))

// ---- threshold ----

const thresholdArg = uuidArg("threshold", "Threshold")
const model = {
  minSampleSize: Options.integer("min-sample-size").pipe(
    Options.withDescription("Fewest metrics needed to test"),
    Options.optional
  ),
  maxSampleSize: Options.integer("max-sample-size").pipe(
    Options.withDescription("Most metrics used"),
    Options.optional
  ),
  window: Options.integer("window").pipe(Options.withDescription("Time window in seconds"), Options.optional),
  lowerBoundary: Options.float("lower-boundary").pipe(Options.withDescription("Lower boundary"), Options.optional),
  upperBoundary: Options.float("upper-boundary").pipe(Options.withDescription("Upper boundary"), Options.optional)
}
const test = Options.choice("test", MODEL_TESTS).pipe(Options.withDescription("Threshold test"))
type ModelFlags = Command.Command.ParseConfig<typeof model>
/** Only the flags given: the model's optional fields are exact (absent, never undefined). */
const modelBody = <T>(t: T, o: ModelFlags) => ({
  test: t,
  ...Option.match(o.minSampleSize, { onNone: () => ({}), onSome: (min_sample_size) => ({ min_sample_size }) }),
  ...Option.match(o.maxSampleSize, { onNone: () => ({}), onSome: (max_sample_size) => ({ max_sample_size }) }),
  ...Option.match(o.window, { onNone: () => ({}), onSome: (window) => ({ window }) }),
  ...Option.match(o.lowerBoundary, { onNone: () => ({}), onSome: (lower_boundary) => ({ lower_boundary }) }),
  ...Option.match(o.upperBoundary, { onNone: () => ({}), onSome: (upper_boundary) => ({ upper_boundary }) })
})

const thresholdList = Command.make(
  "list",
  {
    ...clientOptions,
    project: projectArg,
    branch: dimension("branch", "Branch").pipe(Options.optional),
    testbed: dimension("testbed", "Testbed").pipe(Options.optional),
    measure: dimension("measure", "Measure").pipe(Options.optional),
    archived: archivedFlag,
    ...pagination(["created", "modified"] as const)
  },
  (o) =>
    withClient(o, (c) =>
      c.thresholds.list({
        path: { project: o.project },
        urlParams: {
          ...paginationParams(o),
          branch: orUndefined(o.branch),
          testbed: orUndefined(o.testbed),
          measure: orUndefined(o.measure),
          archived: o.archived ? true : undefined
        }
      })
    )
).pipe(Command.withDescription("List a project's thresholds"))

const thresholdCreate = Command.make(
  "create",
  {
    ...clientOptions,
    project: projectArg,
    branch: dimension("branch", "Branch"),
    testbed: dimension("testbed", "Testbed"),
    measure: dimension("measure", "Measure"),
    test,
    ...model
  },
  (o) =>
    withClient(o, (c) =>
      c.thresholds.create({
        path: { project: o.project },
        payload: { branch: o.branch, testbed: o.testbed, measure: o.measure, ...modelBody(o.test, o) }
      })
    )
).pipe(Command.withDescription("Create a threshold"))

const thresholdView = Command.make("view", { ...clientOptions, project: projectArg, threshold: thresholdArg }, (o) =>
  withClient(o, (c) => c.thresholds.view({ path: { project: o.project, threshold: o.threshold } }))
).pipe(Command.withDescription("View a threshold"))

const thresholdUpdate = Command.make(
  "update",
  {
    ...clientOptions,
    project: projectArg,
    threshold: thresholdArg,
    test: test.pipe(Options.optional),
    ...model,
    removeModel: Options.boolean("remove-model").pipe(Options.withDescription("Remove the threshold's model"))
  },
  (o) =>
    Option.isNone(o.test) && !o.removeModel
      ? Effect.fail(new Error("give --test (with the model's other flags) or --remove-model"))
      : withClient(o, (c) => {
          const path = { project: o.project, threshold: o.threshold }
          return Option.match(o.test, {
            onNone: () => c.thresholds.replace({ path, payload: { test: null } }),
            onSome: (t) => c.thresholds.replace({ path, payload: modelBody(t, o) })
          })
        })
).pipe(Command.withDescription("Replace a threshold's model, or remove it"))

const thresholdDelete = Command.make(
  "delete",
  { ...clientOptions, project: projectArg, threshold: thresholdArg },
  (o) => withClient(o, (c) => c.thresholds.remove({ path: { project: o.project, threshold: o.threshold } }))
).pipe(Command.withDescription("Delete a threshold"))

export const thresholdCommand = Command.make("threshold").pipe(
  Command.withDescription("Thresholds: list, create, view, update, delete"),
  Command.withSubcommands([thresholdList, thresholdCreate, thresholdView, thresholdUpdate, thresholdDelete])
)

// ---- alert ----

const alertArg = uuidArg("alert", "Alert")

const alertList = Command.make(
  "list",
  {
    ...clientOptions,
    project: projectArg,
    status: Options.choice("status", ["active", "dismissed", "silenced"] as const).pipe(
      Options.withDescription("Only alerts in this status"),
      Options.optional
    ),
    archived: archivedFlag,
    ...pagination(["created", "modified"] as const)
  },
  (o) =>
    withClient(o, (c) =>
      c.alerts.list({
        path: { project: o.project },
        urlParams: { ...paginationParams(o), status: orUndefined(o.status), archived: o.archived ? true : undefined }
      })
    )
).pipe(Command.withDescription("List a project's alerts"))

const alertView = Command.make("view", { ...clientOptions, project: projectArg, alert: alertArg }, (o) =>
  withClient(o, (c) => c.alerts.view({ path: { project: o.project, alert: o.alert } }))
).pipe(Command.withDescription("View an alert"))

const alertUpdate = Command.make(
  "update",
  {
    ...clientOptions,
    project: projectArg,
    alert: alertArg,
    status: Options.choice("status", ["active", "dismissed"] as const).pipe(
      Options.withDescription("dismissed to dismiss it, active to reopen it"),
      Options.optional
    )
  },
  (o) =>
    withClient(o, (c) =>
      c.alerts.update({ path: { project: o.project, alert: o.alert }, payload: { status: orUndefined(o.status) } })
    )
).pipe(Command.withDescription("Update an alert: --status dismissed dismisses it"))

export const alertCommand = Command.make("alert").pipe(
  Command.withDescription("Alerts: list, view, update"),
  Command.withSubcommands([alertList, alertView, alertUpdate])
)

// ---- report ----

const reportArg = uuidArg("report", "Report")

/** `--start-time`/`--end-time`: epoch milliseconds (as the API takes them) or an RFC 3339 date. */
const epochMs = (name: string) =>
  Options.text(name).pipe(
    Options.withDescription("Epoch milliseconds or an RFC 3339 date"),
    Options.filterMap((s) => {
      const ms = /^-?\d+$/.test(s) ? Number(s) : Date.parse(s)
      return Number.isFinite(ms) ? Option.some(ms) : Option.none()
    }, `--${name} must be epoch milliseconds or an RFC 3339 date`),
    Options.optional
  )

const reportList = Command.make(
  "list",
  {
    ...clientOptions,
    project: projectArg,
    branch: dimension("branch", "Branch").pipe(Options.optional),
    testbed: dimension("testbed", "Testbed").pipe(Options.optional),
    startTime: epochMs("start-time"),
    endTime: epochMs("end-time"),
    archived: archivedFlag,
    ...pagination(["date_time"] as const)
  },
  (o) =>
    withClient(o, (c) =>
      c.reports.list({
        path: { project: o.project },
        urlParams: {
          ...paginationParams(o),
          branch: orUndefined(o.branch),
          testbed: orUndefined(o.testbed),
          start_time: orUndefined(o.startTime),
          end_time: orUndefined(o.endTime),
          archived: o.archived ? true : undefined
        }
      })
    )
).pipe(Command.withDescription("List a project's reports"))

/** `--start-time`/`--end-time` of a new report: an RFC 3339 date or epoch milliseconds, sent as RFC 3339. */
const isoTime = (name: string) =>
  Options.text(name).pipe(
    Options.withDescription("RFC 3339 date or epoch milliseconds"),
    Options.filterMap((s) => {
      const ms = /^-?\d+$/.test(s) ? Number(s) : Date.parse(s)
      return Number.isFinite(ms) ? Option.some(new Date(ms).toISOString()) : Option.none()
    }, `--${name} must be an RFC 3339 date or epoch milliseconds`)
  )

const reportCreate = Command.make(
  "create",
  {
    ...clientOptions,
    project: projectArg,
    branch: dimension("branch", "Branch").pipe(Options.optional),
    hash: Options.text("hash").pipe(Options.withDescription("Git hash of the branch's version"), Options.optional),
    testbed: dimension("testbed", "Testbed").pipe(Options.optional),
    startTime: isoTime("start-time"),
    endTime: isoTime("end-time"),
    results: Options.text("results").pipe(
      Options.withDescription("Benchmark results, one string per iteration (repeatable)"),
      Options.repeated,
      Options.filterMap((r) => (r.length > 0 ? Option.some(r) : Option.none()), "--results is required")
    ),
    adapter: Options.text("adapter").pipe(
      Options.withDescription("Adapter of the results (default magic)"),
      Options.optional
    ),
    average: Options.choice("average", ["mean", "median"] as const).pipe(
      Options.withDescription("Benchmark harness average"),
      Options.optional
    ),
    fold: Options.choice("fold", ["min", "max", "mean", "median"] as const).pipe(
      Options.withDescription("Fold several iterations into one"),
      Options.optional
    )
  },
  (o) =>
    withClient(o, (c) =>
      c.reports.create({
        path: { project: o.project },
        payload: {
          branch: orUndefined(o.branch),
          hash: orUndefined(o.hash),
          testbed: orUndefined(o.testbed),
          start_time: o.startTime,
          end_time: o.endTime,
          results: o.results,
          settings: { adapter: orUndefined(o.adapter), average: orUndefined(o.average), fold: orUndefined(o.fold) }
        }
      })
    )
).pipe(Command.withDescription("Create a report from benchmark results"))

const reportView = Command.make("view", { ...clientOptions, project: projectArg, report: reportArg }, (o) =>
  withClient(o, (c) => c.reports.view({ path: { project: o.project, report: o.report } }))
).pipe(Command.withDescription("View a report"))

const reportDelete = Command.make("delete", { ...clientOptions, project: projectArg, report: reportArg }, (o) =>
  withClient(o, (c) => c.reports.remove({ path: { project: o.project, report: o.report } }))
).pipe(Command.withDescription("Delete a report"))

export const reportCommand = Command.make("report").pipe(
  Command.withDescription("Reports: list, create, view, delete"),
  Command.withSubcommands([reportList, reportCreate, reportView, reportDelete])
)

// ---- metric ----

const metricView = Command.make(
  "view",
  { ...clientOptions, project: projectArg, metric: uuidArg("metric", "Metric") },
  (o) => withClient(o, (c) => c.reports.metric({ path: { project: o.project, metric: o.metric } }))
).pipe(Command.withDescription("View a metric with its boundary and alert"))

export const metricCommand = Command.make("metric").pipe(
  Command.withDescription("Metrics: view"),
  Command.withSubcommands([metricView])
)
