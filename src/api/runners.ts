import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from "./errors.js"
import { ResourceId } from "../domain/ids.js"
import { DimensionListParams } from "../domain/resources.js"
import {
  JsonClaimedJob,
  JsonNewRunner,
  JsonNewSpec,
  JsonRunner,
  JsonRunnerClaim,
  JsonRunnerKey,
  JsonRunnerSpec,
  JsonUpdateRunner,
  JsonUpdateSpec
} from "../domain/runner.js"
import { JsonSpec } from "../domain/spec.js"
import { Authentication } from "./authentication.js"

const SpecPath = Schema.Struct({ spec: ResourceId })
const RunnerPath = Schema.Struct({ runner: ResourceId })
const RunnerSpecPath = Schema.Struct({ runner: ResourceId, spec: ResourceId })

/** Hardware specs (server admins only; docs/reference.md §5.1). */
export class SpecsGroup extends HttpApiGroup.make("specs")
  .add(HttpApiEndpoint.get("list", "/v0/specs").setUrlParams(DimensionListParams).addSuccess(Schema.Array(JsonSpec)))
  .add(HttpApiEndpoint.post("create", "/v0/specs").setPayload(JsonNewSpec).addSuccess(JsonSpec, { status: 201 }))
  .add(HttpApiEndpoint.get("view", "/v0/specs/:spec").setPath(SpecPath).addSuccess(JsonSpec))
  .add(
    HttpApiEndpoint.patch("update", "/v0/specs/:spec").setPath(SpecPath).setPayload(JsonUpdateSpec).addSuccess(JsonSpec)
  )
  .add(HttpApiEndpoint.del("remove", "/v0/specs/:spec").setPath(SpecPath).addSuccess(Schema.Void, { status: 204 }))
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

/** Runners and their spec links (server admins only). The key is in the response of create and rotate only. */
export class RunnersGroup extends HttpApiGroup.make("runners")
  .add(
    HttpApiEndpoint.get("list", "/v0/runners").setUrlParams(DimensionListParams).addSuccess(Schema.Array(JsonRunner))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/runners").setPayload(JsonNewRunner).addSuccess(JsonRunnerKey, { status: 201 })
  )
  .add(HttpApiEndpoint.get("view", "/v0/runners/:runner").setPath(RunnerPath).addSuccess(JsonRunner))
  .add(
    HttpApiEndpoint.patch("update", "/v0/runners/:runner")
      .setPath(RunnerPath)
      .setPayload(JsonUpdateRunner)
      .addSuccess(JsonRunner)
  )
  .add(
    HttpApiEndpoint.post("rotateKey", "/v0/runners/:runner/key")
      .setPath(RunnerPath)
      .addSuccess(JsonRunnerKey, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("listSpecs", "/v0/runners/:runner/specs").setPath(RunnerPath).addSuccess(Schema.Array(JsonSpec))
  )
  .add(
    HttpApiEndpoint.post("addSpec", "/v0/runners/:runner/specs")
      .setPath(RunnerPath)
      .setPayload(JsonRunnerSpec)
      .addSuccess(JsonSpec, { status: 201 })
  )
  .add(
    HttpApiEndpoint.del("removeSpec", "/v0/runners/:runner/specs/:spec")
      .setPath(RunnerSpecPath)
      .addSuccess(Schema.Void, { status: 204 })
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

/**
 * The seed's long-poll claim, authenticated with the runner key (not a user credential): the claimed job, or
 * 204 when the poll timeout passes first. Same JobQueue as the RPC channel's `Claim`.
 */
export class RunnerJobsGroup extends HttpApiGroup.make("runnerJobs")
  .add(
    HttpApiEndpoint.post("claim", "/v0/runners/:runner/jobs")
      .setPath(RunnerPath)
      .setPayload(JsonRunnerClaim)
      .addSuccess(JsonClaimedJob)
      .addSuccess(HttpApiSchema.NoContent)
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError) {}
