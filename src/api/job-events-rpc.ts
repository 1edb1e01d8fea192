import { Rpc, RpcGroup, RpcMiddleware } from "@effect/rpc"
import { Schema } from "effect"
import { Forbidden, NotFound, Unauthorized } from "../domain/errors.js"
import { ResourceId, Uuid } from "../domain/ids.js"
import { JobStatus } from "../domain/job.js"
import { JsonReport } from "../domain/report.js"
import { DateTimeString } from "../domain/time.js"
import { CurrentActor } from "../domain/actor.js"

export const JOB_EVENTS_RPC_PATH = "/v0/jobs/rpc"

/**
 * A job moved to `status`; `runner` is the claiming runner's slug, `error` why a failed or canceled job ended. The
 * `processed` event carries the processed report, so a follower prints it without another round trip.
 */
export class JobStatusEvent extends Schema.TaggedClass<JobStatusEvent>()("Status", {
  job: Uuid,
  status: JobStatus,
  runner: Schema.NullOr(Schema.String),
  error: Schema.NullOr(Schema.String),
  at: DateTimeString,
  report: Schema.optional(Schema.NullOr(JsonReport))
}) {}

/**
 * Runner output as it arrives. `offset` counts the characters of this iteration's stream before the chunk, so a
 * follower that reconnects (and gets the tail again) prints only what it has not printed yet.
 */
export class JobOutputEvent extends Schema.TaggedClass<JobOutputEvent>()("Output", {
  job: Uuid,
  iteration: Schema.Int,
  stream: Schema.Literal("stdout", "stderr"),
  offset: Schema.Int,
  chunk: Schema.String
}) {}

export const JobEvent = Schema.Union(JobStatusEvent, JobOutputEvent)
export type JobEvent = typeof JobEvent.Type

/**
 * The same credentials as the REST API (`Authorization: Bearer bencher_user_...` or a project key, or none for a
 * public project), read from the WebSocket upgrade request.
 */
export class FollowerAuth extends RpcMiddleware.Tag<FollowerAuth>()("bencher/api/FollowerAuth", {
  provides: CurrentActor,
  failure: Unauthorized
}) {}

/**
 * Following a job (the follow stream of docs/architecture.md): the current status first, then the output tail
 * (for callers who may inspect the project), then live events; the stream ends after the first terminal status.
 */
export class JobEventsRpcs extends RpcGroup.make(
  Rpc.make("Follow", {
    payload: { project: ResourceId, job: Uuid },
    success: JobEvent,
    error: Schema.Union(NotFound, Forbidden, Unauthorized),
    stream: true
  })
).middleware(FollowerAuth) {}
