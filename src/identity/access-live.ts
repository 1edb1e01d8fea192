import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { Forbidden, NotFound, Unauthorized } from "../domain/errors.js"
import {
  Access,
  type OrganizationPermission,
  type ProjectPermission,
  type ProjectRef,
  type UserPermission
} from "./access.js"
import type { Actor, UserActor } from "../domain/actor.js"

/** Project roles as ranks: viewer < developer < maintainer (docs/reference.md §6). */
const RANK = { none: 0, viewer: 1, developer: 2, maintainer: 3 } as const
const projectRoleRank = (role: string | undefined): number =>
  role === "maintainer"
    ? RANK.maintainer
    : role === "developer"
      ? RANK.developer
      : role === "viewer"
        ? RANK.viewer
        : RANK.none

const NEEDED: Readonly<Record<ProjectPermission, number>> = {
  view: RANK.viewer,
  inspect: RANK.viewer,
  run: RANK.developer,
  create: RANK.developer,
  edit: RANK.developer,
  delete: RANK.developer,
  manage: RANK.maintainer
}

// One message per outcome, never naming which part of a credential or which role was missing.
const unauthorized = () => new Unauthorized({ message: "Authentication required" })
const forbidden = () => new Forbidden({ message: "Permission denied" })
const notFound = (what: string) => new NotFound({ message: `${what} not found` })

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const organizationRole = (userId: number, organizationId: number) =>
    sql<{
      role: string
    }>`SELECT role FROM organization_role WHERE user_id = ${userId} AND organization_id = ${organizationId}`.pipe(
      Effect.map((rows) => rows[0]?.role),
      Effect.orDie
    )

  /** Org leaders are maintainers and org members viewers of every project in the organization. */
  const projectRank = (userId: number, project: ProjectRef) =>
    Effect.gen(function* () {
      const rows = yield* sql<{
        role: string
      }>`SELECT role FROM project_role WHERE user_id = ${userId} AND project_id = ${project.id}`.pipe(Effect.orDie)
      const own = projectRoleRank(rows[0]?.role)
      const org = yield* organizationRole(userId, project.organizationId)
      const inherited = org === "leader" ? RANK.maintainer : org === "member" ? RANK.viewer : RANK.none
      return Math.max(own, inherited)
    })

  const unclaimed = (organizationId: number) =>
    sql<{
      n: number
    }>`SELECT count(*) AS n FROM organization WHERE id = ${organizationId} AND claimed IS NULL AND deleted IS NULL`.pipe(
      Effect.map((rows) => (rows[0]?.n ?? 0) > 0),
      Effect.orDie
    )

  const project = (actor: Actor, ref: ProjectRef, permission: ProjectPermission) =>
    Effect.gen(function* () {
      const isPublic = ref.visibility === "public"
      const publicRead = isPublic && permission === "view"
      switch (actor._tag) {
        case "Anonymous": {
          if (publicRead) return
          // Anyone may run on a project nobody has claimed yet; once claimed, a run needs credentials.
          if (permission === "run" && (yield* unclaimed(ref.organizationId))) return
          return yield* isPublic ? unauthorized() : notFound("Project")
        }
        case "ProjectKey": {
          if (actor.projectId === ref.id) {
            if (permission === "view" || permission === "inspect" || permission === "run") return
            return yield* forbidden()
          }
          if (publicRead) return
          return yield* isPublic ? forbidden() : notFound("Project")
        }
        case "User": {
          if (actor.admin) return
          const rank = yield* projectRank(actor.userId, ref)
          if (rank >= NEEDED[permission] || publicRead) return
          return yield* isPublic || rank > RANK.none ? forbidden() : notFound("Project")
        }
      }
    })

  const organization = (actor: Actor, organizationId: number, permission: OrganizationPermission) =>
    Effect.gen(function* () {
      switch (actor._tag) {
        case "Anonymous":
          return yield* unauthorized()
        case "ProjectKey":
          return yield* forbidden()
        case "User": {
          if (actor.admin) return
          const role = yield* organizationRole(actor.userId, organizationId)
          if (role === "leader" || (role === "member" && permission === "view")) return
          return yield* role === undefined ? notFound("Organization") : forbidden()
        }
      }
    })

  const requireUser = (actor: Actor): Effect.Effect<UserActor, Forbidden | Unauthorized> =>
    actor._tag === "User"
      ? Effect.succeed(actor)
      : actor._tag === "Anonymous"
        ? Effect.fail(unauthorized())
        : Effect.fail(forbidden())

  const admin = (actor: Actor) =>
    requireUser(actor).pipe(Effect.flatMap((user) => (user.admin ? Effect.void : Effect.fail(forbidden()))))

  const user = (actor: Actor, userId: number, permission: UserPermission) =>
    requireUser(actor).pipe(
      Effect.flatMap((self) =>
        self.admin || (self.userId === userId && permission !== "administer") ? Effect.void : Effect.fail(forbidden())
      )
    )

  return { project, organization, admin, user, requireUser }
})

/** The real RBAC of docs/reference.md §6 with public/private visibility and unclaimed projects. */
export const AccessLive = Layer.effect(Access, make)
