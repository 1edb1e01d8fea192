import { HttpApiBuilder } from "@effect/platform"
import { Clock, Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { JsonAllowed, JsonOrganization, JsonOrganizationTier, JsonUsage } from "../../api/organizations.js"
import { BadRequest, NotFound } from "../../domain/errors.js"
import { isUuid } from "../../domain/ids.js"
import { toIso } from "../../domain/time.js"
import { Access } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import { organizationTier, Organizations, type Organization } from "../../identity/organizations.js"
import { concurrencyOf, PRIORITY, TIMEOUT_LIMITS } from "../../identity/plan.js"
import { Usage } from "../../usage/usage.js"
import { makePermittedOrganization } from "./organization-access.js"

export const toJsonOrganization = (org: Organization) =>
  new JsonOrganization({
    uuid: org.uuid,
    name: org.name,
    slug: org.slug,
    created: toIso(org.created),
    modified: toIso(org.modified),
    claimed: org.claimed === null ? null : toIso(org.claimed),
    license: null
  })

const toJsonTier = (org: Organization) => {
  const tier = organizationTier(org)
  return new JsonOrganizationTier({
    organization: org.uuid,
    level: org.level,
    tier,
    priority: PRIORITY[tier],
    timeout_default: TIMEOUT_LIMITS[tier].default,
    timeout_max: TIMEOUT_LIMITS[tier].max,
    concurrency: concurrencyOf(tier)
  })
}

const DEFAULT_USAGE_PERIOD = 30 * 24 * 60 * 60 * 1000
const parseTime = (value: string): number => (/^\d+$/.test(value) ? Number(value) : Date.parse(value))

export const OrganizationsHandlersLive = HttpApiBuilder.group(BencherApi, "organizations", (handlers) =>
  Effect.gen(function* () {
    const organizations = yield* Organizations
    const access = yield* Access
    const usage = yield* Usage

    const permitted = yield* makePermittedOrganization

    return handlers
      .handle("list", () =>
        Effect.gen(function* () {
          const user = yield* access.requireUser(yield* CurrentActor)
          return (yield* organizations.listFor(user)).map(toJsonOrganization)
        })
      )
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          const user = yield* access.requireUser(yield* CurrentActor)
          const org = yield* organizations.create({
            name: payload.name,
            slug: payload.slug ?? undefined,
            userId: user.userId
          })
          return toJsonOrganization(org)
        })
      )
      .handle("get", ({ path }) => permitted(path.organization, "view").pipe(Effect.map(toJsonOrganization)))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const org = yield* permitted(path.organization, "edit")
          const updated = yield* organizations.update(org.id, {
            name: payload.name ?? undefined,
            slug: payload.slug ?? undefined
          })
          return toJsonOrganization(updated)
        })
      )
      .handle("claim", ({ path }) =>
        Effect.gen(function* () {
          // Whoever holds an unclaimed organization's UUID may claim it (`bencher run` printed it to them). Only
          // the UUID, never the slug: a slug can be guessed, a random UUID cannot.
          const user = yield* access.requireUser(yield* CurrentActor)
          if (!isUuid(path.organization)) return yield* new NotFound({ message: "Organization not found" })
          const org = yield* organizations.get(path.organization)
          return toJsonOrganization(yield* organizations.claim({ organizationId: org.id, userId: user.userId }))
        })
      )
      .handle("allowed", ({ path }) =>
        Effect.gen(function* () {
          // Bencher's org_allowed_get: may the caller do this? A visible organization answers true or false.
          const org = yield* permitted(path.organization, "view")
          const allowed = yield* access.organization(yield* CurrentActor, org.id, path.permission).pipe(
            Effect.as(true),
            Effect.catchTag("Forbidden", () => Effect.succeed(false))
          )
          return new JsonAllowed({ allowed })
        })
      )
      .handle("tier", ({ path }) => permitted(path.organization, "view").pipe(Effect.map(toJsonTier)))
      .handle("setTier", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* access.admin(yield* CurrentActor)
          const org = yield* organizations.get(path.organization)
          return toJsonTier(yield* organizations.setLevel(org.id, payload.level))
        })
      )
      .handle("usage", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const org = yield* permitted(path.organization, "manage")
          const now = yield* Clock.currentTimeMillis
          const end = urlParams.end === undefined ? now : parseTime(urlParams.end)
          const start = urlParams.start === undefined ? end - DEFAULT_USAGE_PERIOD : parseTime(urlParams.start)
          if (!(start <= end)) return yield* new BadRequest({ message: "start must not be after end" })
          const summary = yield* usage.summary({ organizationId: org.id, start, end })
          return new JsonUsage({
            organization: org.uuid,
            kind: org.level === "free" ? "self_hosted_free" : "self_hosted_licensed",
            start_time: toIso(start),
            end_time: toIso(end),
            runner_minutes: summary.runnerMinutes,
            metrics: summary.metrics
          })
        })
      )
  })
)
