import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError
} from "./errors.js"
import { ResourceId, ResourceName, Slug, Uuid } from "../domain/ids.js"
import { DateTimeString } from "../domain/time.js"
import { Authentication } from "./authentication.js"
import { Email } from "./users.js"

const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

export class JsonOrganization extends Schema.Class<JsonOrganization>("JsonOrganization")({
  uuid: Uuid,
  name: Schema.String,
  slug: Schema.String,
  created: DateTimeString,
  modified: DateTimeString,
  /** null while the organization is unclaimed */
  claimed: Schema.NullOr(DateTimeString),
  license: Schema.NullOr(Schema.String)
}) {}

export class JsonNewOrganization extends Schema.Class<JsonNewOrganization>("JsonNewOrganization")({
  name: ResourceName,
  slug: nullable(Slug)
}) {}

export class JsonUpdateOrganization extends Schema.Class<JsonUpdateOrganization>("JsonUpdateOrganization")({
  name: nullable(ResourceName),
  slug: nullable(Slug)
}) {}

export class JsonNewClaim extends Schema.Class<JsonNewClaim>("JsonNewClaim")({
  empty: Schema.optional(Schema.Null)
}) {}

export const PlanLevelSchema = Schema.Literal("free", "team", "enterprise")
export const TierSchema = Schema.Literal("unclaimed", "free", "team", "enterprise")

/** bencher-ts extension: an organization's plan level and what it means for its jobs. */
export class JsonOrganizationTier extends Schema.Class<JsonOrganizationTier>("JsonOrganizationTier")({
  organization: Uuid,
  level: PlanLevelSchema,
  tier: TierSchema,
  priority: Schema.Int,
  timeout_default: Schema.Int,
  timeout_max: Schema.NullOr(Schema.Int),
  concurrency: Schema.Literal("unlimited", "one-per-organization", "one-per-source-ip")
}) {}

export class JsonUpdateTier extends Schema.Class<JsonUpdateTier>("JsonUpdateTier")({
  level: PlanLevelSchema
}) {}

export class JsonUsage extends Schema.Class<JsonUsage>("JsonUsage")({
  organization: Uuid,
  kind: Schema.Literal("self_hosted_free", "self_hosted_licensed"),
  start_time: DateTimeString,
  end_time: DateTimeString,
  runner_minutes: Schema.Int,
  metrics: Schema.Int
}) {}

/** ISO 8601 date-time or epoch milliseconds. */
const TimeParam = Schema.String.pipe(
  Schema.filter(
    (s) => /^\d+$/.test(s) || !Number.isNaN(Date.parse(s)) || "must be an ISO 8601 date-time or epoch milliseconds"
  )
)

export const OrganizationRoleSchema = Schema.Literal("member", "leader")

export class JsonMember extends Schema.Class<JsonMember>("JsonMember")({
  uuid: Uuid,
  name: Schema.String,
  slug: Schema.String,
  email: Schema.String,
  role: OrganizationRoleSchema,
  created: DateTimeString,
  modified: DateTimeString
}) {}

/** No email invitations here: the user must exist; `name` is accepted for Bencher compatibility and ignored. */
export class JsonNewMember extends Schema.Class<JsonNewMember>("JsonNewMember")({
  email: Email,
  name: nullable(Schema.String),
  role: OrganizationRoleSchema
}) {}

export class JsonUpdateMember extends Schema.Class<JsonUpdateMember>("JsonUpdateMember")({
  role: nullable(OrganizationRoleSchema)
}) {}

export class JsonAllowed extends Schema.Class<JsonAllowed>("JsonAllowed")({ allowed: Schema.Boolean }) {}

const orgPath = Schema.Struct({ organization: ResourceId })
const memberPath = Schema.Struct({ organization: ResourceId, user: ResourceId })

/** `/v0/organizations/*` (docs/reference.md §6): organizations, claim, plan tier and usage. */
export class OrganizationsGroup extends HttpApiGroup.make("organizations")
  .add(HttpApiEndpoint.get("list", "/v0/organizations").addSuccess(Schema.Array(JsonOrganization)))
  .add(
    HttpApiEndpoint.post("create", "/v0/organizations")
      .setPayload(JsonNewOrganization)
      .addSuccess(JsonOrganization, { status: 201 })
  )
  .add(HttpApiEndpoint.get("get", "/v0/organizations/:organization").setPath(orgPath).addSuccess(JsonOrganization))
  .add(
    HttpApiEndpoint.patch("update", "/v0/organizations/:organization")
      .setPath(orgPath)
      .setPayload(JsonUpdateOrganization)
      .addSuccess(JsonOrganization)
  )
  .add(
    HttpApiEndpoint.post("claim", "/v0/organizations/:organization/claim")
      .setPath(orgPath)
      .setPayload(JsonNewClaim)
      .addSuccess(JsonOrganization, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("allowed", "/v0/organizations/:organization/allowed/:permission")
      .setPath(
        Schema.Struct({
          organization: ResourceId,
          permission: Schema.Literal("view", "create", "edit", "delete", "manage")
        })
      )
      .addSuccess(JsonAllowed)
  )
  .add(
    HttpApiEndpoint.get("tier", "/v0/organizations/:organization/tier")
      .setPath(orgPath)
      .addSuccess(JsonOrganizationTier)
  )
  .add(
    HttpApiEndpoint.put("setTier", "/v0/organizations/:organization/tier")
      .setPath(orgPath)
      .setPayload(JsonUpdateTier)
      .addSuccess(JsonOrganizationTier)
  )
  .add(
    HttpApiEndpoint.get("usage", "/v0/organizations/:organization/usage")
      .setPath(orgPath)
      .setUrlParams(Schema.Struct({ start: Schema.optional(TimeParam), end: Schema.optional(TimeParam) }))
      .addSuccess(JsonUsage)
  )
  .middleware(Authentication)
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(InternalServerError)
  .addError(ConflictError)
  .addError(TooManyRequestsError) {}

/** `/v0/organizations/{organization}/members/*`: membership and organization roles. */
export class MembersGroup extends HttpApiGroup.make("members")
  .add(
    HttpApiEndpoint.get("list", "/v0/organizations/:organization/members")
      .setPath(orgPath)
      .addSuccess(Schema.Array(JsonMember))
  )
  .add(
    HttpApiEndpoint.post("add", "/v0/organizations/:organization/members")
      .setPath(orgPath)
      .setPayload(JsonNewMember)
      .addSuccess(JsonMember, { status: 202 })
  )
  .add(
    HttpApiEndpoint.get("get", "/v0/organizations/:organization/members/:user")
      .setPath(memberPath)
      .addSuccess(JsonMember)
  )
  .add(
    HttpApiEndpoint.patch("update", "/v0/organizations/:organization/members/:user")
      .setPath(memberPath)
      .setPayload(JsonUpdateMember)
      .addSuccess(JsonMember)
  )
  .add(HttpApiEndpoint.del("remove", "/v0/organizations/:organization/members/:user").setPath(memberPath))
  .middleware(Authentication)
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(InternalServerError)
  .addError(ConflictError) {}
