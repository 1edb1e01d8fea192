import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from "./errors.js"
import { ResourceId, Uuid } from "../domain/ids.js"
import { JobStatus, JsonJob } from "../domain/job.js"
import { PaginationParams } from "../domain/resources.js"
import { Authentication } from "./authentication.js"
import { ProjectPath } from "./common.js"

const JobPath = Schema.Struct({ project: ResourceId, job: Uuid })
export const JobListParams = Schema.Struct({ ...PaginationParams, status: Schema.optional(JobStatus) })

/** A project's remote jobs: list (status filter, pagination), view, and cancel (ours; Bencher has none). */
export class JobsGroup extends HttpApiGroup.make("jobs")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/jobs")
      .setPath(ProjectPath)
      .setUrlParams(JobListParams)
      .addSuccess(Schema.Array(JsonJob))
  )
  .add(HttpApiEndpoint.get("view", "/v0/projects/:project/jobs/:job").setPath(JobPath).addSuccess(JsonJob))
  .add(HttpApiEndpoint.post("cancel", "/v0/projects/:project/jobs/:job/cancel").setPath(JobPath).addSuccess(JsonJob))
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}
