import { Schema } from "effect"
import { BranchName, GitHash, NameId, ResourceId, Uuid } from "./ids.js"
import { Average, Fold } from "./job.js"
import {
  DEFAULT_START_POINT_MAX_VERSIONS,
  MAX_CMD_LEN,
  MAX_ENTRYPOINT_LEN,
  MAX_ENV_LEN,
  MAX_FILE_PATHS_LEN,
  MAX_ITERATIONS
} from "./limits.js"
import { DateTimeString } from "./time.js"
import { ModelJson } from "../stats/model.js"

const optionalNull = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))

/** A threshold model as sent by clients; src/stats validates the combination of fields. */
export const JsonNewModel = ModelJson
export type JsonNewModel = typeof ModelJson.Type

export const JsonReportThresholds = Schema.Struct({
  models: optionalNull(Schema.Record({ key: Schema.String, value: JsonNewModel })),
  reset: optionalNull(Schema.Boolean)
})

export const JsonUpdateStartPoint = Schema.Struct({
  branch: optionalNull(NameId),
  hash: optionalNull(GitHash),
  max_versions: optionalNull(Schema.Int.pipe(Schema.between(0, DEFAULT_START_POINT_MAX_VERSIONS))),
  clone_thresholds: optionalNull(Schema.Boolean),
  reset: optionalNull(Schema.Boolean)
})

export const AdapterName = Schema.String.pipe(Schema.minLength(1))

export const JsonReportSettings = Schema.Struct({
  adapter: optionalNull(AdapterName),
  average: optionalNull(Average),
  fold: optionalNull(Fold)
})

const StringList = (max: number, what: string) =>
  Schema.Array(Schema.String).pipe(Schema.maxItems(max, { message: () => `at most ${max} ${what}` }))

/** `job` in `POST /v0/run`: run the image remotely instead of uploading results (docs/reference.md §5.2). */
export const JsonNewRunJob = Schema.Struct({
  image: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)),
  spec: optionalNull(ResourceId),
  entrypoint: optionalNull(StringList(MAX_ENTRYPOINT_LEN, "entrypoint items")),
  cmd: optionalNull(StringList(MAX_CMD_LEN, "cmd items")),
  env: optionalNull(
    Schema.Record({ key: Schema.String, value: Schema.String }).pipe(
      Schema.filter((r) => Object.keys(r).length <= MAX_ENV_LEN || `at most ${MAX_ENV_LEN} env entries`)
    )
  ),
  timeout: optionalNull(Schema.Int.pipe(Schema.positive())),
  file_paths: optionalNull(StringList(MAX_FILE_PATHS_LEN, "file paths")),
  build_time: optionalNull(Schema.Boolean),
  file_size: optionalNull(Schema.Boolean),
  iter: optionalNull(Schema.Int.pipe(Schema.between(1, MAX_ITERATIONS))),
  allow_failure: optionalNull(Schema.Boolean),
  backdate: optionalNull(DateTimeString)
})
export type JsonNewRunJob = typeof JsonNewRunJob.Type

const JsonNewRunFields = Schema.Struct({
  project: optionalNull(ResourceId),
  branch: optionalNull(BranchName),
  hash: optionalNull(GitHash),
  start_point: optionalNull(JsonUpdateStartPoint),
  testbed: optionalNull(NameId),
  spec_reset: optionalNull(Schema.Boolean),
  thresholds: optionalNull(JsonReportThresholds),
  start_time: DateTimeString,
  end_time: DateTimeString,
  results: Schema.Array(Schema.String),
  settings: optionalNull(JsonReportSettings),
  context: optionalNull(Schema.Record({ key: Schema.String, value: Schema.String })),
  idempotency_key: optionalNull(Uuid),
  job: optionalNull(JsonNewRunJob)
})

/** A run cannot end before it started. */
const timesInOrder = (run: { readonly start_time: string; readonly end_time: string }) =>
  Date.parse(run.end_time) >= Date.parse(run.start_time) ||
  `end_time ${run.end_time} is before start_time ${run.start_time}`

/** The body of `POST /v0/run` (Bencher's JsonNewRun). */
export const JsonNewRun = JsonNewRunFields.pipe(Schema.filter(timesInOrder))
export type JsonNewRun = typeof JsonNewRun.Type

/** The body of `POST /v0/projects/:project/reports` (Bencher's JsonNewReport): a run whose project is in the path. */
export const JsonNewReport = JsonNewRunFields.pipe(Schema.omit("project", "job"), Schema.filter(timesInOrder))
