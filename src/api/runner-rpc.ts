import { Rpc, RpcGroup, RpcMiddleware } from "@effect/rpc"
import { Context, Schema } from "effect"
import { BadRequest, Unauthorized } from "../domain/errors.js"
import { Uuid } from "../domain/ids.js"
import { OUTCOME_PART_CHARS } from "../domain/limits.js"
import {
  IterationResults,
  JobAck,
  JobNotHeld,
  JobSignal,
  JsonClaimedJob,
  OutcomeIncomplete,
  OutcomeReceived,
  OutcomeRejected
} from "../domain/runner.js"

export const RUNNER_RPC_PATH = "/v0/runners/rpc"

/** The runner behind a channel message, as its key identified it. */
export interface RunnerIdentity {
  readonly id: number
  readonly uuid: string
  readonly slug: string
  readonly specIds: ReadonlySet<number>
}

export class CurrentRunner extends Context.Tag("bencher/api/CurrentRunner")<CurrentRunner, RunnerIdentity>() {}

/**
 * Runner-key authentication: `Authorization: Bearer bencher_runner_...` on the HTTP request or the WebSocket
 * upgrade (the server copies request headers into every message), or on the message itself.
 */
export class RunnerAuth extends RpcMiddleware.Tag<RunnerAuth>()("bencher/api/RunnerAuth", {
  provides: CurrentRunner,
  failure: Unauthorized
}) {}

const JobRef = { job: Uuid }

/** A piece of a running job's stdout or stderr; the runner batches them (about every 100 ms or 16 KiB). */
export const OutputChunk = Schema.Struct({
  iteration: Schema.Int.pipe(Schema.between(0, 255)),
  stream: Schema.Literal("stdout", "stderr"),
  chunk: Schema.String.pipe(Schema.maxLength(1024 * 1024))
})
export type OutputChunk = typeof OutputChunk.Type
const errors = Schema.Union(JobNotHeld, BadRequest)

/** The runner channel (RunnerSession in docs/architecture.md), served over HTTP (POST) and WebSocket (GET) at one path. */
export class RunnerRpcs extends RpcGroup.make(
  Rpc.make("Claim", {
    payload: { poll_timeout: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.between(1, 900)))) },
    success: Schema.NullOr(JsonClaimedJob),
    error: BadRequest
  }),
  Rpc.make("Running", { payload: JobRef, success: JobSignal, error: errors }),
  Rpc.make("Heartbeat", { payload: JobRef, success: JobSignal, error: errors }),
  Rpc.make("Completed", { payload: { ...JobRef, results: IterationResults }, success: JobAck, error: errors }),
  Rpc.make("Failed", {
    payload: { ...JobRef, results: IterationResults, error: Schema.String },
    success: JobAck,
    error: errors
  }),
  Rpc.make("Canceled", { payload: JobRef, success: JobAck, error: errors }),
  /**
   * A finished job's outcome (domain/runner.ts' OutcomeText as JSON) in parts of at most OUTCOME_PART_CHARS, in order from offset 0
   * (offset 0 starts over); the answer is how much the server holds, where the next part starts. One message
   * carrying 20 MiB of output would exceed the RPC frame limit and close the connection.
   */
  Rpc.make("OutcomePart", {
    payload: {
      ...JobRef,
      offset: Schema.Int.pipe(Schema.nonNegative()),
      data: Schema.String.pipe(Schema.maxLength(OUTCOME_PART_CHARS))
    },
    success: OutcomeReceived,
    error: Schema.Union(JobNotHeld, OutcomeRejected)
  }),
  /** The outcome's parts are all sent (`size` UTF-16 units): the server decodes it and completes or fails the job. */
  Rpc.make("OutcomeEnd", {
    payload: { ...JobRef, size: Schema.Int.pipe(Schema.nonNegative()) },
    success: JobAck,
    error: Schema.Union(JobNotHeld, OutcomeRejected, OutcomeIncomplete)
  }),
  /** Live output for followers only: the server keeps a bounded tail in memory; the outcome carries the (capped) whole. */
  Rpc.make("Output", {
    payload: { ...JobRef, chunks: Schema.Array(OutputChunk).pipe(Schema.maxItems(1024)) },
    error: errors
  })
).middleware(RunnerAuth) {}
