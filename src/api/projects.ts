import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from "./errors.js"
import { ResourceId } from "../domain/ids.js"
import { JsonProject } from "../domain/report.js"
import { JsonNewProject, JsonUpdateProject, ProjectListParams } from "../domain/resources.js"
import { Authentication } from "./authentication.js"
import { ProjectPath } from "./common.js"

const OrganizationPath = Schema.Struct({ organization: ResourceId })

export class ProjectsGroup extends HttpApiGroup.make("projects")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects").setUrlParams(ProjectListParams).addSuccess(Schema.Array(JsonProject))
  )
  .add(
    HttpApiEndpoint.get("listForOrganization", "/v0/organizations/:organization/projects")
      .setPath(OrganizationPath)
      .setUrlParams(ProjectListParams)
      .addSuccess(Schema.Array(JsonProject))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/organizations/:organization/projects")
      .setPath(OrganizationPath)
      .setPayload(JsonNewProject)
      .addSuccess(JsonProject, { status: 201 })
  )
  .add(HttpApiEndpoint.get("view", "/v0/projects/:project").setPath(ProjectPath).addSuccess(JsonProject))
  .add(
    HttpApiEndpoint.patch("update", "/v0/projects/:project")
      .setPath(ProjectPath)
      .setPayload(JsonUpdateProject)
      .addSuccess(JsonProject)
  )
  .add(
    HttpApiEndpoint.del("remove", "/v0/projects/:project").setPath(ProjectPath).addSuccess(Schema.Void, { status: 204 })
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}
