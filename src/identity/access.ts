import { Context, Effect, Layer } from "effect"
import { type Forbidden, type NotFound, Unauthorized } from "../domain/errors.js"
import type { Actor, UserActor } from "../domain/actor.js"

/**
 * `view` is every read (anyone on a public project). `inspect` is what the public never sees, such as a job's
 * config and output: any project role, an organization member, or the project's own key. `run` is `bencher run`
 * (a report, and on an unclaimed project an unauthenticated run): developers and up and the project's own keys.
 * create/edit/delete are developer writes; manage is maintainer (visibility, project keys, roles).
 */
export type ProjectPermission = "view" | "inspect" | "run" | "create" | "edit" | "delete" | "manage"
export type OrganizationPermission = "view" | "create" | "edit" | "delete" | "manage"
export type UserPermission = "view" | "edit" | "administer"

export interface ProjectRef {
  readonly id: number
  readonly organizationId: number
  readonly visibility: "public" | "private"
}

/**
 * The one place permission is decided (docs/reference.md §6 RBAC). Handlers call it; they never inspect roles.
 * Missing credentials where some are needed: Unauthorized (401). A private project, an organization or a user the
 * actor cannot see: NotFound (404), so existence is not revealed. Visible but not allowed: Forbidden (403).
 */
export class Access extends Context.Tag("bencher/identity/Access")<
  Access,
  {
    readonly project: (
      actor: Actor,
      project: ProjectRef,
      permission: ProjectPermission
    ) => Effect.Effect<void, Forbidden | NotFound | Unauthorized>
    readonly organization: (
      actor: Actor,
      organizationId: number,
      permission: OrganizationPermission
    ) => Effect.Effect<void, Forbidden | NotFound | Unauthorized>
    readonly admin: (actor: Actor) => Effect.Effect<void, Forbidden | Unauthorized>
    /** Acting on a user account or its keys: the user themself, or an admin (`administer` is admin only). */
    readonly user: (
      actor: Actor,
      userId: number,
      permission: UserPermission
    ) => Effect.Effect<void, Forbidden | Unauthorized>
    /** The signed-in user, for actions only a person may take (create an organization, claim one). */
    readonly requireUser: (actor: Actor) => Effect.Effect<UserActor, Forbidden | Unauthorized>
  }
>() {}

/**
 * Every permission granted: for tests of other domains that do not exercise permissions. Only `requireUser`
 * still needs a signed-in user, since there is nobody else to act as.
 */
export const AccessOpen = Layer.succeed(Access, {
  project: () => Effect.void,
  organization: () => Effect.void,
  admin: () => Effect.void,
  user: () => Effect.void,
  requireUser: (actor) =>
    actor._tag === "User"
      ? Effect.succeed(actor)
      : Effect.fail(new Unauthorized({ message: "Authentication required" }))
})
