import { Schema } from "effect"
import { Uuid } from "./ids.js"
import { DateTimeString } from "./time.js"
import { JsonSpec } from "./spec.js"

/** Job states and their database integers (docs/reference.md §5.3). */
export const JobStatus = Schema.Literal("pending", "claimed", "running", "completed", "processed", "failed", "canceled")
export type JobStatus = typeof JobStatus.Type
const statusInts: Record<JobStatus, number> = {
  pending: 0,
  claimed: 1,
  running: 2,
  completed: 3,
  processed: 4,
  failed: 5,
  canceled: 6
}
export const jobStatusToInt = (s: JobStatus): number => statusInts[s]
export const jobStatusFromInt = (n: number): JobStatus | undefined =>
  (Object.keys(statusInts) as Array<JobStatus>).find((k) => statusInts[k] === n)
export const isTerminal = (s: JobStatus): boolean => s === "processed" || s === "failed" || s === "canceled"
export const hasRun = (s: JobStatus): boolean =>
  s === "completed" || s === "processed" || s === "failed" || s === "canceled"

/**
 * The lifecycle of docs/architecture.md: every transition is a compare-and-set from one of these sources.
 * failed -> completed lets a late result override a heartbeat timeout.
 */
export const allowedTransitions: Record<JobStatus, ReadonlyArray<JobStatus>> = {
  pending: ["claimed", "canceled"],
  claimed: ["running", "failed", "canceled"],
  running: ["completed", "failed", "canceled"],
  completed: ["processed", "failed"],
  processed: [],
  failed: ["completed"],
  canceled: []
}
export const canTransition = (from: JobStatus, to: JobStatus): boolean => allowedTransitions[from].includes(to)

/**
 * Job priority tiers. Bencher has unclaimed/free/plus; we keep Team and Enterprise distinct (docs/reference.md §5.9).
 */
export const JobPriority = Schema.Literal("unclaimed", "free", "team", "enterprise")
export type JobPriority = typeof JobPriority.Type
const priorityInts: Record<JobPriority, number> = { unclaimed: 0, free: 100, team: 200, enterprise: 300 }
export const jobPriorityToInt = (p: JobPriority): number => priorityInts[p]
export const jobPriorityFromInt = (n: number): JobPriority =>
  n >= 300 ? "enterprise" : n >= 200 ? "team" : n >= 100 ? "free" : "unclaimed"

export const Average = Schema.Literal("mean", "median")
export const Fold = Schema.Literal("min", "max", "mean", "median")

/** Output of one iteration of a job, as the runner reports it. */
export class JsonIterationOutput extends Schema.Class<JsonIterationOutput>("JsonIterationOutput")({
  exit_code: Schema.Int,
  stdout: Schema.optional(Schema.NullOr(Schema.String)),
  stderr: Schema.optional(Schema.NullOr(Schema.String)),
  output: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String }))),
  /** Ours: the runner cut stdout, stderr or a file at its `--max-output-size` (stderr's last lines say which). */
  truncated: Schema.optional(Schema.NullOr(Schema.Boolean)),
  /** Ours: how many bytes of output the cuts dropped. */
  dropped_bytes: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.nonNegative())))
}) {}

export class JsonJobOutput extends Schema.Class<JsonJobOutput>("JsonJobOutput")({
  results: Schema.Array(JsonIterationOutput),
  error: Schema.optional(Schema.NullOr(Schema.String))
}) {}

/** What a runner needs to execute a job; stored as JSON in `job.config`. */
export class JsonJobConfig extends Schema.Class<JsonJobConfig>("JsonJobConfig")({
  registry: Schema.String,
  project: Uuid,
  digest: Schema.String,
  image: Schema.optional(Schema.NullOr(Schema.String)),
  entrypoint: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  cmd: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  env: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String }))),
  timeout: Schema.Int.pipe(Schema.positive()),
  file_paths: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  build_time: Schema.optional(Schema.NullOr(Schema.Boolean)),
  file_size: Schema.optional(Schema.NullOr(Schema.Boolean)),
  average: Schema.optional(Schema.NullOr(Average)),
  iter: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.positive()))),
  fold: Schema.optional(Schema.NullOr(Fold)),
  allow_failure: Schema.optional(Schema.NullOr(Schema.Boolean)),
  backdate: Schema.optional(Schema.NullOr(DateTimeString))
}) {}

export class JsonJob extends Schema.Class<JsonJob>("JsonJob")({
  uuid: Uuid,
  status: JobStatus,
  spec: JsonSpec,
  config: Schema.optional(Schema.NullOr(JsonJobConfig)),
  runner: Schema.optional(Schema.NullOr(Uuid)),
  claimed: Schema.optional(Schema.NullOr(DateTimeString)),
  started: Schema.optional(Schema.NullOr(DateTimeString)),
  completed: Schema.optional(Schema.NullOr(DateTimeString)),
  created: DateTimeString,
  modified: DateTimeString,
  output: Schema.optional(Schema.NullOr(JsonJobOutput)),
  /** Ours: the report the job's results go to, so a follower can fetch it once the job is processed. */
  report: Schema.optional(Schema.NullOr(Uuid)),
  /** Ours: why a failed or canceled job ended (e.g. heartbeat_timeout, an adapter error). */
  error: Schema.optional(Schema.NullOr(Schema.String))
}) {}
