import { Schema } from "effect"
import { BenchmarkName, BranchName, NameId, ResourceId, ResourceName, Slug } from "./ids.js"
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from "./limits.js"
import {
  AlertStatus,
  BoundaryLimit,
  JsonBenchmark,
  JsonBoundary,
  JsonBranch,
  JsonMeasure,
  JsonMetric,
  JsonProject,
  JsonTestbed,
  JsonThresholdModel,
  JsonVersion,
  Visibility
} from "./report.js"
import { JsonNewModel, JsonUpdateStartPoint } from "./run.js"
import { DateTimeString } from "./time.js"

const optionalNull = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))

// ---- request bodies (Bencher's JsonNew* / JsonUpdate*) ----

export const JsonNewProject = Schema.Struct({
  name: ResourceName,
  slug: optionalNull(Slug),
  url: optionalNull(Schema.String),
  visibility: optionalNull(Visibility)
})
export const JsonUpdateProject = Schema.Struct({
  name: optionalNull(ResourceName),
  slug: optionalNull(Slug),
  url: optionalNull(Schema.String),
  visibility: optionalNull(Visibility)
})

export const JsonNewStartPoint = Schema.Struct({
  branch: NameId,
  hash: optionalNull(Schema.String),
  max_versions: optionalNull(Schema.Int.pipe(Schema.nonNegative())),
  clone_thresholds: optionalNull(Schema.Boolean)
})
export const JsonNewBranch = Schema.Struct({
  name: BranchName,
  slug: optionalNull(Slug),
  start_point: optionalNull(JsonNewStartPoint)
})
export const JsonUpdateBranch = Schema.Struct({
  name: optionalNull(BranchName),
  slug: optionalNull(Slug),
  start_point: optionalNull(JsonUpdateStartPoint),
  archived: optionalNull(Schema.Boolean)
})

export const JsonNewTestbed = Schema.Struct({
  name: ResourceName,
  slug: optionalNull(Slug),
  spec: optionalNull(ResourceId)
})
export const JsonUpdateTestbed = Schema.Struct({
  name: optionalNull(ResourceName),
  slug: optionalNull(Slug),
  spec: optionalNull(ResourceId),
  archived: optionalNull(Schema.Boolean)
})

export const JsonNewMeasure = Schema.Struct({ name: ResourceName, slug: optionalNull(Slug), units: ResourceName })
export const JsonUpdateMeasure = Schema.Struct({
  name: optionalNull(ResourceName),
  slug: optionalNull(Slug),
  units: optionalNull(ResourceName),
  archived: optionalNull(Schema.Boolean)
})

export const JsonNewBenchmark = Schema.Struct({ name: BenchmarkName, slug: optionalNull(Slug) })
export const JsonUpdateBenchmark = Schema.Struct({
  name: optionalNull(BenchmarkName),
  slug: optionalNull(Slug),
  archived: optionalNull(Schema.Boolean)
})

export const JsonNewThreshold = Schema.extend(
  Schema.Struct({ branch: NameId, testbed: NameId, measure: NameId }),
  JsonNewModel
)
/** PUT replaces the model; `{"test": null}`-less bodies with only nulls remove it (Bencher's JsonRemoveModel). */
export const JsonUpdateThreshold = Schema.Union(JsonNewModel, Schema.Struct({ test: Schema.optional(Schema.Null) }))

export const JsonUpdateAlert = Schema.Struct({ status: optionalNull(Schema.Literal("active", "dismissed")) })

// ---- query parameters ----

const IntFromString = Schema.NumberFromString.pipe(Schema.int())

export const Direction = Schema.Literal("asc", "desc")

/** Pagination shared by every list: per_page default 8, at most 255 (docs/reference.md §6). */
export const PaginationParams = {
  direction: Schema.optional(Direction),
  per_page: Schema.optional(
    IntFromString.pipe(
      Schema.between(1, MAX_PER_PAGE, { message: () => `per_page must be between 1 and ${MAX_PER_PAGE}` })
    )
  ),
  page: Schema.optional(
    IntFromString.pipe(Schema.greaterThanOrEqualTo(1, { message: () => "page must be at least 1" }))
  )
}
export const defaultPerPage = DEFAULT_PER_PAGE

const BooleanFromString = Schema.transform(Schema.Literal("true", "false"), Schema.Boolean, {
  strict: true,
  decode: (s) => s === "true",
  encode: (b) => (b ? "true" : "false")
})

/** Bencher's sort keys per list; anything else is a 400 naming `sort`. */
const sortBy = <const K extends ReadonlyArray<string>>(...keys: K) =>
  Schema.optional(Schema.Literal(...keys).annotations({ message: () => `sort must be one of: ${keys.join(", ")}` }))

export const DimensionListParams = Schema.Struct({
  ...PaginationParams,
  sort: sortBy("name"),
  name: Schema.optional(Schema.String),
  search: Schema.optional(Schema.String),
  archived: Schema.optional(BooleanFromString)
})
export type DimensionListParams = typeof DimensionListParams.Type

export const ProjectListParams = Schema.Struct({
  ...PaginationParams,
  sort: sortBy("name"),
  name: Schema.optional(Schema.String),
  search: Schema.optional(Schema.String)
})

/** Times in report and perf queries are epoch milliseconds, as in Bencher. */
const EpochMs = IntFromString

export const ReportListParams = Schema.Struct({
  ...PaginationParams,
  sort: sortBy("date_time"),
  branch: Schema.optional(NameId),
  testbed: Schema.optional(NameId),
  start_time: Schema.optional(EpochMs),
  end_time: Schema.optional(EpochMs),
  archived: Schema.optional(BooleanFromString),
  expand: Schema.optional(Schema.String)
})

export const ThresholdListParams = Schema.Struct({
  ...PaginationParams,
  sort: sortBy("created", "modified"),
  branch: Schema.optional(NameId),
  testbed: Schema.optional(NameId),
  measure: Schema.optional(NameId),
  archived: Schema.optional(BooleanFromString)
})

export const AlertListParams = Schema.Struct({
  ...PaginationParams,
  sort: sortBy("created", "modified"),
  status: Schema.optional(AlertStatus),
  archived: Schema.optional(BooleanFromString)
})

const CommaList = Schema.transform(Schema.String, Schema.Array(Schema.String), {
  strict: true,
  decode: (s) => (s === "" ? [] : s.split(",").map((x) => decodeURIComponent(x))),
  encode: (a) => a.map((x) => encodeURIComponent(x)).join(",")
})

export const PerfParams = Schema.Struct({
  branches: CommaList,
  heads: Schema.optional(CommaList),
  testbeds: CommaList,
  specs: Schema.optional(CommaList),
  benchmarks: CommaList,
  measures: CommaList,
  start_time: Schema.optional(EpochMs),
  end_time: Schema.optional(EpochMs)
})
export type PerfParams = typeof PerfParams.Type

// ---- responses ----

export const JsonPerfAlert = Schema.Struct({
  uuid: Schema.String,
  limit: BoundaryLimit,
  status: AlertStatus,
  modified: DateTimeString
})

export const JsonPerfMetric = Schema.Struct({
  report: Schema.String,
  iteration: Schema.Int,
  start_time: DateTimeString,
  end_time: DateTimeString,
  version: JsonVersion,
  metric: JsonMetric,
  threshold: optionalNull(JsonThresholdModel),
  boundary: optionalNull(JsonBoundary),
  alert: optionalNull(JsonPerfAlert)
})

export const JsonPerfMetrics = Schema.Struct({
  branch: JsonBranch,
  testbed: JsonTestbed,
  benchmark: JsonBenchmark,
  measure: JsonMeasure,
  metrics: Schema.Array(JsonPerfMetric)
})

export const JsonPerf = Schema.Struct({
  project: JsonProject,
  start_time: optionalNull(DateTimeString),
  end_time: optionalNull(DateTimeString),
  results: Schema.Array(JsonPerfMetrics)
})
export type JsonPerf = typeof JsonPerf.Type

export const JsonOneMetric = Schema.Struct({
  uuid: Schema.String,
  report: Schema.String,
  iteration: Schema.Int,
  start_time: DateTimeString,
  end_time: DateTimeString,
  version: JsonVersion,
  branch: JsonBranch,
  testbed: JsonTestbed,
  benchmark: JsonBenchmark,
  measure: JsonMeasure,
  metric: JsonMetric,
  threshold: optionalNull(JsonThresholdModel),
  boundary: optionalNull(JsonBoundary),
  alert: optionalNull(JsonPerfAlert)
})
