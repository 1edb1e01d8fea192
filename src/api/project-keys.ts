import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { BadRequestError, ForbiddenError, InternalServerError, NotFoundError, UnauthorizedError } from "./errors.js"
import { ResourceId, ResourceName, Uuid } from "../domain/ids.js"
import { DateTimeString } from "../domain/time.js"
import { Authentication } from "./authentication.js"

const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

export class JsonProjectKey extends Schema.Class<JsonProjectKey>("JsonProjectKey")({
  uuid: Uuid,
  project: Uuid,
  name: Schema.String,
  creator: Schema.NullOr(Uuid),
  creation: DateTimeString,
  expiration: DateTimeString,
  revoked: Schema.NullOr(DateTimeString)
}) {}

export class JsonProjectKeyCreated extends Schema.Class<JsonProjectKeyCreated>("JsonProjectKeyCreated")({
  uuid: Uuid,
  project: Uuid,
  name: Schema.String,
  creation: DateTimeString,
  expiration: DateTimeString,
  /** The plaintext key: only in this response, never again. */
  key: Schema.String
}) {}

export class JsonNewProjectKey extends Schema.Class<JsonNewProjectKey>("JsonNewProjectKey")({
  name: ResourceName,
  ttl: nullable(Schema.Int.pipe(Schema.between(1, 4_294_967_295)))
}) {}

export class JsonUpdateProjectKey extends Schema.Class<JsonUpdateProjectKey>("JsonUpdateProjectKey")({
  name: nullable(ResourceName)
}) {}

const projectPath = Schema.Struct({ project: ResourceId })
const keyPath = Schema.Struct({ project: ResourceId, key: Uuid })

/** `/v0/projects/{project}/keys/*`: project keys (`bencher_run_`), maintainers only. */
export class ProjectKeysGroup extends HttpApiGroup.make("projectKeys")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/keys")
      .setPath(projectPath)
      .addSuccess(Schema.Array(JsonProjectKey))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/projects/:project/keys")
      .setPath(projectPath)
      .setPayload(JsonNewProjectKey)
      .addSuccess(JsonProjectKeyCreated, { status: 201 })
  )
  .add(HttpApiEndpoint.get("get", "/v0/projects/:project/keys/:key").setPath(keyPath).addSuccess(JsonProjectKey))
  .add(
    HttpApiEndpoint.patch("update", "/v0/projects/:project/keys/:key")
      .setPath(keyPath)
      .setPayload(JsonUpdateProjectKey)
      .addSuccess(JsonProjectKey)
  )
  .add(HttpApiEndpoint.del("revoke", "/v0/projects/:project/keys/:key").setPath(keyPath))
  .add(
    HttpApiEndpoint.post("rotate", "/v0/projects/:project/keys/:key/rotate")
      .setPath(keyPath)
      .addSuccess(JsonProjectKeyCreated, { status: 201 })
  )
  .middleware(Authentication)
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(InternalServerError) {}
