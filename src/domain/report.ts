import { Schema } from "effect"
import { Uuid } from "./ids.js"
import { DateTimeString } from "./time.js"
import { JsonSpec } from "./spec.js"

const optionalNull = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))

export const Visibility = Schema.Literal("public", "private")

export const JsonProject = Schema.Struct({
  uuid: Uuid,
  organization: Uuid,
  name: Schema.String,
  slug: Schema.String,
  url: optionalNull(Schema.String),
  visibility: Visibility,
  claimed: optionalNull(DateTimeString),
  created: DateTimeString,
  modified: DateTimeString
})

export const JsonVersion = Schema.Struct({ number: Schema.Int, hash: optionalNull(Schema.String) })

export const JsonStartPoint = Schema.Struct({
  branch: Uuid,
  head: Uuid,
  version: JsonVersion
})

export const JsonHead = Schema.Struct({
  uuid: Uuid,
  start_point: optionalNull(JsonStartPoint),
  version: optionalNull(JsonVersion),
  created: DateTimeString,
  replaced: optionalNull(DateTimeString)
})

export const JsonBranch = Schema.Struct({
  uuid: Uuid,
  project: Uuid,
  name: Schema.String,
  slug: Schema.String,
  head: JsonHead,
  created: DateTimeString,
  modified: DateTimeString,
  archived: optionalNull(DateTimeString)
})

export const JsonTestbed = Schema.Struct({
  uuid: Uuid,
  project: Uuid,
  name: Schema.String,
  slug: Schema.String,
  spec: optionalNull(JsonSpec),
  created: DateTimeString,
  modified: DateTimeString,
  archived: optionalNull(DateTimeString)
})

export const JsonBenchmark = Schema.Struct({
  uuid: Uuid,
  project: Uuid,
  name: Schema.String,
  slug: Schema.String,
  created: DateTimeString,
  modified: DateTimeString,
  archived: optionalNull(DateTimeString)
})

export const JsonMeasure = Schema.Struct({
  uuid: Uuid,
  project: Uuid,
  name: Schema.String,
  slug: Schema.String,
  units: Schema.String,
  created: DateTimeString,
  modified: DateTimeString,
  archived: optionalNull(DateTimeString)
})

export const JsonMetric = Schema.Struct({
  uuid: Uuid,
  value: Schema.Number,
  lower_value: optionalNull(Schema.Number),
  upper_value: optionalNull(Schema.Number)
})

export const JsonBoundary = Schema.Struct({
  baseline: optionalNull(Schema.Number),
  lower_limit: optionalNull(Schema.Number),
  upper_limit: optionalNull(Schema.Number)
})

export const JsonModel = Schema.Struct({
  uuid: Uuid,
  test: Schema.String,
  min_sample_size: optionalNull(Schema.Int),
  max_sample_size: optionalNull(Schema.Int),
  window: optionalNull(Schema.Int),
  lower_boundary: optionalNull(Schema.Number),
  upper_boundary: optionalNull(Schema.Number),
  created: DateTimeString,
  replaced: optionalNull(DateTimeString)
})

export const JsonThresholdModel = Schema.Struct({
  uuid: Uuid,
  project: Uuid,
  model: JsonModel,
  created: DateTimeString
})

export const JsonReportMeasure = Schema.Struct({
  measure: JsonMeasure,
  metric: JsonMetric,
  threshold: optionalNull(JsonThresholdModel),
  boundary: optionalNull(JsonBoundary)
})

export const JsonReportResult = Schema.Struct({
  iteration: Schema.Int,
  benchmark: JsonBenchmark,
  measures: Schema.Array(JsonReportMeasure)
})

export const AlertStatus = Schema.Literal("active", "dismissed", "silenced")
export const BoundaryLimit = Schema.Literal("lower", "upper")

export const JsonReportAlertsCounts = Schema.Struct({ active: Schema.Int, total: Schema.Int })
export const JsonReportIterationCounts = Schema.Struct({ benchmarks: Schema.Int, measures: Schema.Int })
export const JsonReportCounts = Schema.Struct({
  alerts: JsonReportAlertsCounts,
  results: Schema.Array(JsonReportIterationCounts)
})

export const JsonPubUser = Schema.Struct({ uuid: Uuid, name: Schema.String, slug: Schema.String })

export const JsonThreshold = Schema.Struct({
  uuid: Uuid,
  project: Uuid,
  branch: JsonBranch,
  testbed: JsonTestbed,
  measure: JsonMeasure,
  model: optionalNull(JsonModel),
  created: DateTimeString,
  modified: DateTimeString
})
export type JsonThreshold = typeof JsonThreshold.Type

export const JsonAlert = Schema.Struct({
  uuid: Uuid,
  report: Uuid,
  iteration: Schema.Int,
  benchmark: JsonBenchmark,
  metric: JsonMetric,
  threshold: JsonThreshold,
  boundary: JsonBoundary,
  limit: BoundaryLimit,
  status: AlertStatus,
  created: DateTimeString,
  modified: DateTimeString
})
export type JsonAlert = typeof JsonAlert.Type
export const JsonReportAlert = JsonAlert

/** Bencher's JsonReport; `job` links a remote run's job, `partial` is ours (a failed job's surviving iterations). */
export const JsonReport = Schema.Struct({
  uuid: Uuid,
  user: optionalNull(JsonPubUser),
  project: JsonProject,
  branch: JsonBranch,
  testbed: JsonTestbed,
  start_time: DateTimeString,
  end_time: DateTimeString,
  adapter: Schema.String,
  results: optionalNull(Schema.Array(Schema.Array(JsonReportResult))),
  alerts: optionalNull(Schema.Array(JsonReportAlert)),
  counts: Schema.optional(JsonReportCounts),
  job: optionalNull(Uuid),
  partial: Schema.optional(Schema.Boolean),
  created: DateTimeString
})
export type JsonReport = typeof JsonReport.Type
