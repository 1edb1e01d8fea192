import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  UnauthorizedError
} from "./errors.js"
import { ResourceId, ResourceName, Slug, Uuid } from "../domain/ids.js"
import { DateTimeString } from "../domain/time.js"
import { Authentication } from "./authentication.js"

export const Email = Schema.String.pipe(
  Schema.filter((s) => (/^[^\s@]+@[^\s@]+$/.test(s) && s.length <= 320) || "must be an email address")
)

/** A key's time to live in seconds (Bencher's u32). */
const Ttl = Schema.Int.pipe(Schema.between(1, 4_294_967_295))
const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

export class JsonUser extends Schema.Class<JsonUser>("JsonUser")({
  uuid: Uuid,
  name: Schema.String,
  slug: Schema.String,
  email: Schema.String,
  admin: Schema.Boolean,
  locked: Schema.Boolean,
  created: Schema.NullOr(DateTimeString)
}) {}

/** bencher-ts extension: there is no signup; an admin creates users. */
export class JsonNewUser extends Schema.Class<JsonNewUser>("JsonNewUser")({
  name: ResourceName,
  email: Email,
  slug: nullable(Slug),
  admin: nullable(Schema.Boolean)
}) {}

export class JsonUpdateUser extends Schema.Class<JsonUpdateUser>("JsonUpdateUser")({
  name: nullable(ResourceName),
  slug: nullable(Slug),
  email: nullable(Email),
  admin: nullable(Schema.Boolean),
  locked: nullable(Schema.Boolean)
}) {}

export class JsonUserKey extends Schema.Class<JsonUserKey>("JsonUserKey")({
  uuid: Uuid,
  user: Uuid,
  name: Schema.String,
  creation: DateTimeString,
  expiration: DateTimeString,
  revoked: Schema.NullOr(DateTimeString)
}) {}

export class JsonUserKeyCreated extends Schema.Class<JsonUserKeyCreated>("JsonUserKeyCreated")({
  uuid: Uuid,
  user: Uuid,
  name: Schema.String,
  creation: DateTimeString,
  expiration: DateTimeString,
  /** The plaintext key: only in this response, never again. */
  key: Schema.String
}) {}

export class JsonNewUserKey extends Schema.Class<JsonNewUserKey>("JsonNewUserKey")({
  name: ResourceName,
  ttl: nullable(Ttl)
}) {}

export class JsonUpdateUserKey extends Schema.Class<JsonUpdateUserKey>("JsonUpdateUserKey")({
  name: nullable(ResourceName)
}) {}

const userPath = Schema.Struct({ user: ResourceId })
const keyPath = Schema.Struct({ user: ResourceId, key: Uuid })

/** `/v0/users/*` (docs/reference.md §6): accounts and their API keys. */
export class UsersGroup extends HttpApiGroup.make("users")
  .add(HttpApiEndpoint.get("list", "/v0/users").addSuccess(Schema.Array(JsonUser)))
  .add(HttpApiEndpoint.post("create", "/v0/users").setPayload(JsonNewUser).addSuccess(JsonUser, { status: 201 }))
  .add(HttpApiEndpoint.get("me", "/v0/user").addSuccess(JsonUser))
  .add(HttpApiEndpoint.get("get", "/v0/users/:user").setPath(userPath).addSuccess(JsonUser))
  .add(
    HttpApiEndpoint.patch("update", "/v0/users/:user").setPath(userPath).setPayload(JsonUpdateUser).addSuccess(JsonUser)
  )
  .add(HttpApiEndpoint.get("listKeys", "/v0/users/:user/keys").setPath(userPath).addSuccess(Schema.Array(JsonUserKey)))
  .add(
    HttpApiEndpoint.post("createKey", "/v0/users/:user/keys")
      .setPath(userPath)
      .setPayload(JsonNewUserKey)
      .addSuccess(JsonUserKeyCreated, { status: 201 })
  )
  .add(HttpApiEndpoint.get("getKey", "/v0/users/:user/keys/:key").setPath(keyPath).addSuccess(JsonUserKey))
  .add(
    HttpApiEndpoint.patch("updateKey", "/v0/users/:user/keys/:key")
      .setPath(keyPath)
      .setPayload(JsonUpdateUserKey)
      .addSuccess(JsonUserKey)
  )
  .add(HttpApiEndpoint.del("revokeKey", "/v0/users/:user/keys/:key").setPath(keyPath))
  .add(
    HttpApiEndpoint.post("rotateKey", "/v0/users/:user/keys/:key/rotate")
      .setPath(keyPath)
      .addSuccess(JsonUserKeyCreated, { status: 201 })
  )
  .middleware(Authentication)
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(InternalServerError)
  .addError(ConflictError) {}
