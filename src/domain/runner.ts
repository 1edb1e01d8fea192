import { Schema } from "effect"
import { ResourceId, ResourceName, Slug, Uuid } from "./ids.js"
import { JsonIterationOutput, JsonJobConfig } from "./job.js"
import { Architecture, JsonSpec, OperatingSystem, Sandbox } from "./spec.js"
import { DateTimeString } from "./time.js"

const optionalNull = <S extends Schema.Schema.Any>(s: S) => Schema.optional(Schema.NullOr(s))
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/** `POST /v0/specs`. `fallback: true` makes it the one fallback spec (any previous fallback is cleared). */
export const JsonNewSpec = Schema.Struct({
  name: ResourceName,
  slug: optionalNull(Slug),
  os: optionalNull(OperatingSystem),
  architecture: optionalNull(Architecture),
  sandbox: optionalNull(Sandbox),
  cpu: NonNegativeInt,
  memory: NonNegativeInt,
  disk: NonNegativeInt,
  network: optionalNull(Schema.Boolean),
  fallback: optionalNull(Schema.Boolean)
})
export type JsonNewSpec = typeof JsonNewSpec.Type

export const JsonUpdateSpec = Schema.Struct({
  name: optionalNull(ResourceName),
  slug: optionalNull(Slug),
  sandbox: optionalNull(Sandbox),
  cpu: optionalNull(NonNegativeInt),
  memory: optionalNull(NonNegativeInt),
  disk: optionalNull(NonNegativeInt),
  network: optionalNull(Schema.Boolean),
  fallback: optionalNull(Schema.Boolean),
  archived: optionalNull(Schema.Boolean)
})
export type JsonUpdateSpec = typeof JsonUpdateSpec.Type

export class JsonRunner extends Schema.Class<JsonRunner>("JsonRunner")({
  uuid: Uuid,
  name: ResourceName,
  slug: Slug,
  last_heartbeat: optionalNull(DateTimeString),
  created: DateTimeString,
  modified: DateTimeString,
  archived: optionalNull(DateTimeString)
}) {}

/** The only response that ever carries a runner key: creation and rotation. */
export class JsonRunnerKey extends Schema.Class<JsonRunnerKey>("JsonRunnerKey")({
  uuid: Uuid,
  name: ResourceName,
  slug: Slug,
  key: Schema.String,
  created: DateTimeString
}) {}

export const JsonNewRunner = Schema.Struct({
  name: ResourceName,
  slug: optionalNull(Slug),
  specs: optionalNull(Schema.Array(ResourceId))
})
export type JsonNewRunner = typeof JsonNewRunner.Type

export const JsonUpdateRunner = Schema.Struct({
  name: optionalNull(ResourceName),
  slug: optionalNull(Slug),
  archived: optionalNull(Schema.Boolean)
})
export type JsonUpdateRunner = typeof JsonUpdateRunner.Type

export const JsonRunnerSpec = Schema.Struct({ spec: ResourceId })

/** What a runner receives when it claims a job (Bencher's JsonClaimedJob). */
export class JsonClaimedJob extends Schema.Class<JsonClaimedJob>("JsonClaimedJob")({
  uuid: Uuid,
  spec: JsonSpec,
  config: JsonJobConfig,
  /** Pull-only registry token for this job's project; minted at claim time, never stored. */
  oci_token: Schema.String,
  timeout: Schema.Int,
  created: DateTimeString
}) {}

export const JsonRunnerClaim = Schema.Struct({
  poll_timeout: optionalNull(
    Schema.Int.pipe(Schema.between(1, 900, { message: () => "poll_timeout must be between 1 and 900 seconds" }))
  )
})

/** Iteration outputs on the runner channel: plain structs on the wire (JsonIterationOutput's fields). */
export const IterationResults = Schema.Array(Schema.Struct(JsonIterationOutput.fields))

/** A runner message about a job it does not hold (never claimed, or claimed by another runner): nothing changes. */
export class JobNotHeld extends Schema.TaggedError<JobNotHeld>()("JobNotHeld", { message: Schema.String }) {}

/**
 * The server will not take a runner's outcome (its JSON does not decode, it is over MAX_OUTCOME_CHARS, it has too
 * many iterations): sending it again cannot help, so the runner reports the job failed instead.
 */
export class OutcomeRejected extends Schema.TaggedError<OutcomeRejected>()("OutcomeRejected", {
  message: Schema.String
}) {}

/** `OutcomeEnd` before the server holds every part (a server restart loses them): the runner sends them again. */
export class OutcomeIncomplete extends Schema.TaggedError<OutcomeIncomplete>()("OutcomeIncomplete", {
  message: Schema.String,
  received: NonNegativeInt
}) {}

/**
 * What a runner's `OutcomePart`s carry, as JSON text: the results of a finished job, however large (up to
 * MAX_OUTCOME_CHARS). `OutcomeEnd` applies it as `Completed` or `Failed` would.
 */
export const OutcomeText = Schema.Struct({
  kind: Schema.Literal("Completed", "Failed"),
  results: IterationResults,
  error: Schema.optional(Schema.NullOr(Schema.String))
})
export type OutcomeText = typeof OutcomeText.Type

/** The answer to an `OutcomePart`: how much of the outcome's text the server holds, in UTF-16 units. */
export const OutcomeReceived = Schema.Struct({ received: NonNegativeInt })

/** The answer to `Running` and `Heartbeat`: whether the runner must stop the job. */
export const JobSignal = Schema.Struct({ canceled: Schema.Boolean })

/** The answer to a terminal message, a first delivery or a resend alike: the job's status afterwards. */
export const JobAck = Schema.Struct({ job: Uuid, status: Schema.String })
